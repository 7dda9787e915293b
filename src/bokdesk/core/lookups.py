"""Small reads behind the console's lists and previews: the agent's unsent drafts, the ticket a
canned response's preview is filled from. Each is one short read transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from .desk import Actor, Desk
from .models import Customer, Draft, Ticket


@dataclass(frozen=True)
class SampleTicket:
    """The ticket a preview fills its placeholders from, and its customer's language."""

    id: int
    language: str | None


def sample_ticket(desk: Desk, ticket_id: int | None) -> SampleTicket | None:
    """The given ticket, else the newest one; None when the desk has no ticket (or not that one)."""
    with desk.store.read() as session:
        ticket = session.get(Ticket, ticket_id) if ticket_id else None
        if ticket is None:
            ticket = session.exec(select(Ticket).order_by(col(Ticket.id).desc()).limit(1)).first()
        if ticket is None or ticket.id is None:
            return None
        customer = session.get(Customer, ticket.customer_id)
        return SampleTicket(ticket.id, customer.language if customer else None)


UnsentDraft = tuple[int, str, str, datetime, str]
"""(ticket id, subject, kind, saved at, text) of a draft."""


def unsent_drafts(desk: Desk, actor: Actor) -> list[UnsentDraft]:
    """The agent's drafts, newest first."""
    if actor.id is None:
        return []
    with desk.store.read() as session:
        rows = session.exec(
            select(Draft, Ticket.subject)
            .join(Ticket, col(Ticket.id) == Draft.ticket_id)
            .where(Draft.agent_id == actor.id)
            .order_by(col(Draft.updated_at).desc())
        ).all()
        return [(d.ticket_id, subject, d.kind, d.updated_at, d.body) for d, subject in rows]
