"""Ticket services: create, take, transfer, reply, note, call, status, priority, tags, merge.

Each function is one ``BEGIN IMMEDIATE`` transaction that checks, changes, bumps the ticket's
version and appends history rows. Passing ``expected_version`` makes the write refuse a ticket
that changed since the caller loaded it, naming who changed it and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from .. import history, roles, sla
from ..desk import Actor, Desk
from ..enums import (
    TRANSITIONS,
    Category,
    Channel,
    ComplaintDecision,
    Direction,
    LinkKind,
    MessageKind,
    Priority,
    Status,
)
from ..errors import AlreadyTaken, InvalidTransition, NotFound, StaleWrite, ValidationError
from ..models import Agent, Message, Team, Ticket, TicketEvent, TicketTag
from ..notices import Notice
from ..paging import next_offered
from ..roles import Permission
from . import assignment
from .customers import CustomerSpec, resolve_customer
from .outbox import enqueue_reply  # imported here, not inside the reply's write lock

MAX_SUBJECT = 500
MAX_BODY = 1_000_000
# Channels where the agent is talking to the customer while typing the ticket in.
LIVE_CHANNELS = (Channel.PHONE, Channel.WALK_IN)


def _enum(kind: type, value: str, what: str):  # type: ignore[no-untyped-def]
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ValidationError(f"Unknown {what} {value!r}; use one of: {allowed}.") from None


def _clean_subject(subject: str, *, required: bool = True) -> str:
    text = " ".join((subject or "").split())
    if not text and required:
        raise ValidationError("The subject must not be empty.")
    return text[:MAX_SUBJECT]


def _clean_body(body: str, what: str = "The message") -> str:
    text = (body or "").replace("\r\n", "\n").replace("\x00", "")
    if not text.strip():
        raise ValidationError(f"{what} must not be empty.")
    if len(text) > MAX_BODY:
        raise ValidationError(f"{what} is longer than {MAX_BODY:,} characters.")
    return text


def agent_name(session: Session, agent_id: int | None) -> str:
    if agent_id is None:
        return "nobody"
    agent = session.get(Agent, agent_id)
    return agent.name if agent else f"agent #{agent_id}"


def load_for_write(session: Session, ticket_id: int, expected_version: int | None = None) -> Ticket:
    """The ticket inside a write transaction; refuses a stale version with who/when."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"Ticket #{ticket_id} does not exist.")
    if expected_version is not None and ticket.version != expected_version:
        last = session.exec(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id).desc())
        ).first()
        by = last.actor if last else "someone"
        at = last.at.strftime("%Y-%m-%d %H:%M UTC") if last else "an unknown time"
        raise StaleWrite(
            ticket_id, by, at, expected_version, ticket.version, changed_at=last.at if last else None
        )
    return ticket


def touch(desk: Desk, ticket: Ticket, now: datetime) -> None:
    """Mark a ticket changed: bump its version and store the durations of stopped clocks."""
    ticket.version += 1
    ticket.updated_at = now
    sla.stamp_durations(desk.calendar, ticket, now)


def _pick_up(session: Session, ticket: Ticket, actor: Actor, now: datetime) -> None:
    if ticket.picked_up_at is None:
        ticket.picked_up_at = now
        history.record(session, ticket.id, actor, now, "picked_up_at", None, now)  # type: ignore[arg-type]


def _set(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    now: datetime,
    field: str,
    value: object,
    note: str | Notice | None = None,
) -> None:
    old = getattr(ticket, field)
    if old == value:
        return
    setattr(ticket, field, value)
    if field == "assignee_id":
        field, old, value = "assignee", _agent_label(session, old), _agent_label(session, value)
    elif field == "team_id":
        field, old, value = "team", _team_label(session, old), _team_label(session, value)
    history.record(session, ticket.id, actor, now, field, old, value, note)  # type: ignore[arg-type]


def _agent_label(session: Session, agent_id: object) -> str | None:
    if agent_id is None:
        return None
    agent = session.get(Agent, agent_id)
    return agent.login if agent else f"#{agent_id}"


def _team_label(session: Session, team_id: object) -> str | None:
    if team_id is None:
        return None
    team = session.get(Team, team_id)
    return team.name if team else f"#{team_id}"


@dataclass(frozen=True)
class NewTicket:
    """What an agent (or a channel) knows about a new contact."""

    subject: str
    customer: CustomerSpec
    channel: str = Channel.EMAIL.value
    category: str = Category.QUESTION.value
    priority: str = Priority.NORMAL.value
    body: str = ""
    created_at: datetime | None = None
    team_id: int | None = None
    direction: str = Direction.INBOUND.value
    solved_on_first_contact: bool = False
    tags: tuple[str, ...] = ()
    email_message_id: str | None = None
    email_from: str | None = None
    email_subject: str | None = None
    email_in_reply_to: str | None = None
    email_references: str | None = None
    email_to: str | None = None
    email_thread_id: str | None = None


def create_ticket(desk: Desk, actor: Actor, new: NewTicket) -> Ticket:
    """Open a ticket. A phone call or walk-in typed by an agent is theirs and already answered."""
    # A customer's e-mail may come without a subject (stored empty, said at display:
    # core/subjects.py); an agent always types one.
    subject = _clean_subject(
        new.subject, required=not (actor.id is None and new.channel == Channel.EMAIL.value)
    )
    channel = _enum(Channel, new.channel, "channel")
    category = _enum(Category, new.category, "category")
    priority = _enum(Priority, new.priority, "priority")
    direction = _enum(Direction, new.direction, "direction")
    body = new.body.replace("\x00", "") if new.body else ""
    live = channel in LIVE_CHANNELS and actor.id is not None
    if new.solved_on_first_contact and actor.id is None:
        raise ValidationError("Only an agent can solve a ticket on first contact.")
    with desk.store.write() as session:
        now = desk.now()
        created = new.created_at or now
        if created > now + timedelta(minutes=5):
            raise ValidationError("A ticket cannot be created in the future.")
        customer = resolve_customer(session, desk, new.customer)
        team_id = new.team_id
        if team_id is not None and session.get(Team, team_id) is None:
            raise NotFound(f"Team #{team_id} does not exist.")
        if team_id is None and category is Category.COMPLAINT:
            team_id = _setting_team(session, desk, "complaints_team")
        ticket = Ticket(
            subject=subject,
            channel=channel.value,
            category=category.value,
            priority=priority.value,
            status=Status.NEW.value,
            direction=direction.value,
            customer_id=customer.id,  # type: ignore[arg-type]
            team_id=team_id,
            email_thread_id=new.email_thread_id,
            created_at=created,
            updated_at=now,
        )
        if category is Category.COMPLAINT:
            ticket.complaint_due_at = sla.complaint_due(desk.calendar, created, desk.complaint_days)
        if live or new.solved_on_first_contact:
            ticket.assignee_id = actor.id
            ticket.picked_up_at = created
            ticket.status = Status.OPEN.value
        session.add(ticket)
        session.flush()
        history.record(session, ticket.id, actor, now, "created", None, channel.value)  # type: ignore[arg-type]
        if body.strip():
            kind = (
                MessageKind.CALL
                if live
                else (MessageKind.REPLY if direction is Direction.OUTBOUND else MessageKind.CUSTOMER)
            )
            message = Message(
                ticket_id=ticket.id,  # type: ignore[arg-type]
                kind=kind.value,
                author_agent_id=actor.id if kind is not MessageKind.CUSTOMER else None,
                author_customer_id=customer.id if kind is MessageKind.CUSTOMER else None,
                body=body,
                created_at=created,
                email_message_id=new.email_message_id,
                email_from=new.email_from,
                email_subject=new.email_subject,
                email_in_reply_to=new.email_in_reply_to,
                email_references=new.email_references,
                email_to=new.email_to,
            )
            session.add(message)
            if kind is MessageKind.CUSTOMER:
                ticket.last_customer_message_at = created
            else:
                ticket.public_response_count = 1
        if live and direction is Direction.INBOUND:
            ticket.first_response_at = created
            ticket.public_response_count = 1
        if ticket.assignee_id is not None:
            history.record(session, ticket.id, actor, now, "assignee", None, actor.login)  # type: ignore[arg-type]
        for tag in _clean_tags(new.tags):
            session.add(TicketTag(ticket_id=ticket.id, tag=tag))  # type: ignore[arg-type]
        sla.apply_policy(session, desk.calendar, ticket)
        if not new.solved_on_first_contact:
            assignment.auto_assign(session, desk, ticket)
        if new.solved_on_first_contact:
            _set(
                session, ticket, actor, now, "status", Status.SOLVED.value, Notice("solved_on_first_contact")
            )
            _solve(session, ticket, actor, created)
        sla.stamp_durations(desk.calendar, ticket)
        session.flush()
        return ticket


def _setting_team(session: Session, desk: Desk, key: str) -> int | None:
    name = desk.settings.get(key)
    if not name:
        return None
    team = session.exec(select(Team).where(Team.name == name)).first()
    return team.id if team else None


def take(desk: Desk, actor: Actor, ticket_id: int, *, expected_version: int | None = None) -> Ticket:
    """Claim a ticket. Exactly one of several racing agents wins; the others are told who did."""
    _require_agent(actor)
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id)
        if ticket.assignee_id == actor.id:
            return ticket
        if ticket.assignee_id is not None:
            raise AlreadyTaken(ticket_id, agent_name(session, ticket.assignee_id))
        if expected_version is not None and ticket.version != expected_version:
            load_for_write(session, ticket_id, expected_version)
        if ticket.status == Status.CLOSED.value:
            raise InvalidTransition(f"Ticket #{ticket_id} is closed; open a follow-up instead.")
        _claim(session, desk, ticket, actor)
        return ticket


def _claim(session: Session, desk: Desk, ticket: Ticket, actor: Actor) -> None:
    now = desk.now()
    if ticket.team_id is None and actor.team_id is not None:
        _set(session, ticket, actor, now, "team_id", actor.team_id)
    _set(session, ticket, actor, now, "assignee_id", actor.id)
    _pick_up(session, ticket, actor, now)
    if ticket.status == Status.NEW.value:
        _set(session, ticket, actor, now, "status", Status.OPEN.value)
    touch(desk, ticket, now)


def take_next(desk: Desk, actor: Actor) -> Ticket | None:
    """Claim the first ticket of the agent's unassigned view (view 2): the most urgent unassigned
    ticket of their team or of no team (an agent without a team: of no team); None if none waits.

    A team's tickets were routed to it for what it knows (complaints, technical work), so an agent
    outside the team is not handed them; tickets of no team belong to the whole desk. The ticket is
    found by the view's own statements (``core.paging``: a seek per urgency bucket into the
    partial index, no sort) inside the claim's write transaction, so racing agents never get the
    same ticket and the view's first row is what the key takes.
    """
    _require_agent(actor)
    with desk.store.write() as session:
        ticket_id = next_offered(session.connection(), actor, desk.now())
        if ticket_id is None:
            return None
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        _claim(session, desk, ticket, actor)
        return ticket


def assign(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    *,
    agent_id: int | None = None,
    team_id: int | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Assign or transfer to an agent and/or a team; a handover note is required on a transfer."""
    if agent_id is None and team_id is None:
        raise ValidationError("Choose an agent or a team to assign the ticket to.")
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        if ticket.status == Status.CLOSED.value:
            raise InvalidTransition(f"Ticket #{ticket_id} is closed.")
        if ticket.assignee_id is not None and ticket.assignee_id != actor.id:
            roles.require(actor, Permission.REASSIGN_ANY)
        agent = None
        if agent_id is not None:
            agent = session.get(Agent, agent_id)
            if agent is None:
                raise NotFound(f"Agent #{agent_id} does not exist.")
            if not agent.active:
                raise ValidationError(f"{agent.name} is not an active agent.")
            if team_id is None:
                team_id = agent.team_id if agent.team_id is not None else ticket.team_id
        if team_id is not None and session.get(Team, team_id) is None:
            raise NotFound(f"Team #{team_id} does not exist.")
        new_assignee = agent.id if agent else None
        if new_assignee == ticket.assignee_id and team_id == ticket.team_id:
            return ticket
        is_transfer = ticket.assignee_id is not None or (
            ticket.team_id is not None and ticket.team_id != team_id
        )
        note = (note or "").strip()
        if is_transfer and new_assignee != actor.id and not note:
            raise ValidationError("A transfer needs a handover note, so nobody asks the customer again.")
        now = desk.now()
        if is_transfer:
            ticket.transfer_count += 1
        _set(session, ticket, actor, now, "team_id", team_id, note or None)
        _set(session, ticket, actor, now, "assignee_id", new_assignee, note or None)
        if new_assignee is not None:
            _pick_up(session, ticket, actor, now)
            if ticket.status == Status.NEW.value:
                _set(session, ticket, actor, now, "status", Status.OPEN.value)
        if note:  # the agent's own words; who it went to is in the history rows above
            session.add(
                Message(
                    ticket_id=ticket_id,
                    kind=MessageKind.HANDOVER.value,
                    author_agent_id=actor.id,
                    body=note,
                    created_at=now,
                )
            )
        touch(desk, ticket, now)
        return ticket


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
    _require_agent(actor)
    text = _clean_body(body, "The reply" if kind is MessageKind.REPLY else "The call log")
    decision = _enum(ComplaintDecision, complaint_decision, "decision") if complaint_decision else None
    if decision is ComplaintDecision.REJECTED and not (decision_reason or "").strip():
        raise ValidationError("A rejected complaint needs the reason in the decision.")
    target = _enum(Status, set_status, "status") if set_status else None
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        if ticket.status == Status.CLOSED.value:
            raise InvalidTransition(f"Ticket #{ticket_id} is closed; open a follow-up instead.")
        now = desk.now()
        message = Message(
            ticket_id=ticket_id, kind=kind.value, author_agent_id=actor.id, body=text, created_at=now
        )
        session.add(message)
        if ticket.assignee_id is None:
            _set(session, ticket, actor, now, "assignee_id", actor.id)
        _pick_up(session, ticket, actor, now)
        ticket.public_response_count += 1
        if ticket.first_response_at is None and ticket.direction == Direction.INBOUND.value:
            ticket.first_response_at = now
            ticket.frt_breached = ticket.frt_due_at is not None and now > ticket.frt_due_at
            history.record(session, ticket_id, actor, now, "first_response_at", None, now)
        if decision is not None:
            if ticket.category != Category.COMPLAINT.value:
                raise ValidationError(f"Ticket #{ticket_id} is not a complaint.")
            _set(session, ticket, actor, now, "complaint_decision", decision.value, decision_reason)
            ticket.complaint_decided_at = now
        if ticket.status == Status.NEW.value and target is None:
            _set(session, ticket, actor, now, "status", Status.OPEN.value)
        history.record(session, ticket_id, actor, now, kind.value, None, None)
        if kind is MessageKind.REPLY:
            # The e-mail goes out with the reply or not at all: queued in this transaction.
            enqueue_reply(session, desk, ticket, message)
        if target is not None and target.value != ticket.status:
            _change_status(session, desk, ticket, actor, target, now)
        sla.apply_policy(session, desk.calendar, ticket)
        touch(desk, ticket, now)
        session.flush()
        return message


def add_note(
    desk: Desk, actor: Actor, ticket_id: int, body: str, *, expected_version: int | None = None
) -> Message:
    """An internal note: visible to agents only, does not count as a response."""
    _require_agent(actor)
    text = _clean_body(body, "The note")
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
                ticket.id,
                actor,
                now,
                "created",
                None,
                ticket.channel,
                Notice("follow_up_of", {"ticket": parent.id}),
            )  # type: ignore[arg-type]
            history.record(session, parent.id, actor, now, "follow_up", None, ticket.id)  # type: ignore[arg-type]
            follow_up_of = parent.id
            sla.apply_policy(session, desk.calendar, ticket)
            assignment.auto_assign(session, desk, ticket)
        elif ticket.status == Status.SOLVED.value:
            _set(session, ticket, actor, now, "status", Status.OPEN.value, Notice("customer_replied"))
            sla.pause_ended(session, desk.calendar, ticket, ticket.solved_at, now)
            ticket.reopen_count += 1
            reopened = True
        elif ticket.status == Status.PENDING.value:
            _leave_pending(session, desk, ticket, now)
            _set(session, ticket, actor, now, "status", Status.OPEN.value, Notice("customer_replied"))
        message = Message(
            ticket_id=ticket.id,  # type: ignore[arg-type]
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
        history.record(session, ticket.id, actor, now, "customer_message", None, None)  # type: ignore[arg-type]
        sla.apply_policy(session, desk.calendar, ticket)
        touch(desk, ticket, now)
        session.flush()
        return CustomerMessageResult(ticket, message, follow_up_of, reopened)


def set_status(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    status: str,
    *,
    expected_version: int | None = None,
    note: str | None = None,
) -> Ticket:
    """Move a ticket to another status, as the workflow allows."""
    _require_agent(actor)
    target = _enum(Status, status, "status")
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        if ticket.status == target.value:
            return ticket
        now = desk.now()
        _change_status(session, desk, ticket, actor, target, now, note)
        sla.apply_policy(session, desk.calendar, ticket)
        touch(desk, ticket, now)
        return ticket


def solve(desk: Desk, actor: Actor, ticket_id: int, *, expected_version: int | None = None) -> Ticket:
    return set_status(desk, actor, ticket_id, Status.SOLVED.value, expected_version=expected_version)


def _change_status(
    session: Session,
    desk: Desk,
    ticket: Ticket,
    actor: Actor,
    target: Status,
    now: datetime,
    note: str | None = None,
) -> None:
    current = Status(ticket.status)
    if target not in TRANSITIONS[current]:
        if current is Status.CLOSED:
            raise InvalidTransition(f"Ticket #{ticket.id} is closed; closed is final.")
        raise InvalidTransition(f"Ticket #{ticket.id} cannot go from {current.value} to {target.value}.")
    if current is Status.PENDING:
        _leave_pending(session, desk, ticket, now)
    if target is Status.PENDING:
        ticket.pending_since = now
    if current is Status.SOLVED and target is Status.OPEN:
        sla.pause_ended(session, desk.calendar, ticket, ticket.solved_at, now)
        ticket.reopen_count += 1
    _set(session, ticket, actor, now, "status", target.value, note)
    if target is Status.SOLVED:
        _solve(session, ticket, actor, now)
    elif target is Status.CLOSED:
        if ticket.solved_at is None:
            _solve(session, ticket, actor, now)
        ticket.closed_at = now


def _solve(session: Session, ticket: Ticket, actor: Actor, at: datetime) -> None:
    if ticket.assignee_id is None and actor.id is not None:
        _set(session, ticket, actor, at, "assignee_id", actor.id)
        _pick_up(session, ticket, actor, at)
    ticket.status = ticket.status if ticket.status == Status.CLOSED.value else Status.SOLVED.value
    if ticket.first_solved_at is None:
        ticket.first_solved_at = at
    ticket.solved_at = at
    history.record(session, ticket.id, actor, at, "solved_at", None, at)  # type: ignore[arg-type]
    ticket.next_due_at = None
    ticket.next_risk_at = None


def _leave_pending(session: Session, desk: Desk, ticket: Ticket, now: datetime) -> None:
    """Stop the pause of the resolution clock and add the paused time to the ticket."""
    sla.pause_ended(session, desk.calendar, ticket, ticket.pending_since, now)
    ticket.pending_since = None


def set_priority(
    desk: Desk, actor: Actor, ticket_id: int, priority: str, *, expected_version: int | None = None
) -> Ticket:
    """Change the priority; due times are recomputed from ``created_at`` under the new policy."""
    value = _enum(Priority, priority, "priority")

    def note_due(session: Session, ticket: Ticket, now: datetime) -> None:
        history.record(
            session, ticket_id, actor, now, "due", None, ticket.next_due_at, Notice("due_for_priority")
        )

    return _set_policy_field(
        desk, actor, ticket_id, "priority", value.value, expected_version, after=note_due
    )


def set_category(
    desk: Desk, actor: Actor, ticket_id: int, category: str, *, expected_version: int | None = None
) -> Ticket:
    """Change the category; a complaint gets its statutory deadline from receipt."""
    value = _enum(Category, category, "category")

    def complaint_deadline(session: Session, ticket: Ticket, now: datetime) -> None:
        if value is Category.COMPLAINT and ticket.complaint_due_at is None:
            ticket.complaint_due_at = sla.complaint_due(desk.calendar, ticket.created_at, desk.complaint_days)

    return _set_policy_field(
        desk, actor, ticket_id, "category", value.value, expected_version, before=complaint_deadline
    )


PolicyHook = Callable[[Session, Ticket, datetime], None]


def _set_policy_field(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    field: str,
    value: str,
    expected_version: int | None,
    *,
    before: PolicyHook | None = None,
    after: PolicyHook | None = None,
) -> Ticket:
    """Change a field the SLA policy depends on (priority, category) and recompute the due times.

    ``before`` runs after the change and before the recomputation, ``after`` once it is done.
    """
    _require_agent(actor)
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        if getattr(ticket, field) == value:
            return ticket
        now = desk.now()
        was_business = sla.uses_business_time(session, ticket)
        _set(session, ticket, actor, now, field, value)
        sla.convert_pauses(session, desk.calendar, ticket, was_business)
        if before is not None:
            before(session, ticket, now)
        sla.apply_policy(session, desk.calendar, ticket)
        if after is not None:
            after(session, ticket, now)
        touch(desk, ticket, now)
        return ticket


def _clean_tags(tags: tuple[str, ...] | list[str]) -> list[str]:
    result = []
    for tag in tags:
        text = "-".join(tag.strip().lower().split())
        if not text:
            continue
        if len(text) > 60:
            raise ValidationError(f"Tag {tag!r} is longer than 60 characters.")
        if text not in result:
            result.append(text)
    return result


def set_tags(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    *,
    add: list[str] = (),
    remove: list[str] = (),  # type: ignore[assignment]
    expected_version: int | None = None,
) -> list[str]:
    """Add and remove tags; returns the ticket's tags afterwards."""
    _require_agent(actor)
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        now = desk.now()
        current = set(session.exec(select(TicketTag.tag).where(TicketTag.ticket_id == ticket_id)).all())
        changed = False
        for tag in _clean_tags(add):
            if tag not in current:
                session.add(TicketTag(ticket_id=ticket_id, tag=tag))
                current.add(tag)
                history.record(session, ticket_id, actor, now, "tag", None, tag)
                changed = True
        for tag in _clean_tags(remove):
            if tag in current:
                row = session.get(TicketTag, (ticket_id, tag))
                session.delete(row)
                current.discard(tag)
                history.record(session, ticket_id, actor, now, "tag", tag, None)
                changed = True
        if changed:
            touch(desk, ticket, now)
        return sorted(current)


def merge(desk: Desk, actor: Actor, source_id: int, target_id: int, *, note: str = "") -> Ticket:
    """Merge ``source`` into ``target``: the source is closed and linked; nothing is moved or lost."""
    _require_agent(actor)
    if source_id == target_id:
        raise ValidationError("A ticket cannot be merged into itself.")
    with desk.store.write() as session:
        source = load_for_write(session, source_id)
        target = load_for_write(session, target_id)
        if target.status == Status.CLOSED.value:
            raise InvalidTransition(f"Ticket #{target_id} is closed; merge into an open ticket.")
        if source.customer_id != target.customer_id:
            raise ValidationError("Only tickets of the same customer can be merged.")
        now = desk.now()
        _set(session, source, actor, now, "parent_id", target_id, note or None)
        source.link_kind = LinkKind.MERGED.value
        if source.status != Status.CLOSED.value:
            if source.solved_at is None:
                source.solved_at = now
                source.first_solved_at = source.first_solved_at or now
            _set(
                session,
                source,
                actor,
                now,
                "status",
                Status.CLOSED.value,
                Notice("history_merged_into", {"ticket": target_id}),
            )
            source.closed_at = now
            source.next_due_at = source.next_risk_at = None
        for on, notice in (
            (source_id, Notice("merged_into", {"ticket": target_id, "note": note or ""})),
            (target_id, Notice("merged_from", {"ticket": source_id, "note": note or ""})),
        ):
            session.add(
                Message(
                    ticket_id=on,
                    kind=MessageKind.SYSTEM.value,
                    author_agent_id=actor.id,
                    body=notice.english(),
                    created_at=now,
                    notice_code=notice.code,
                    notice_params=notice.dumps(),
                )
            )
        history.record(session, target_id, actor, now, "merged", None, source_id, note or None)
        touch(desk, source, now)
        touch(desk, target, now)
        return target


def _require_agent(actor: Actor) -> None:
    if actor.id is None:
        raise ValidationError("This action needs an agent; run it as a known agent.")
