"""The stats screen's dialog: a custom period."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from ....core import periods
from ....core.desk import Desk
from ....core.errors import BokdeskError
from ....core.periods import Period
from ....i18n import _
from ... import keymap
from ...safe_text import notify
from ...tasks import describe
from ..dialogs import Dialog


class PeriodDialog(Dialog[Period]):
    """Choose a custom period: first and last day (inclusive), in the desk's time zone."""

    BINDINGS = keymap.STATS_PERIOD

    def __init__(self, desk: Desk, current: Period) -> None:
        super().__init__()
        self.desk = desk
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(_("Custom period"), id="dialog-title")
            yield Label(_("From (YYYY-MM-DD)"), classes="field-label")
            yield Input(self.current.first.isoformat(), id="first", compact=True)
            yield Label(_("To (YYYY-MM-DD, included)"), classes="field-label")
            yield Input(self.current.last.isoformat(), id="last", compact=True)
            yield Label(_("Ctrl+S shows the period · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        for field_ in self.query(Input):
            field_.cursor_blink = self.bokdesk.cursor_blink
        self.query_one("#first", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "first":
            self.focus_next()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        try:
            first = periods.parse_day(self.query_one("#first", Input).value, _("From"))
            last = periods.parse_day(self.query_one("#last", Input).value, _("To"))
            chosen = periods.days(self.desk.calendar.tz, first, last)
        except BokdeskError as exc:
            notify(self.app, describe(exc, self.app), severity="warning")
            return
        self.dismiss(chosen)
