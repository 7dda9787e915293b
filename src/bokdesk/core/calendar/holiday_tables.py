"""Public holidays: each year's table from the ``holidays`` package, and the cached tables that
spare later starts importing it."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from .hours import CalendarConfigError

HOLIDAY_CACHE_YEARS = 10  # a cached holiday table covers this many years either side of the current one
_HOLIDAY_CACHE_FORMAT = 1
_CACHE_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z_]{1,11}$")


def build_year(country: str, language: str | None, year: int) -> dict[date, str]:
    """One year's public holidays from the ``holidays`` package (imported here, when needed)."""
    import holidays as holidays_lib

    table = holidays_lib.country_holidays(country, years=year, language=language)
    return {d: name for d, name in table.items() if d.year == year}


def check_country(country: str, language: str | None) -> tuple[str, str | None]:
    """Return the normalised country code and the language to name its holidays in."""
    import holidays as holidays_lib

    code = country.upper() if isinstance(country, str) else country
    try:
        probe = holidays_lib.country_holidays(code)
    except (NotImplementedError, KeyError, TypeError, AttributeError):
        raise CalendarConfigError("calendar_unknown_country", value=country) from None
    if language is None:
        return code, probe.default_language
    if language not in probe.supported_languages:
        raise CalendarConfigError("calendar_language_unavailable", value=language, country=code)
    return code, language


def holiday_cache_dir() -> Path:
    """Where the CLI and the console keep holiday tables: the user's cache directory."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bokdesk")) / "holidays"


def _holidays_version() -> str | None:
    """The installed ``holidays`` package's version, found without importing it: the name of its
    ``holidays-<version>.dist-info`` beside the package (None when that is not unambiguous)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("holidays")
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        found = [p.name for p in Path(locations[0]).parent.glob("holidays-*.dist-info")] if locations else []
    except (OSError, ImportError, ValueError):
        return None
    if len(found) != 1:
        return None
    return found[0][len("holidays-") : -len(".dist-info")]


def _holiday_cache_file(directory: Path | None, country: str, language: str | None) -> Path | None:
    """The cache file of a country and requested language (None: no cache for these)."""
    if directory is None or not isinstance(country, str) or not isinstance(language, str | None):
        return None
    if not _CACHE_NAME_RE.match(country) or not _CACHE_NAME_RE.match(language or "default"):
        return None
    version = _holidays_version()
    if version is None or not re.fullmatch(r"[0-9A-Za-z.+_-]{1,40}", version):
        return None
    return directory / f"{country.upper()}-{language or 'default'}-holidays-{version}.json"


def read_holiday_cache(
    directory: Path | None, country: str, language: str | None
) -> tuple[str, str | None, dict[int, dict[date, str]]] | None:
    """(country, language, holidays by year) from a cache file that covers last year to the year
    after next; None when there is none, it is unreadable, or it is out of date."""
    path = _holiday_cache_file(directory, country, language)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _HOLIDAY_CACHE_FORMAT:
            return None
        code, lang, first, last = data["country"], data["language"], int(data["first"]), int(data["last"])
        this_year = date.today().year
        if not (isinstance(code, str) and (lang is None or isinstance(lang, str))) or not (
            first <= this_year - 1 and this_year + 2 <= last
        ):
            return None
        years: dict[int, dict[date, str]] = {year: {} for year in range(first, last + 1)}
        for text, name in data["days"].items():
            day = date.fromisoformat(text)
            if not isinstance(name, str) or day.year not in years:
                return None
            years[day.year][day] = name
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return code, lang, years


def write_holiday_cache(directory: Path, requested_language: str | None, table: dict[str, Any]) -> None:
    """Keep a holiday table for later starts; a cache that cannot be written is simply not kept."""
    path = _holiday_cache_file(directory, table["country"], requested_language)
    if path is None:
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary.write_text(
            json.dumps({"format": _HOLIDAY_CACHE_FORMAT, **table}, ensure_ascii=False), encoding="utf-8"
        )
        os.replace(temporary, path)  # atomic: a reader sees the old file or the whole new one
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
