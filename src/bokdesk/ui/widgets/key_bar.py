"""The footer: the current screen's keys on one line, drawn by one widget.

Textual's ``Footer`` mounts a widget per key (with its own styles and data bindings) and mounts
them all again whenever the bindings change, which is every screen switch and most focus changes:
measured on the console, about 35 ms of the first frame and of each ticket opened. This one
renders the same line (the same theme colours, the command palette key on the right) as text and
repaints it when the bindings change. A click on a key presses it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from ...i18n import _

KEY_STYLE = "bold $footer-key-foreground on $footer-key-background"
DESCRIPTION_STYLE = "$footer-description-foreground on $footer-description-background"


class KeyBar(Widget):
    """One line of ``key description`` pairs for the screen's shown bindings."""

    DEFAULT_CSS: ClassVar[str] = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    compact: reactive[bool] = reactive(False)
    """Narrow terminals: no padding around the keys (more of them fit on 80 columns)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str, bool]] = []  # start, end, key, enabled

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Any) -> None:
        self.refresh()

    def _keys(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """(key, shown key, description, enabled) of each shown action, and the palette key."""
        app = self.app
        seen: set[str] = set()
        keys: list[tuple[str, str, str, bool]] = []
        palette = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == "command_palette" and app.ENABLE_COMMAND_PALETTE:
                if palette is None:
                    palette = (binding.key, app.get_key_display(binding), _(binding.description), enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((binding.key, app.get_key_display(binding), binding.description, enabled))
        return keys, palette

    def render(self) -> Content:
        keys, palette = self._keys()
        pad = "" if self.compact else " "
        pieces: list[Content] = []
        self._spans = []
        x = 0
        for key, shown, description, enabled in keys:
            # as Textual's footer: " r Reply " (compact: "r Reply "); each run starts with a letter
            piece = Content.assemble((f"{pad}{shown} ", KEY_STYLE), (f"{description} ", DESCRIPTION_STYLE))
            if not enabled:
                piece = piece.stylize("dim")
            self._spans.append((x, x + piece.cell_length, key, enabled))
            x += piece.cell_length
            pieces.append(piece)
        line = Content.assemble(*pieces)
        if palette is not None:
            key, shown, description, enabled = palette
            tail = Content.assemble(
                ("▏", "$footer-description-foreground"),
                (f"{shown} ", KEY_STYLE),
                (f"{description} ", DESCRIPTION_STYLE),
            )
            room = self.size.width - line.cell_length - tail.cell_length
            if room >= 1:
                start = line.cell_length + room
                self._spans.append((start, start + tail.cell_length, key, enabled))
                line = Content.assemble(line, " " * room, tail)
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
