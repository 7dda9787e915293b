"""SLA policies and desk settings: read by everyone, changed by supervisors and admins.

A policy change applies to tickets created (or re-prioritised) after it; due times already
stamped on open tickets stay as they were promised. Desk settings that every process must see
alike (a team's assignment mode, values in the ``setting`` table) live in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from .. import roles
from ..desk import Actor, Desk
from ..enums import AssignmentMode, Category, Priority
from ..errors import NotFound, ValidationError
from ..models import Setting, SlaPolicy, Team
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


def _minutes(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_TARGET_MINUTES:
        raise ValidationError(f"The {what} target must be a whole number of minutes from 1 to {MAX_TARGET_MINUTES}.")
    return value


def _check(data: PolicyInput) -> tuple[str, str | None]:
    try:
        priority = Priority(data.priority).value
    except ValueError:
        raise ValidationError(f"Unknown priority {data.priority!r}; use low, normal, high or urgent.") from None
    category = None
    if data.category:
        try:
            category = Category(data.category).value
        except ValueError:
            allowed = ", ".join(c.value for c in Category)
            raise ValidationError(f"Unknown category {data.category!r}; use one of: {allowed}.") from None
    _minutes(data.first_response_minutes, "first-response")
    _minutes(data.resolution_minutes, "resolution")
    return priority, category


def list_policies(desk: Desk) -> list[SlaPolicy]:
    """Every SLA policy, by priority (most urgent first) and category."""
    order = {p.value: -p.rank for p in Priority}
    with desk.store.read() as session:
        rows = list(session.exec(select(SlaPolicy)).all())
    return sorted(rows, key=lambda r: (order.get(r.priority, 0), r.category or ""))


def set_policy(desk: Desk, actor: Actor, data: PolicyInput) -> SlaPolicy:
    """Create or replace the policy for a priority (and category)."""
    roles.require(actor, Permission.CHANGE_POLICIES)
    priority, category = _check(data)
    with desk.store.write() as session:
        query = select(SlaPolicy).where(SlaPolicy.priority == priority)
        query = query.where(col(SlaPolicy.category).is_(None) if category is None else SlaPolicy.category == category)
        row = session.exec(query).first()
        if row is None:
            row = SlaPolicy(priority=priority, category=category)
        row.first_response_minutes = data.first_response_minutes
        row.resolution_minutes = data.resolution_minutes
        row.business_hours = data.business_hours
        session.add(row)
        session.flush()
        return row


def delete_policy(desk: Desk, actor: Actor, priority: str, category: str | None = None) -> None:
    """Remove a policy; tickets of that priority then have no SLA target (or the general one)."""
    roles.require(actor, Permission.CHANGE_POLICIES)
    priority, category = _check(PolicyInput(priority=priority, category=category))
    with desk.store.write() as session:
        query = select(SlaPolicy).where(SlaPolicy.priority == priority)
        query = query.where(col(SlaPolicy.category).is_(None) if category is None else SlaPolicy.category == category)
        row = session.exec(query).first()
        if row is None:
            raise NotFound(f"There is no SLA policy for {priority}" + (f"/{category}" if category else "") + ".")
        session.delete(row)


def set_assignment_mode(desk: Desk, actor: Actor, team_name: str, mode: str) -> Team:
    """How a team's new tickets find an agent: manual, round_robin or least_loaded."""
    roles.require(actor, Permission.CHANGE_DESK_SETTINGS)
    try:
        value = AssignmentMode(mode)
    except ValueError:
        allowed = ", ".join(m.value for m in AssignmentMode)
        raise ValidationError(f"Unknown assignment mode {mode!r}; use one of: {allowed}.") from None
    with desk.store.write() as session:
        team = session.exec(select(Team).where(Team.name == team_name)).first()
        if team is None:
            raise NotFound(f"Team {team_name!r} does not exist.")
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
        raise ValidationError("A setting needs a key of 1-80 characters.")
    with desk.store.write() as session:
        row = session.get(Setting, key)
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
