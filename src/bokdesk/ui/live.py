"""Seeing what other agents do: cheap change detection and one refresh at a time.

``ChangeDetector.poll`` reads the store's change signal (``Store.change_signal``) on a connection
of its own: on SQLite ``PRAGMA data_version``, which moves whenever any *other* connection
commits (another agent's console, the mail fetcher, our own pooled connections); on PostgreSQL
the server's current snapshot, which moves whenever a writing transaction ends. An idle desk
costs one trivial statement per poll.

The app polls from a thread worker started by a one-shot timer, and re-arms the timer only when
the worker is done: polls and refreshes never overlap and never run on the event loop. When
something changed (or every ``TICK`` anyway, because SLA states move with the clock) the worker
also reads the KPI strip and the agent's own tickets, and hands them to the app in one message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from ..core.online import HEARTBEAT_SECONDS

if TYPE_CHECKING:
    from ..core.kpi import Kpis
    from ..core.store import ChangeSignal, Store

TICK = timedelta(seconds=30)  # refresh at least this often: SLA states change with time alone
HEARTBEAT = timedelta(seconds=HEARTBEAT_SECONDS)  # inside the online window (core/online.py)


class ChangeDetector:
    """True from ``poll`` when the database changed since the previous poll (first poll: True)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._signal: ChangeSignal | None = None
        self._last: object = None

    def poll(self) -> bool:
        if self._signal is None:
            self._signal = self._store.change_signal()
        value = self._signal.value()
        changed = value != self._last
        self._last = value
        return changed

    def close(self) -> None:
        if self._signal is not None:
            self._signal.close()
            self._signal = None


@dataclass(frozen=True)
class LiveUpdate:
    """What one poll found: fresh KPIs and the agent's active tickets (id -> subject)."""

    kpis: Kpis
    mine: dict[int, str] = field(default_factory=dict)
    changed: bool = True
