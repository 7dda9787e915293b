"""The queue: a line-rendered table over a window of keyset pages (its rows drawn by ``queue_rows``).

Only a window of the view is held (a few pages around the cursor) and only the visible lines are
rendered. When the cursor comes within a page of the window's edge, the next page is read in a
thread worker; a move past the edge waits for it and is applied when it arrives. A reload keeps
the cursor on its ticket (the one it is on when the rows arrive, so a move made while they were
read stands; if the ticket left the view, on the one that took its place) at the same line of the
screen. So opening and scrolling cost the same on any size of desk.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from ...i18n import _
from .. import keymap
from ..queue_source import QueueSource
from .queue_rows import Column, header_cells, layout, row_cells, strip
from .queue_window import Window, first_window, last_window, next_page, window_around

if TYPE_CHECKING:
    from ...core.paging import QueueItem

WINDOW_PAGES = 6  # pages kept around the cursor
SLOW_LOAD = 0.25  # seconds before a load of another source shows "Loading…" instead of the old rows


class QueueTable(Widget, can_focus=True):
    """Rows of a queue source, read a page at a time."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")
    BINDINGS: ClassVar[list[BindingType]] = keymap.TABLE
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "queue-table--header",
        "queue-table--cursor",
        "queue-table--cursor-blurred",
        "queue-table--breached",
        "queue-table--at-risk",
        "queue-table--ok",
        "queue-table--muted",
        "queue-table--urgent",
        "queue-table--high",
        "queue-table--vip",
        "queue-table--unassigned",
    }

    class Highlighted(Message):
        """The cursor moved (or the rows changed under it)."""

        def __init__(
            self, table: QueueTable, row: QueueItem | None, position: int | None, total: int | None
        ) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.position = position
            self.total = total

    class Selected(Message):
        """Enter or a double click on a row."""

        def __init__(self, table: QueueTable, row: QueueItem) -> None:
            super().__init__()
            self.table = table
            self.row = row

    def __init__(self, now: Callable[[], datetime], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        keymap.translate_bindings(self)
        self._now = now
        self.source: QueueSource | None = None
        self.rows: list[QueueItem] = []
        self.cursor = 0
        self.top = 0
        self.has_before = False
        self.has_after = False
        self.first_index: int | None = 0
        self.total: int | None = None
        self.busy = False  # a read is under way (not Textual's ``loading``: that mounts an indicator)
        self._on_loaded: Callable[[], object] | None = None
        self.empty_text = ""
        self._generation = 0
        self._extending: set[str] = set()
        self._pending_move = 0
        self._layout_width = -1
        self._columns: list[Column] = []
        self._styles: dict[str, Style] = {}
        self.position_changed: Callable[[QueueItem | None, int | None, int | None], None] | None = None
        """Called at once (not by message) when the cursor or the rows change, so whoever shows the
        position (the top bar) repaints in the same frame as the rows."""

    # ------------------------------------------------------------------ geometry

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    @property
    def page_size(self) -> int:
        return max(40, 2 * self.visible_rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    @property
    def current(self) -> QueueItem | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def position(self) -> int | None:
        if self.first_index is None or not self.rows:
            return None
        return self.first_index + self.cursor

    # ------------------------------------------------------------------ loading

    def load(
        self,
        source: QueueSource,
        *,
        keep: QueueItem | None = None,
        on_loaded: Callable[[], object] | None = None,
    ) -> None:
        """Show ``source``; with ``keep``, stay on that ticket (or where it was) at the same line.

        Nothing is repainted until the rows are there, so the frame after a key already shows its
        result (Textual paces frames: a frame just before the rows would delay them by up to two
        frame periods). Only a slow read (over ``SLOW_LOAD`` s) shows "Loading…" meanwhile.
        ``on_loaded`` runs once the rows are applied (or found unchanged).
        """
        self._generation += 1
        generation = self._generation
        self.source = source
        self._extending.clear()
        self._pending_move = 0
        self.busy = True
        self._on_loaded = on_loaded
        screen_line = self.cursor - self.top
        page = self.page_size
        if not self.rows:
            self.refresh()
        elif keep is None:
            self.set_timer(SLOW_LOAD, lambda: self._slow_load(generation))

        def work() -> None:
            window = window_around(source, keep, page) if keep is not None else first_window(source, page)
            self._deliver(generation, self._apply_load, window, screen_line, keep)

        self.run_worker(work, thread=True, group="queue-load", exclusive=True, exit_on_error=False)

    def _deliver(self, generation: int, callback: Callable[..., None], *args: Any) -> None:
        """From a worker thread: hand results to the event loop unless a newer load replaced them."""

        def apply() -> None:
            if generation == self._generation:
                callback(*args)

        try:
            self.app.call_from_thread(apply)
        except RuntimeError:  # the app is shutting down
            pass

    def _slow_load(self, generation: int) -> None:
        """Another source is still loading: show "Loading…" rather than the old rows."""
        if generation == self._generation and self.busy:
            self.rows, self.cursor, self.top, self.total = [], 0, 0, None
            self.has_before = self.has_after = False
            self.refresh()

    def _apply_load(self, window: Window, screen_line: int, keep: QueueItem | None = None) -> None:
        rows, cursor, first, total = window.rows, window.cursor, window.first, window.total
        has_before, has_after = window.has_before, window.has_after
        now_on = self.current
        if keep is not None and now_on is not None and now_on.id != keep.id:
            # The agent moved while this reload read: stay on the ticket they moved to, at its line.
            landed = next((i for i, row in enumerate(rows) if row.id == now_on.id), None)
            if landed is not None:
                cursor, screen_line = landed, self.cursor - self.top
        unchanged = (
            rows == self.rows
            and total == self.total
            and first == self.first_index
            and (has_before, has_after) == (self.has_before, self.has_after)
            and min(cursor, max(0, len(rows) - 1)) == self.cursor
        )
        self.busy = False
        callback, self._on_loaded = self._on_loaded, None
        if unchanged and rows:  # a refresh that found nothing new (most live refreshes): no repaint
            self._maybe_extend()
            if callback is not None:
                callback()
            return
        self.rows = rows
        self.cursor = min(cursor, max(0, len(rows) - 1))
        self.first_index = first
        self.total = total
        self.has_before, self.has_after = has_before, has_after
        self.busy = False
        self.top = max(0, self.cursor - max(0, min(screen_line, self.visible_rows - 1)))
        self._clamp_top()
        self.refresh()
        self._post_highlight()
        self._maybe_extend()
        if callback is not None:
            callback()

    def _extend(self, direction: str) -> None:
        if direction in self._extending or self.source is None or not self.rows:
            return
        self._extending.add(direction)
        generation, source, page = self._generation, self.source, self.page_size
        edge = self.rows[-1] if direction == "after" else self.rows[0]

        def work() -> None:
            rows = next_page(source, edge, direction, page)
            self._deliver(generation, self._apply_extend, direction, rows, page)

        self.run_worker(work, thread=True, group=f"queue-{direction}", exit_on_error=False)

    def _apply_extend(self, direction: str, rows: list[QueueItem], page: int) -> None:
        self._extending.discard(direction)
        more = len(rows) > page
        known = {row.id for row in self.rows}
        if direction == "after":
            rows = [r for r in rows[:page] if r.id not in known]
            self.rows.extend(rows)
            self.has_after = more
            overflow = len(self.rows) - WINDOW_PAGES * page
            if overflow > 0 and self.cursor - overflow > page:
                del self.rows[:overflow]
                self.cursor -= overflow
                self.top = max(0, self.top - overflow)
                self.has_before = True
                if self.first_index is not None:
                    self.first_index += overflow
        else:
            rows = [r for r in rows[-page:] if r.id not in known]
            self.rows[:0] = rows
            self.cursor += len(rows)
            self.top += len(rows)
            self.has_before = more
            if self.first_index is not None:
                self.first_index = max(0, self.first_index - len(rows))
            overflow = len(self.rows) - WINDOW_PAGES * page
            if overflow > 0 and len(self.rows) - self.cursor > page + overflow:
                del self.rows[-overflow:]
                self.has_after = True
        if self._pending_move:
            move, self._pending_move = self._pending_move, 0
            self.move(move)
        else:
            self.refresh()
            self._post_highlight()

    def _maybe_extend(self) -> None:
        margin = max(self.visible_rows, 20)
        if self.has_after and len(self.rows) - self.cursor <= margin:
            self._extend("after")
        if self.has_before and self.cursor <= margin:
            self._extend("before")

    # ------------------------------------------------------------------ moving

    def move(self, delta: int) -> None:
        if not self.rows:
            return
        target = self.cursor + delta
        if target >= len(self.rows) and self.has_after:
            self._pending_move = target - (len(self.rows) - 1)
            target = len(self.rows) - 1
            self._extend("after")
        elif target < 0 and self.has_before:
            self._pending_move = target
            target = 0
            self._extend("before")
        before, top = self.cursor, self.top
        self.cursor = max(0, min(len(self.rows) - 1, target))
        self._scroll_to_cursor()
        if self.top == top:  # the window did not scroll: only the old and the new cursor lines change
            width = self.size.width
            self.refresh(Region(0, before - top + 1, width, 1), Region(0, self.cursor - top + 1, width, 1))
        else:
            self.refresh()
        self._post_highlight()
        self._maybe_extend()

    def move_to_ticket(self, ticket_id: int) -> bool:
        for index, row in enumerate(self.rows):
            if row.id == ticket_id:
                self.move(index - self.cursor)
                return True
        return False

    def _scroll_to_cursor(self) -> None:
        height = self.visible_rows
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self._clamp_top()

    def _clamp_top(self) -> None:
        self.top = max(0, min(self.top, max(0, len(self.rows) - self.visible_rows)))
        if self.cursor < self.top:
            self.top = self.cursor

    def action_cursor_up(self) -> None:
        self.move(-1)

    def action_cursor_down(self) -> None:
        self.move(1)

    def action_page_down(self) -> None:
        self.top += self.visible_rows
        self.move(self.visible_rows)

    def action_page_up(self) -> None:
        self.top = max(0, self.top - self.visible_rows)
        self.move(-self.visible_rows)

    def action_first(self) -> None:
        if self.has_before and self.source is not None:
            self.cursor = self.top = 0
            self.load(self.source)
        else:
            self.move(-self.cursor)

    def action_last(self) -> None:
        if not self.has_after or self.source is None:
            self.move(len(self.rows) - 1 - self.cursor)
            return
        self._generation += 1
        generation, source, page = self._generation, self.source, self.page_size
        self.busy = True

        def work() -> None:
            self._deliver(generation, self._apply_load, last_window(source, page), self.visible_rows - 1)

        self.run_worker(work, thread=True, group="queue-load", exclusive=True, exit_on_error=False)

    def neighbour(self, ticket_id: int, step: int) -> QueueItem | None:
        """The row ``step`` rows away from a ticket in the loaded window (for ``[`` / ``]``)."""
        for index, row in enumerate(self.rows):
            if row.id == ticket_id:
                target = index + step
                if 0 <= target < len(self.rows):
                    return self.rows[target]
                return None
        return None

    def _post_highlight(self) -> None:
        if self.position_changed is not None:
            self.position_changed(self.current, self.position, self.total)
        self.post_message(self.Highlighted(self, self.current, self.position, self.total))

    # ------------------------------------------------------------------ mouse

    def _row_at(self, y: int) -> int | None:
        if y < 1:
            return None
        index = self.top + y - 1
        return index if 0 <= index < len(self.rows) else None

    def on_click(self, event: events.Click) -> None:
        index = self._row_at(event.y)
        if index is None:
            return
        self.focus()
        if index == self.cursor and event.chain >= 2:
            self.post_message(self.Selected(self, self.rows[index]))
            return
        self.move(index - self.cursor)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.move(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.move(-3)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._scroll_to_cursor()
        self._maybe_extend()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    # ------------------------------------------------------------------ rendering

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"queue-table--{name}", partial=True)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._layout_width:
            self._columns = layout(width)
            self._layout_width = width
        base = self._styles.get("")
        if base is None:
            base = self._styles[""] = self.rich_style
        view = getattr(self.source, "view", None)  # a search has none
        complaints = view is not None and getattr(view, "value", "") == "complaints"
        if y == 0:
            return strip(
                header_cells(self._columns, complaints, self._style), base + self._style("header"), width
            )
        index = self.top + y - 1
        if index >= len(self.rows):
            if not self.rows and y == 2:
                text = _("Loading…") if self.busy else (self.empty_text or _("No tickets here."))
                return Strip([Segment(set_cell_size("  " + text, width), base + self._style("muted"))], width)
            if index == len(self.rows) and self.has_after and y > 1:
                return Strip(
                    [Segment(set_cell_size("  " + _("Loading…"), width), base + self._style("muted"))], width
                )
            return Strip.blank(width, base)
        row = self.rows[index]
        if index == self.cursor:
            row_style = base + self._style("cursor" if self.has_focus else "cursor-blurred")
        else:
            row_style = base
        return strip(row_cells(row, self._columns, self._now(), complaints, self._style), row_style, width)
