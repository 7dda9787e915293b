"""The ``[calendar]`` table of the configuration, read into a calendar's parts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .hours import DEFAULT_HOURS, MIDNIGHT, WEEKDAY_KEYS, CalendarConfigError, Interval

DEFAULT_TIMEZONE = "Europe/Warsaw"
DEFAULT_HOLIDAY_COUNTRY = "PL"
CONFIG_KEYS = frozenset({"timezone", "holidays", "holiday_language", "days_off", "working_days", "hours"})
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_timezone(value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value.strip():
        raise CalendarConfigError("calendar_zone_not_text", value=value)
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarConfigError("calendar_unknown_zone", value=value) from None


def parse_country(value: Any) -> str | None:
    if value is False or value is None or value == "":
        return None
    if not isinstance(value, str):
        raise CalendarConfigError("calendar_country_not_text", value=value)
    return value.strip().upper()


def parse_dates(key: str, value: Any) -> frozenset[date]:
    if not isinstance(value, list | tuple):
        raise CalendarConfigError("calendar_dates_not_list", key=key, value=value)
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
            raise CalendarConfigError("calendar_not_a_date", key=key, value=item) from None
    return frozenset(out)


def parse_hours(value: Any) -> dict[int, list[Interval]]:
    hours = {wd: list(ivs) for wd, ivs in DEFAULT_HOURS.items()}
    if value is None:
        return hours
    if not isinstance(value, Mapping):
        raise CalendarConfigError("calendar_hours_not_table", value=value)
    for key, spec in value.items():
        if key not in WEEKDAY_KEYS:
            raise CalendarConfigError("calendar_unknown_day", day=key, allowed=", ".join(WEEKDAY_KEYS))
        hours[WEEKDAY_KEYS.index(key)] = _parse_day(key, spec)
    return hours


def _parse_day(key: str, spec: Any) -> list[Interval]:
    """``"08:00-12:00,13:00-16:00"`` (or a list of such ranges; ``""`` = closed)."""
    if isinstance(spec, str):
        parts = spec.split(",")
    elif isinstance(spec, list | tuple) and all(isinstance(p, str) for p in spec):
        parts = list(spec)
    else:
        raise CalendarConfigError("calendar_hours_spec", day=key, value=spec)
    parts = [p.strip() for p in parts if p.strip()]
    return [_parse_range(key, part) for part in parts]


def _parse_range(key: str, text: str) -> Interval:
    start_text, sep, end_text = text.partition("-")
    start = _parse_time(start_text.strip(), allow_24=False)
    end = _parse_time(end_text.strip(), allow_24=True)
    if not sep or start is None or end is None:
        raise CalendarConfigError("calendar_bad_range", day=key, range=text)
    if end != MIDNIGHT and end <= start:
        raise CalendarConfigError("calendar_range_order", day=key, range=text)
    if end == MIDNIGHT and end_text.strip() not in ("24:00",):
        raise CalendarConfigError("calendar_range_midnight", day=key, range=text)
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
