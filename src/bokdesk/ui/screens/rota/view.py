"""What the rota screen shows: the rota read in a worker, the summary line, the list of agents
(columns fitted to the width) and the selected agent's week, as content (no widgets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual.content import Content

from ....core.shifts import Block, local_day
from ....i18n import _, format_date, format_time, ngettext
from ... import labels
from ...safe_text import SEPARATOR, assemble, safe_line
from ...shift_labels import absence_label, day_names, day_text, state_label, week_text

if TYPE_CHECKING:
    from ....core.calendar import BusinessCalendar

MUTED = "$text-muted"
GAP = "  "
WIDE = 100  # from this width the team and the week are shown in the list
CAPS = {"name": 22, "team": 16, "now": 36, "today": 24, "load": 8}
"""The most each column of the list takes."""


@dataclass(frozen=True)
class RotaLine:
    """One agent on the rota screen: their rota (core) and their presence and load (roster)."""

    agent: Any  # core.services.shifts.AgentRota
    presence: Any | None  # core.services.roster.RosterEntry (None: inactive since)


@dataclass(frozen=True)
class RotaData:
    now: datetime
    today: date
    lines: list[RotaLine]
    desk_blocks: tuple[Block, ...]


def read_rota(desk: Any) -> RotaData:
    """Everything the screen shows, read in a worker."""
    from ....core.services import roster, shifts

    now = desk.now()
    today = local_day(desk.calendar, now)
    people = {entry.agent_id: entry for entry in roster.roster(desk)}
    lines = [RotaLine(a, people.get(a.agent_id)) for a in shifts.rota_of_desk(desk, today)]
    return RotaData(now, today, lines, desk_blocks(desk))


def desk_blocks(desk: Any) -> tuple[Block, ...]:
    """The desk's opening hours as a week of blocks (what an agent without a timetable follows)."""
    return tuple(
        Block(wd, start.hour * 60 + start.minute, (end.hour * 60 + end.minute) or 1440)
        for wd, intervals in sorted(desk.calendar.hours.items())
        for start, end in intervals
    )


def _cell(content: Content | str, width: int) -> Content:
    """A column: the content cut to ``width`` and padded by a run of its own (an SVG screenshot
    places each run by itself; padding that joined the next cell's text would be collapsed)."""
    text = (content if isinstance(content, Content) else Content(content)).truncate(width, ellipsis=True)
    return assemble(text, (" " * (width - text.cell_length), SEPARATOR)) if text.cell_length < width else text


def _row(cells: list[Content]) -> Content:
    return assemble(*[part for cell in cells for part in ((GAP, SEPARATOR), cell)][1:])


def hours_text(spans: tuple[tuple[datetime, datetime], ...], tz: Any) -> str:
    """``08:00–12:00 13:00–17:00`` for the shifts of a day (naive UTC pairs)."""
    from datetime import UTC

    return " ".join(
        f"{format_time(a.replace(tzinfo=UTC), tz)}–{format_time(b.replace(tzinfo=UTC), tz)}" for a, b in spans
    )


def summary(data: RotaData, tz: ZoneInfo) -> Content:
    """The line above the list: the date, who is on shift now, who is away today."""
    on_now = sum(1 for line in data.lines if line.agent.rota.state(data.now).on_shift)
    away = sum(1 for line in data.lines if line.agent.rota.absence_on(data.today) is not None)
    parts = [
        (format_date(data.now, tz, fmt="full"), "bold"),
        (GAP, SEPARATOR),
        (
            ngettext(
                "{n} of {total} agent on shift now", "{n} of {total} agents on shift now", len(data.lines)
            ).format(n=on_now, total=len(data.lines)),
            "",
        ),
    ]
    if away:
        parts += [
            (GAP, SEPARATOR),
            (ngettext("{n} away today", "{n} away today", away).format(n=away), "$text-warning"),
        ]
    return assemble(*parts)


def agent_list(data: RotaData, tz: ZoneInfo, width: int) -> tuple[Content, list[tuple[int, Content]]]:
    """The list's header and one line per agent (their id, the line), fitted to ``width``."""
    wide = width >= WIDE
    keys = ["name", "team", "now", "today", "load", "week"] if wide else ["name", "now", "today", "load"]
    titles = {
        "name": _("Agent"),
        "team": _("Team"),
        "now": _("Now"),
        "today": _("Today"),
        "load": _("In work"),
        "week": _("Week"),
    }
    rows = [_cells(line, data, tz) for line in data.lines]
    columns = _columns(width, keys, [Content(titles[k]) for k in keys], [[r[k] for k in keys] for r in rows])
    header = _row([_cell(titles[k], columns[k]) for k in keys])
    lines = [
        (line.agent.agent_id, _row([_cell(r[k], columns[k]) for k in keys]))
        for r, line in zip(rows, data.lines, strict=True)
    ]
    return header, lines


def _columns(width: int, keys: list[str], header: list[Content], rows: list[list[Content]]) -> dict[str, int]:
    """How wide each column is: what its widest cell needs, up to its cap; the week the rest."""
    inner = width - 2 - len(GAP) * (len(keys) - 1)
    columns = {}
    for i, key in enumerate(keys):
        if key != "week":
            needed = max([header[i].cell_length, *(row[i].cell_length for row in rows)])
            columns[key] = min(CAPS[key], needed)
    if "week" in keys:
        columns["week"] = max(8, inner - sum(columns.values()))
    elif sum(columns.values()) > inner:  # narrow: the name gives way
        columns["name"] = max(10, inner - sum(v for k, v in columns.items() if k != "name"))
    return columns


def _cells(line: RotaLine, data: RotaData, tz: ZoneInfo) -> dict[str, Content]:
    agent, entry = line.agent, line.presence
    if entry is not None:
        now = state_label(
            entry.state,
            tz,
            data.now,
            shift_until=entry.shift_until,
            next_shift=entry.next_shift,
            absence_kind=entry.absence_kind,
            absent_until=entry.absent_until,
        )
    else:
        now = Content("—")
    week = week_text(agent.rota.blocks)
    return {
        "name": safe_line(agent.name, "bold"),
        "team": safe_line(agent.team or "—", MUTED),
        "now": now,
        "today": _today(agent, data, tz),
        "load": Content(str(entry.load if entry else 0)),
        "week": Content.styled(week, MUTED if agent.rota.follows_desk else ""),
    }


def _today(agent: Any, data: RotaData, tz: ZoneInfo) -> Content:
    rota, day = agent.rota, data.today
    absence = rota.absence_on(day)
    if absence is not None:
        return Content.styled(absence_label(absence.kind), "$text-error")
    spans = rota.shifts_on(day)
    if spans:
        return Content(hours_text(spans, tz))
    if rota.desk_closed(day):
        return Content.styled(_("holiday"), MUTED)
    return Content.styled(_("day off"), MUTED)


def agent_week(
    line: RotaLine, data: RotaData, cal: BusinessCalendar, week_offset: int, can_edit: bool
) -> Content:
    """The selected agent under the list: their week, one of the weeks day by day (``week_offset``
    weeks from this one) with holidays and absences, their coming absences, and who may change it."""
    agent, rota = line.agent, line.agent.rota
    out = [
        assemble(
            safe_line(agent.name, "bold"),
            (GAP, SEPARATOR),
            (labels.role(agent.role), MUTED),
            (GAP, SEPARATOR),
            safe_line(agent.team or "", MUTED),
        )
    ]
    if rota.follows_desk:
        out.append(
            assemble(
                (_("No timetable of their own: follows the desk's opening hours"), MUTED),
                " (",
                week_text(data.desk_blocks),
                ")",
            )
        )
    else:
        out.append(assemble((_("Week") + " ", MUTED), week_text(rota.blocks)))
    out.append(Content(""))
    monday = data.today - timedelta(days=data.today.weekday()) + timedelta(weeks=week_offset)
    heading = _("This week") if week_offset == 0 else _("Week of {day}").format(day=day_text(monday))
    out.append(assemble((heading, "bold"), (GAP, SEPARATOR), (_("[ ] other weeks"), MUTED)))
    names = day_names()
    for offset in range(7):
        day = monday + timedelta(days=offset)
        spans = rota.shifts_on(day)
        absence = rota.absence_on(day)
        holiday = cal.holiday_name(day) if rota.desk_closed(day) else None
        if absence is not None:
            what = Content.styled(absence_label(absence.kind), "$text-error")
        elif spans:
            what = Content(hours_text(spans, cal.tz))
        elif holiday or day in cal.extra_days_off:
            what = Content.styled(
                _("holiday: {name}").format(name=holiday) if holiday else _("the desk's day off"), MUTED
            )
        else:
            what = Content.styled(_("day off"), MUTED)
        style = "bold" if day == data.today else ""
        mark = ((GAP, SEPARATOR), ("◂ " + _("today"), "$text-accent")) if day == data.today else ()
        out.append(
            _row(
                [
                    _cell(Content.styled(names[day.weekday()], style), 6),
                    _cell(Content.styled(day_text(day), style), 10),
                    assemble(what, *mark),
                ]
            )
        )
    upcoming = [a for a in rota.absences if a.last_day >= data.today]
    if upcoming:
        out += [Content(""), Content.styled(_("Absences"), "bold")]
        for a in upcoming:
            out.append(
                assemble(
                    (f"#{a.id}  ", "$text-accent"),
                    absence_label(a.kind),
                    "  ",
                    f"{day_text(a.first_day)} – {day_text(a.last_day)}",
                    (GAP, SEPARATOR) if a.note else "",
                    safe_line(a.note or "", MUTED, limit=80),
                )
            )
    out.append(Content(""))
    if can_edit:
        out.append(
            Content.styled(_("e edits the week · a adds an absence · c cancels the next absence"), MUTED)
        )
    else:
        out.append(
            Content.styled(
                _(
                    "Supervisors change the rota here or with: bokdesk agent shift set {login} "
                    '"mon-fri 08:00-16:00"'
                ).format(login=agent.login),
                MUTED,
            )
        )
    return Content("\n").join(out)
