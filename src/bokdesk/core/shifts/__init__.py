"""Agents' shifts: a weekly timetable per agent, absences, and who is on shift at an instant.

Pure: no database, no UI. Instants are UTC (naive, as the calendar's; ``Rota.state`` also takes
an aware one and answers in kind); a timetable is in the desk's local wall time
(``BusinessCalendar.tz``), so 08:00-16:00 stays 8 hours across the clock changes while the UTC
instants move.

The rules, in one place:

- A **block** is (weekday, start, end) in minutes from local midnight; several blocks a day make a
  split shift. An end before the start (``22:00-06:00``) runs past midnight into the next day; such
  a block *belongs to the day it starts on* (a holiday or an absence on that day cancels all of it,
  one on the next day nothing of it). A block is at most 24 hours, and an agent's blocks never
  overlap, across midnight and across Sunday-Monday too.
- An agent with **no block** follows the desk's opening hours (what bokdesk did before rotas).
- The desk's **public holidays and days off** are off for everyone with a timetable too: the desk
  is closed, its SLA clocks do not run, and nobody should be routed work or expected in. A desk
  that opens on a holiday lists it in ``[calendar] working_days``; then the timetable applies.
- An **absence** covers whole local days, first to last (leave, sick, training, other). An agent
  absent on a day has no shift that starts on it.
- Wall times follow the calendar's convention: a time repeated by the autumn change means its first
  occurrence, a time skipped by the spring change means the moment of the jump.
"""

from __future__ import annotations

from .blocks import (
    DAY_MINUTES,
    WEEK_MINUTES,
    Absence,
    AbsenceKind,
    Block,
    ShiftSpecError,
    ShiftState,
    format_block,
)
from .rota import Rota, local_day
from .week_text import SYNTAX, format_week, outside_hours, parse_day, parse_week, validate_week

__all__ = [
    "DAY_MINUTES",
    "SYNTAX",
    "WEEK_MINUTES",
    "Absence",
    "AbsenceKind",
    "Block",
    "Rota",
    "ShiftSpecError",
    "ShiftState",
    "format_block",
    "format_week",
    "local_day",
    "outside_hours",
    "parse_day",
    "parse_week",
    "validate_week",
]
