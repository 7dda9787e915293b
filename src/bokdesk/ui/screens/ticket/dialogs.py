"""The ticket screen's dialogs: assign or transfer, a survey answer, an edit conflict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from ....i18n import _, ngettext
from ... import keymap
from ...safe_text import GAP, assemble, safe_line
from ..dialogs import ChoiceDialog, Dialog

if TYPE_CHECKING:
    from ....core.services.roster import RosterEntry


@dataclass(frozen=True)
class Assignment:
    agent_id: int | None
    team_id: int | None
    note: str


class AssignDialog(Dialog[Assignment]):
    """Assign or transfer: type to filter agents and teams, write the handover note, Ctrl+S."""

    BINDINGS = keymap.FORM_DIALOG

    def __init__(
        self,
        agents: Sequence[RosterEntry],
        teams: Sequence[tuple[int, str]],
        *,
        current_agent: int | None,
        needs_note: bool,
        me: int | None = None,
    ) -> None:
        super().__init__()
        self.me = me
        self.agents = list(agents)
        self.teams = list(teams)
        self.current_agent = current_agent
        self.needs_note = needs_note
        self._targets: list[tuple[str, int | None, int | None]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(_("Assign or transfer"), id="dialog-title")
            yield Input(placeholder=_("Type to find an agent or a team"), id="target-filter", compact=True)
            yield OptionList(id="targets")
            yield Label(
                _("Handover note (required for a transfer: what was done, what the customer needs)")
                if self.needs_note
                else _("Note (optional)"),
                classes="field-label",
            )
            yield TextArea(id="note", soft_wrap=True, show_line_numbers=False)
            yield Label(_("Ctrl+S assigns · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).cursor_blink = self.bokdesk.cursor_blink
        self.query_one(Input).cursor_blink = self.bokdesk.cursor_blink
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        needle = text.strip().lower()
        desk = self.bokdesk.require_desk()
        tz, now = desk.calendar.tz, desk.now()
        targets = self.query_one(OptionList)
        targets.clear_options()
        self._targets = []
        for entry in self.agents:
            if needle and needle not in entry.name.lower() and needle not in (entry.team or "").lower():
                continue
            # Two lines: who (and their team), then their state, shift and load (one line does
            # not fit 80 columns once the shift is said).
            label = assemble(safe_line(entry.name), "  ", (safe_line(entry.team or "").plain, "$text-muted"))
            if entry.agent_id == self.current_agent:
                label = assemble(label, "  ", (_("(current)"), "$text-muted"))
            label = assemble(label, "\n  ", presence_label(entry, tz, now))
            self._targets.append(("agent", entry.agent_id, entry.team_id))
            targets.add_option(Option(label))
        for team_id, name in self.teams:
            if needle and needle not in name.lower():
                continue
            self._targets.append(("team", None, team_id))
            targets.add_option(Option(assemble((_("Team:"), "$text-accent"), " ", safe_line(name))))
        if self._targets:
            targets.highlighted = 0

    @on(Input.Changed, "#target-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#target-filter")
    def _to_list(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """Down in the filter moves into the list, as Enter does (and keeps the highlight)."""
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self._to_list()

    @on(OptionList.OptionSelected)
    def _target_chosen(self) -> None:
        self.query_one(TextArea).focus()

    def action_submit(self) -> None:
        targets = self.query_one(OptionList)
        index = targets.highlighted
        if index is None or not self._targets:
            self.notify(_("Choose an agent or a team first."), severity="warning", markup=False)
            return
        kind, agent_id, team_id = self._targets[index]
        note = self.query_one(TextArea).text.strip()
        taking_it_myself = kind == "agent" and agent_id is not None and agent_id == self.me
        if self.needs_note and not note and not taking_it_myself:
            self.notify(
                _("A transfer needs a handover note, so nobody asks the customer again."),
                severity="warning",
                markup=False,
            )
            self.query_one(TextArea).focus()
            return
        self.dismiss(Assignment(agent_id if kind == "agent" else None, team_id, note))


@dataclass(frozen=True)
class SurveyAnswerInput:
    nps: int | None
    csat: int | None
    comment: str


class SurveyDialog(Dialog[SurveyAnswerInput]):
    """Record what the customer said: NPS 0-10 and/or CSAT 1-5, with an optional comment."""

    BINDINGS = keymap.FORM_DIALOG

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(_("Record a survey answer"), id="dialog-title")
            yield Label(_("NPS: how likely to recommend us, 0-10"), classes="field-label")
            yield Input(id="nps", type="integer", max_length=2, compact=True)
            yield Label(_("CSAT: satisfaction with this ticket, 1-5"), classes="field-label")
            yield Input(id="csat", type="integer", max_length=1, compact=True)
            yield Label(_("Comment (optional)"), classes="field-label")
            yield Input(id="comment", compact=True)
            yield Label(_("Ctrl+S saves · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.bokdesk.cursor_blink
        self.query_one("#nps", Input).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "comment":
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        def number(field: str) -> int | None:
            value = self.query_one(f"#{field}", Input).value.strip()
            return int(value) if value else None

        try:
            nps, csat = number("nps"), number("csat")
        except ValueError:
            self.notify(_("Scores are whole numbers."), severity="warning", markup=False)
            return
        if nps is None and csat is None:
            self.notify(
                _("Give an NPS score (0-10) or a CSAT score (1-5)."), severity="warning", markup=False
            )
            return
        self.dismiss(SurveyAnswerInput(nps, csat, self.query_one("#comment", Input).value.strip()))


class ConflictDialog(ChoiceDialog[str]):
    """Someone else changed the ticket first: reload (the text stays), or keep writing."""

    def __init__(self, message: str, *, has_text: bool) -> None:
        options: list[tuple[str, str]] = [
            ("reload", _("Reload the ticket and review it (your text stays in the editor)")),
            ("keep", _("Keep my draft and go on writing")),
        ]
        text = assemble(
            safe_line(message),
            "\n\n",
            (_("Your text is saved as a draft and is not lost.") if has_text else "", "$text-muted"),
        )
        super().__init__(_("Someone else changed this ticket"), options, text=text)


def presence_label(entry: RosterEntry, tz: tzinfo, now: datetime) -> Content:
    """ "● here · until 16:00 · 3 in work": whether the agent is around (and on shift until when, or
    off shift until when, or absent until which day), and how much they already carry."""
    from ...shift_labels import state_label

    state = state_label(
        entry.state,
        tz,
        now,
        shift_until=entry.shift_until,
        next_shift=entry.next_shift,
        absence_kind=entry.absence_kind,
        absent_until=entry.absent_until,
    )
    load = ngettext("{n} ticket in work", "{n} tickets in work", entry.load).format(n=entry.load)
    return assemble(state, GAP, ("· " + load, "$text-muted"))


def agent_rows(desk: Any) -> tuple[list[RosterEntry], list[tuple[int, str]]]:
    """Active agents with presence and load, and teams (id, name), for the assign dialog (thread)."""
    from ....core.services.agents import list_teams
    from ....core.services.roster import roster

    teams = [(t.id, t.name) for t in list_teams(desk) if t.id is not None]
    return roster(desk), teams
