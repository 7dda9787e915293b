"""The backlog: the tickets active now (in total and per dimension value), and at any past instant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.engine import Connection

from ..clock import iso
from ..desk import Actor, Desk
from ..roles import Permission, require
from .sql import ACTIVE, EVENT, TICKET, as_datetime, dimension_columns


@dataclass
class Backlog:
    """Tickets in new / open / pending / on hold at a moment."""

    at: datetime
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    unassigned: int = 0
    at_risk: int = 0
    breached: int = 0
    oldest_created_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": iso(self.at),
            "total": self.total,
            "by_status": self.by_status,
            "unassigned": self.unassigned,
            "at_risk": self.at_risk,
            "breached": self.breached,
            "oldest_created_at": iso(self.oldest_created_at),
        }


def read_backlog(conn: Connection, now: datetime) -> tuple[Backlog, dict[tuple[Any, ...], dict[str, int]]]:
    """The backlog now, in total and per dimension value (open load per agent, per team...)."""
    c = TICKET.c
    dims = dimension_columns()
    query = (
        select(
            *dims,
            c.status,
            func.count(),
            func.count().filter(c.assignee_id.is_(None)),
            func.count().filter(and_(c.next_due_at >= now, c.next_risk_at <= now)),
            func.count().filter(c.next_due_at < now),
            func.min(c.created_at),
        )
        .where(c.status.in_(ACTIVE))
        .group_by(*dims, c.status)
    )
    backlog = Backlog(now)
    per_key: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in conn.execute(query):
        key, status = tuple(row[:5]), row[5]
        n, unassigned, at_risk, breached, oldest = row[6:]
        backlog.total += n
        backlog.by_status[status] = backlog.by_status.get(status, 0) + n
        backlog.unassigned += unassigned
        backlog.at_risk += at_risk
        backlog.breached += breached
        oldest_dt = as_datetime(oldest)
        if oldest_dt is not None and (
            backlog.oldest_created_at is None or oldest_dt < backlog.oldest_created_at
        ):
            backlog.oldest_created_at = oldest_dt
        cell = per_key.setdefault(key, {"open": 0, "at_risk": 0, "breached": 0})
        cell["open"] += n
        cell["at_risk"] += at_risk
        cell["breached"] += breached
    for status in ACTIVE:
        backlog.by_status.setdefault(status, 0)
    return backlog, per_key


def backlog_at(desk: Desk, actor: Actor, at: datetime) -> int:
    """How many tickets were in new / open / pending / on hold at the instant ``at`` (exact).

    Never-reopened tickets are active from ``created_at`` until their first solve; the few tickets
    that were reopened are replayed from their status history.
    """
    require(actor, Permission.VIEW_REPORTS)
    with desk.store.read() as session:
        conn = session.connection()
        return count_active_at(conn, at)


def count_active_at(conn: Connection, at: datetime) -> int:
    c = TICKET.c
    # Tickets created by ``at`` minus those first solved by then, counted from the recent end so
    # that only the short ranges after ``at`` are read: never solved - created after + solved after.
    never_solved = conn.execute(select(func.count()).where(c.first_solved_at.is_(None))).scalar_one()
    created_after = conn.execute(select(func.count()).where(c.created_at > at)).scalar_one()
    solved_after = conn.execute(select(func.count()).where(c.first_solved_at > at)).scalar_one()
    count = int(never_solved) - int(created_after) + int(solved_after)
    # Reopened tickets first solved by then count if their last status change before ``at`` made
    # them active again.
    # A literal 0 (not a bound parameter): SQLite can then use the partial index on reopened tickets.
    candidates = select(c.id).where(
        c.reopen_count > literal_column("0"),
        c.first_solved_at <= at,
        or_(c.status.in_(ACTIVE), c.solved_at > at),
    )
    last_change = (
        select(func.max(EVENT.c.id))
        .where(EVENT.c.ticket_id.in_(candidates), EVENT.c.field == "status", EVENT.c.at <= at)
        .group_by(EVENT.c.ticket_id)
    )
    reopened = conn.execute(
        select(func.count()).where(EVENT.c.id.in_(last_change), EVENT.c.new_value.in_(ACTIVE))
    ).scalar_one()
    return count + int(reopened)
