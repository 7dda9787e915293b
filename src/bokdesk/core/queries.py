"""Read models: a page of a queue view, the ticket detail, the customer's history. Short read
transactions only. The queue views are defined in ``core.queue_views`` and paged by ``core.paging``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from . import paging
from .desk import Actor, Desk
from .enums import View
from .errors import NotFound, ValidationError
from .models import (
    Agent,
    Attachment,
    Customer,
    CustomerContact,
    Message,
    SurveyAnswer,
    Team,
    Ticket,
    TicketEvent,
    TicketTag,
)
from .queue_rows import QueueRow

VIEW_KEYS: dict[str, View] = {str(i + 1): v for i, v in enumerate(View)}


def parse_view(value: str) -> View:
    try:
        return View(value)
    except ValueError:
        raise ValidationError("unknown_view", value=value, allowed=", ".join(v.value for v in View)) from None


def list_view(desk: Desk, actor: Actor, view: View, *, limit: int = 50, offset: int = 0) -> list[QueueRow]:
    """One page of a queue view, most urgent first (the view as ``core.queue_views`` defines it)."""
    return list(paging.page(desk, actor, view, desk.now(), limit=limit + offset)[offset:])


def count_view(desk: Desk, actor: Actor, view: View) -> int:
    return paging.count(desk, actor, view, desk.now())


@dataclass
class MessageView:
    message: Message
    author: str
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class TicketDetail:
    """Everything the detail view shows, read in one short transaction."""

    ticket: Ticket
    customer: Customer
    contacts: list[CustomerContact]
    assignee: Agent | None
    team: Team | None
    tags: list[str]
    messages: list[MessageView]
    events: list[TicketEvent]
    earlier: list[Ticket]
    surveys: list[SurveyAnswer]
    customer_surveys: list[SurveyAnswer]
    merged: list[int]
    follow_ups: list[int]
    names: dict[str, str] = field(default_factory=dict)  # every agent's login -> name (the history's values)


def ticket_detail(desk: Desk, ticket_id: int) -> TicketDetail:
    with desk.store.read() as session:
        return load_detail(session, ticket_id)


def load_detail(session: Session, ticket_id: int) -> TicketDetail:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound("ticket_missing", number=ticket_id)
    customer = session.get(Customer, ticket.customer_id)
    assert customer is not None
    contacts = list(
        session.exec(select(CustomerContact).where(CustomerContact.customer_id == customer.id)).all()
    )
    merged = _children(session, ticket_id, "merged")
    follow_ups = _children(session, ticket_id, "follow_up")
    ticket_ids = [ticket_id, *merged]
    roster = session.exec(select(Agent)).all()
    agents = {a.id: a.name for a in roster}
    rows = session.exec(
        select(Message)
        .where(col(Message.ticket_id).in_(ticket_ids))
        .order_by(col(Message.created_at), col(Message.id))
    ).all()
    attachments: dict[int, list[Attachment]] = {}
    if rows:
        for att in session.exec(
            select(Attachment).where(col(Attachment.message_id).in_([m.id for m in rows]))
        ).all():
            attachments.setdefault(att.message_id, []).append(att)
    messages = []
    for m in rows:
        author = (
            customer.name if m.author_customer_id is not None else agents.get(m.author_agent_id, "bokdesk")
        )
        messages.append(MessageView(m, author, attachments.get(m.id or 0, [])))
    events = list(
        session.exec(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id))
        ).all()
    )
    earlier = list(
        session.exec(
            select(Ticket)
            .where(Ticket.customer_id == customer.id, Ticket.id != ticket_id)
            .order_by(col(Ticket.created_at).desc())
            .limit(20)
        ).all()
    )
    surveys = list(session.exec(select(SurveyAnswer).where(SurveyAnswer.ticket_id == ticket_id)).all())
    customer_surveys = list(
        session.exec(
            select(SurveyAnswer)
            .join(Ticket, col(Ticket.id) == SurveyAnswer.ticket_id)
            .where(Ticket.customer_id == customer.id)
            .order_by(col(SurveyAnswer.answered_at).desc())
            .limit(5)
        ).all()
    )
    tags = list(
        session.exec(
            select(TicketTag.tag).where(TicketTag.ticket_id == ticket_id).order_by(TicketTag.tag)
        ).all()
    )
    return TicketDetail(
        ticket=ticket,
        customer=customer,
        contacts=contacts,
        assignee=session.get(Agent, ticket.assignee_id) if ticket.assignee_id else None,
        team=session.get(Team, ticket.team_id) if ticket.team_id else None,
        tags=tags,
        messages=messages,
        events=events,
        earlier=earlier,
        surveys=surveys,
        customer_surveys=customer_surveys,
        merged=merged,
        follow_ups=follow_ups,
        names={a.login: a.name for a in roster},
    )


def _children(session: Session, ticket_id: int, link_kind: str) -> list[int]:
    """The numbers of the tickets merged into this one, or of its follow-ups."""
    rows = session.exec(select(Ticket.id).where(Ticket.parent_id == ticket_id, Ticket.link_kind == link_kind))
    return [number for number in rows.all() if number is not None]
