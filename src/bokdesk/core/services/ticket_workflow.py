"""A ticket's status as the workflow allows it, and the fields its SLA policy depends on
(priority, category), each change recomputing the due times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from .. import history, sla
from ..desk import Actor, Desk
from ..enums import TRANSITIONS, Category, Priority, Status
from ..errors import InvalidTransition
from ..models import Ticket
from ..notices import Notice
from .ticket_write import (
    enum_value,
    load_for_write,
    need_agent,
    need_own_or_unassigned,
    pick_up,
    set_field,
    touch,
)


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
    need_agent(actor)
    target = enum_value(Status, status, "unknown_status")
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        need_own_or_unassigned(session, desk, ticket, actor)
        if ticket.status == target.value:
            return ticket
        now = desk.now()
        change_status(session, desk, ticket, actor, target, now, note)
        sla.apply_policy(session, desk.calendar, ticket)
        touch(desk, ticket, now)
        return ticket


def solve(desk: Desk, actor: Actor, ticket_id: int, *, expected_version: int | None = None) -> Ticket:
    return set_status(desk, actor, ticket_id, Status.SOLVED.value, expected_version=expected_version)


def change_status(
    session: Session,
    desk: Desk,
    ticket: Ticket,
    actor: Actor,
    target: Status,
    now: datetime,
    note: str | None = None,
) -> None:
    """Move the ticket to ``target`` inside a write, with the clocks that stop or resume."""
    current = Status(ticket.status)
    if target not in TRANSITIONS[current]:
        if current is Status.CLOSED:
            raise InvalidTransition("ticket_closed_final", number=ticket.id)
        raise InvalidTransition(
            "status_not_allowed", number=ticket.id, current=current.value, target=target.value
        )
    if current is Status.PENDING:
        leave_pending(session, desk, ticket, now)
    if target is Status.PENDING:
        ticket.pending_since = now
    if current is Status.SOLVED and target is Status.OPEN:
        sla.pause_ended(session, desk.calendar, ticket, ticket.solved_at, now)
        ticket.reopen_count += 1
    set_field(session, ticket, actor, now, "status", target.value, note)
    if target is Status.SOLVED:
        mark_solved(session, ticket, actor, now)
    elif target is Status.CLOSED:
        if ticket.solved_at is None:
            mark_solved(session, ticket, actor, now)
        ticket.closed_at = now


def mark_solved(session: Session, ticket: Ticket, actor: Actor, at: datetime) -> None:
    """Stamp the solution: the solver holds the ticket, the clocks stop."""
    if ticket.assignee_id is None and actor.id is not None:
        set_field(session, ticket, actor, at, "assignee_id", actor.id)
        pick_up(session, ticket, actor, at)
    ticket.status = ticket.status if ticket.status == Status.CLOSED.value else Status.SOLVED.value
    if ticket.first_solved_at is None:
        ticket.first_solved_at = at
    ticket.solved_at = at
    history.record(session, ticket.id, actor, at, "solved_at", None, at)  # type: ignore[arg-type]  # the row's id, set when it was flushed
    ticket.next_due_at = None
    ticket.next_risk_at = None


def leave_pending(session: Session, desk: Desk, ticket: Ticket, now: datetime) -> None:
    """Stop the pause of the resolution clock and add the paused time to the ticket."""
    sla.pause_ended(session, desk.calendar, ticket, ticket.pending_since, now)
    ticket.pending_since = None


def set_priority(
    desk: Desk, actor: Actor, ticket_id: int, priority: str, *, expected_version: int | None = None
) -> Ticket:
    """Change the priority; due times are recomputed from ``created_at`` under the new policy."""
    value = enum_value(Priority, priority, "unknown_priority")

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
    value = enum_value(Category, category, "unknown_category")

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
    need_agent(actor)
    with desk.store.write() as session:
        ticket = load_for_write(session, ticket_id, expected_version)
        need_own_or_unassigned(session, desk, ticket, actor)
        if getattr(ticket, field) == value:
            return ticket
        now = desk.now()
        was_business = sla.uses_business_time(session, ticket)
        set_field(session, ticket, actor, now, field, value)
        sla.convert_pauses(session, desk.calendar, ticket, was_business)
        if before is not None:
            before(session, ticket, now)
        sla.apply_policy(session, desk.calendar, ticket)
        if after is not None:
            after(session, ticket, now)
        touch(desk, ticket, now)
        return ticket


__all__ = [
    "change_status",
    "leave_pending",
    "mark_solved",
    "set_category",
    "set_priority",
    "set_status",
    "solve",
]
