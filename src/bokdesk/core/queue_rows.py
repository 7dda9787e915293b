"""The queue's rows as plain dataclasses, without the database layer: ``core.paging`` fills them from
the statements ``core.queue_views`` renders (columns in ``ROW_COLUMNS`` order), and the console's
fast start fills the same class from the same statements run with ``sqlite3``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue."""

    id: int
    subject: str
    status: str
    priority: str
    channel: str
    category: str
    customer: str
    assignee: str | None
    team: str | None
    created_at: datetime
    next_due_at: datetime | None
    next_risk_at: datetime | None
    complaint_due_at: datetime | None
    version: int

    def sla_state(self, now: datetime) -> str:
        """ok, at_risk, breached, or none."""
        if self.next_due_at is None:
            return "none"
        if self.next_due_at < now:
            return "breached"
        if self.next_risk_at is not None and self.next_risk_at <= now:
            return "at_risk"
        return "ok"


@dataclass(frozen=True)
class QueueItem(QueueRow):
    """A queue row plus what the console needs beyond the core's row."""

    solved_at: datetime | None = None
    customer_vip: bool = False
    mail_failed: bool = False  # an e-mail of the ticket failed (set by the console per page: channels.view)
