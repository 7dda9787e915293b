"""The cached holiday table: same holidays as the ``holidays`` package, without importing it.

A calendar given a cache directory writes its country's table (the years around this one) once;
later calendars read it and never import the package, which is what keeps it out of the console's
memory. Every answer must be the package's own answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from bokdesk.core.calendar import (
    HOLIDAY_CACHE_YEARS,
    BusinessCalendar,
    CalendarConfigError,
    holiday_cache_dir,
)

THIS_YEAR = date.today().year


def every_day(first_year: int, last_year: int) -> list[date]:
    day, end = date(first_year, 1, 1), date(last_year, 12, 31)
    out = []
    while day <= end:
        out.append(day)
        day += timedelta(days=1)
    return out


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json")) if directory.is_dir() else []


@pytest.mark.parametrize(
    ("country", "language"),
    [("PL", None), ("pl", "en_US"), ("DE", None), ("US", None), ("GB", None), ("POL", None), ("CZ", "en_US")],
)
def test_cached_table_answers_as_the_package(tmp_path: Path, country: str, language: str | None) -> None:
    cfg = {"holidays": country, "holiday_language": language} if language else {"holidays": country}
    plain = BusinessCalendar.from_config(cfg)
    first = BusinessCalendar.from_config(cfg, holiday_cache=tmp_path)
    (written,) = cache_files(tmp_path)
    data = json.loads(written.read_text(encoding="utf-8"))
    assert (data["first"], data["last"]) == (THIS_YEAR - HOLIDAY_CACHE_YEARS, THIS_YEAR + HOLIDAY_CACHE_YEARS)
    assert data["days"], "a country without a single public holiday in 21 years"
    cached = BusinessCalendar.from_config(cfg, holiday_cache=tmp_path)
    assert cached._holiday_cache, "the second calendar did not read the file"
    assert cached == plain == first
    assert (cached.holiday_country, cached._language) == (plain.holiday_country, plain._language)
    # Every day of the cached span, and years outside it (built from the package on demand).
    days = every_day(THIS_YEAR - HOLIDAY_CACHE_YEARS, THIS_YEAR + HOLIDAY_CACHE_YEARS) + every_day(1995, 1996)
    days += every_day(THIS_YEAR + HOLIDAY_CACHE_YEARS + 5, THIS_YEAR + HOLIDAY_CACHE_YEARS + 5)
    assert [cached.holiday_name(d) for d in days] == [plain.holiday_name(d) for d in days]


def test_polish_names_and_christmas_eve_from_the_cache(tmp_path: Path) -> None:
    BusinessCalendar.from_config(None, holiday_cache=tmp_path)
    cal = BusinessCalendar.from_config(None, holiday_cache=tmp_path)
    assert cal._holiday_cache
    assert cal.holiday_name(date(2026, 11, 11)) == "Narodowe Święto Niepodległości"
    assert cal.holiday_name(date(2026, 12, 24)) == "Wigilia Bożego Narodzenia"
    assert not cal.is_working_day(date(2026, 12, 24))
    assert cal.is_working_day(date(2026, 12, 23))


def test_a_warm_cache_never_imports_the_package(tmp_path: Path) -> None:
    probe = textwrap.dedent(
        f"""
        import sys
        from datetime import date
        from pathlib import Path
        from bokdesk.core.calendar import BusinessCalendar
        cal = BusinessCalendar.from_config({{"holidays": "PL"}}, holiday_cache=Path({str(tmp_path)!r}))
        assert cal.holiday_name(date({THIS_YEAR}, 11, 11)) == "Narodowe Święto Niepodległości"
        print(sorted(name for name in sys.modules if name.split(".")[0] == "holidays"))
        """
    )

    def loaded() -> str:
        run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        return run.stdout.strip()

    assert loaded() != "[]"  # cold: the package builds the table (and the file is written)
    assert cache_files(tmp_path)
    assert loaded() == "[]"  # warm: read from the file


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: "{not json",
        lambda data: json.dumps({**data, "format": 99}),
        lambda data: json.dumps({**data, "last": THIS_YEAR}),  # does not reach next year
        lambda data: json.dumps({**data, "days": {"2026-02-30": "x"}}),
        lambda data: json.dumps({**data, "days": {f"{THIS_YEAR}-01-01": 5}}),
        lambda data: json.dumps({k: v for k, v in data.items() if k != "country"}),
    ],
)
def test_a_damaged_or_old_file_is_built_again(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    BusinessCalendar.from_config(None, holiday_cache=tmp_path)
    (path,) = cache_files(tmp_path)
    good = path.read_text(encoding="utf-8")
    path.write_text(damage(json.loads(good)), encoding="utf-8")
    cal = BusinessCalendar.from_config(None, holiday_cache=tmp_path)
    assert cal.holiday_name(date(THIS_YEAR, 11, 11)) == "Narodowe Święto Niepodległości"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(good)  # written again, whole


def test_file_is_keyed_by_country_language_and_package_version(tmp_path: Path) -> None:
    import holidays

    BusinessCalendar.from_config({"holidays": "pl"}, holiday_cache=tmp_path)
    BusinessCalendar.from_config({"holidays": "PL", "holiday_language": "en_US"}, holiday_cache=tmp_path)
    BusinessCalendar.from_config({"holidays": "DE"}, holiday_cache=tmp_path)
    names = [p.name for p in cache_files(tmp_path)]
    version = holidays.__version__
    assert names == sorted(
        [
            f"DE-default-holidays-{version}.json",
            f"PL-default-holidays-{version}.json",
            f"PL-en_US-holidays-{version}.json",
        ]
    )
    # A file another version of the package wrote is not read.
    path = tmp_path / f"PL-default-holidays-{version}.json"
    stale = tmp_path / "PL-default-holidays-0.0.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["days"] = {}
    stale.write_text(json.dumps(data), encoding="utf-8")
    path.unlink()
    cal = BusinessCalendar.from_config(None, holiday_cache=tmp_path)
    assert cal.is_holiday(date(THIS_YEAR, 1, 1))


def test_errors_are_the_same_and_write_nothing(tmp_path: Path) -> None:
    with pytest.raises(CalendarConfigError, match="unknown country 'XX'"):
        BusinessCalendar.from_config({"holidays": "XX"}, holiday_cache=tmp_path)
    with pytest.raises(CalendarConfigError, match="'fr' not available for PL"):
        BusinessCalendar.from_config({"holiday_language": "fr"}, holiday_cache=tmp_path)
    assert cache_files(tmp_path) == []
    BusinessCalendar.from_config(None, holiday_cache=tmp_path)
    # A cached PL table does not make a bad language for PL acceptable.
    with pytest.raises(CalendarConfigError, match="'fr' not available for PL"):
        BusinessCalendar.from_config({"holiday_language": "fr"}, holiday_cache=tmp_path)


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    cal = BusinessCalendar.from_config(None, holiday_cache=blocked / "holidays")
    assert cal.is_holiday(date(THIS_YEAR, 1, 1))
    if os.geteuid() != 0:  # root writes anywhere
        readonly = tmp_path / "ro"
        readonly.mkdir(mode=0o500)
        cal = BusinessCalendar.from_config(None, holiday_cache=readonly)
        assert cal.is_holiday(date(THIS_YEAR, 1, 1))
        assert cache_files(readonly) == []


def test_no_holidays_needs_no_cache(tmp_path: Path) -> None:
    cal = BusinessCalendar.from_config({"holidays": ""}, holiday_cache=tmp_path)
    assert not cal.is_holiday(date(THIS_YEAR, 1, 1))
    assert cache_files(tmp_path) == []


def test_the_cli_keeps_it_in_the_user_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bokdesk.cli.context import desk_from_config
    from bokdesk.core.config import load_config

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    assert holiday_cache_dir() == tmp_path / "cache" / "bokdesk" / "holidays"
    desk = desk_from_config(load_config(None, str(tmp_path / "desk.db")))
    try:
        assert [p.name.split("-")[:2] for p in cache_files(holiday_cache_dir())] == [["PL", "default"]]
        assert desk.calendar.is_holiday(date(THIS_YEAR, 1, 1))
    finally:
        desk.store.dispose()
