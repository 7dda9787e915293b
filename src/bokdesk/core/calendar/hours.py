"""Opening hours: a week of local wall-time intervals, validated, and how they are written."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from ..errors import CodedError

Interval = tuple[time, time]
"""An open interval in local wall time; an end of ``time(0)`` means 24:00 (midnight after)."""

WEEKDAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIDNIGHT = time(0)
DEFAULT_HOURS: dict[int, list[Interval]] = {wd: [(time(8), time(16))] for wd in range(5)}
_ONE_DAY = timedelta(days=1)


class CalendarConfigError(CodedError, ValueError):
    """The ``[calendar]`` configuration (or a calendar built by hand) is invalid: a code and its
    values (``core/errors.py``)."""


def nominal_length(iv: Interval) -> timedelta:
    """Nominal (no-DST) length of a local interval."""
    start, end = iv
    end_dt = datetime.combine(date.min + _ONE_DAY if end == MIDNIGHT else date.min, end)
    return end_dt - datetime.combine(date.min, start)


def normalise_week(hours: Mapping[int, Iterable[Interval]]) -> tuple[tuple[Interval, ...], ...]:
    """Validate weekday -> intervals and return seven sorted, non-overlapping tuples."""
    if not isinstance(hours, Mapping):
        raise CalendarConfigError("calendar_hours_not_mapping", value=hours)
    week: list[tuple[Interval, ...]] = [() for _ in range(7)]
    for wd, intervals in hours.items():
        if not isinstance(wd, int) or not 0 <= wd <= 6:
            raise CalendarConfigError("calendar_bad_weekday", value=wd)
        ivs: list[Interval] = []
        for iv in sorted(tuple(iv) for iv in intervals or ()):
            _check_interval(WEEKDAY_KEYS[wd], iv)
            ivs.append((iv[0], iv[1]))
        for (_, prev_end), (start, _) in itertools.pairwise(ivs):
            if prev_end == MIDNIGHT or start < prev_end:
                raise CalendarConfigError("calendar_overlap", day=WEEKDAY_KEYS[wd], ranges=_fmt_day(ivs))
        week[wd] = tuple(ivs)
    return tuple(week)


def _check_interval(key: str, iv: tuple[Any, ...]) -> None:
    if len(iv) != 2 or not all(isinstance(t, time) and t.tzinfo is None for t in iv):
        raise CalendarConfigError("calendar_not_times", day=key, value=iv)
    start, end = iv
    if end != MIDNIGHT and end <= start:
        raise CalendarConfigError("calendar_range_order", day=key, range=_fmt_range(iv))


def _fmt_range(iv: tuple[time, time]) -> str:
    end = "24:00" if iv[1] == MIDNIGHT else iv[1].strftime("%H:%M")
    return f"{iv[0].strftime('%H:%M')}-{end}"


def _fmt_day(ivs: Iterable[tuple[time, time]]) -> str:
    return ",".join(_fmt_range(iv) for iv in ivs)
