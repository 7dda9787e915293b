"""Business-time arithmetic: opening hours, public holidays and days off in the desk's time zone.

Pure stdlib + ``holidays``; no database, no UI. Every datetime passed in or returned is **naive UTC**
(the store keeps naive UTC); local time exists only inside this module.

Public holidays come from the ``holidays`` package, imported only when a table must be built:
importing it and building one country's table loads every country's module (about 12 MiB of a
console's memory and 100 ms). A calendar given a ``holiday_cache`` directory (the CLI and the
console use the user's cache directory) keeps the table of its country and language for the years
around this one in a small file, keyed by the package's version, and reads that file on later
starts without importing the package; years outside it are built from the package as before.

Daylight saving is left to ``zoneinfo``: an open interval is mapped to real UTC instants, so a
00:00-24:00 day is 23 h or 25 h long on the change days while 08:00-16:00 stays 8 h. A wall time
repeated by the autumn change means its first occurrence; a wall time skipped by the spring change
means the moment of the jump.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_HOURS",
    "WEEKDAY_KEYS",
    "BusinessCalendar",
    "CalendarConfigError",
    "calendar_seconds",
]

Interval = tuple[time, time]
"""An open interval in local wall time; an end of ``time(0)`` means 24:00 (midnight after)."""

WEEKDAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIDNIGHT = time(0)
DEFAULT_TIMEZONE = "Europe/Warsaw"
DEFAULT_HOLIDAY_COUNTRY = "PL"
DEFAULT_HOURS: dict[int, list[Interval]] = {wd: [(time(8), time(16))] for wd in range(5)}

_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)
_ZERO = timedelta(0)
_MAX_CLOSED_RUN = 3660  # consecutive closed days before we give up looking for an opening
_DAY_CACHE_LIMIT = 8192
_CONFIG_KEYS = frozenset({"timezone", "holidays", "holiday_language", "days_off", "working_days", "hours"})
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
HOLIDAY_CACHE_YEARS = 10  # a cached holiday table covers this many years either side of the current one
_HOLIDAY_CACHE_FORMAT = 1
_CACHE_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z_]{1,11}$")


class CalendarConfigError(ValueError):
    """The ``[calendar]`` configuration (or a calendar built by hand) is invalid."""


def calendar_seconds(start_utc: datetime, end_utc: datetime) -> int:
    """Whole wall-clock seconds from start to end; 0 if end is not after start."""
    return max(0, (end_utc - start_utc) // _ONE_SECOND)


@dataclass(frozen=True)
class BusinessCalendar:
    """A desk's opening hours, time zone, public holidays and own days off."""

    tz: ZoneInfo
    hours: dict[int, list[Interval]] = field(hash=False)
    holiday_country: str | None = DEFAULT_HOLIDAY_COUNTRY
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    holiday_language: str | None = None
    """Language of holiday names; None = the country's own language (Polish for PL)."""
    holiday_cache: Path | None = field(default=None, repr=False, compare=False, hash=False)
    """Directory of cached holiday tables (see the module's docstring); None builds them in memory."""

    _week: tuple[tuple[Interval, ...], ...] = field(
        init=False, repr=False, compare=False, hash=False, default=()
    )
    _nominal: tuple[timedelta, ...] = field(init=False, repr=False, compare=False, hash=False, default=())
    _language: str | None = field(init=False, repr=False, compare=False, hash=False, default=None)
    _holiday_cache: dict[int, dict[date, str]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _day_cache: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    # ------------------------------------------------------------------ construction

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            raise CalendarConfigError(f"calendar.timezone: expected a ZoneInfo, got {self.tz!r}")
        week = _normalise_week(self.hours)
        _set(self, "hours", {wd: list(ivs) for wd, ivs in enumerate(week) if ivs})
        _set(self, "_week", week)
        _set(self, "_nominal", tuple(sum((_length(iv) for iv in ivs), _ZERO) for ivs in week))
        _set(self, "extra_days_off", frozenset(self.extra_days_off))
        _set(self, "extra_working_days", frozenset(self.extra_working_days))
        both = self.extra_days_off & self.extra_working_days
        if both:
            day = min(both).isoformat()
            raise CalendarConfigError(f"calendar: {day} is both a day off and a working day")
        if self.holiday_country is not None:
            cached = _read_holiday_cache(self.holiday_cache, self.holiday_country, self.holiday_language)
            if cached is not None:
                country, language, years = cached
                self._holiday_cache.update(years)
            else:
                country, language = _check_country(self.holiday_country, self.holiday_language)
            _set(self, "holiday_country", country)
            _set(self, "_language", language)
            if cached is None and self.holiday_cache is not None:
                _write_holiday_cache(self.holiday_cache, self.holiday_language, self._cacheable_years())

    @classmethod
    def from_config(
        cls, cfg: Mapping[str, Any] | None, *, holiday_cache: Path | None = None
    ) -> BusinessCalendar:
        """Build a calendar from the parsed TOML ``[calendar]`` table; missing keys get defaults.

        Defaults: Europe/Warsaw, Polish public holidays, Mon-Fri 08:00-16:00, Sat/Sun closed.
        A weekday missing from ``[calendar.hours]`` keeps its default; ``sun = ""`` closes it.
        ``holiday_cache``: a directory for the cached holiday table (``holiday_cache_dir()``).
        """
        if cfg is None:
            cfg = {}
        if not isinstance(cfg, Mapping):
            raise CalendarConfigError(f"calendar: expected a table, got {cfg!r}")
        unknown = sorted(set(cfg) - _CONFIG_KEYS)
        if unknown:
            raise CalendarConfigError(f"calendar: unknown key {unknown[0]!r}")
        language = cfg.get("holiday_language")
        if language is not None and not isinstance(language, str):
            raise CalendarConfigError(f"calendar.holiday_language: expected text, got {language!r}")
        return cls(
            tz=_parse_timezone(cfg.get("timezone", DEFAULT_TIMEZONE)),
            hours=_parse_hours(cfg.get("hours")),
            holiday_country=_parse_country(cfg.get("holidays", DEFAULT_HOLIDAY_COUNTRY)),
            extra_days_off=_parse_dates("days_off", cfg.get("days_off", [])),
            extra_working_days=_parse_dates("working_days", cfg.get("working_days", [])),
            holiday_language=language or None,
            holiday_cache=holiday_cache,
        )

    # ------------------------------------------------------------------ days

    def is_holiday(self, d: date) -> bool:
        """True if ``d`` is a public holiday of the configured country."""
        return self.holiday_name(d) is not None

    def holiday_name(self, d: date) -> str | None:
        """The public holiday's name on ``d`` (in the holiday language), or None."""
        if self.holiday_country is None:
            return None
        return self._holidays_in(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        """True if the desk opens on ``d`` at all (weekday hours, holidays and days off applied)."""
        if d in self.extra_days_off or not self._week[d.weekday()]:
            return False
        return d in self.extra_working_days or not self.is_holiday(d)

    def open_intervals(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        """The desk's open intervals on local date ``d`` as sorted, non-empty naive-UTC pairs."""
        cached = self._day_cache.get(d)
        if cached is None:
            cached = self._compute_intervals(d)
            if len(self._day_cache) >= _DAY_CACHE_LIMIT:
                self._day_cache.clear()
            self._day_cache[d] = cached
        return cached

    # ------------------------------------------------------------------ instants

    def to_local(self, at_utc: datetime) -> datetime:
        """Naive UTC -> naive local wall time."""
        _check_naive(at_utc)
        return at_utc.replace(tzinfo=UTC).astimezone(self.tz).replace(tzinfo=None)

    def is_open(self, at_utc: datetime) -> bool:
        """True if the desk is open at this instant (intervals are half-open: [start, end))."""
        day = self.to_local(at_utc).date()
        return any(a <= at_utc < b for a, b in self.open_intervals(day))

    def next_open(self, at_utc: datetime) -> datetime:
        """``at_utc`` if the desk is open then, else the start of the next open interval."""
        for a, b in self._intervals_from(at_utc):
            if b > at_utc:
                return max(a, at_utc)
        raise AssertionError("unreachable")  # pragma: no cover

    def business_seconds(self, start_utc: datetime, end_utc: datetime) -> int:
        """Whole seconds of open time in [start, end); 0 if end <= start."""
        first = self.to_local(start_utc).date()
        last = self.to_local(end_utc).date()
        if end_utc <= start_utc:
            return 0
        total = self._clipped(first, start_utc, end_utc)
        if last > first:
            day = first + _ONE_DAY
            while day < last:
                total += self._day_total(day)
                day += _ONE_DAY
            total += self._clipped(last, start_utc, end_utc)
        return total // _ONE_SECOND

    def add_business_seconds(self, start_utc: datetime, seconds: int) -> datetime:
        """Earliest instant t with ``business_seconds(start, t) == seconds``.

        ``seconds == 0`` returns ``start`` itself; otherwise counting begins at the next opening.
        """
        _check_naive(start_utc)
        if seconds < 0:
            raise ValueError(f"seconds must not be negative, got {seconds}")
        if seconds == 0:
            return start_utc
        remaining = timedelta(seconds=seconds)
        day = self.to_local(start_utc).date()
        for a, b in self.open_intervals(day):
            a = max(a, start_utc)
            if b > a:
                if remaining <= b - a:
                    return a + remaining
                remaining -= b - a
        for later in self._open_days_after(day):
            full = self._day_total(later)
            if remaining > full:
                remaining -= full
                continue
            for a, b in self.open_intervals(later):
                if remaining <= b - a:
                    return a + remaining
                remaining -= b - a
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ internals

    def _holidays_in(self, year: int) -> dict[date, str]:
        """Public holidays of one year, built once per year and cached."""
        cached = self._holiday_cache.get(year)
        if cached is None:
            assert self.holiday_country is not None
            cached = _build_year(self.holiday_country, self._language, year)
            self._holiday_cache[year] = cached
        return cached

    def _cacheable_years(self) -> dict[str, Any]:
        """The holiday table of the years around this one, as the cache file keeps it."""
        assert self.holiday_country is not None
        this_year = date.today().year
        first, last = this_year - HOLIDAY_CACHE_YEARS, this_year + HOLIDAY_CACHE_YEARS
        days: dict[str, str] = {}
        for year in range(first, last + 1):
            days.update((d.isoformat(), name) for d, name in sorted(self._holidays_in(year).items()))
        return {
            "country": self.holiday_country,
            "language": self._language,
            "first": first,
            "last": last,
            "days": days,
        }

    def _compute_intervals(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        if not self.is_working_day(d):
            return ()
        out: list[tuple[datetime, datetime]] = []
        for start, end in self._week[d.weekday()]:
            a = self._local_to_utc(datetime.combine(d, start))
            end_day = d + _ONE_DAY if end == MIDNIGHT else d
            b = self._local_to_utc(datetime.combine(end_day, end))
            if b > a:
                out.append((a, b))
        return tuple(out)

    def _local_to_utc(self, local: datetime) -> datetime:
        """Naive local wall time -> naive UTC (first occurrence; a skipped time -> the jump)."""
        utc = local.replace(tzinfo=self.tz, fold=0).astimezone(UTC)
        if utc.astimezone(self.tz).replace(tzinfo=None) == local:
            return utc.replace(tzinfo=None)
        other = local.replace(tzinfo=self.tz, fold=1).astimezone(UTC)
        return self._transition_between(min(utc, other), max(utc, other))

    def _transition_between(self, lo: datetime, hi: datetime) -> datetime:
        """The first whole UTC second in (lo, hi] whose offset differs from lo's (bisection)."""
        base = lo.replace(microsecond=0)
        before = base.astimezone(self.tz).utcoffset()
        low, high = 0, -(-(hi - base) // _ONE_SECOND)
        while high - low > 1:
            mid = (low + high) // 2
            if (base + mid * _ONE_SECOND).astimezone(self.tz).utcoffset() == before:
                low = mid
            else:
                high = mid
        return (base + high * _ONE_SECOND).replace(tzinfo=None)

    def _day_total(self, d: date) -> timedelta:
        """Open time of a whole local day; arithmetic unless the UTC offset changes that day."""
        if not self.is_working_day(d):
            return _ZERO
        midnight = datetime.combine(d, MIDNIGHT)
        if self.tz.utcoffset(midnight) == self.tz.utcoffset(midnight + _ONE_DAY):
            return self._nominal[d.weekday()]
        return sum((b - a for a, b in self.open_intervals(d)), _ZERO)

    def _clipped(self, d: date, start: datetime, end: datetime) -> timedelta:
        """Open time of local day ``d`` that falls inside [start, end)."""
        total = _ZERO
        for a, b in self.open_intervals(d):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += hi - lo
        return total

    def _open_days_after(self, day: date) -> Iterable[date]:
        """Working days after ``day``, in order; raises if the desk never opens again."""
        if not any(self._week):
            raise ValueError("the business calendar has no opening hours")
        closed = 0
        while True:
            day += _ONE_DAY
            if self.is_working_day(day):
                closed = 0
                yield day
            else:
                closed += 1
                if closed > _MAX_CLOSED_RUN:
                    raise ValueError(f"the business calendar never opens after {day.isoformat()}")

    def _intervals_from(self, at_utc: datetime) -> Iterable[tuple[datetime, datetime]]:
        """Open intervals from the local day of ``at_utc`` onwards (endless)."""
        day = self.to_local(at_utc).date()
        yield from self.open_intervals(day)
        for later in self._open_days_after(day):
            yield from self.open_intervals(later)


# ---------------------------------------------------------------------- helpers


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _check_naive(at: datetime) -> None:
    if at.tzinfo is not None:
        raise ValueError(f"expected a naive UTC datetime, got {at!r}")


def _length(iv: Interval) -> timedelta:
    """Nominal (no-DST) length of a local interval."""
    start, end = iv
    end_dt = datetime.combine(date.min + _ONE_DAY if end == MIDNIGHT else date.min, end)
    return end_dt - datetime.combine(date.min, start)


def _normalise_week(hours: Mapping[int, Iterable[Interval]]) -> tuple[tuple[Interval, ...], ...]:
    """Validate weekday -> intervals and return seven sorted, non-overlapping tuples."""
    if not isinstance(hours, Mapping):
        raise CalendarConfigError(f"calendar.hours: expected a mapping, got {hours!r}")
    week: list[tuple[Interval, ...]] = [() for _ in range(7)]
    for wd, intervals in hours.items():
        if not isinstance(wd, int) or not 0 <= wd <= 6:
            raise CalendarConfigError(f"calendar.hours: weekday must be 0-6, got {wd!r}")
        ivs = sorted(tuple(iv) for iv in intervals or ())
        for iv in ivs:
            _check_interval(WEEKDAY_KEYS[wd], iv)
        for (_, prev_end), (start, _) in itertools.pairwise(ivs):
            if prev_end == MIDNIGHT or start < prev_end:
                raise CalendarConfigError(
                    f"calendar.hours.{WEEKDAY_KEYS[wd]}: overlapping ranges {_fmt_day(ivs)!r}"
                )
        week[wd] = tuple(ivs)  # type: ignore[arg-type]
    return tuple(week)


def _check_interval(key: str, iv: tuple[Any, ...]) -> None:
    if len(iv) != 2 or not all(isinstance(t, time) and t.tzinfo is None for t in iv):
        raise CalendarConfigError(f"calendar.hours.{key}: expected (time, time), got {iv!r}")
    start, end = iv
    if end != MIDNIGHT and end <= start:
        raise CalendarConfigError(f"calendar.hours.{key}: range {_fmt_range(iv)!r} ends before it starts")


def _fmt_range(iv: tuple[time, time]) -> str:
    end = "24:00" if iv[1] == MIDNIGHT else iv[1].strftime("%H:%M")
    return f"{iv[0].strftime('%H:%M')}-{end}"


def _fmt_day(ivs: Iterable[tuple[time, time]]) -> str:
    return ",".join(_fmt_range(iv) for iv in ivs)


def _build_year(country: str, language: str | None, year: int) -> dict[date, str]:
    """One year's public holidays from the ``holidays`` package (imported here, when needed)."""
    import holidays as holidays_lib

    table = holidays_lib.country_holidays(country, years=year, language=language)
    return {d: name for d, name in table.items() if d.year == year}


def _check_country(country: str, language: str | None) -> tuple[str, str | None]:
    """Return the normalised country code and the language to name its holidays in."""
    import holidays as holidays_lib

    code = country.upper() if isinstance(country, str) else country
    try:
        probe = holidays_lib.country_holidays(code)
    except (NotImplementedError, KeyError, TypeError, AttributeError):
        raise CalendarConfigError(f"calendar.holidays: unknown country {country!r}") from None
    if language is None:
        return code, probe.default_language
    if language not in probe.supported_languages:
        raise CalendarConfigError(f"calendar.holiday_language: {language!r} not available for {code}")
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


def _read_holiday_cache(
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


def _write_holiday_cache(directory: Path, requested_language: str | None, table: dict[str, Any]) -> None:
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


def _parse_timezone(value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value.strip():
        raise CalendarConfigError(f"calendar.timezone: expected a zone name, got {value!r}")
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarConfigError(f"calendar.timezone: unknown time zone {value!r}") from None


def _parse_country(value: Any) -> str | None:
    if value is False or value is None or value == "":
        return None
    if not isinstance(value, str):
        raise CalendarConfigError(f"calendar.holidays: expected a country code, got {value!r}")
    return value.strip().upper()


def _parse_dates(key: str, value: Any) -> frozenset[date]:
    if not isinstance(value, list | tuple):
        raise CalendarConfigError(f"calendar.{key}: expected a list of dates, got {value!r}")
    out: set[date] = set()
    for item in value:
        if isinstance(item, date) and not isinstance(item, datetime):
            out.add(item)
            continue
        try:
            if not isinstance(item, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.strip()):
                raise ValueError
            out.add(date.fromisoformat(item.strip()))
        except ValueError:
            raise CalendarConfigError(f"calendar.{key}: not a date {item!r} (expected YYYY-MM-DD)") from None
    return frozenset(out)


def _parse_hours(value: Any) -> dict[int, list[Interval]]:
    hours = {wd: list(ivs) for wd, ivs in DEFAULT_HOURS.items()}
    if value is None:
        return hours
    if not isinstance(value, Mapping):
        raise CalendarConfigError(f"calendar.hours: expected a table, got {value!r}")
    for key, spec in value.items():
        if key not in WEEKDAY_KEYS:
            raise CalendarConfigError(f"calendar.hours: unknown day {key!r} (use {', '.join(WEEKDAY_KEYS)})")
        hours[WEEKDAY_KEYS.index(key)] = _parse_day(key, spec)
    return hours


def _parse_day(key: str, spec: Any) -> list[Interval]:
    """``"08:00-12:00,13:00-16:00"`` (or a list of such ranges; ``""`` = closed)."""
    if isinstance(spec, str):
        parts = spec.split(",")
    elif isinstance(spec, list | tuple) and all(isinstance(p, str) for p in spec):
        parts = list(spec)
    else:
        raise CalendarConfigError(f"calendar.hours.{key}: expected 'HH:MM-HH:MM', got {spec!r}")
    parts = [p.strip() for p in parts if p.strip()]
    return [_parse_range(key, part) for part in parts]


def _parse_range(key: str, text: str) -> Interval:
    start_text, sep, end_text = text.partition("-")
    start = _parse_time(start_text.strip(), allow_24=False)
    end = _parse_time(end_text.strip(), allow_24=True)
    if not sep or start is None or end is None:
        raise CalendarConfigError(f"calendar.hours.{key}: bad range {text!r} (use HH:MM-HH:MM)")
    if end != MIDNIGHT and end <= start:
        raise CalendarConfigError(f"calendar.hours.{key}: range {text!r} ends before it starts")
    if end == MIDNIGHT and end_text.strip() not in ("24:00",):
        raise CalendarConfigError(
            f"calendar.hours.{key}: range {text!r} ends at 00:00 (write 24:00 for midnight)"
        )
    return (start, end)


def _parse_time(text: str, *, allow_24: bool) -> time | None:
    """``"HH:MM"`` -> time; ``"24:00"`` -> ``time(0)`` when allowed; None if malformed."""
    m = _TIME_RE.match(text)
    if not m:
        return None
    h, mnt = int(m.group(1)), int(m.group(2))
    if allow_24 and (h, mnt) == (24, 0):
        return MIDNIGHT
    if h > 23 or mnt > 59:
        return None
    return time(h, mnt)
