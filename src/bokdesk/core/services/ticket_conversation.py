"""The conversation on a ticket: replies and logged calls to the customer, internal notes, and
the customer's own messages (which reopen a solved ticket or open a follow-up of a closed one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import history, sla
from ..desk import Actor, Desk
from ..enums import Category, ComplaintDecision, Direction, LinkKind, MessageKind, Status
from ..errors import InvalidTransition, ValidationError
from ..models import Message, Ticket
from ..notices import Notice
from . import assignment
from .outbox import enqueue_reply  # imported here, not inside the reply's write lock
from .ticket_workflow import change_status, leave_pending
from .ticket_write import (
    clean_body,
    enum_value,
    load_for_write,
    need_agent,
    need_own_or_unassigned,
    pick_up,
    set_field,
    touch,
)


def reply(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    body: str,
    *,
    expected_version: int | None = None,
    set_status: str | None = None,
    complaint_decision: str | None = None,
    decision_reason: str | None = None,
) -> Message:
    """A public reply to the customer; stops the first-response clock (and may decide a complaint)."""
    return _public_response(
        desk,
        actor,
        ticket_id,
        body,
        MessageKind.REPLY,
        expected_version,
        set_status,
        complaint_decision,
        decision_reason,
    )


def log_call(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    body: str,
    *,
    expected_version: int | None = None,
    set_status: str | None = None,
) -> Message:
    """A logged phone call or conversation with the customer; counts as a public response."""
    return _public_response(
        desk, actor, ticket_id, body, MessageKind.CALL, expected_version, set_status, None, None
    )


def _public_response(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    body: str,
    kind: MessageKind,
    expected_version: int | None,
    set_status: str | None,
    complaint_decision: str | None,
    decision_reason: str | None,
) -> Message:
    need_agent(actor)
    text = clean_body(body, "reply" if kind is MessageKind.REPLY else "call")
    decision = (
        enum_value(ComplaintDecision, complaint_decision, "unknown_decision") if complaint_decision else None
    )
    if decision is ComplaintDecision.REJECTED and not (decision_reason or "").strip():
        raise ValidationError("rejection_needs_reason")
    target = enum_value(Status, set_status, "unknown_status") if set_status else None
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        need_own_or_unassigned(session, desk, ticket, actor)
        if ticket.status == Status.CLOSED.value:
            raise InvalidTransition("ticket_closed_follow_up", number=ticket_id)
        now = desk.now()
        message = Message(
            ticket_id=ticket_id, kind=kind.value, author_agent_id=actor.id, body=text, created_at=now
        )
        session.add(message)
        if ticket.assignee_id is None:
            set_field(session, ticket, actor, now, "assignee_id", actor.id)
        pick_up(session, ticket, actor, now)
        ticket.public_response_count += 1
        if ticket.first_response_at is None and ticket.direction == Direction.INBOUND.value:
            ticket.first_response_at = now
            ticket.frt_breached = ticket.frt_due_at is not None and now > ticket.frt_due_at
            history.record(session, ticket_id, actor, now, "first_response_at", None, now)
        if decision is not None:
            if ticket.category != Category.COMPLAINT.value:
                raise ValidationError("not_a_complaint", number=ticket_id)
            set_field(session, ticket, actor, now, "complaint_decision", decision.value, decision_reason)
            ticket.complaint_decided_at = now
        if ticket.status == Status.NEW.value and target is None:
            set_field(session, ticket, actor, now, "status", Status.OPEN.value)
        history.record(session, ticket_id, actor, now, kind.value, None, None)
        if kind is MessageKind.REPLY:
            # The e-mail goes out with the reply or not at all: queued in this transaction.
            enqueue_reply(session, desk, ticket, message)
        if target is not None and target.value != ticket.status:
            change_status(session, desk, ticket, actor, target, now)
        sla.apply_policy(session, desk.calendar, ticket)
        touch(desk, ticket, now)
        session.flush()
        return message


def add_note(
    desk: Desk, actor: Actor, ticket_id: int, body: str, *, expected_version: int | None = None
) -> Message:
    """An internal note: visible to agents only, does not count as a response."""
    need_agent(actor)
    text = clean_body(body, "note")
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        now = desk.now()
        message = Message(
            ticket_id=ticket_id,
            kind=MessageKind.NOTE.value,
            author_agent_id=actor.id,
            body=text,
            created_at=now,
        )
        session.add(message)
        history.record(session, ticket_id, actor, now, "note", None, None)
        touch(desk, ticket, now)
        session.flush()
        return message


@dataclass(frozen=True)
class CustomerMessageResult:
    """Where a customer's message landed: its ticket, and whether that is a new follow-up."""

    ticket: Ticket
    message: Message
    follow_up_of: int | None = None
    reopened: bool = False


def add_customer_message(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    body: str,
    *,
    received_at: datetime | None = None,
    email_message_id: str | None = None,
    email_in_reply_to: str | None = None,
    email_references: str | None = None,
    email_from: str | None = None,
    email_subject: str | None = None,
    email_to: str | None = None,
) -> CustomerMessageResult:
    """A message from the customer: reopens a solved ticket; on a closed one opens a follow-up."""
    text = (body or "").replace("\x00", "")
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id)
        now = desk.now()
        at = received_at or now
        follow_up_of = None
        reopened = False
        if ticket.status == Status.CLOSED.value:
            parent = ticket
            ticket = Ticket(
                subject=parent.subject,
                channel=parent.channel,
                category=parent.category,
                priority=parent.priority,
                status=Status.NEW.value,
                direction=Direction.INBOUND.value,
                customer_id=parent.customer_id,
                team_id=parent.team_id,
                parent_id=parent.id,
                link_kind=LinkKind.FOLLOW_UP.value,
                email_thread_id=parent.email_thread_id,
                created_at=at,
                updated_at=now,
            )
            if parent.category == Category.COMPLAINT.value:
                ticket.complaint_due_at = sla.complaint_due(desk.calendar, at, desk.complaint_days)
            session.add(ticket)
            session.flush()
            history.record(
                session,
                ticket.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
                actor,
                now,
                "created",
                None,
                ticket.channel,
                Notice("follow_up_of", {"ticket": parent.id}),
            )
            history.record(session, parent.id, actor, now, "follow_up", None, ticket.id)  # type: ignore[arg-type]  # the row's id, set when it was flushed
            follow_up_of = parent.id
            sla.apply_policy(session, desk.calendar, ticket)
            assignment.auto_assign(session, desk, ticket)
        elif ticket.status == Status.SOLVED.value:
            set_field(session, ticket, actor, now, "status", Status.OPEN.value, Notice("customer_replied"))
            sla.pause_ended(session, desk.calendar, ticket, ticket.solved_at, now)
            ticket.reopen_count += 1
            reopened = True
        elif ticket.status == Status.PENDING.value:
            leave_pending(session, desk, ticket, now)
            set_field(session, ticket, actor, now, "status", Status.OPEN.value, Notice("customer_replied"))
        message = Message(
            ticket_id=ticket.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
            kind=MessageKind.CUSTOMER.value,
            author_customer_id=ticket.customer_id,
            body=text,
            created_at=at,
            email_message_id=email_message_id,
            email_in_reply_to=email_in_reply_to,
            email_references=email_references,
            email_from=email_from,
            email_subject=email_subject,
            email_to=email_to,
        )
        session.add(message)
        ticket.last_customer_message_at = at
        history.record(session, ticket.id, actor, now, "customer_message", None, None)  # type: ignore[arg-type]  # the row's id, set when it was flushed
        sla.apply_policy(session, desk.calendar, ticket)
        touch(desk, ticket, now)
        session.flush()
        return CustomerMessageResult(ticket, message, follow_up_of, reopened)


__all__ = ["CustomerMessageResult", "add_customer_message", "add_note", "log_call", "reply"]
