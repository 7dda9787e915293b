"""The business calendar: opening hours, public holidays and days off as instants and durations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .config import (
    CONFIG_KEYS,
    DEFAULT_HOLIDAY_COUNTRY,
    DEFAULT_TIMEZONE,
    parse_country,
    parse_dates,
    parse_hours,
    parse_timezone,
)
from .holiday_tables import (
    HOLIDAY_CACHE_YEARS,
    build_year,
    check_country,
    read_holiday_cache,
    write_holiday_cache,
)
from .hours import MIDNIGHT, CalendarConfigError, Interval, nominal_length, normalise_week

_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)
_ZERO = timedelta(0)
_MAX_CLOSED_RUN = 3660  # consecutive closed days before we give up looking for an opening
_DAY_CACHE_LIMIT = 8192


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
    """Directory of cached holiday tables (see ``holiday_tables``); None builds them in memory."""

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
            raise CalendarConfigError("calendar_not_zoneinfo", value=self.tz)
        week = normalise_week(self.hours)
        _set(self, "hours", {wd: list(ivs) for wd, ivs in enumerate(week) if ivs})
        _set(self, "_week", week)
        _set(self, "_nominal", tuple(sum((nominal_length(iv) for iv in ivs), _ZERO) for ivs in week))
        _set(self, "extra_days_off", frozenset(self.extra_days_off))
        _set(self, "extra_working_days", frozenset(self.extra_working_days))
        both = self.extra_days_off & self.extra_working_days
        if both:
            day = min(both).isoformat()
            raise CalendarConfigError("calendar_day_both", day=day)
        if self.holiday_country is not None:
            cached = read_holiday_cache(self.holiday_cache, self.holiday_country, self.holiday_language)
            if cached is not None:
                country, language, years = cached
                self._holiday_cache.update(years)
            else:
                country, language = check_country(self.holiday_country, self.holiday_language)
            _set(self, "holiday_country", country)
            _set(self, "_language", language)
            if cached is None and self.holiday_cache is not None:
                write_holiday_cache(self.holiday_cache, self.holiday_language, self._cacheable_years())

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
            raise CalendarConfigError("calendar_not_table", value=cfg)
        unknown = sorted(set(cfg) - CONFIG_KEYS)
        if unknown:
            raise CalendarConfigError("calendar_unknown_key", key=unknown[0])
        language = cfg.get("holiday_language")
        if language is not None and not isinstance(language, str):
            raise CalendarConfigError("calendar_language_not_text", value=language)
        return cls(
            tz=parse_timezone(cfg.get("timezone", DEFAULT_TIMEZONE)),
            hours=parse_hours(cfg.get("hours")),
            holiday_country=parse_country(cfg.get("holidays", DEFAULT_HOLIDAY_COUNTRY)),
            extra_days_off=parse_dates("days_off", cfg.get("days_off", [])),
            extra_working_days=parse_dates("working_days", cfg.get("working_days", [])),
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
            cached = build_year(self.holiday_country, self._language, year)
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


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _check_naive(at: datetime) -> None:
    if at.tzinfo is not None:
        raise ValueError(f"expected a naive UTC datetime, got {at!r}")
