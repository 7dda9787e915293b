"""What every full screen of the console shares: the desk, the agent, translated keys, the top bar."""

from __future__ import annotations

from typing import Any, TypeVar

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer

from .. import keymap, labels
from ..safe_text import assemble, safe_line
from ..widgets.bars import TopBar

T = TypeVar("T")


class DeskScreen(Screen[T]):
    """A full screen working on the app's desk as the app's agent."""

    def __init__(self) -> None:
        super().__init__()
        keymap.translate_bindings(self)

    @property
    def desk(self) -> Any:
        return self.app.desk  # type: ignore[attr-defined]

    @property
    def actor(self) -> Any:
        return self.app.actor  # type: ignore[attr-defined]

    COMPACT_FOOTER_BELOW = 0
    """Below this width the footer is compact (more keys fit on 80 columns); 0 leaves it alone."""

    def on_resize(self, event: events.Resize) -> None:
        if self.COMPACT_FOOTER_BELOW:
            for footer in self.query(Footer):
                footer.compact = event.size.width < self.COMPACT_FOOTER_BELOW

    def set_top(self, *left: str | Content | tuple[str, str]) -> None:
        """The top bar: ``bokdesk`` and ``left`` on the left, the agent and their role on the right."""
        top = self.query_one(TopBar)
        top.left = assemble(("bokdesk", "bold $text-accent"), "  ", *left)
        top.right = assemble(safe_line(self.actor.name), " ",
                             (f"({labels.role(self.actor.role.value)})", "$text-muted"))
