"""Reporting periods in the desk's time zone: today, 7 days, 30 days, month, quarter, custom, weeks.

A period is a range of whole desk-local days, turned into UTC instants ``[start, end)`` once, here,
so that SQL compares plain timestamps (indexes work, daylight saving is handled by ``zoneinfo``).
A figure belongs to the period in which its clock stopped (metrics.md), so ``end`` is never later
than "now" for the figures that are still to come: a period ending today simply has fewer of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import ValidationError

WEEKS = 13
MAX_DAYS = 3700


class PeriodKind(StrEnum):
    TODAY = "today"
    DAYS_7 = "7d"
    DAYS_30 = "30d"
    MONTH = "month"
    QUARTER = "quarter"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """Whole local days ``first .. last`` (inclusive) as UTC instants ``[start, end)``."""

    first: date
    last: date
    start: datetime
    end: datetime
    kind: str = PeriodKind.CUSTOM.value

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def label(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} – {self.last.isoformat()}"


def local_midnight(tz: ZoneInfo, day: date) -> datetime:
    """The UTC instant at which local ``day`` begins (midnight always exists in Europe/Warsaw;
    elsewhere a skipped midnight resolves to the first instant of the day)."""
    local = datetime.combine(day, time(0)).replace(tzinfo=tz)
    return local.astimezone(UTC)


def local_date(tz: ZoneInfo, at: datetime) -> date:
    return at.astimezone(tz).date()


def days(tz: ZoneInfo, first: date, last: date, kind: str = PeriodKind.CUSTOM.value) -> Period:
    """A period of whole local days, ``first`` and ``last`` included."""
    if last < first:
        raise ValidationError("period_order", first=first.isoformat(), last=last.isoformat())
    if (last - first).days > MAX_DAYS:
        raise ValidationError("period_too_long", days=MAX_DAYS)
    return Period(first, last, local_midnight(tz, first), local_midnight(tz, last + timedelta(days=1)), kind)


def preset(tz: ZoneInfo, kind: str, now: datetime) -> Period:
    """today, 7d, 30d (ending today), month or quarter (the calendar month / quarter so far)."""
    today = local_date(tz, now)
    if kind == PeriodKind.TODAY:
        return days(tz, today, today, kind)
    if kind == PeriodKind.DAYS_7:
        return days(tz, today - timedelta(days=6), today, kind)
    if kind == PeriodKind.DAYS_30:
        return days(tz, today - timedelta(days=29), today, kind)
    if kind == PeriodKind.MONTH:
        return days(tz, today.replace(day=1), today, kind)
    if kind == PeriodKind.QUARTER:
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return days(tz, first, today, kind)
    raise ValidationError("unknown_period", value=kind)


def parse_day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError("period_bad_day", what=what, value=value) from None


def from_args(
    tz: ZoneInfo, now: datetime, first: str | None, last: str | None, default_days: int = 30
) -> Period:
    """The period of ``--from`` / ``--to`` (inclusive local dates); defaults: the last 30 days."""
    today = local_date(tz, now)
    end = parse_day(last, "--to") if last else today
    start = parse_day(first, "--from") if first else end - timedelta(days=default_days - 1)
    return days(tz, start, end)


@dataclass(frozen=True)
class Week:
    """One Monday-to-Sunday local week."""

    monday: date
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"


def last_weeks(tz: ZoneInfo, now: datetime, count: int = WEEKS) -> list[Week]:
    """The ``count`` local weeks ending with the current one (oldest first)."""
    today = local_date(tz, now)
    monday = today - timedelta(days=today.weekday())
    weeks = []
    for i in range(count - 1, -1, -1):
        first = monday - timedelta(weeks=i)
        weeks.append(Week(first, local_midnight(tz, first), local_midnight(tz, first + timedelta(days=7))))
    return weeks
