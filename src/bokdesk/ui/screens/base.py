"""What every full screen of the console shares: the desk, the agent, translated keys, the top bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.content import Content
from textual.screen import Screen

from .. import keymap, labels
from ..safe_text import SEPARATOR, assemble, safe_line
from ..typed import bokdesk_app
from ..widgets.bars import TopBar
from ..widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from ...core.desk import Actor, Desk
    from ..app import BokdeskApp

T = TypeVar("T")


class DeskScreen(Screen[T]):
    """A full screen working on the app's desk as the app's agent."""

    def __init__(self) -> None:
        super().__init__()
        keymap.translate_bindings(self)

    @property
    def bokdesk(self) -> BokdeskApp:
        """The console's app, typed."""
        return bokdesk_app(self)

    @property
    def desk(self) -> Desk:
        """The app's desk (read once it is open: ``BokdeskApp.when_ready``)."""
        return self.bokdesk.require_desk()

    @property
    def actor(self) -> Actor:
        """The agent at the console."""
        return self.bokdesk.actor

    COMPACT_FOOTER_BELOW = 0
    """Below this width the footer is compact (more keys fit on 80 columns); 0 leaves it alone."""

    def on_resize(self, event: events.Resize) -> None:
        if self.COMPACT_FOOTER_BELOW:
            from textual.widgets import Footer  # screens that still use Textual's (stats)

            for footer in self.query(Footer):
                footer.compact = event.size.width < self.COMPACT_FOOTER_BELOW
            for bar in self.query(KeyBar):
                bar.compact = event.size.width < self.COMPACT_FOOTER_BELOW

    def set_top(self, *left: str | Content | tuple[str, str]) -> None:
        """The top bar: ``bokdesk`` and ``left`` on the left, the agent and their role on the right.

        Gaps between the parts (plain runs of spaces) are styled apart from their neighbours, so
        each part is its own run of text: an SVG screenshot positions each run, and a renderer that
        drops a run's leading spaces would otherwise run the title into the next word
        ("#530Aplikacja", "StatsAnna")."""
        top = self.query_one(TopBar)
        parts = [
            (part, SEPARATOR) if isinstance(part, str) and part and not part.strip() else part
            for part in left
        ]
        top.left = assemble(("bokdesk", "bold $text-accent"), ("  ", SEPARATOR), *parts, (" ", SEPARATOR))
        top.right = assemble(
            safe_line(self.actor.name),
            (" ", SEPARATOR),
            (f"({labels.role(self.actor.role.value)})", "$text-muted"),
        )
