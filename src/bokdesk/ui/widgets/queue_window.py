"""Reading a window of a queue source, in the table's worker: the first page, the last one, the
pages around a row, or the next page past either edge; each with its failed e-mail marked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..queue_source import QueueSource, mark_failed_mail

if TYPE_CHECKING:
    from ...core.paging import QueueItem


@dataclass(frozen=True)
class Window:
    """Rows of a source, where the cursor goes among them, and what lies around them."""

    rows: list[QueueItem]
    cursor: int
    first: int
    """The first row's place in the whole view."""
    total: int
    has_before: bool
    has_after: bool


def marked(source: QueueSource, rows: list[QueueItem]) -> list[QueueItem]:
    """The page's rows with their failed e-mail marked (one indexed look-up)."""
    desk = getattr(source, "desk", None)  # boot's preview has none
    return mark_failed_mail(desk, rows) if desk is not None else rows


def first_window(source: QueueSource, page: int) -> Window:
    total = source.count()
    rows = source.first(page + 1)
    return Window(marked(source, rows[:page]), 0, 0, total, False, len(rows) > page)


def window_around(source: QueueSource, keep: QueueItem, page: int) -> Window:
    """A page before and a page after ``keep`` (or the row that took its place), the cursor on it."""
    total = source.count()
    found = source.find(keep.id)
    anchor = source.key(found or keep)
    before = source.before(anchor, page + 1)
    after = source.after(anchor, page + 1, include=True)
    has_before = len(before) > page
    before = before[-page:]
    has_after = len(after) > page
    after = after[:page]
    rows = before + after
    cursor = len(before) if after else max(0, len(before) - 1)
    first = source.rank(source.key(rows[0])) if rows else 0
    return Window(marked(source, rows), cursor, first, total, has_before, has_after)


def last_window(source: QueueSource, page: int) -> Window:
    total = source.count()
    rows = source.last(page + 1)
    has_before = len(rows) > page
    rows = marked(source, rows[-page:])
    return Window(rows, len(rows) - 1, max(0, total - len(rows)), total, has_before, False)


def next_page(source: QueueSource, edge: QueueItem, direction: str, page: int) -> list[QueueItem]:
    """Up to ``page + 1`` rows after (or before) ``edge``: one more than a page tells if there are more."""
    key = source.key(edge)
    rows = source.after(key, page + 1) if direction == "after" else source.before(key, page + 1)
    return marked(source, rows)
