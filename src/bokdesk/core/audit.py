"""The audit of desk-wide changes that belong to no ticket: who changed an agent's role (or added,
activated, deactivated an agent), an SLA policy, a team's assignment mode or a desk setting, when,
from what, to what. Rows are written by the services in the same transaction as the change;
admins read them (``bokdesk admin audit``). A ticket's own changes stay in its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from .desk import Actor, Desk
from .models import AuditEvent
from .roles import Permission, require


def record(
    session: Session,
    actor: Actor | None,
    at: datetime,
    action: str,
    target: str,
    old: Any = None,
    new: Any = None,
    note: str | None = None,
) -> AuditEvent:
    """Append one audit row (in the caller's write transaction)."""
    row = AuditEvent(
        at=at,
        agent_id=actor.id if actor else None,
        actor=actor.name if actor else "bokdesk",
        action=action,
        target=target,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        note=note,
    )
    session.add(row)
    return row


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    old: str | None
    new: str | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        from .clock import iso

        return {
            "id": self.id,
            "at": iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "old": self.old,
            "new": self.new,
            "note": self.note,
        }


def entries(
    desk: Desk, actor: Actor, *, limit: int = 200, action: str | None = None, since: datetime | None = None
) -> list[Entry]:
    """The latest audit rows, newest first (admins only)."""
    require(actor, Permission.MANAGE_AGENTS, "action_read_audit")
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    query = query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit)
    with desk.store.read() as session:
        rows = session.exec(query).all()
        return [_entry(r) for r in rows]


def _entry(r: AuditEvent) -> Entry:
    assert r.id is not None  # read from the database
    return Entry(r.id, r.at, r.actor, r.action, r.target, r.old_value, r.new_value, r.note)
