"""The week as text: a timetable read from and written in ``parse_week``'s syntax, and dates typed
by people."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, time, timedelta

from ..calendar import WEEKDAY_KEYS
from .blocks import DAY_MINUTES, WEEK_MINUTES, Block, ShiftSpecError, format_block

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
            "bad_hours",
            hours=token,
            group=group,
        )
    if end == start:
        raise ShiftSpecError(
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
                        "days_after_hours",
                        group=group,
                    )
                group_days.extend(_days(token.replace(".", ""), group))  # "pon.-pt." as the console shows it
        if group_days:
            days = group_days
            for d in days:
                week[d] = []  # a later group for a day replaces an earlier one
        elif not days:
            raise ShiftSpecError("no_day", group=group, syntax=SYNTAX)
        if off and ranges:
            raise ShiftSpecError("off_and_hours", group=group)
        if not off and not ranges:
            raise ShiftSpecError("no_hours", group=group, syntax=SYNTAX)
        for d in days:
            week.setdefault(d, []).extend(ranges)
    blocks = [Block(d, a, b) for d, ranges in week.items() for a, b in ranges]
    if not blocks:
        raise ShiftSpecError(
            "no_working_hours",
            spec=spec.strip(),
        )
    return validate_week(blocks)


def validate_week(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """Sorted blocks, refusing overlaps (also across midnight and from Sunday into Monday)."""
    ordered = sorted(set(blocks))
    spans = sorted((b.weekday * DAY_MINUTES + b.start, b.weekday * DAY_MINUTES + b.end, b) for b in ordered)
    for (_, end, block), (start, _, nxt) in itertools.pairwise(spans):
        if start < end:
            raise ShiftSpecError(
                "overlap",
                first=format_block(block),
                second=format_block(nxt),
            )
    if len(spans) > 1:
        last_end, last = spans[-1][1], spans[-1][2]
        first_start, first = spans[0][0], spans[0][2]
        if last_end > WEEK_MINUTES + first_start:
            raise ShiftSpecError(
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
            "bad_date",
            what=what,
            value=text,
        ) from None
