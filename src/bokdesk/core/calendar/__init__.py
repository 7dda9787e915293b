"""Business-time arithmetic: opening hours, public holidays and days off in the desk's time zone.

Pure stdlib + ``holidays``; no database, no UI. Every datetime passed in or returned is **naive UTC**
(the store keeps naive UTC); local time exists only inside this package.

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

from .business import BusinessCalendar, calendar_seconds
from .config import DEFAULT_HOLIDAY_COUNTRY, DEFAULT_TIMEZONE
from .holiday_tables import HOLIDAY_CACHE_YEARS, holiday_cache_dir
from .hours import DEFAULT_HOURS, MIDNIGHT, WEEKDAY_KEYS, CalendarConfigError, Interval

__all__ = [
    "DEFAULT_HOLIDAY_COUNTRY",
    "DEFAULT_HOURS",
    "DEFAULT_TIMEZONE",
    "HOLIDAY_CACHE_YEARS",
    "MIDNIGHT",
    "WEEKDAY_KEYS",
    "BusinessCalendar",
    "CalendarConfigError",
    "Interval",
    "calendar_seconds",
    "holiday_cache_dir",
]
