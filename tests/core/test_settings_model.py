"""The settings model: documented, in step with the code it configures, cheap to build."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import typing
from dataclasses import fields, replace
from pathlib import Path

import pytest

from bokdesk import i18n
from bokdesk.core import calendar
from bokdesk.core.enums import View
from bokdesk.core.settings import (
    CalendarSettings,
    HoursSettings,
    ImapSettings,
    MailSettings,
    SettingError,
    Settings,
    UiSettings,
    build,
)
from bokdesk.core.settings.base import field_types, table_class
from bokdesk.core.settings.check import check

ROOT = Path(__file__).resolve().parents[2]


def doc_tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "bokdesk_settings_doc", ROOT / "scripts" / "settings_doc.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tables(cls: type = Settings) -> list[type]:
    found = [cls]
    types = field_types(cls)
    for f in fields(cls):  # type: ignore[arg-type]
        inner = table_class(types[f.name])
        if inner is not None:
            found += tables(inner)
    return found


def test_every_table_and_setting_has_a_docstring():
    tool = doc_tool()
    for cls in tables():
        assert cls.__doc__, cls
        docs = tool.field_docs(cls)
        missing = [f.name for f in fields(cls) if not docs.get(f.name)]
        assert not missing, f"{cls.__name__}: {missing}"


def test_docs_configuration_md_is_current():
    assert doc_tool().main(["settings_doc.py", "--check"]) == 0, "run python scripts/settings_doc.py"


def test_choices_match_the_code_they_configure():
    start_view = field_types(UiSettings)["start_view"]
    assert set(typing.get_args(start_view)) == {v.value for v in View}
    language = typing.get_args(field_types(UiSettings)["language"])[0]
    assert typing.get_args(language) == i18n.SUPPORTED
    assert tuple(f.name for f in fields(HoursSettings)) == calendar.WEEKDAY_KEYS  # type: ignore[arg-type]


def test_the_calendar_reads_what_the_settings_give_it():
    cal = build(CalendarSettings, {"hours": {"sat": "09:00-14:00", "sun": ""}, "days_off": ["2026-12-31"]})
    table = check(cal, ("calendar",)).as_table()
    assert table["hours"] == {"sat": "09:00-14:00", "sun": ""}
    business = calendar.BusinessCalendar.from_config(table)
    assert business.extra_days_off == {__import__("datetime").date(2026, 12, 31)}
    assert calendar.BusinessCalendar.from_config(CalendarSettings().as_table()).holiday_country == "PL"


def test_settings_are_read_only_and_keep_secrets_out_of_repr():
    mail = build(MailSettings, {"imap": {"host": "imap.example", "password": "tajne-hasło"}})
    assert "tajne" not in repr(mail) and mail.imap is not None and mail.imap.password == "tajne-hasło"
    with pytest.raises(AttributeError):
        mail.team = "BOK"  # type: ignore[misc]
    assert replace(mail, team="BOK").team == "BOK" and mail.team is None
    assert build(Settings, {}) == Settings() and Settings() != build(Settings, {"ui": {"theme": "nord"}})


def test_checking_gives_the_values_their_types():
    checked = check(
        build(Settings, {"ui": {"poll_interval": 1}, "mail": {"imap": {"host": "h", "timeout": 5}}})
    )
    assert checked.ui.poll_interval == 1.0 and isinstance(checked.ui.poll_interval, float)
    assert isinstance(checked.mail.imap, ImapSettings) and checked.mail.imap.timeout == 5.0


def test_a_problem_names_the_key_for_the_file_to_be_found():
    with pytest.raises(SettingError) as err:
        check(build(Settings, {"mail": {"smtp": {"host": "h", "max_attempts": 0}}}))
    assert err.value.key == ("mail", "smtp", "max_attempts")
    with pytest.raises(SettingError) as err:
        build(Settings, {"keys": {"queue": {"take": "g"}}, "calendar": {"hours": {"monday": "8:00-9:00"}}})
    assert err.value.key == ("calendar", "hours", "monday")


def test_reading_the_files_unchecked_does_not_import_pydantic(tmp_path):
    """The fast start reads its settings before its first frame: pydantic waits for the desk."""
    (tmp_path / "bokdesk").mkdir()
    (tmp_path / "bokdesk" / "config.toml").write_text("[ui]\nlanguage = 'pl'\n[keys]\n'queue.take' = 'g'\n")
    code = (
        "import sys; from bokdesk.core.config import load_config; cfg = load_config(check=False); "
        "assert cfg.unchecked.ui.language == 'pl', cfg; "
        "assert not [m for m in sys.modules if m.startswith(('pydantic', 'annotated_types'))]"
    )
    env = {"XDG_CONFIG_DIRS": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "none"), "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
