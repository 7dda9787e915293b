"""What a rota is made of: shift blocks, absences, an agent's state, and the timetable's errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from ..calendar import WEEKDAY_KEYS
from ..errors import CodedError

DAY_MINUTES = 1440
WEEK_MINUTES = 7 * DAY_MINUTES


class AbsenceKind(StrEnum):
    LEAVE = "leave"
    SICK = "sick"
    TRAINING = "training"
    OTHER = "other"


class ShiftSpecError(CodedError, ValueError):
    """A timetable that cannot be understood or kept (one line, says what and where): a code and
    its values (``core/errors.py``), said in the agent's language by the rota's dialogs."""


@dataclass(frozen=True, order=True)
class Block:
    """One shift block: weekday 0 (Monday) .. 6; minutes from local midnight; ``end`` past 1440
    runs into the next day (``22:00-06:00`` is start 1320, end 1800)."""

    weekday: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ShiftSpecError("bad_weekday", weekday=self.weekday)
        if not 0 <= self.start < DAY_MINUTES:
            raise ShiftSpecError("bad_shift_start", minute=self.start)
        if not self.start < self.end <= self.start + DAY_MINUTES:
            raise ShiftSpecError("bad_shift_length", block=format_block(self))

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def overnight(self) -> bool:
        return self.end > DAY_MINUTES

    @property
    def hours(self) -> str:
        """``08:00-16:00`` (``22:00-06:00`` for a block that ends the next day; ``24:00`` at midnight)."""
        return f"{_hhmm(self.start)}-{_hhmm(self.end, end=True)}"


@dataclass(frozen=True)
class Absence:
    """Whole local days away, ``first_day`` to ``last_day`` inclusive."""

    first_day: date
    last_day: date
    kind: str = AbsenceKind.LEAVE.value
    note: str | None = None
    id: int | None = None

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class ShiftState:
    """An agent's rota at one instant."""

    on_shift: bool
    until: datetime | None  # on shift: when the current shift ends (naive UTC)
    next_start: datetime | None  # off shift: when the next one starts (None: none in the next weeks)
    absence: Absence | None  # the absence covering the local day, if any
    absent_until: date | None  # its last day, running on through back-to-back absences
    follows_desk: bool  # no timetable of their own: the desk's opening hours


def format_block(block: Block) -> str:
    return f"{WEEKDAY_KEYS[block.weekday]} {block.hours}"


def _hhmm(minute: int, *, end: bool = False) -> str:
    if end and minute == DAY_MINUTES:
        return "24:00"
    minute %= DAY_MINUTES
    return f"{minute // 60:02d}:{minute % 60:02d}"
