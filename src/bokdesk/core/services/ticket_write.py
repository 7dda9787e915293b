"""The steps every ticket write shares: load with the version check, change a field with its
history row, bump the version, and the checks of what an agent typed."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TypeVar

from sqlmodel import Session, col, select

from .. import history, roles, sla
from ..desk import Actor, Desk
from ..errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from ..models import Agent, Team, Ticket, TicketEvent
from ..notices import Notice

MAX_SUBJECT = 500
MAX_BODY = 1_000_000

E = TypeVar("E", bound=Enum)


def enum_value(kind: type[E], value: str, code: str) -> E:
    """``kind(value)``, or a ``ValidationError`` with ``code`` listing the allowed values."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise ValidationError(code, value=value, allowed=allowed) from None


def clean_subject(subject: str, *, required: bool = True) -> str:
    text = " ".join((subject or "").split())
    if not text and required:
        raise ValidationError("subject_empty")
    return text[:MAX_SUBJECT]


# What refuses an empty or too long text, by what it is.
_BODY_CODES = {
    "message": ("message_empty", "message_too_long"),
    "reply": ("reply_empty", "reply_too_long"),
    "call": ("call_empty", "call_too_long"),
    "note": ("note_empty", "note_too_long"),
}


def clean_body(body: str, kind: str = "message") -> str:
    """The text of a message, reply, call log or note (``kind``), refused when empty or too long."""
    empty, too_long = _BODY_CODES[kind]
    text = (body or "").replace("\r\n", "\n").replace("\x00", "")
    if not text.strip():
        raise ValidationError(empty)
    if len(text) > MAX_BODY:
        raise ValidationError(too_long, limit=MAX_BODY)
    return text


def need_agent(actor: Actor) -> None:
    """Refuse the system actor: the action is an agent's."""
    if actor.id is None:
        raise ValidationError("needs_agent")


def need_own_or_unassigned(session: Session, desk: Desk, ticket: Ticket, actor: Actor) -> None:
    """Refuse an agent working a colleague's ticket (reply, call, status, priority, category).

    Supervisors and admins (and the system) may; so may every agent when the desk setting
    ``[desk] agents_work_others_tickets`` is on. Notes and tags are not "working" a ticket.
    """
    if ticket.assignee_id is None or ticket.assignee_id == actor.id:
        return
    if desk.settings.agents_work_others_tickets or roles.allowed(actor, roles.Permission.REASSIGN_ANY):
        return
    raise PermissionDenied("not_your_ticket", number=ticket.id, name=agent_name(session, ticket.assignee_id))


def agent_name(session: Session, agent_id: int | None) -> str:
    if agent_id is None:
        return "nobody"
    agent = session.get(Agent, agent_id)
    return agent.name if agent else f"agent #{agent_id}"


def load_for_write(session: Session, ticket_id: int, expected_version: int | None = None) -> Ticket:
    """The ticket inside a write transaction; refuses a stale version with who/when."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound("ticket_missing", number=ticket_id)
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


def pick_up(session: Session, ticket: Ticket, actor: Actor, now: datetime) -> None:
    """Stamp the first time an agent took the ticket up."""
    if ticket.picked_up_at is None:
        ticket.picked_up_at = now
        history.record(session, ticket.id, actor, now, "picked_up_at", None, now)  # type: ignore[arg-type]  # the row's id, set when it was flushed


def set_field(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    now: datetime,
    field: str,
    value: object,
    note: str | Notice | None = None,
) -> None:
    """Change one field of the ticket and record it (assignee and team by login and name)."""
    old = getattr(ticket, field)
    if old == value:
        return
    setattr(ticket, field, value)
    if field == "assignee_id":
        field, old, value = "assignee", _agent_label(session, old), _agent_label(session, value)
    elif field == "team_id":
        field, old, value = "team", _team_label(session, old), _team_label(session, value)
    history.record(session, ticket.id, actor, now, field, old, value, note)  # type: ignore[arg-type]  # the row's id, set when it was flushed


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


__all__ = [
    "MAX_BODY",
    "MAX_SUBJECT",
    "agent_name",
    "clean_body",
    "clean_subject",
    "enum_value",
    "load_for_write",
    "need_agent",
    "pick_up",
    "set_field",
    "touch",
]
