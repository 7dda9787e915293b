"""The Polish catalog is complete, its placeholders match, and the compiled .mo is current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from bokdesk import i18n

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("bokdesk_i18n_tool", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_polish_translation_and_the_mo_is_current():
    tool = _tool()
    assert len(tool.template()) > 300
    assert tool.problems("pl") == []


def test_polish_plural_forms_and_formats():
    i18n.set_language("pl")
    forms = [i18n.ngettext("… {n} quoted line", "… {n} quoted lines", n).format(n=n) for n in (1, 3, 5, 22)]
    assert forms == ["… 1 linia cytatu", "… 3 linie cytatu", "… 5 linii cytatu", "… 22 linie cytatu"]
    assert i18n.format_duration(2 * 3600 + 600) == "2 godz. 10 min"
    assert i18n.format_duration(-(26 * 3600), compact=True) == "−1d 2g"
    assert i18n.format_number(1234) == "1234" and i18n.format_number(12345) == "12\u00a0345"
    i18n.set_language("en")
    assert i18n.format_duration(2 * 3600 + 600) == "2 h 10 min"
    assert i18n.format_number(12345) == "12,345"


def test_dates_follow_the_language():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)
    warsaw = ZoneInfo("Europe/Warsaw")
    i18n.set_language("pl")
    assert i18n.format_datetime(moment, warsaw) == "24.11.2026, 14:30"
    i18n.set_language("en")
    assert i18n.format_datetime(moment, warsaw) == "24/11/2026, 14:30"


def test_core_modules_of_the_console_do_not_import_textual():
    code = (
        "import sys; import bokdesk.core.search, bokdesk.core.kpi, bokdesk.core.paging, bokdesk.i18n; "
        "assert 'textual' not in sys.modules and 'rich' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_mo_check_compares_messages_not_bytes():
    """A .mo from another Babel release (another header) is current; a changed message is not."""
    from babel.messages.pofile import read_po

    tool = _tool()
    with tool.po_path("pl").open("rb") as fh:
        catalog = read_po(fh, locale="pl")
    current = tool.mo_bytes(catalog)
    reheaded = current.replace(b"Generated-By: Babel", b"Generated-By: Other")
    assert reheaded != current
    assert tool.mo_messages(reheaded) == tool.mo_messages(current)
    message = next(m for m in catalog if m.id and isinstance(m.id, str) and m.string)
    message.string = message.string + "!"
    assert tool.mo_messages(tool.mo_bytes(catalog)) != tool.mo_messages(current)
