"""SLA policies and desk settings: read by everyone, changed by supervisors and admins.

A policy change (set or delete) recomputes, in the same transaction, the due times of the open
tickets it governs (new / open / pending / on hold, of that priority, and of that category or of
a category without its own policy), from ``created_at`` as a priority change does: a target
still running moves to the new due time; a first-response target already decided (answered)
keeps its due time and verdict, and solved tickets keep theirs (the figures already reported
stay true). Each ticket whose due times moved gets a ``due`` history row (the ticket's history
and its explanation must say why its clock jumped, and a console holding the ticket sees a new
version); the change itself, with how many tickets moved, goes to the audit (``core/audit.py``).
Policies are read once for the whole recomputation and the history rows of tickets whose clock
changes (business <-> calendar) in one query: on a million-ticket desk with ~900 open tickets of a
priority the change holds the write lock for about 1.5-3 s (agents' writes wait their turn, none
fails), a few times a year.
Desk settings that every process must see alike (a team's assignment mode, values in the
``setting`` table) live in the database; every change of them is audited too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from .. import audit, history, roles, sla
from ..desk import Actor, Desk
from ..enums import ACTIVE_STATUSES, AssignmentMode, Category, Priority
from ..errors import NotFound, ValidationError
from ..models import Setting, SlaPolicy, Team, Ticket, TicketEvent
from ..notices import Notice
from ..roles import Permission

MAX_TARGET_MINUTES = 365 * 24 * 60


@dataclass(frozen=True)
class PolicyInput:
    """Targets for one priority (and optionally one category); None means no target."""

    priority: str
    category: str | None = None
    first_response_minutes: int | None = None
    resolution_minutes: int | None = None
    business_hours: bool = True


def _minutes(value: int | None, code: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_TARGET_MINUTES:
        raise ValidationError(code, limit=MAX_TARGET_MINUTES)
    return value


def _check(data: PolicyInput) -> tuple[str, str | None]:
    try:
        priority = Priority(data.priority).value
    except ValueError:
        raise ValidationError("policy_unknown_priority", value=data.priority) from None
    category = None
    if data.category:
        try:
            category = Category(data.category).value
        except ValueError:
            allowed = ", ".join(c.value for c in Category)
            raise ValidationError("unknown_category", value=data.category, allowed=allowed) from None
    _minutes(data.first_response_minutes, "first_response_target")
    _minutes(data.resolution_minutes, "resolution_target")
    return priority, category


def list_policies(desk: Desk) -> list[SlaPolicy]:
    """Every SLA policy, by priority (most urgent first) and category."""
    order = {p.value: -p.rank for p in Priority}
    with desk.store.read() as session:
        rows = list(session.exec(select(SlaPolicy)).all())
    return sorted(rows, key=lambda r: (order.get(r.priority, 0), r.category or ""))


def _describe(row: SlaPolicy | None) -> str | None:
    """A policy's targets as one line for the audit (None: no policy)."""
    if row is None:
        return None

    def minutes(value: int | None) -> str:
        return "none" if value is None else f"{value} min"

    clock = "business" if row.business_hours else "calendar"
    return f"first response {minutes(row.first_response_minutes)}, resolution {minutes(row.resolution_minutes)}, {clock}"


def _policy_row(session: Session, priority: str, category: str | None) -> SlaPolicy | None:
    query = select(SlaPolicy).where(SlaPolicy.priority == priority)
    query = query.where(
        col(SlaPolicy.category).is_(None) if category is None else SlaPolicy.category == category
    )
    return session.exec(query).first()


def _governed(session: Session, priority: str, category: str | None) -> list[tuple[Ticket, bool]]:
    """The open tickets a policy for (priority, category) governs, each with whether its clock is
    business time under the policies as they are now (before the change)."""
    query = select(Ticket).where(
        Ticket.priority == priority, col(Ticket.status).in_([s.value for s in ACTIVE_STATUSES])
    )
    if category is not None:
        query = query.where(Ticket.category == category)
    else:  # the general policy: not the categories that have their own
        specific = select(SlaPolicy.category).where(
            SlaPolicy.priority == priority, col(SlaPolicy.category).is_not(None)
        )
        query = query.where(col(Ticket.category).not_in(specific))
    tickets = session.exec(query.order_by(col(Ticket.id))).all()
    with sla.policies_cached(session):
        return [(t, sla.uses_business_time(session, t)) for t in tickets]


def _recompute(
    session: Session, desk: Desk, actor: Actor, governed: list[tuple[Ticket, bool]], what: str
) -> int:
    """Recompute the due times of the governed tickets under the changed policy; a ``due`` history
    row for each ticket whose due times moved. Returns how many moved."""
    now = desk.now()
    moved = 0
    with sla.policies_cached(session), session.no_autoflush:
        # Tickets whose clock changes (business <-> calendar) re-measure their pauses from history:
        # their rows in one query, not one per ticket.
        clock_changes = [
            t.id
            for t, was_business in governed
            if t.id is not None and sla.uses_business_time(session, t) != was_business
        ]
        events = sla.pause_events(session, clock_changes) if clock_changes else {}
        for ticket, was_business in governed:
            assert ticket.id is not None  # stored tickets
            moved += _recompute_one(
                session, desk, actor, ticket, was_business, what, now, events.get(ticket.id)
            )
    return moved


def _policy_note(what: str) -> Notice:
    """The due row's note: the policy ("priority" or "priority/category") said in the agent's language."""
    priority, _, category = what.partition("/")
    if category:
        return Notice("due_for_policy_category", {"priority": priority, "category": category})
    return Notice("due_for_policy", {"priority": priority})


def _recompute_one(
    session: Session,
    desk: Desk,
    actor: Actor,
    ticket: Ticket,
    was_business: bool,
    what: str,
    now: datetime,
    events: list[TicketEvent] | None,
) -> int:
    """One ticket of ``_recompute``: 1 if its due times moved, else 0."""
    before = (ticket.frt_due_at, ticket.resolution_due_at, ticket.next_due_at, ticket.next_risk_at)
    sla.convert_pauses(session, desk.calendar, ticket, was_business, events)
    answered = sla.frt_stop(ticket) is not None
    sla.apply_policy(session, desk.calendar, ticket)
    if answered:  # a decided first-response target keeps its due time and its verdict
        ticket.frt_due_at = before[0]
    after = (ticket.frt_due_at, ticket.resolution_due_at, ticket.next_due_at, ticket.next_risk_at)
    if after == before:
        return 0
    ticket.version += 1
    ticket.updated_at = now
    session.add(ticket)
    assert ticket.id is not None  # a stored ticket
    history.record(session, ticket.id, actor, now, "due", before[2], ticket.next_due_at, _policy_note(what))
    return 1


def set_policy(desk: Desk, actor: Actor, data: PolicyInput) -> SlaPolicy:
    """Create or replace the policy for a priority (and category); the open tickets it governs get
    their due times recomputed in the same transaction."""
    roles.require(actor, Permission.CHANGE_POLICIES)
    priority, category = _check(data)
    what = priority + (f"/{category}" if category else "")
    with desk.store.write() as session:
        row = _policy_row(session, priority, category)
        old = _describe(row)
        governed = _governed(session, priority, category)
        if row is None:
            row = SlaPolicy(priority=priority, category=category)
        row.first_response_minutes = data.first_response_minutes
        row.resolution_minutes = data.resolution_minutes
        row.business_hours = data.business_hours
        session.add(row)
        session.flush()
        moved = _recompute(session, desk, actor, governed, what)
        audit.record(
            session,
            actor,
            desk.now(),
            "sla_policy",
            what,
            old,
            _describe(row),
            f"due times recomputed on {moved} open ticket(s)",
        )
        return row


def delete_policy(desk: Desk, actor: Actor, priority: str, category: str | None = None) -> None:
    """Remove a policy; tickets of that priority then have no SLA target (or the general one), and
    the open ones it governed get their due times recomputed."""
    roles.require(actor, Permission.CHANGE_POLICIES)
    priority, category = _check(PolicyInput(priority=priority, category=category))
    what = priority + (f"/{category}" if category else "")
    with desk.store.write() as session:
        row = _policy_row(session, priority, category)
        if row is None:
            raise NotFound("policy_missing", policy=what)
        old = _describe(row)
        governed = _governed(session, priority, category)
        session.delete(row)
        session.flush()
        moved = _recompute(session, desk, actor, governed, what)
        audit.record(
            session,
            actor,
            desk.now(),
            "sla_policy",
            what,
            old,
            None,
            f"deleted; due times recomputed on {moved} open ticket(s)",
        )


def set_assignment_mode(desk: Desk, actor: Actor, team_name: str, mode: str) -> Team:
    """How a team's new tickets find an agent: manual, round_robin or least_loaded."""
    roles.require(actor, Permission.CHANGE_DESK_SETTINGS)
    try:
        value = AssignmentMode(mode)
    except ValueError:
        allowed = ", ".join(m.value for m in AssignmentMode)
        raise ValidationError("unknown_assignment_mode", value=mode, allowed=allowed) from None
    with desk.store.write() as session:
        team = session.exec(select(Team).where(Team.name == team_name)).first()
        if team is None:
            raise NotFound("team_name_missing", name=team_name)
        if team.assignment_mode != value.value:
            audit.record(
                session, actor, desk.now(), "assignment_mode", team.name, team.assignment_mode, value.value
            )
        team.assignment_mode = value.value
        session.add(team)
        return team


def get_setting(desk: Desk, key: str, default: str | None = None) -> str | None:
    with desk.store.read() as session:
        row = session.get(Setting, key)
        return row.value if row is not None else default


def set_setting(desk: Desk, actor: Actor, key: str, value: str) -> None:
    """Store a desk-wide setting every process reads alike (supervisors and admins)."""
    roles.require(actor, Permission.CHANGE_DESK_SETTINGS)
    key = key.strip()
    if not key or len(key) > 80:
        raise ValidationError("setting_key")
    with desk.store.write() as session:
        row = session.get(Setting, key)
        if row is None or row.value != value:
            audit.record(
                session, actor, desk.now(), "setting", key, None if row is None else row.value, value
            )
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
            session.add(row)


__all__ = [
    "PolicyInput",
    "delete_policy",
    "get_setting",
    "list_policies",
    "set_assignment_mode",
    "set_policy",
    "set_setting",
]
