"""Ticket services: open, take, assign or transfer, tag and merge tickets.

Each function is one ``BEGIN IMMEDIATE`` transaction that checks, changes, bumps the ticket's
version and appends history rows. Passing ``expected_version`` makes the write refuse a ticket
that changed since the caller loaded it, naming who changed it and when. The conversation
(``ticket_conversation``) and the workflow (``ticket_workflow``) are modules of their own; their
functions are named here too, so ``tickets.reply`` is the one name of a reply.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from .. import history, roles, sla
from ..desk import Actor, Desk
from ..enums import Category, Channel, Direction, LinkKind, MessageKind, Priority, Status
from ..errors import AlreadyTaken, InvalidTransition, NotFound, ValidationError
from ..models import Agent, Message, Team, Ticket, TicketTag
from ..notices import Notice
from ..paging import next_offered
from ..roles import Permission
from . import assignment
from .customers import CustomerSpec, resolve_customer
from .ticket_conversation import CustomerMessageResult, add_customer_message, add_note, log_call, reply
from .ticket_workflow import mark_solved, set_category, set_priority, set_status, solve
from .ticket_write import (
    MAX_BODY,
    MAX_SUBJECT,
    agent_name,
    clean_subject,
    enum_value,
    load_for_write,
    need_agent,
    need_own_or_unassigned,
    pick_up,
    set_field,
    touch,
)

# Channels where the agent is talking to the customer while typing the ticket in.
LIVE_CHANNELS = (Channel.PHONE, Channel.WALK_IN)


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
    subject = clean_subject(
        new.subject, required=not (actor.id is None and new.channel == Channel.EMAIL.value)
    )
    channel = enum_value(Channel, new.channel, "unknown_channel")
    category = enum_value(Category, new.category, "unknown_category")
    priority = enum_value(Priority, new.priority, "unknown_priority")
    direction = enum_value(Direction, new.direction, "unknown_direction")
    body = new.body.replace("\x00", "") if new.body else ""
    live = channel in LIVE_CHANNELS and actor.id is not None
    if new.solved_on_first_contact and actor.id is None:
        raise ValidationError("first_contact_needs_agent")
    with desk.store.write() as session:
        now = desk.now()
        created = new.created_at or now
        if created > now + timedelta(minutes=5):
            raise ValidationError("created_in_future")
        customer = resolve_customer(session, desk, new.customer)
        team_id = new.team_id
        if team_id is not None and session.get(Team, team_id) is None:
            raise NotFound("team_missing", number=team_id)
        if team_id is None and category is Category.COMPLAINT:
            team_id = _team_named(session, desk.settings.complaints_team)
        ticket = Ticket(
            subject=subject,
            channel=channel.value,
            category=category.value,
            priority=priority.value,
            status=Status.NEW.value,
            direction=direction.value,
            customer_id=customer.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
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
        history.record(session, ticket.id, actor, now, "created", None, channel.value)  # type: ignore[arg-type]  # the row's id, set when it was flushed
        if body.strip():
            kind = (
                MessageKind.CALL
                if live
                else (MessageKind.REPLY if direction is Direction.OUTBOUND else MessageKind.CUSTOMER)
            )
            message = Message(
                ticket_id=ticket.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
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
            history.record(session, ticket.id, actor, now, "assignee", None, actor.login)  # type: ignore[arg-type]  # the row's id, set when it was flushed
        for tag in _clean_tags(new.tags):
            session.add(TicketTag(ticket_id=ticket.id, tag=tag))  # type: ignore[arg-type]  # the row's id, set when it was flushed
        sla.apply_policy(session, desk.calendar, ticket)
        if not new.solved_on_first_contact:
            assignment.auto_assign(session, desk, ticket)
        if new.solved_on_first_contact:
            set_field(
                session, ticket, actor, now, "status", Status.SOLVED.value, Notice("solved_on_first_contact")
            )
            mark_solved(session, ticket, actor, created)
        sla.stamp_durations(desk.calendar, ticket)
        session.flush()
        return ticket


def _team_named(session: Session, name: str | None) -> int | None:
    if not name:
        return None
    team = session.exec(select(Team).where(Team.name == name)).first()
    return team.id if team else None


def take(desk: Desk, actor: Actor, ticket_id: int, *, expected_version: int | None = None) -> Ticket:
    """Claim a ticket. Exactly one of several racing agents wins; the others are told who did."""
    need_agent(actor)
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id)
        if ticket.assignee_id == actor.id:
            return ticket
        if ticket.assignee_id is not None:
            raise AlreadyTaken(ticket_id, agent_name(session, ticket.assignee_id))
        if expected_version is not None and ticket.version != expected_version:
            load_for_write(session, ticket_id, expected_version)
        if ticket.status == Status.CLOSED.value:
            raise InvalidTransition("ticket_closed_follow_up", number=ticket_id)
        _claim(session, desk, ticket, actor)
        return ticket


def _claim(session: Session, desk: Desk, ticket: Ticket, actor: Actor) -> None:
    now = desk.now()
    if ticket.team_id is None and actor.team_id is not None:
        set_field(session, ticket, actor, now, "team_id", actor.team_id)
    set_field(session, ticket, actor, now, "assignee_id", actor.id)
    pick_up(session, ticket, actor, now)
    if ticket.status == Status.NEW.value:
        set_field(session, ticket, actor, now, "status", Status.OPEN.value)
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
    need_agent(actor)
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
        raise ValidationError("assign_to_whom")
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        if ticket.status == Status.CLOSED.value:
            raise InvalidTransition("ticket_closed", number=ticket_id)
        if ticket.assignee_id is not None and ticket.assignee_id != actor.id:
            roles.require(actor, Permission.REASSIGN_ANY)
        agent = None
        if agent_id is not None:
            agent = session.get(Agent, agent_id)
            if agent is None:
                raise NotFound("agent_missing", number=agent_id)
            if not agent.active:
                raise ValidationError("agent_inactive", name=agent.name)
            if team_id is None:
                team_id = agent.team_id if agent.team_id is not None else ticket.team_id
        if team_id is not None and session.get(Team, team_id) is None:
            raise NotFound("team_missing", number=team_id)
        new_assignee = agent.id if agent else None
        if new_assignee == ticket.assignee_id and team_id == ticket.team_id:
            return ticket
        is_transfer = ticket.assignee_id is not None or (
            ticket.team_id is not None and ticket.team_id != team_id
        )
        note = (note or "").strip()
        if is_transfer and new_assignee != actor.id and not note:
            raise ValidationError("transfer_needs_note")
        now = desk.now()
        if is_transfer:
            ticket.transfer_count += 1
        set_field(session, ticket, actor, now, "team_id", team_id, note or None)
        set_field(session, ticket, actor, now, "assignee_id", new_assignee, note or None)
        if new_assignee is not None:
            pick_up(session, ticket, actor, now)
            if ticket.status == Status.NEW.value:
                set_field(session, ticket, actor, now, "status", Status.OPEN.value)
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


def _clean_tags(tags: Iterable[str]) -> list[str]:
    result = []
    for tag in tags:
        text = "-".join(tag.strip().lower().split())
        if not text:
            continue
        if len(text) > 60:
            raise ValidationError("tag_too_long", tag=tag)
        if text not in result:
            result.append(text)
    return result


def set_tags(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    expected_version: int | None = None,
) -> list[str]:
    """Add and remove tags; returns the ticket's tags afterwards."""
    need_agent(actor)
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
    need_agent(actor)
    if source_id == target_id:
        raise ValidationError("merge_into_itself")
    with desk.store.write() as session:
        source = load_for_write(session, source_id)
        need_own_or_unassigned(session, desk, source, actor)  # the merge closes the source
        target = load_for_write(session, target_id)
        if target.status == Status.CLOSED.value:
            raise InvalidTransition("ticket_closed_merge", number=target_id)
        if source.customer_id != target.customer_id:
            raise ValidationError("merge_other_customer")
        now = desk.now()
        set_field(session, source, actor, now, "parent_id", target_id, note or None)
        source.link_kind = LinkKind.MERGED.value
        if source.status != Status.CLOSED.value:
            if source.solved_at is None:
                source.solved_at = now
                source.first_solved_at = source.first_solved_at or now
            set_field(
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


__all__ = [
    "LIVE_CHANNELS",
    "MAX_BODY",
    "MAX_SUBJECT",
    "CustomerMessageResult",
    "CustomerSpec",
    "NewTicket",
    "add_customer_message",
    "add_note",
    "agent_name",
    "assign",
    "create_ticket",
    "load_for_write",
    "log_call",
    "merge",
    "reply",
    "set_category",
    "set_priority",
    "set_status",
    "set_tags",
    "solve",
    "take",
    "take_next",
    "touch",
]
