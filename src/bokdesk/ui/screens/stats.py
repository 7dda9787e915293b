"""The supervisor's stats screen (``f4``). First version: the figures arrive with ``core.metrics``."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...core.desk import Actor, Desk
from ...i18n import _


class StatsScreen(Screen[None]):
    """Figures of the desk for supervisors and admins."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="stats.back")]

    def __init__(self, desk: Desk, actor: Actor) -> None:
        super().__init__()
        self.desk = desk
        self.actor = actor

    def compose(self) -> ComposeResult:
        yield Static(_("Stats"), id="stats-title")
        yield Static(_("Loading the figures…"), id="stats-body")
        yield Footer()
