"""Small one-line widgets: the top bar and the view tabs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ...core.enums import View
from ...i18n import format_number
from .. import labels
from ..safe_text import SEPARATOR

_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")


class TopBar(Widget):
    """Title on the left, who is working on the right."""

    DEFAULT_CSS = _CSS
    SCOPED_CSS = False

    left: reactive[Content] = reactive(Content(""), layout=False)
    right: reactive[Content] = reactive(Content(""), layout=False)

    def render(self) -> Content:
        width = max(1, self.size.width)
        right = self.right
        left = self.left
        room = width - right.cell_length - 1
        if room < 10:
            return left.truncate(width, ellipsis=True)
        if left.cell_length > room:
            left = left.truncate(room, ellipsis=True)
        gap = width - left.cell_length - right.cell_length
        # The gap is a run of its own (not bold, unlike the bar), so the right part starts a run too.
        return Content.assemble(left, (" " * max(1, gap), SEPARATOR), right)


class ViewTabs(Widget):
    """``1 Mine 5  2 Unassigned 14 …``: the seven views with their sizes; click to switch."""

    DEFAULT_CSS = _CSS
    SCOPED_CSS = False

    class Chosen(Message):
        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    current: reactive[View | None] = reactive(View.UNASSIGNED)
    counts: reactive[dict[View, int]] = reactive(dict, always_update=True)
    note: reactive[Content] = reactive(Content(""))

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._spans: list[tuple[int, int, View]] = []

    def _parts(self, style: str) -> Sequence[tuple[View, str]]:
        result = []
        for number, view in enumerate(View, start=1):
            name = labels.view(view.value) if style == "full" else labels.label("view_short", view.value)
            count = self.counts.get(view)
            if style == "digits" and view is not self.current:
                text = f"{number}"
            else:
                text = f"{number} {name}" + (f" {format_number(count)}" if count is not None else "")
            result.append((view, text))
        return result

    def render(self) -> Content:
        width = max(1, self.size.width)
        note = self.note
        for style in ("full", "short", "digits"):
            parts = self._parts(style)
            length = sum(len(text) + 3 for _, text in parts) + (
                note.cell_length + 1 if note.cell_length else 0
            )
            if length <= width or style == "digits":
                break
        pieces: list[str | Content | tuple[str, str]] = []
        self._spans = []
        x = 0
        for view, text in parts:
            label = f" {text} "
            selected = view is self.current
            pieces.append((label, "bold reverse $accent" if selected else "$text-muted"))
            self._spans.append((x, x + len(label), view))
            x += len(label)
            pieces.append(" ")
            x += 1
        if note.cell_length:
            pieces.append(" ")
            pieces.append(note)
        return Content.assemble(*pieces)

    def on_click(self, event: events.Click) -> None:
        for start, end, view in self._spans:
            if start <= event.x < end:
                self.post_message(self.Chosen(view))
                return
