"""Seeing what other agents do: cheap change detection and one refresh at a time.

``ChangeDetector.poll`` reads ``PRAGMA data_version`` on a connection of its own: SQLite bumps
that counter whenever any *other* connection commits (another agent's console, the mail
fetcher, our own pooled connections), so an idle desk costs one trivial pragma per poll.

The app polls from a thread worker started by a one-shot timer, and re-arms the timer only when
the worker is done: polls and refreshes never overlap and never run on the event loop. When
something changed (or every ``TICK`` anyway, because SLA states move with the clock) the worker
also reads the KPI strip and the agent's own tickets, and hands them to the app in one message.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from ..core.online import HEARTBEAT_SECONDS

if TYPE_CHECKING:
    from ..core.kpi import Kpis
    from ..core.store import Store

TICK = timedelta(seconds=30)  # refresh at least this often: SLA states change with time alone
HEARTBEAT = timedelta(seconds=HEARTBEAT_SECONDS)  # inside the online window (core/online.py)


class ChangeDetector:
    """True from ``poll`` when the database changed since the previous poll (first poll: True)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._connection: sqlite3.Connection | None = None
        self._last: int | None = None

    def poll(self) -> bool:
        if not self._store.is_sqlite or self._store.path is None:
            return True  # no cheap signal elsewhere: refresh every poll (the app polls slower then)
        if self._connection is None:
            self._connection = sqlite3.connect(
                f"{self._store.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=5
            )
        value = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
        changed = value != self._last
        self._last = value
        return changed

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@dataclass(frozen=True)
class LiveUpdate:
    """What one poll found: fresh KPIs and the agent's active tickets (id -> subject)."""

    kpis: Kpis
    mine: dict[int, str] = field(default_factory=dict)
    changed: bool = True
