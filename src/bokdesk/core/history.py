"""Writing the append-only ticket history.

A row's ``note`` is either an agent's (or a customer's) own words, stored as written, or text the
desk writes itself, passed as a ``Notice``: stored in English in ``note`` (what the command line
and exports read) and as its code and values (``note_code``/``note_params``, schema 0008), from
which the console says it in the agent's language (``ui/notices.py``).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlmodel import Session

from .desk import Actor
from .models import TicketEvent
from .notices import Notice

NOTE_LIMIT = 500  # characters of a notice's English kept in ``note`` (its values are kept whole)


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
    note: str | Notice | None = None,
) -> TicketEvent:
    """Append one history row: who changed which field from what to what, and why."""
    code = params = None
    if isinstance(note, Notice):
        code, params, note = note.code, note.dumps(), note.english()[:NOTE_LIMIT]
    event = TicketEvent(
        ticket_id=ticket_id,
        at=at,
        agent_id=actor.id,
        actor=actor.name,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        note=note,
        note_code=code,
        note_params=params,
    )
    session.add(event)
    return event
