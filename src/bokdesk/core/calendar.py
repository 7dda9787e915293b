"""Business-time arithmetic: opening hours, public holidays and days off in the desk's time zone.

Pure stdlib + ``holidays``; no database, no UI. Every datetime passed in or returned is **naive UTC**
(the store keeps naive UTC); local time exists only inside this module.

Daylight saving is left to ``zoneinfo``: an open interval is mapped to real UTC instants, so a
00:00-24:00 day is 23 h or 25 h long on the change days while 08:00-16:00 stays 8 h. A wall time
repeated by the autumn change means its first occurrence; a wall time skipped by the spring change
means the moment of the jump.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

__all__ = [
    "BusinessCalendar",
    "CalendarConfigError",
    "DEFAULT_HOURS",
    "WEEKDAY_KEYS",
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
_CONFIG_KEYS = frozenset(
    {"timezone", "holidays", "holiday_language", "days_off", "working_days", "hours"}
)
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


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

    _week: tuple[tuple[Interval, ...], ...] = field(
        init=False, repr=False, compare=False, hash=False, default=()
    )
    _nominal: tuple[timedelta, ...] = field(
        init=False, repr=False, compare=False, hash=False, default=()
    )
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
            country, language = _check_country(self.holiday_country, self.holiday_language)
            _set(self, "holiday_country", country)
            _set(self, "_language", language)

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any] | None) -> BusinessCalendar:
        """Build a calendar from the parsed TOML ``[calendar]`` table; missing keys get defaults.

        Defaults: Europe/Warsaw, Polish public holidays, Mon-Fri 08:00-16:00, Sat/Sun closed.
        A weekday missing from ``[calendar.hours]`` keeps its default; ``sun = ""`` closes it.
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
        return at_utc.replace(tzinfo=timezone.utc).astimezone(self.tz).replace(tzinfo=None)

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
        for day in self._open_days_after(day):
            full = self._day_total(day)
            if remaining > full:
                remaining -= full
                continue
            for a, b in self.open_intervals(day):
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
            table = holidays_lib.country_holidays(
                self.holiday_country, years=year, language=self._language
            )
            cached = {d: name for d, name in table.items() if d.year == year}
            self._holiday_cache[year] = cached
        return cached

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
        utc = local.replace(tzinfo=self.tz, fold=0).astimezone(timezone.utc)
        if utc.astimezone(self.tz).replace(tzinfo=None) == local:
            return utc.replace(tzinfo=None)
        other = local.replace(tzinfo=self.tz, fold=1).astimezone(timezone.utc)
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
        for day in self._open_days_after(day):
            yield from self.open_intervals(day)


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
        for (_, prev_end), (start, _) in zip(ivs, ivs[1:]):
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
        raise CalendarConfigError(
            f"calendar.hours.{key}: range {_fmt_range(iv)!r} ends before it starts"
        )


def _fmt_range(iv: tuple[time, time]) -> str:
    end = "24:00" if iv[1] == MIDNIGHT else iv[1].strftime("%H:%M")
    return f"{iv[0].strftime('%H:%M')}-{end}"


def _fmt_day(ivs: Iterable[tuple[time, time]]) -> str:
    return ",".join(_fmt_range(iv) for iv in ivs)


def _check_country(country: str, language: str | None) -> tuple[str, str | None]:
    """Return the normalised country code and the language to name its holidays in."""
    code = country.upper() if isinstance(country, str) else country
    try:
        probe = holidays_lib.country_holidays(code)
    except (NotImplementedError, KeyError, TypeError, AttributeError):
        raise CalendarConfigError(f"calendar.holidays: unknown country {country!r}") from None
    if language is None:
        return code, probe.default_language
    if language not in probe.supported_languages:
        raise CalendarConfigError(
            f"calendar.holiday_language: {language!r} not available for {code}"
        )
    return code, language


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
            raise CalendarConfigError(
                f"calendar.{key}: not a date {item!r} (expected YYYY-MM-DD)"
            ) from None
    return frozenset(out)


def _parse_hours(value: Any) -> dict[int, list[Interval]]:
    hours = {wd: list(ivs) for wd, ivs in DEFAULT_HOURS.items()}
    if value is None:
        return hours
    if not isinstance(value, Mapping):
        raise CalendarConfigError(f"calendar.hours: expected a table, got {value!r}")
    for key, spec in value.items():
        if key not in WEEKDAY_KEYS:
            raise CalendarConfigError(
                f"calendar.hours: unknown day {key!r} (use {', '.join(WEEKDAY_KEYS)})"
            )
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
