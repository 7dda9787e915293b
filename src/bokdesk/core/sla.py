"""SLA clocks: first-response and resolution targets per priority (and category), and complaints.

Definitions (``docs`` metrics.md, binding):

- Due times are computed from ``created_at`` in business or calendar time, as the policy says.
- The **first-response clock** runs from ``created_at`` until the first public response; a ticket
  solved (or merged) before any response stops it there (and then has no first response time).
- The **resolution clock** runs from ``created_at`` until the ticket is solved. It pauses while the
  ticket waits on the customer: while *pending*, and while *solved* (a reopen resumes it, so the
  days a solved ticket waited for the customer's answer are not counted). *On hold* does not pause.
  ``paused_seconds`` holds the paused time so far, in the clock of the ticket's policy.
- **Breached**: the clock's running time exceeded the target without the stopping event, i.e. the
  moment the clock stopped or paused (or *now*, while it runs) is later than the due time. Running
  time only grows, so a breach stays a breach after the ticket is solved.
- **At risk**: less than 20 % of the target's time, or less than one business hour, is left.
- A priority (or category) change recomputes the due times from ``created_at`` under the new policy.
- A **complaint** must be answered with a decision by the end of the 14th calendar day after the
  day of receipt, in the desk's time zone (art. 111 of the Polish Civil Code: the day of receipt
  is not counted and a term in days ends with its last day). Weekends and holidays do not extend
  it: the stricter reading keeps the desk safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from . import credit as _credit  # noqa: F401  (every ticket service loads sla: the credit hook with it)
from .calendar import BusinessCalendar
from .models import SlaPolicy, Ticket, TicketEvent

RISK_SHARE = 0.2
RISK_FLOOR_SECONDS = 3600
CLOSED_STATUSES = ("solved", "closed")
# Statuses in which the resolution clock is paused (the desk waits on the customer).
PAUSED_STATUSES = ("pending", "solved")


@dataclass(frozen=True)
class Target:
    """One SLA target: its length and which clock it runs on."""

    seconds: int
    business: bool


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


_CACHE = "bokdesk.sla.policies"


@contextmanager
def policies_cached(session: Session) -> Iterator[None]:
    """Within the block ``policy_for`` answers from one read of the policies (for a recomputation
    over many tickets: no query, and no autoflush of the pending changes, per ticket)."""
    by_priority: dict[str, list[SlaPolicy]] = {}
    for row in session.exec(select(SlaPolicy)).all():
        by_priority.setdefault(row.priority, []).append(row)
    session.info[_CACHE] = by_priority
    try:
        yield
    finally:
        session.info.pop(_CACHE, None)


def policy_for(session: Session, priority: str, category: str | None) -> SlaPolicy | None:
    """The policy for a priority, preferring one specific to the category."""
    cached = session.info.get(_CACHE)
    if cached is not None:
        rows = cached.get(priority, [])
    else:
        rows = session.exec(select(SlaPolicy).where(SlaPolicy.priority == priority)).all()
    specific = [r for r in rows if r.category is not None and r.category == category]
    general = [r for r in rows if r.category is None]
    return (specific or general or [None])[0]


def targets(policy: SlaPolicy | None, direction: str) -> tuple[Target | None, Target | None]:
    """(first response, resolution) targets of a policy; outbound tickets have no first response."""
    if policy is None:
        return None, None
    frt = res = None
    if policy.first_response_minutes and direction == "inbound":
        frt = Target(policy.first_response_minutes * 60, policy.business_hours)
    if policy.resolution_minutes:
        res = Target(policy.resolution_minutes * 60, policy.business_hours)
    return frt, res


def add_time(calendar: BusinessCalendar, start: datetime, seconds: int, business: bool) -> datetime:
    """``start`` plus ``seconds`` of business or calendar time."""
    if not business:
        return _aware(start) + timedelta(seconds=seconds)
    return _aware(calendar.add_business_seconds(_naive(start), seconds))


def sub_business_seconds(calendar: BusinessCalendar, end: datetime, seconds: int) -> datetime:
    """The latest instant ``s <= end`` with ``seconds`` of business time in [s, end)."""
    end_n = _naive(end)
    if seconds <= 0:
        return _aware(end_n)
    remaining = timedelta(seconds=seconds)
    day = calendar.to_local(end_n).date()
    for _ in range(3660):
        for a, b in reversed(calendar.open_intervals(day)):
            b = min(b, end_n)
            if b <= a:
                continue
            if remaining <= b - a:
                return _aware(b - remaining)
            remaining -= b - a
        day -= timedelta(days=1)
    raise ValueError("the business calendar has no opening hours in the last ten years")


def sub_time(calendar: BusinessCalendar, end: datetime, seconds: int, business: bool) -> datetime:
    """``end`` minus ``seconds`` of business or calendar time."""
    if not business:
        return _aware(end) - timedelta(seconds=seconds)
    return sub_business_seconds(calendar, end, seconds)


def elapsed(calendar: BusinessCalendar, start: datetime, end: datetime, business: bool) -> int:
    """Seconds of business or calendar time between two instants (0 if end is earlier)."""
    if business:
        return calendar.business_seconds(_naive(start), _naive(end))
    return max(0, int((_aware(end) - _aware(start)).total_seconds()))


def risk_at(calendar: BusinessCalendar, due: datetime, target: Target) -> datetime:
    """When a target becomes at risk: 20 % of it, or one business hour, before it is due."""
    by_share = sub_time(calendar, due, int(target.seconds * RISK_SHARE), target.business)
    by_floor = sub_business_seconds(calendar, due, RISK_FLOOR_SECONDS)
    return min(_aware(by_share), _aware(by_floor))


def frt_stop(ticket: Ticket) -> datetime | None:
    """When the first-response clock stopped: the first response, or a solve before any response."""
    stops = [t for t in (ticket.first_response_at, ticket.first_solved_at) if t is not None]
    return min(stops) if stops else None


def resolution_mark(ticket: Ticket) -> datetime | None:
    """When the resolution clock last stopped or paused, or None while it runs."""
    if ticket.status in CLOSED_STATUSES:
        return ticket.solved_at
    if ticket.pending_since is not None:
        return ticket.pending_since
    return None


def apply_policy(session: Session, calendar: BusinessCalendar, ticket: Ticket) -> None:
    """(Re)compute a ticket's due times and its next due / at-risk instants in place."""
    frt, resolution = targets(policy_for(session, ticket.priority, ticket.category), ticket.direction)
    created = ticket.created_at
    ticket.frt_due_at = add_time(calendar, created, frt.seconds, frt.business) if frt else None
    ticket.resolution_due_at = (
        add_time(calendar, created, resolution.seconds + ticket.paused_seconds, resolution.business)
        if resolution
        else None
    )
    ticket.next_due_at = None
    ticket.next_risk_at = None
    if ticket.status in CLOSED_STATUSES:
        return
    running: list[tuple[datetime, datetime]] = []
    if frt is not None and frt_stop(ticket) is None and ticket.frt_due_at is not None:
        running.append((ticket.frt_due_at, risk_at(calendar, ticket.frt_due_at, frt)))
    if resolution is not None and ticket.pending_since is None and ticket.resolution_due_at is not None:
        running.append((ticket.resolution_due_at, risk_at(calendar, ticket.resolution_due_at, resolution)))
    if running:
        ticket.next_due_at = min(_aware(d) for d, _ in running)
        ticket.next_risk_at = min(_aware(r) for _, r in running)


def uses_business_time(session: Session, ticket: Ticket) -> bool:
    policy = policy_for(session, ticket.priority, ticket.category)
    return True if policy is None else policy.business_hours


def pause_ended(
    session: Session, calendar: BusinessCalendar, ticket: Ticket, since: datetime | None, now: datetime
) -> None:
    """A pause of the resolution clock (pending, or solved until a reopen) ended at ``now``."""
    if since is None:
        return
    ticket.paused_seconds += elapsed(calendar, since, now, uses_business_time(session, ticket))


@dataclass(frozen=True)
class Pause:
    """One pause of the resolution clock, read from the ticket's history."""

    start: datetime
    end: datetime | None
    reason: str
    """``pending`` or ``solved``."""


def _event_time(value: str | None, fallback: datetime) -> datetime:
    if not value:
        return fallback
    try:
        return _aware(datetime.fromisoformat(value))
    except ValueError:
        return fallback


def pauses_from_events(events: list[TicketEvent]) -> list[Pause]:
    """The pauses of the resolution clock, replayed from history rows (in id order).

    A *pending* pause starts when the ticket goes pending and ends when it leaves pending (to open,
    on hold, or solved). A *solved* pause starts at the solve (the ``solved_at`` row carries the
    solve instant) and ends when the ticket is reopened; closing ends nothing (closed is final).
    """
    pauses: list[Pause] = []
    start: datetime | None = None
    reason = ""
    for e in events:
        at = _aware(e.at)
        if e.field == "status" and e.new_value == "pending":
            if start is None:
                start, reason = at, "pending"
        elif (
            e.field == "status"
            and start is not None
            and (
                (reason == "pending" and e.old_value == "pending")
                or (reason == "solved" and e.old_value == "solved" and e.new_value != "closed")
            )
        ):
            pauses.append(Pause(start, at, reason))
            start = None
        elif e.field == "solved_at" and start is None:
            start, reason = _event_time(e.new_value, at), "solved"
    if start is not None:
        pauses.append(Pause(start, None, reason))
    return pauses


def ticket_events(session: Session, ticket_id: int) -> list[TicketEvent]:
    return list(
        session.exec(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id))
        ).all()
    )


def pause_events(session: Session, ticket_ids: list[int]) -> dict[int, list[TicketEvent]]:
    """The history rows pauses are replayed from (status changes and solves), of many tickets in one
    query, by ticket, in id order."""
    out: dict[int, list[TicketEvent]] = {ticket_id: [] for ticket_id in ticket_ids}
    for start in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[start : start + 500]
        rows = session.exec(
            select(TicketEvent)
            .where(col(TicketEvent.ticket_id).in_(chunk), col(TicketEvent.field).in_(("status", "solved_at")))
            .order_by(col(TicketEvent.id))
        ).all()
        for row in rows:
            out[row.ticket_id].append(row)
    return out


def convert_pauses(
    session: Session,
    calendar: BusinessCalendar,
    ticket: Ticket,
    was_business: bool,
    events: list[TicketEvent] | None = None,
) -> None:
    """After a policy change, re-measure the finished pauses if the clock (business/calendar) changed
    (``events``: the ticket's history rows when the caller has read them already)."""
    business = uses_business_time(session, ticket)
    if business == was_business or ticket.id is None:
        return
    total = 0
    for pause in pauses_from_events(ticket_events(session, ticket.id) if events is None else events):
        if pause.end is not None:
            total += elapsed(calendar, pause.start, pause.end, business)
    ticket.paused_seconds = total


def _span(calendar: BusinessCalendar, start: datetime, end: datetime | None) -> tuple[int | None, int | None]:
    if end is None:
        return None, None
    return elapsed(calendar, start, end, False), elapsed(calendar, start, end, True)


def stamp_durations(calendar: BusinessCalendar, ticket: Ticket, now: datetime | None = None) -> None:
    """Store each metric's duration (calendar and business seconds) and the SLA breach flags.

    A stopped or paused clock is breached when it stopped or paused after its due time; a running
    one when ``now`` is past its due time (left unchanged when ``now`` is not given).
    """
    created = ticket.created_at
    ticket.pickup_secs, ticket.pickup_bsecs = _span(calendar, created, ticket.picked_up_at)
    ticket.frt_secs, ticket.frt_bsecs = _span(calendar, created, ticket.first_response_at)
    ticket.first_resolution_secs, ticket.first_resolution_bsecs = _span(
        calendar, created, ticket.first_solved_at
    )
    ticket.resolution_secs, ticket.resolution_bsecs = _span(calendar, created, ticket.solved_at)
    ticket.frt_breached = _breached(ticket.frt_due_at, frt_stop(ticket) or now, ticket.frt_breached)
    ticket.resolution_breached = _breached(
        ticket.resolution_due_at, resolution_mark(ticket) or now, ticket.resolution_breached
    )


def restore_figures(session: Session, calendar: BusinessCalendar, ticket_ids: list[int]) -> None:
    """Tickets written without the services (an import): the durations reports aggregate, from
    their timestamps, and the agent credited with each clock, from their history."""
    from . import credit

    for start in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[start : start + 500]
        for ticket in session.exec(select(Ticket).where(col(Ticket.id).in_(chunk))).all():
            stamp_durations(calendar, ticket)
            session.add(ticket)
        session.flush()
    credit.backfill(session, ticket_ids)


def _breached(due: datetime | None, mark: datetime | None, current: bool) -> bool:
    """A target is breached when its clock stopped or paused (or is, ``mark``) after the due time."""
    if due is None:
        return False
    if mark is None:
        return current
    return _aware(mark) > _aware(due)


def complaint_due(calendar: BusinessCalendar, received: datetime, days: int) -> datetime:
    """The statutory answer deadline of a complaint received at ``received`` (aware UTC).

    ``days`` calendar days counted from the day after receipt, ending at the end of the last day in
    the desk's time zone (received Tuesday 3 March at 15:00 with 14 days: due at the end of
    Tuesday 17 March, i.e. Wednesday 18 March 00:00 local time).
    """
    last = calendar.to_local(_naive(received)).date() + timedelta(days=days)
    local_end = datetime.combine(last + timedelta(days=1), time(0)).replace(tzinfo=calendar.tz)
    return local_end.astimezone(UTC)


def complaint_days_left(calendar: BusinessCalendar, due: datetime, now: datetime) -> int:
    """Whole calendar days left to answer, counted in the desk's time zone: 0 on the last day,
    negative once the deadline has passed."""
    last_day = calendar.to_local(_naive(due) - timedelta(microseconds=1)).date()
    today = calendar.to_local(_naive(now)).date()
    return (last_day - today).days
