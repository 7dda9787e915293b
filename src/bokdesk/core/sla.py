"""SLA due times: first-response and resolution targets per priority (and category).

Due times are computed from ``created_at`` in business or calendar time; the resolution clock
is extended by the time spent waiting on the customer (pending). A ticket is at risk when less
than 20 % of a target (or less than one business hour) is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from .calendar import BusinessCalendar
from .models import SlaPolicy, Ticket

RISK_SHARE = 0.2
RISK_FLOOR_SECONDS = 3600


@dataclass(frozen=True)
class Target:
    """One SLA target: its length and which clock it runs on."""

    seconds: int
    business: bool


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def policy_for(session: Session, priority: str, category: str | None) -> SlaPolicy | None:
    """The policy for a priority, preferring one specific to the category."""
    rows = session.exec(select(SlaPolicy).where(SlaPolicy.priority == priority)).all()
    specific = [r for r in rows if r.category is not None and r.category == category]
    general = [r for r in rows if r.category is None]
    return (specific or general or [None])[0]


def add_time(calendar: BusinessCalendar, start: datetime, seconds: int, business: bool) -> datetime:
    """``start`` plus ``seconds`` of business or calendar time."""
    if not business:
        return _aware(start) + timedelta(seconds=seconds)
    return _aware(calendar.add_business_seconds(_naive(start), seconds))


def elapsed(calendar: BusinessCalendar, start: datetime, end: datetime, business: bool) -> int:
    """Seconds of business or calendar time between two instants (0 if end is earlier)."""
    if business:
        return calendar.business_seconds(_naive(start), _naive(end))
    return max(0, int((_aware(end) - _aware(start)).total_seconds()))


def _risk_at(calendar: BusinessCalendar, start: datetime, target: Target, extra: int) -> datetime:
    margin = max(int(target.seconds * RISK_SHARE), RISK_FLOOR_SECONDS)
    return add_time(calendar, start, max(0, target.seconds + extra - margin), target.business)


def apply_policy(session: Session, calendar: BusinessCalendar, ticket: Ticket) -> None:
    """(Re)compute a ticket's due times and its next due / at-risk instants in place."""
    policy = policy_for(session, ticket.priority, ticket.category)
    frt = resolution = None
    if policy is not None and policy.first_response_minutes and ticket.direction == "inbound":
        frt = Target(policy.first_response_minutes * 60, policy.business_hours)
    if policy is not None and policy.resolution_minutes:
        resolution = Target(policy.resolution_minutes * 60, policy.business_hours)
    created = ticket.created_at
    ticket.frt_due_at = add_time(calendar, created, frt.seconds, frt.business) if frt else None
    ticket.resolution_due_at = (
        add_time(calendar, created, resolution.seconds + ticket.paused_seconds, resolution.business)
        if resolution
        else None
    )
    ticket.next_due_at = None
    ticket.next_risk_at = None
    if ticket.status in ("solved", "closed"):
        return
    if frt is not None and ticket.first_response_at is None:
        ticket.next_due_at = ticket.frt_due_at
        ticket.next_risk_at = _risk_at(calendar, created, frt, 0)
    elif resolution is not None and ticket.pending_since is None:
        ticket.next_due_at = ticket.resolution_due_at
        ticket.next_risk_at = _risk_at(calendar, created, resolution, ticket.paused_seconds)


def uses_business_time(session: Session, ticket: Ticket) -> bool:
    policy = policy_for(session, ticket.priority, ticket.category)
    return True if policy is None else policy.business_hours


def _span(calendar: BusinessCalendar, start: datetime, end: datetime | None) -> tuple[int | None, int | None]:
    if end is None:
        return None, None
    return elapsed(calendar, start, end, False), elapsed(calendar, start, end, True)


def stamp_durations(calendar: BusinessCalendar, ticket: Ticket) -> None:
    """Store each metric's duration (calendar and business seconds) from the ticket's timestamps."""
    created = ticket.created_at
    ticket.pickup_secs, ticket.pickup_bsecs = _span(calendar, created, ticket.picked_up_at)
    ticket.frt_secs, ticket.frt_bsecs = _span(calendar, created, ticket.first_response_at)
    ticket.first_resolution_secs, ticket.first_resolution_bsecs = _span(calendar, created, ticket.first_solved_at)
    ticket.resolution_secs, ticket.resolution_bsecs = _span(calendar, created, ticket.solved_at)
