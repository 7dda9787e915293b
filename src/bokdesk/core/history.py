"""Writing the append-only ticket history."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlmodel import Session

from .desk import Actor
from .models import TicketEvent


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def record(
    session: Session,
    ticket_id: int,
    actor: Actor,
    at: datetime,
    field: str,
    old: Any = None,
    new: Any = None,
    note: str | None = None,
) -> TicketEvent:
    """Append one history row: who changed which field from what to what, and why."""
    event = TicketEvent(
        ticket_id=ticket_id,
        at=at,
        agent_id=actor.id,
        actor=actor.name,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        note=note,
    )
    session.add(event)
    return event
