#!/usr/bin/env python3
"""Translation catalogs of the console: extract, update, compile, check.

    python scripts/i18n.py extract   # src/bokdesk/locale/bokdesk.pot from the code
    python scripts/i18n.py update    # extract, then merge new messages into every .po
    python scripts/i18n.py compile   # .po -> .mo
    python scripts/i18n.py check     # exit 1 if a message lacks a translation or a .mo is stale

Messages are marked in the code with ``_()``, ``N_()``, ``ngettext()`` and ``pgettext()`` from
``bokdesk.i18n``; the catalogs use Babel's ``babel.messages`` API (the same as ``pybabel``).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "bokdesk"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "bokdesk.pot"
LANGUAGES = ("pl",)
SOURCES = ("ui", "i18n.py", "core/explain", "core/notices.py", "core/error_messages.py")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def _included(filename: str) -> bool:
    return any(filename == s or filename.startswith(s + "/") for s in SOURCES)


def template() -> Catalog:
    """Every message marked in the console's code."""
    catalog = Catalog(
        project="bokdesk",
        version=_version(),
        msgid_bugs_address="",
        copyright_holder="bokdesk",
        charset="utf-8",
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        if not _included(filename):
            continue
        catalog.add(
            message, None, [(f"src/bokdesk/{filename}", lineno)], auto_comments=comments, context=context
        )
    return catalog


def _version() -> str:
    namespace: dict[str, str] = {}
    exec((PACKAGE / "__init__.py").read_text(), namespace)  # noqa: S102 - our own file: __version__
    return namespace.get("__version__", "0")


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "bokdesk.po"


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _write_po(path: Path, catalog: Catalog, *, omit_header: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(
            fh,
            catalog,
            width=100,
            sort_output=False,
            omit_header=omit_header,
            ignore_obsolete=True,
            include_previous=False,
        )


def extract() -> Catalog:
    catalog = template()
    _write_po(TEMPLATE, catalog)
    print(f"{TEMPLATE.relative_to(ROOT)}: {len(catalog)} messages")
    return catalog


def update() -> None:
    pot = extract()
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=language)
        else:
            catalog = Catalog(locale=language, project="bokdesk", charset="utf-8")
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.fuzzy = False  # the header: a fuzzy header would drop Plural-Forms from the .mo
        catalog.project, catalog.version = "bokdesk", _version()
        catalog.copyright_holder = "bokdesk"
        catalog.language_team = "Polish <bokdesk>"
        _write_po(path, catalog)
        missing = [m.id for m in catalog if m.id and not _translated(m)]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} to translate")


def compile_all() -> None:
    for language in LANGUAGES:
        path = po_path(language)
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        path.with_suffix(".mo").write_bytes(mo_bytes(catalog))
        print(f"{path.with_suffix('.mo').relative_to(ROOT)} written")


def _translated(message: object) -> bool:
    string = message.string  # type: ignore[attr-defined]
    if getattr(message, "fuzzy", False):
        return False
    if isinstance(string, tuple | list):
        return all(s.strip() for s in string)
    return bool(string and string.strip())


def problems(language: str) -> list[str]:
    """What is wrong with one language's catalog (empty when complete and compiled)."""
    found: list[str] = []
    path = po_path(language)
    if not path.exists():
        return [f"{path} is missing"]
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    for message in template():
        if not message.id:
            continue
        have = catalog.get(message.id, context=message.context)
        if have is None or not _translated(have):
            found.append(f"{language}: no translation for {message.id!r} (context {message.context!r})")
            continue
        for original, translated in _pairs(message.id, have.string):
            wanted = _placeholders(original)
            if _placeholders(translated) != wanted:
                found.append(f"{language}: placeholders differ in {original!r}: {translated!r}")
    if catalog.fuzzy:
        found.append(f"{path}: the header is marked fuzzy (the .mo would lose Plural-Forms)")
    mo = path.with_suffix(".mo")
    if not mo.exists() or mo_messages(mo.read_bytes()) != mo_messages(mo_bytes(catalog)):
        found.append(f"{mo} is missing or older than {path.name}; run: python scripts/i18n.py compile")
    return found


def mo_messages(data: bytes) -> dict[object, object]:
    """The messages a compiled catalog holds, without its header.

    Two compilations of one ``.po`` differ in their header (``Generated-By`` names the Babel
    release), so a ``.mo`` is current when its messages are, not its bytes.
    """
    import gettext

    translations = gettext.GNUTranslations(io.BytesIO(data))
    catalog = dict(translations._catalog)  # type: ignore[attr-defined]  # gettext keeps no public view
    catalog.pop("", None)
    plural = translations.plural  # type: ignore[attr-defined]
    return {**catalog, "Plural-Forms": [plural(n) for n in range(200)]}


def _pairs(msgid: object, msgstr: object) -> list[tuple[str, str]]:
    if isinstance(msgid, tuple | list):
        plural = msgid[1]
        strings = list(msgstr) if isinstance(msgstr, tuple | list) else [msgstr]
        return [(msgid[0] if i == 0 else plural, s) for i, s in enumerate(strings)]
    return [(str(msgid), str(msgstr))]


def _placeholders(text: str) -> set[str]:
    import string

    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = [p for language in LANGUAGES for p in problems(language)]
        for problem in found:
            print(problem)
        print("catalogs complete" if not found else f"{len(found)} problem(s)")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
