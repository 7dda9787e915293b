"""Where the queue table gets its rows: a view (keyset pages from SQL) or a search result.

Sources are plain objects called from thread workers; they never touch widgets. A view source
fixes ``now`` when it is made (the urgency order depends on it); a refresh makes a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..core.enums import View

if TYPE_CHECKING:
    from ..core.desk import Actor, Desk
    from ..core.paging import QueueItem, SortKey


class QueueSource(Protocol):
    """Ordered rows, readable a page at a time from either end or around a row."""

    label: str

    def key(self, row: QueueItem) -> SortKey: ...
    def first(self, limit: int) -> list[QueueItem]: ...
    def last(self, limit: int) -> list[QueueItem]: ...
    def after(self, key: SortKey, limit: int, include: bool = False) -> list[QueueItem]: ...
    def before(self, key: SortKey, limit: int) -> list[QueueItem]: ...
    def find(self, ticket_id: int) -> QueueItem | None: ...
    def count(self) -> int: ...
    def rank(self, key: SortKey) -> int: ...
    def refreshed(self) -> QueueSource: ...


def mark_failed_mail(desk: Desk, rows: list[QueueItem]) -> list[QueueItem]:
    """The rows with ``mail_failed`` set where an e-mail of the ticket failed: one indexed look-up
    for the page (in the worker that read it), so the queue shows what the ticket screen flags."""
    if not rows:
        return rows
    from dataclasses import replace

    from ..channels.view import tickets_with_failed_mail

    failed = tickets_with_failed_mail(desk, [row.id for row in rows])
    if not failed and not any(row.mail_failed for row in rows):
        return rows
    return [
        replace(row, mail_failed=row.id in failed) if row.mail_failed != (row.id in failed) else row
        for row in rows
    ]


@dataclass
class ViewSource:
    """One of the seven queue views, paged with keyset queries (``core.paging``)."""

    desk: Desk
    actor: Actor
    view: View
    now: datetime = field(default=None)  # type: ignore[assignment]  # None means "now", set in __post_init__
    label: str = ""

    def __post_init__(self) -> None:
        if self.now is None:
            self.now = self.desk.now()
        self.label = self.label or self.view.value

    @staticmethod
    def _paging() -> Any:
        from ..core import paging

        return paging

    def key(self, row: QueueItem) -> SortKey:
        return self._paging().sort_key(self.view, row, self.now)

    def first(self, limit: int) -> list[QueueItem]:
        return self._paging().page(self.desk, self.actor, self.view, self.now, limit=limit)

    def last(self, limit: int) -> list[QueueItem]:
        return self._paging().last_page(self.desk, self.actor, self.view, self.now, limit=limit)

    def after(self, key: SortKey, limit: int, include: bool = False) -> list[QueueItem]:
        return self._paging().page(
            self.desk, self.actor, self.view, self.now, after=key, limit=limit, include=include
        )

    def before(self, key: SortKey, limit: int) -> list[QueueItem]:
        return self._paging().page(self.desk, self.actor, self.view, self.now, before=key, limit=limit)

    def find(self, ticket_id: int) -> QueueItem | None:
        return self._paging().find(self.desk, self.actor, self.view, self.now, ticket_id)

    def count(self) -> int:
        return self._paging().count(self.desk, self.actor, self.view, self.now)

    def rank(self, key: SortKey) -> int:
        return self._paging().rank(self.desk, self.actor, self.view, self.now, key)

    def refreshed(self) -> ViewSource:
        return ViewSource(self.desk, self.actor, self.view, label=self.label)


@dataclass
class SearchSource:
    """A ranked search result: small and complete, so it is held whole (at most the search limit)."""

    desk: Desk
    text: str
    rows: list[QueueItem] = field(default_factory=list)
    broad: bool = False
    label: str = ""
    loaded: bool = False

    def _ensure(self) -> None:
        if not self.loaded:
            from ..core.search import search

            result = search(self.desk, self.text)
            self.rows, self.broad, self.loaded = result.items, result.broad, True

    def _index(self) -> dict[int, int]:
        return {row.id: i for i, row in enumerate(self.rows)}

    def key(self, row: QueueItem) -> SortKey:
        self._ensure()
        return (self._index().get(row.id, len(self.rows)), row.id)

    def first(self, limit: int) -> list[QueueItem]:
        self._ensure()
        return self.rows[:limit]

    def last(self, limit: int) -> list[QueueItem]:
        self._ensure()
        return self.rows[-limit:]

    def after(self, key: SortKey, limit: int, include: bool = False) -> list[QueueItem]:
        self._ensure()
        start = key[0] if include else key[0] + 1
        return self.rows[start : start + limit]

    def before(self, key: SortKey, limit: int) -> list[QueueItem]:
        self._ensure()
        end = key[0]
        return self.rows[max(0, end - limit) : end]

    def find(self, ticket_id: int) -> QueueItem | None:
        self._ensure()
        index = self._index().get(ticket_id)
        return None if index is None else self.rows[index]

    def count(self) -> int:
        self._ensure()
        return len(self.rows)

    def rank(self, key: SortKey) -> int:
        return int(key[0])

    def refreshed(self) -> SearchSource:
        return SearchSource(self.desk, self.text, label=self.label)
