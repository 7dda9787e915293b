"""Read models: queue views, ticket detail, customer history. Short read transactions only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from .desk import Actor, Desk
from .enums import ACTIVE_STATUSES, WAITING_STATUSES, Category, Status, View
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

SOLVED_RECENTLY = timedelta(days=7)


VIEW_KEYS: dict[str, View] = {str(i + 1): v for i, v in enumerate(View)}


def parse_view(value: str) -> View:
    try:
        return View(value)
    except ValueError:
        raise ValidationError(
            f"Unknown view {value!r}; use one of: {', '.join(v.value for v in View)}."
        ) from None


ACTIVE = [s.value for s in ACTIVE_STATUSES]


def view_filter(view: View, actor: Actor, now: datetime) -> list[Any]:
    """The WHERE conditions of a queue view."""
    if view is View.MINE:
        return [col(Ticket.status).in_(ACTIVE), Ticket.assignee_id == actor.id]
    if view is View.UNASSIGNED:
        return [col(Ticket.status).in_(ACTIVE), col(Ticket.assignee_id).is_(None), offered_to(actor)]
    if view is View.OPEN:
        return [col(Ticket.status).in_(ACTIVE)]
    if view is View.WAITING:
        return [col(Ticket.status).in_([s.value for s in WAITING_STATUSES])]
    if view is View.SLA:
        return [col(Ticket.status).in_(ACTIVE), col(Ticket.next_risk_at) <= now]
    if view is View.COMPLAINTS:
        return [col(Ticket.status).in_(ACTIVE), Ticket.category == Category.COMPLAINT.value]
    return [
        col(Ticket.status).in_([Status.SOLVED.value, Status.CLOSED.value]),
        col(Ticket.solved_at) >= now - SOLVED_RECENTLY,
    ]


def offered_to(actor: Actor) -> Any:
    """Unassigned tickets offered to ``actor`` (view 2 and take-next): their team's and those of no
    team; an agent without a team is offered only the tickets of no team."""
    if actor.team_id is None:
        return col(Ticket.team_id).is_(None)
    return or_(col(Ticket.team_id).is_(None), Ticket.team_id == actor.team_id)


def urgency_bucket(now: datetime) -> Any:
    """0 breached, 1 at risk, 2 running, 3 no target."""
    return case(
        (col(Ticket.next_due_at).is_(None), 3),
        (col(Ticket.next_due_at) < now, 0),
        (col(Ticket.next_risk_at) <= now, 1),
        else_=2,
    )


def view_order(view: View, now: datetime) -> list[Any]:
    if view is View.SOLVED:
        return [col(Ticket.solved_at).desc(), col(Ticket.id).desc()]
    return [urgency_bucket(now), col(Ticket.next_due_at), col(Ticket.created_at), col(Ticket.id)]


def _row_query():  # type: ignore[no-untyped-def]
    assignee = aliased(Agent)
    return (
        select(
            Ticket.id,
            Ticket.subject,
            Ticket.status,
            Ticket.priority,
            Ticket.channel,
            Ticket.category,
            Customer.name,
            assignee.name,
            Team.name,
            Ticket.created_at,
            Ticket.next_due_at,
            Ticket.next_risk_at,
            Ticket.complaint_due_at,
            Ticket.version,
        )
        .select_from(Ticket)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(assignee, assignee.id == Ticket.assignee_id, isouter=True)
        .join(Team, Team.id == Ticket.team_id, isouter=True)
    )


def list_view(desk: Desk, actor: Actor, view: View, *, limit: int = 50, offset: int = 0) -> list[QueueRow]:
    """One page of a queue view, most urgent first."""
    now = desk.now()
    query = (
        _row_query()
        .where(*view_filter(view, actor, now))
        .order_by(*view_order(view, now))
        .limit(limit)
        .offset(offset)
    )
    with desk.store.read() as session:
        return [QueueRow(*row) for row in session.exec(query).all()]


def count_view(desk: Desk, actor: Actor, view: View) -> int:
    now = desk.now()
    with desk.store.read() as session:
        return int(
            session.exec(select(func.count()).select_from(Ticket).where(*view_filter(view, actor, now))).one()
        )


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
        raise NotFound(f"Ticket #{ticket_id} does not exist.")
    customer = session.get(Customer, ticket.customer_id)
    assert customer is not None
    contacts = list(
        session.exec(select(CustomerContact).where(CustomerContact.customer_id == customer.id)).all()
    )
    merged = list(
        session.exec(
            select(Ticket.id).where(Ticket.parent_id == ticket_id, Ticket.link_kind == "merged")
        ).all()
    )
    follow_ups = list(
        session.exec(
            select(Ticket.id).where(Ticket.parent_id == ticket_id, Ticket.link_kind == "follow_up")
        ).all()
    )
    ticket_ids = [ticket_id, *merged]
    roster = session.exec(select(Agent)).all()
    agents = {a.id: a.name for a in roster}
    rows = session.exec(
        select(Message).where(col(Message.ticket_id).in_(ticket_ids)).order_by(Message.created_at, Message.id)
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
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
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
            .join(Ticket, Ticket.id == SurveyAnswer.ticket_id)
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
