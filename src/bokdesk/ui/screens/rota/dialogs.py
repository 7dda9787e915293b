"""The rota's dialogs: an agent's week as one line of text, and an absence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ....core.shifts import AbsenceKind, Block, ShiftSpecError, format_week, parse_day, parse_week
from ....i18n import _
from ... import keymap
from ...errors import describe
from ...safe_text import assemble, safe_line
from ...shift_labels import absence_label
from ..dialogs import Dialog


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
        field.cursor_blink = self.bokdesk.cursor_blink
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
            field.cursor_blink = self.bokdesk.cursor_blink
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
