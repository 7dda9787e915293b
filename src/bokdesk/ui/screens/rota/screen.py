"""The rota (``f5``): who works today and this week, who is on shift now, who is away.

Read-only for everyone: one line per active agent (team, state now, today's hours, tickets in
work, the week) and, for the selected agent, this week day by day with holidays and absences.
Supervisors and admins edit the selected agent's week (``e``), add an absence (``a``) or cancel
the next one (``c``) in a small dialog each; everyone else is told who can and the command.
Reads and writes run in thread workers (one read at a time); names go through ``safe_text``.
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ....core.enums import Role
from ....core.errors import BokdeskError
from ....core.shifts import Block, outside_hours
from ....i18n import _
from ... import keymap
from ...errors import describe
from ...safe_text import SEPARATOR, assemble, notify, safe_line
from ...shift_labels import absence_label, day_text, week_text
from ...tasks import run_service
from ...widgets.bars import TopBar
from ...widgets.key_bar import KeyBar
from ..base import DeskScreen
from ..dialogs import ConfirmDialog
from .dialogs import AbsenceDialog, AbsenceInput, WeekDialog
from .view import GAP, MUTED, RotaData, RotaLine, agent_list, agent_week, read_rota, summary

MAX_WEEKS = 8  # how many weeks ahead the detail goes (the services read absences nine weeks ahead)


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
        self._timer: Timer | None = None
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
        tz = self.desk.calendar.tz
        self.query_one("#rota-summary", Static).update(summary(data, tz))
        header, lines = agent_list(data, tz, max(self.size.width, 40))
        self.query_one("#rota-header", Static).update(header)
        listing.clear_options()
        listing.add_options([Option(content, id=str(agent_id)) for agent_id, content in lines])
        ids = [line.agent.agent_id for line in data.lines]
        if ids:
            listing.highlighted = ids.index(before) if before in ids else 0
        self._detail()

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
        text.update(agent_week(line, data, self.desk.calendar, self.week_offset, self.can_edit))

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
            from ....core.services import shifts

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
            from ....core.services import shifts

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
            from ....core.services import shifts

            self._write(
                lambda: shifts.cancel_absence(desk, actor, absence.id),
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
