"""The rota (``f5``): who works today and this week, who is on shift now, who is away.

Read-only for everyone: one line per active agent (team, state now, today's hours, tickets in
work, the week) and, for the selected agent, this week day by day with holidays and absences.
Supervisors and admins edit the selected agent's week (``e``), add an absence (``a``) or cancel
the next one (``c``) in a small dialog each; everyone else is told who can and the command.
Reads and writes run in thread workers (one read at a time); names go through ``safe_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...core.enums import Role
from ...core.errors import BokdeskError
from ...core.shifts import (
    AbsenceKind,
    Block,
    ShiftSpecError,
    format_week,
    local_day,
    outside_hours,
    parse_day,
    parse_week,
)
from ...i18n import _, format_date, format_time, ngettext
from .. import keymap, labels
from ..errors import describe
from ..safe_text import SEPARATOR, assemble, notify, safe_line
from ..shift_labels import (
    absence_label,
    day_names,
    day_text,
    state_label,
    week_text,
)
from ..tasks import run_service
from ..widgets.bars import TopBar
from ..widgets.key_bar import KeyBar
from .base import DeskScreen
from .dialogs import ConfirmDialog, Dialog

MUTED = "$text-muted"
GAP = "  "
WIDE = 100  # from this width the team and the week are shown in the list
MAX_WEEKS = 8  # how many weeks ahead the detail goes (the services read absences nine weeks ahead)


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
    from ...core.services import roster, shifts

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


class RotaScreen(DeskScreen[None]):
    """F5: the desk's rota."""

    BINDINGS = keymap.ROTA
    AUTO_FOCUS = "#rota-list"
    COMPACT_FOOTER_BELOW = 100
    DEFAULT_CSS = """
    RotaScreen { layout: vertical; }
    #rota-summary { height: 1; padding: 0 1; background: $boost; }
    #rota-header { height: 1; padding: 0; color: $text-muted; text-style: bold; }
    #rota-list { height: auto; max-height: 60%; border: none; padding: 0; }
    #rota-detail { height: 1fr; padding: 0 1; border-top: hkey $panel-lighten-1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: RotaData | None = None
        self._loading = False
        self._again = False
        self._timer: Any = None
        self.week_offset = 0  # the week shown under the list: this one, or one of the next MAX_WEEKS

    @property
    def can_edit(self) -> bool:
        return bool(self.actor.role.level >= Role.SUPERVISOR.level)

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        yield Static(id="rota-summary")
        yield Static(id="rota-header")
        yield OptionList(id="rota-list")
        yield VerticalScroll(Static(id="rota-text"), id="rota-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_top((_("Rota"), "bold"))
        self.load()

    def on_screen_resume(self) -> None:
        if self.data is not None:
            self.load()

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        if self.data is not None:
            self._show(self.data)

    # ------------------------------------------------------------------ reading

    def load(self, select: int | None = None) -> None:
        """Read the rota in a worker; a request while one runs reads once more when it ends."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        desk = self.desk

        def done(data: RotaData) -> None:
            self._loading = False
            self._show(data, select)
            if self._again:
                self._again = False
                self.load()
            else:
                self._rearm()

        def failed(error: BokdeskError) -> None:
            self._loading = False
            notify(self.app, describe(error), title=_("Rota"), severity="error")

        run_service(self.app, lambda: read_rota(desk), done=done, failed=failed, group="rota-read")

    def _rearm(self) -> None:
        """Read again in a minute (who is on shift moves with the clock); one timer at a time."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(60, lambda: self.load() if self.is_current else self._rearm())

    def _show(self, data: RotaData, select: int | None = None) -> None:
        listing = self.query_one("#rota-list", OptionList)
        before = select if select is not None else self._selected_id()
        self.data = data
        width = max(self.size.width, 40)
        wide = width >= WIDE
        tz = self.desk.calendar.tz
        on_now = sum(1 for line in data.lines if line.agent.rota.state(data.now).on_shift)
        away = sum(1 for line in data.lines if line.agent.rota.absence_on(data.today) is not None)
        summary = [
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
            summary += [
                (GAP, SEPARATOR),
                (ngettext("{n} away today", "{n} away today", away).format(n=away), "$text-warning"),
            ]
        self.query_one("#rota-summary", Static).update(assemble(*summary))
        keys = ["name", "team", "now", "today", "load", "week"] if wide else ["name", "now", "today", "load"]
        titles = {
            "name": _("Agent"),
            "team": _("Team"),
            "now": _("Now"),
            "today": _("Today"),
            "load": _("In work"),
            "week": _("Week"),
        }
        rows = [self._cells(line, data) for line in data.lines]
        columns = self._columns(
            width, keys, [Content(titles[k]) for k in keys], [[r[k] for k in keys] for r in rows]
        )
        self.query_one("#rota-header", Static).update(_row([_cell(titles[k], columns[k]) for k in keys]))
        listing.clear_options()
        listing.add_options(
            [
                Option(_row([_cell(r[k], columns[k]) for k in keys]), id=str(line.agent.agent_id))
                for r, line in zip(rows, data.lines, strict=True)
            ]
        )
        ids = [line.agent.agent_id for line in data.lines]
        if ids:
            listing.highlighted = ids.index(before) if before in ids else 0
        self._detail()

    # The most each column takes; each takes what its widest cell needs, the week the rest.
    CAPS: ClassVar[dict[str, int]] = {"name": 22, "team": 16, "now": 36, "today": 24, "load": 8}

    def _columns(
        self, width: int, keys: list[str], header: list[Content], rows: list[list[Content]]
    ) -> dict[str, int]:
        inner = width - 2 - len(GAP) * (len(keys) - 1)
        columns = {}
        for i, key in enumerate(keys):
            if key != "week":
                needed = max([header[i].cell_length, *(row[i].cell_length for row in rows)])
                columns[key] = min(self.CAPS[key], needed)
        if "week" in keys:
            columns["week"] = max(8, inner - sum(columns.values()))
        elif sum(columns.values()) > inner:  # narrow: the name gives way
            columns["name"] = max(10, inner - sum(v for k, v in columns.items() if k != "name"))
        return columns

    def _cells(self, line: RotaLine, data: RotaData) -> dict[str, Content]:
        agent, entry = line.agent, line.presence
        tz = self.desk.calendar.tz
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
            "today": self._today(agent, data),
            "load": Content(str(entry.load if entry else 0)),
            "week": Content.styled(week, MUTED if agent.rota.follows_desk else ""),
        }

    def _today(self, agent: Any, data: RotaData) -> Content:
        rota, day = agent.rota, data.today
        absence = rota.absence_on(day)
        if absence is not None:
            return Content.styled(absence_label(absence.kind), "$text-error")
        spans = rota.shifts_on(day)
        if spans:
            return Content(hours_text(spans, self.desk.calendar.tz))
        if rota.desk_closed(day):
            return Content.styled(_("holiday"), MUTED)
        return Content.styled(_("day off"), MUTED)

    def _selected_id(self) -> int | None:
        line = self._selected()
        return line.agent.agent_id if line is not None else None

    def _selected(self) -> RotaLine | None:
        if self.data is None or not self.data.lines:
            return None
        index = self.query_one("#rota-list", OptionList).highlighted
        if index is None:
            return None
        return self.data.lines[min(index, len(self.data.lines) - 1)]

    @on(OptionList.OptionHighlighted, "#rota-list")
    def _detail(self) -> None:
        line, data = self._selected(), self.data
        text = self.query_one("#rota-text", Static)
        if line is None or data is None:
            text.update(Content.styled(_("No active agents."), MUTED))
            return
        agent, rota, cal = line.agent, line.agent.rota, self.desk.calendar
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
        monday = data.today - timedelta(days=data.today.weekday()) + timedelta(weeks=self.week_offset)
        heading = _("This week") if self.week_offset == 0 else _("Week of {day}").format(day=day_text(monday))
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
        if self.can_edit:
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
        text.update(Content("\n").join(out))

    # ------------------------------------------------------------------ changes (supervisors)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys that change the rota are not offered to agents (the detail says who can)."""
        return not (action in ("edit_week", "add_absence", "cancel_absence") and not self.can_edit)

    def _editable(self) -> RotaLine | None:
        if not self.can_edit:
            notify(self.app, _("Only supervisors and admins change the rota."), title=_("Rota"))
            return None
        return self._selected()

    def _write(self, call: Any, message: str, select: int) -> None:
        def done(_result: Any) -> None:
            notify(self.app, message, title=_("Rota"))
            self.load(select)

        def failed(error: BokdeskError) -> None:
            notify(self.app, describe(error), title=_("Rota"), severity="warning", timeout=8)

        run_service(self.app, call, done=done, failed=failed, group="rota-write")

    def action_edit_week(self) -> None:
        line = self._editable()
        if line is None:
            return
        agent, desk, actor = line.agent, self.desk, self.actor

        def chosen(blocks: tuple[Block, ...] | None) -> None:
            if blocks is None:
                return
            from ...core.services import shifts

            message = _("The week of {name} is saved.").format(name=agent.name)
            outside = outside_hours(blocks, desk.calendar.hours)
            if outside:  # allowed (an evening line, a back office), but worth knowing
                message += " " + _(
                    "Outside the desk's opening hours: {hours}; new tickets are routed to them then, "
                    "while the SLA clocks stand still."
                ).format(hours=week_text(outside))
            self._write(lambda: shifts.set_week(desk, actor, agent.login, blocks), message, agent.agent_id)

        self.app.push_screen(WeekDialog(agent.name, agent.rota.blocks), chosen)

    def action_add_absence(self) -> None:
        line = self._editable()
        if line is None or self.data is None:
            return
        agent, desk, actor = line.agent, self.desk, self.actor

        def chosen(absence: AbsenceInput | None) -> None:
            if absence is None:
                return
            from ...core.services import shifts

            self._write(
                lambda: shifts.add_absence(
                    desk, actor, agent.login, absence.first_day, absence.last_day, absence.kind, absence.note
                ),
                _("The absence of {name} is recorded.").format(name=agent.name),
                agent.agent_id,
            )

        self.app.push_screen(AbsenceDialog(agent.name, self.data.today), chosen)

    def action_cancel_absence(self) -> None:
        line = self._editable()
        if line is None or self.data is None:
            return
        today = self.data.today
        upcoming = [a for a in line.agent.rota.absences if a.last_day >= today]
        if not upcoming:
            notify(
                self.app, _("{name} has no absence to cancel.").format(name=line.agent.name), title=_("Rota")
            )
            return
        absence, agent, desk, actor = upcoming[0], line.agent, self.desk, self.actor

        def chosen(yes: bool | None) -> None:
            if not yes:
                return
            from ...core.services import shifts

            self._write(
                lambda: shifts.cancel_absence(desk, actor, absence.id),  # type: ignore[arg-type]
                _("The absence is cancelled."),
                agent.agent_id,
            )

        text = assemble(
            safe_line(agent.name, "bold"),
            (GAP, SEPARATOR),
            absence_label(absence.kind),
            GAP,
            f"{day_text(absence.first_day)} – {day_text(absence.last_day)}",
        )
        self.app.push_screen(ConfirmDialog(_("Cancel this absence?"), text), chosen)

    def action_week(self, step: int) -> None:
        """Show the next or the previous week (this week and the next eight: absences are read that far)."""
        offset = min(MAX_WEEKS, max(0, self.week_offset + step))
        if offset != self.week_offset:
            self.week_offset = offset
            self._detail()

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------------- dialogs


class WeekDialog(Dialog[tuple[Block, ...]]):
    """Edit an agent's week as one line of text (the same syntax as ``bokdesk agent shift set``)."""

    BINDINGS = keymap.FORM_DIALOG

    def __init__(self, name: str, blocks: tuple[Block, ...]) -> None:
        super().__init__()
        self.agent_name = name
        self.blocks = blocks

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box", classes="wide"):
            yield Label(assemble(_("Week of") + " ", safe_line(self.agent_name)), id="dialog-title")
            yield Input(
                value=format_week(self.blocks) if self.blocks else "",
                id="week",
                compact=True,
                placeholder=_("desk: follow the desk's opening hours"),
            )
            yield Static(id="week-error", classes="dialog-text")
            yield Label(
                _(
                    "Days mon..sun or pon..niedz, then hours: mon-fri 08:00-16:00, sat 9-13. A split shift: "
                    "mon 8-12 13-17. 22-6 ends the next day. Empty or “desk”: the desk's opening hours. "
                    "Public holidays are off for everyone."
                ),
                classes="dialog-text",
            )
            yield Label(_("Ctrl+S saves · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = getattr(self.app, "cursor_blink", True)
        field.focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        try:
            blocks = parse_week(self.query_one(Input).value)
        except ShiftSpecError as error:
            self.query_one("#week-error", Static).update(Content.styled(describe(error), "$text-error"))
            return
        self.dismiss(blocks)


@dataclass(frozen=True)
class AbsenceInput:
    first_day: date
    last_day: date
    kind: str
    note: str | None


class AbsenceDialog(Dialog[AbsenceInput]):
    """Record an absence: first and last day, the kind, a note."""

    BINDINGS = keymap.FORM_DIALOG

    def __init__(self, name: str, today: date) -> None:
        super().__init__()
        self.agent_name = name
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(assemble(_("Absence of") + " ", safe_line(self.agent_name)), id="dialog-title")
            yield Label(_("First day (2026-11-23, 23.11.2026, today, tomorrow)"), classes="field-label")
            yield Input(value=self.today.isoformat(), id="first-day", compact=True)
            yield Label(_("Last day (empty: the same day)"), classes="field-label")
            yield Input(id="last-day", compact=True)
            yield Label(_("Kind"), classes="field-label")
            yield OptionList(*[Option(absence_label(k.value), id=k.value) for k in AbsenceKind], id="kind")
            yield Label(_("Note (optional)"), classes="field-label")
            yield Input(id="note", compact=True)
            yield Static(id="absence-error", classes="dialog-text")
            yield Label(_("Ctrl+S saves · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = getattr(self.app, "cursor_blink", True)
        self.query_one("#kind", OptionList).highlighted = 0
        self.query_one("#first-day", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "note":
            self.action_submit()
        else:
            self.focus_next()

    @on(OptionList.OptionSelected, "#kind")
    def _kind_chosen(self) -> None:
        self.query_one("#note", Input).focus()

    def action_submit(self) -> None:
        error = self.query_one("#absence-error", Static)
        try:
            first = parse_day(self.query_one("#first-day", Input).value, self.today)
            last_text = self.query_one("#last-day", Input).value.strip()
            last = parse_day(last_text, self.today) if last_text else first
        except ShiftSpecError as problem:
            error.update(Content.styled(describe(problem), "$text-error"))
            return
        if last < first:
            error.update(Content.styled(_("The last day is before the first."), "$text-error"))
            return
        kinds = list(AbsenceKind)
        index = self.query_one("#kind", OptionList).highlighted or 0
        note = self.query_one("#note", Input).value.strip() or None
        self.dismiss(AbsenceInput(first, last, kinds[index].value, note))


__all__ = ["AbsenceDialog", "RotaScreen", "WeekDialog", "read_rota"]
