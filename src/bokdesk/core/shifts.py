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

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from .calendar import WEEKDAY_KEYS, BusinessCalendar

__all__ = [
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

DAY_MINUTES = 1440
WEEK_MINUTES = 7 * DAY_MINUTES
_ONE_DAY = timedelta(days=1)
_SEARCH_DAYS = 62  # how far ahead "next shift" looks (a long leave is still answered)


class AbsenceKind(StrEnum):
    LEAVE = "leave"
    SICK = "sick"
    TRAINING = "training"
    OTHER = "other"


class ShiftSpecError(ValueError):
    """A timetable that cannot be understood or kept (one line, says what and where).

    ``code`` and ``params`` name the problem for a screen that says it in the agent's language."""

    def __init__(self, message: str, code: str = "", **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True, order=True)
class Block:
    """One shift block: weekday 0 (Monday) .. 6; minutes from local midnight; ``end`` past 1440
    runs into the next day (``22:00-06:00`` is start 1320, end 1800)."""

    weekday: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ShiftSpecError(f"Weekday must be 0-6, got {self.weekday}.")
        if not 0 <= self.start < DAY_MINUTES:
            raise ShiftSpecError(f"A shift starts between 00:00 and 23:59, got minute {self.start}.")
        if not self.start < self.end <= self.start + DAY_MINUTES:
            raise ShiftSpecError(
                f"{format_block(self)}: a shift ends after it starts and lasts at most 24 hours."
            )

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


# ---------------------------------------------------------------------- the rota


def local_day(calendar: BusinessCalendar, at: datetime) -> date:
    """The desk's local date at a UTC instant (naive or aware)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return calendar.to_local(at).date()


@dataclass(frozen=True)
class Rota:
    """One agent's timetable and absences over the desk's calendar."""

    calendar: BusinessCalendar
    blocks: tuple[Block, ...] = ()
    absences: tuple[Absence, ...] = ()

    @property
    def follows_desk(self) -> bool:
        return not self.blocks

    def desk_closed(self, day: date) -> bool:
        """A public holiday (unless listed as a working day) or one of the desk's days off."""
        cal = self.calendar
        if day in cal.extra_days_off:
            return True
        return cal.is_holiday(day) and day not in cal.extra_working_days

    def absence_on(self, day: date) -> Absence | None:
        for absence in self.absences:
            if absence.covers(day):
                return absence
        return None

    def absent_until(self, day: date) -> date | None:
        """The last day of the absence covering ``day``, through back-to-back absences."""
        absence = self.absence_on(day)
        if absence is None:
            return None
        last = absence.last_day
        while (following := self.absence_on(last + _ONE_DAY)) is not None:
            last = following.last_day
        return last

    def shifts_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The shifts that start on local ``day``, as sorted naive-UTC pairs (none when off)."""
        if self.absence_on(day) is not None:
            return ()
        if self.follows_desk:
            return self.calendar.open_intervals(day)
        if self.desk_closed(day):
            return ()
        out = []
        for block in self.blocks:
            if block.weekday == day.weekday():
                a = self._utc(day, block.start)
                b = self._utc(day, block.end)
                if b > a:
                    out.append((a, b))
        return tuple(sorted(out))

    def planned_on(self, day: date) -> tuple[Block, ...]:
        """The timetable's blocks for ``day``'s weekday (before holidays and absences)."""
        return tuple(b for b in self.blocks if b.weekday == day.weekday())

    def state(self, at: datetime) -> ShiftState:
        """On shift or not at ``at``, until when / from when, and any absence that day.

        ``at`` may be naive UTC or aware; the instants returned are of the same kind."""
        aware = at.tzinfo is not None
        if aware:
            at = at.astimezone(UTC).replace(tzinfo=None)
        day = local_day(self.calendar, at)
        until: datetime | None = None
        next_start: datetime | None = None
        for a, b in self._runs_from(day - _ONE_DAY):
            if b <= at:
                continue
            if a <= at:
                until = b
            else:
                next_start = a
            break
        if aware:
            until = until and until.replace(tzinfo=UTC)
            next_start = next_start and next_start.replace(tzinfo=UTC)
        return ShiftState(
            on_shift=until is not None,
            until=until,
            next_start=next_start,
            absence=self.absence_on(day),
            absent_until=self.absent_until(day),
            follows_desk=self.follows_desk,
        )

    def on_shift(self, at: datetime) -> bool:
        """On shift at ``at`` (naive UTC or aware): a shift of that local day or the one before
        (past midnight) covers it. Routing asks this for every candidate; ``state`` says more."""
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        day = local_day(self.calendar, at)
        return any(a <= at < b for d in (day - _ONE_DAY, day) for a, b in self.shifts_on(d))

    # ------------------------------------------------------------------ internals

    def _utc(self, day: date, minute: int) -> datetime:
        local = datetime.combine(
            day + timedelta(days=minute // DAY_MINUTES), time(minute % DAY_MINUTES // 60, minute % 60)
        )
        return self.calendar._local_to_utc(local)  # the calendar's DST convention, one place

    def _runs_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """Shifts from local ``day`` on, touching ones joined (08-12 + 12-16 is one run to 16:00)."""
        current: tuple[datetime, datetime] | None = None
        for offset in range(_SEARCH_DAYS):
            for a, b in self.shifts_on(day + offset * _ONE_DAY):
                if current is not None and a <= current[1]:
                    current = (current[0], max(current[1], b))
                    continue
                if current is not None:
                    yield current
                current = (a, b)
        if current is not None:
            yield current


# ---------------------------------------------------------------------- the week as text

# Day names: English and Polish, full and short, written without diacritics for matching.
_DAY_NAMES: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("mon", "monday", "mo", "pn", "pon", "pond", "poniedzialek"),
        ("tue", "tuesday", "tu", "tues", "wt", "wto", "wtorek"),
        ("wed", "wednesday", "we", "sr", "sro", "sroda"),
        ("thu", "thursday", "th", "thur", "thurs", "cz", "czw", "czwartek"),
        ("fri", "friday", "fr", "pt", "pia", "piatek"),
        ("sat", "saturday", "sa", "so", "sob", "sobota"),
        ("sun", "sunday", "su", "nd", "ndz", "nie", "niedz", "niedziela"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _i

_OFF_WORDS = frozenset({"off", "wolne", "wolny"})
_CLEAR_WORDS = frozenset({"", "desk", "biuro", "none", "brak"})
_TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?$")
_RANGE_RE = re.compile(r"^([\d:.]+)\s*[-–]\s*([\d:.]+)$")
SYNTAX = 'e.g. "mon-fri 08:00-16:00, sat 9-13" (days mon..sun or pon..niedz; split shifts "mon 8-12 13-17"; "22-6" ends the next day; "sun off"; "desk" = the desk\'s hours)'


def _fold(text: str) -> str:
    """Lower case without diacritics (``Środa`` -> ``sroda``; ``ł`` has no decomposition)."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _minute(text: str, *, end: bool) -> int | None:
    match = _TIME_RE.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not end)):
        return None
    return hour * 60 + minute


def _days(token: str, group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"[+/&]", token):
        first, sep, last = part.partition("-")
        try:
            a = _DAY_NAMES[first]
            b = _DAY_NAMES[last] if sep else a
        except KeyError:
            bad = first if first not in _DAY_NAMES else last
            raise ShiftSpecError(
                f"Unknown day {bad!r} in {group!r}; use mon..sun or pon..niedz.",
                "unknown_day",
                day=bad,
                group=group,
            ) from None
        out.extend((a + i) % 7 for i in range((b - a) % 7 + 1))
    return out


def _range(token: str, group: str) -> tuple[int, int]:
    match = _RANGE_RE.match(token)
    start = end = None
    if match:
        start = _minute(match.group(1), end=False)
        end = _minute(match.group(2), end=True)
    if start is None or end is None:
        raise ShiftSpecError(
            f"Bad hours {token!r} in {group!r}; write HH:MM-HH:MM, e.g. 08:00-16:00.",
            "bad_hours",
            hours=token,
            group=group,
        )
    if end == start:
        raise ShiftSpecError(
            f"Hours {token!r} in {group!r} start and end at the same time.",
            "same_time",
            hours=token,
            group=group,
        )
    if end <= start:
        end += DAY_MINUTES  # ends the next day
    return start, end


def parse_week(spec: str) -> tuple[Block, ...]:
    """Read a week: ``"mon-fri 08:00-16:00, sat 09:00-13:00"``; ``()`` means the desk's hours.

    Groups are separated by commas or semicolons; each names days (``mon``, ``mon-fri``,
    ``sat+sun``, Polish ``pon``..``niedz``) and then one or more ranges (a split shift). A group
    with no days continues the days before it (``mon 8-12, 13-17``). A later group for a day
    replaces what an earlier one said (``mon-sun 8-16, sun off``). Ranges accept ``8``, ``8:30``,
    ``08.30``, ``24:00``; an end before the start runs into the next day.
    """
    text = _fold(spec.strip())
    if text in _CLEAR_WORDS:
        return ()
    week: dict[int, list[tuple[int, int]]] = {}
    days: list[int] = []
    for raw_group in re.split(r"[,;\n]", text):
        group = raw_group.strip()
        if not group:
            continue
        # "08:00 - 16:00" -> "08:00-16:00", "pon - pt" -> "pon-pt": a range is one token
        tokens = re.sub(r"\s*[-–]\s*", "-", group).split()
        group_days: list[int] = []
        ranges: list[tuple[int, int]] = []
        off = False
        for token in tokens:
            if token in _OFF_WORDS:
                off = True
            elif token[0].isdigit():
                ranges.append(_range(token, raw_group.strip()))
            else:
                if ranges:
                    raise ShiftSpecError(
                        f"Days after hours in {group!r}; write the days first.",
                        "days_after_hours",
                        group=group,
                    )
                group_days.extend(_days(token.replace(".", ""), group))  # "pon.-pt." as the console shows it
        if group_days:
            days = group_days
            for d in days:
                week[d] = []  # a later group for a day replaces an earlier one
        elif not days:
            raise ShiftSpecError(f"No day in {group!r}; {SYNTAX}.", "no_day", group=group)
        if off and ranges:
            raise ShiftSpecError(f"{group!r} says both hours and off.", "off_and_hours", group=group)
        if not off and not ranges:
            raise ShiftSpecError(f"No hours in {group!r}; {SYNTAX}.", "no_hours", group=group)
        for d in days:
            week.setdefault(d, []).extend(ranges)
    blocks = [Block(d, a, b) for d, ranges in week.items() for a, b in ranges]
    if not blocks:
        raise ShiftSpecError(
            f'No working hours in {spec.strip()!r}; to follow the desk\'s hours write "desk".',
            "no_working_hours",
        )
    return validate_week(blocks)


def validate_week(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """Sorted blocks, refusing overlaps (also across midnight and from Sunday into Monday)."""
    ordered = sorted(set(blocks))
    spans = sorted((b.weekday * DAY_MINUTES + b.start, b.weekday * DAY_MINUTES + b.end, b) for b in ordered)
    for (_, end, block), (start, _, nxt) in itertools.pairwise(spans):
        if start < end:
            raise ShiftSpecError(
                f"Shifts overlap: {format_block(block)} and {format_block(nxt)}.",
                "overlap",
                first=format_block(block),
                second=format_block(nxt),
            )
    if len(spans) > 1:
        last_end, last = spans[-1][1], spans[-1][2]
        first_start, first = spans[0][0], spans[0][2]
        if last_end > WEEK_MINUTES + first_start:
            raise ShiftSpecError(
                f"Shifts overlap: {format_block(last)} and {format_block(first)}.",
                "overlap",
                first=format_block(last),
                second=format_block(first),
            )
    return tuple(ordered)


def outside_hours(blocks: Iterable[Block], hours: dict[int, list[tuple[time, time]]]) -> list[Block]:
    """The blocks not inside the desk's opening hours (``BusinessCalendar.hours``) of their weekday.

    Allowed (a desk may staff a back office or an evening line), but worth saying: tickets are
    routed to the agent then while the desk's business clocks stand still."""

    def minutes(t: time, end: bool = False) -> int:
        return DAY_MINUTES if end and t == time(0) else t.hour * 60 + t.minute

    return [
        b
        for b in blocks
        if not any(
            minutes(a) <= b.start and b.end <= minutes(z, end=True) for a, z in hours.get(b.weekday, ())
        )
    ]


def format_block(block: Block) -> str:
    return f"{WEEKDAY_KEYS[block.weekday]} {block.hours}"


def format_week(blocks: Iterable[Block], names: tuple[str, ...] = WEEKDAY_KEYS, *, dash: str = "-") -> str:
    """The week in ``parse_week``'s syntax, days with the same hours joined: ``mon-fri 08:00-16:00``.

    ``names`` (Monday first) and ``dash`` let a screen say it in the agent's language."""
    by_day: dict[int, tuple[str, ...]] = {}
    for block in sorted(blocks):
        by_day[block.weekday] = (*by_day.get(block.weekday, ()), block.hours.replace("-", dash))
    if not by_day:
        return "desk"
    groups: list[str] = []
    day = 0
    while day < 7:
        hours = by_day.get(day)
        if hours is None:
            day += 1
            continue
        last = day
        while last + 1 < 7 and by_day.get(last + 1) == hours:
            last += 1
        name = names[day] if last == day else f"{names[day]}{dash}{names[last]}"
        if last == day + 1:
            name = f"{names[day]}+{names[last]}"
        groups.append(f"{name} {' '.join(hours)}")
        day = last + 1
    return ", ".join(groups)


_DATE_DOTS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_RELATIVE_DAYS = {
    "today": 0,
    "dzis": 0,
    "dzisiaj": 0,
    "tomorrow": 1,
    "jutro": 1,
    "yesterday": -1,
    "wczoraj": -1,
}


def parse_day(text: str, today: date, what: str = "date") -> date:
    """``2026-11-23``, ``23.11.2026`` (the Polish way), ``today``/``dziś``, ``tomorrow``/``jutro``."""
    value = _fold(text.strip())
    if value in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[value])
    try:
        dots = _DATE_DOTS.match(value)
        if dots:
            return date(int(dots.group(3)), int(dots.group(2)), int(dots.group(1)))
        return date.fromisoformat(value)
    except ValueError:
        raise ShiftSpecError(
            f"{what} must be a date like 2026-11-23 or 23.11.2026, not {text!r}.",
            "bad_date",
            what=what,
            value=text,
        ) from None


def _hhmm(minute: int, *, end: bool = False) -> str:
    if end and minute == DAY_MINUTES:
        return "24:00"
    minute %= DAY_MINUTES
    return f"{minute // 60:02d}:{minute % 60:02d}"
