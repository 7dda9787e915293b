"""Complaints: the open ones by due date, and those decided in a period, on time or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, text
from sqlalchemy.engine import Connection

from .. import sla
from ..clock import iso
from ..desk import Desk
from ..enums import ACTIVE_SQL
from ..periods import Period
from .figures import ratio
from .sql import AGENT, DONE, TEAM, TICKET, as_utc, hinted, not_merged


@dataclass
class Complaint:
    number: int
    subject: str
    received_at: datetime
    due_at: datetime
    days_left: int
    status: str
    assignee: str | None
    team: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "subject": self.subject,
            "received_at": iso(self.received_at),
            "due_at": iso(self.due_at),
            "days_left": self.days_left,
            "status": self.status,
            "assignee": self.assignee,
            "team": self.team,
        }


@dataclass
class Complaints:
    open: list[Complaint]
    open_total: int
    overdue: int
    closed_without_decision: int
    decided: int
    decided_in_time: int
    received: int

    def to_json(self) -> dict[str, Any]:
        return {
            "open_total": self.open_total,
            "overdue": self.overdue,
            "closed_without_decision": self.closed_without_decision,
            "received": self.received,
            "decided": self.decided,
            "decided_in_time": self.decided_in_time,
            "on_time_rate": ratio(self.decided_in_time, self.decided),
            "open": [c.to_json() for c in self.open],
        }


def read_complaints(
    conn: Connection, desk: Desk, period: Period, now: datetime, limit: int, received: int
) -> Complaints:
    c = TICKET.c
    sqlite = desk.store.is_sqlite
    undecided = and_(c.complaint_due_at.is_not(None), c.complaint_decided_at.is_(None))
    # Open ones among the active tickets (their partial index, schema 0004: the backlog, not every
    # complaint ever received); the closed ones without a decision among the undecided complaints.
    active_index = "ix_ticket_active_due"
    active = text(f"ticket.{ACTIVE_SQL}")  # literals: SQLite matches them to the partial index
    open_total, overdue = conn.execute(
        hinted(
            select(func.count(), func.count().filter(c.complaint_due_at <= now)).where(active, undecided),
            active_index,
            sqlite,
        )
    ).one()
    closed_without = conn.execute(
        hinted(
            select(func.count()).where(undecided, c.status.in_(DONE), not_merged()),
            "ix_ticket_m_complaint_open",
            sqlite,
        )
    ).scalar_one()
    assignee = AGENT.alias("assignee")
    rows = conn.execute(
        hinted(
            select(c.id, c.subject, c.created_at, c.complaint_due_at, c.status, assignee.c.name, TEAM.c.name)
            .select_from(
                TICKET.outerjoin(assignee, assignee.c.id == c.assignee_id).outerjoin(
                    TEAM, TEAM.c.id == c.team_id
                )
            )
            .where(active, undecided)
            .order_by(c.complaint_due_at, c.id)
            .limit(limit),
            active_index,
            sqlite,
        )
    ).all()
    items = []
    for number, subject, created, due, status, who, team in rows:
        due_dt = as_utc(due)
        items.append(
            Complaint(
                number,
                subject,
                as_utc(created),
                due_dt,
                sla.complaint_days_left(desk.calendar, due_dt, now),
                status,
                who,
                team,
            )
        )
    decided, in_time = conn.execute(
        hinted(
            select(func.count(), func.count().filter(c.complaint_decided_at <= c.complaint_due_at)).where(
                c.complaint_decided_at >= period.start,
                c.complaint_decided_at < period.end,
                c.complaint_decided_at.is_not(None),
                c.complaint_due_at.is_not(None),
            ),
            "ix_ticket_m_complaint_decided",
            sqlite,
        )
    ).one()
    return Complaints(
        items, int(open_total), int(overdue), int(closed_without), int(decided), int(in_time), received
    )
