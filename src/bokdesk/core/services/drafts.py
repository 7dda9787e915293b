"""Drafts: what an agent has typed but not sent, saved as they type, per ticket and kind."""

from __future__ import annotations

from sqlmodel import select

from ..desk import Actor, Desk
from ..models import Draft


def save(
    desk: Desk, actor: Actor, ticket_id: int, kind: str, body: str, base_version: int | None = None
) -> None:
    """Upsert the draft; an empty body deletes it."""
    if actor.id is None:
        return
    with desk.store.write() as session:
        row = session.exec(
            select(Draft).where(Draft.ticket_id == ticket_id, Draft.agent_id == actor.id, Draft.kind == kind)
        ).first()
        if not body.strip():
            if row is not None:
                session.delete(row)
            return
        if row is None:
            row = Draft(
                ticket_id=ticket_id,
                agent_id=actor.id,
                kind=kind,
                body=body,
                base_version=base_version,
                updated_at=desk.now(),
            )
            session.add(row)
        else:
            row.body = body
            row.updated_at = desk.now()
            if base_version is not None:
                row.base_version = base_version


def load(desk: Desk, actor: Actor, ticket_id: int, kind: str) -> Draft | None:
    with desk.store.read() as session:
        return session.exec(
            select(Draft).where(Draft.ticket_id == ticket_id, Draft.agent_id == actor.id, Draft.kind == kind)
        ).first()


def for_ticket(desk: Desk, actor: Actor, ticket_id: int) -> list[Draft]:
    with desk.store.read() as session:
        return list(
            session.exec(select(Draft).where(Draft.ticket_id == ticket_id, Draft.agent_id == actor.id)).all()
        )


def discard(desk: Desk, actor: Actor, ticket_id: int, kind: str) -> None:
    save(desk, actor, ticket_id, kind, "")
