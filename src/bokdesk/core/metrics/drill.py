"""Drill-down: the tickets behind a figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select

from ..desk import Actor, Desk
from ..errors import ValidationError
from ..periods import Period
from ..roles import Permission, require
from .families import FAMILY
from .sql import ACTIVE, AGENT, DIMENSIONS, TICKET, as_datetime, dimension_columns


@dataclass(frozen=True)
class DrillRow:
    number: int
    subject: str
    status: str
    priority: str
    channel: str
    assignee: str | None
    at: datetime | None
    seconds: int | None
    breached: bool | None


DRILL_FIGURES: dict[str, str] = {
    "received": "created",
    "pickup": "pickup",
    "first_response": "first_response",
    "frt_breached": "first_response",
    "resolution": "solved",
    "solved": "solved",
    "resolution_breached": "solved",
    "fcr": "solved",
    "reopened": "first_solved",
    "first_resolution": "first_solved",
}


def drill_down(
    desk: Desk,
    actor: Actor,
    figure: str,
    period: Period,
    *,
    dimension: str | None = None,
    value: Any = None,
    clock: str = "business",
    limit: int = 500,
    offset: int = 0,
) -> list[DrillRow]:
    """The tickets behind a figure (the same family, period and dimension value as the figure),
    longest duration first. ``figure`` is one of ``DRILL_FIGURES``, or ``open`` / ``breached_open``
    for the current backlog."""
    require(actor, Permission.VIEW_REPORTS)
    c = TICKET.c
    assignee = AGENT.alias("assignee")
    conditions: list[Any] = []
    if figure in ("open", "breached_open", "at_risk_open"):
        now = desk.now()
        conditions.append(c.status.in_(ACTIVE))
        if figure == "breached_open":
            conditions.append(c.next_due_at < now)
        elif figure == "at_risk_open":
            conditions += [c.next_due_at >= now, c.next_risk_at <= now]
        ts, secs, breached, credit = c.created_at, None, None, None
    else:
        family_name = DRILL_FIGURES.get(figure)
        if family_name is None:
            raise ValidationError("cannot_drill", value=figure, allowed=", ".join(sorted(DRILL_FIGURES)))
        family = FAMILY[family_name]
        ts, credit = family.stop, family.credit
        conditions += [ts >= period.start, ts < period.end, *family.where()]
        secs = None
        breached = None
        if family.duration is not None:
            _, cal, bus = family.duration
            secs = bus if clock == "business" else cal
        if family_name == "first_response":
            breached = c.frt_breached
        elif family_name == "solved":
            breached = c.resolution_breached
        if figure == "frt_breached":
            conditions += [c.frt_due_at.is_not(None), c.frt_breached.is_(True)]
        elif figure == "resolution_breached":
            conditions += [c.resolution_due_at.is_not(None), c.resolution_breached.is_(True)]
        elif figure == "fcr":
            conditions += [c.direction == "inbound", c.public_response_count == 1, c.transfer_count == 0]
        elif figure == "reopened":
            conditions.append(c.reopen_count > 0)
    if dimension is not None:
        if dimension not in DIMENSIONS:
            raise ValidationError("unknown_breakdown", value=dimension, allowed=", ".join(DIMENSIONS))
        column = dimension_columns()[DIMENSIONS.index(dimension)]
        if dimension == "agent" and credit is not None:  # the agent the figure credits
            column = func.coalesce(credit, c.assignee_id)
        conditions.append(column.is_(None) if value is None else column == value)
    order = [secs.desc()] if secs is not None else [ts.desc()]
    query = (
        select(
            c.id,
            c.subject,
            c.status,
            c.priority,
            c.channel,
            assignee.c.name,
            ts,
            secs if secs is not None else literal(None),
            breached if breached is not None else literal(None),
        )
        .select_from(TICKET.outerjoin(assignee, assignee.c.id == c.assignee_id))
        .where(*conditions)
        .order_by(*order, c.id)
        .limit(limit)
        .offset(offset)
    )
    with desk.store.read() as session:
        rows = session.connection().execute(query).all()
    return [
        DrillRow(
            r[0], r[1], r[2], r[3], r[4], r[5], as_datetime(r[6]), r[7], None if r[8] is None else bool(r[8])
        )
        for r in rows
    ]
