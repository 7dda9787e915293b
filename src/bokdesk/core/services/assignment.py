"""Automatic assignment per team: round robin or least loaded among the agents who are there.

A team's ``assignment_mode`` says how its new tickets find an agent:

- ``manual``: nobody is chosen; agents pull work with *take* / *take next* (the default);
- ``round_robin``: the eligible agent who was given a ticket longest ago (never first);
- ``least_loaded``: the eligible agent with the fewest tickets in work (new, open, on hold;
  *pending* waits on the customer and does not count), ties broken by longest since the last one.

Eligible means: an active member of the ticket's team, status *available*, seen by the desk
within the online window (their console sends a heartbeat; a console closed without setting
"away" drops out after the window), and on shift by the rota: inside their timetable (or the
desk's opening hours when they have none), not on a public holiday or day off, not absent
(``core/shifts.py``). An agent who stays logged in after their shift gets no new work. If nobody
is eligible the ticket stays unassigned in the team's queue, where *take next* finds it.

``auto_assign`` runs inside the write transaction that creates the ticket. That transaction began
with ``BEGIN IMMEDIATE``, so choosing the agent and stamping their ``last_assigned_at`` are
serialized across every process on the file: two importers cannot pick the same "next" agent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from .. import history
from ..desk import Actor, Desk
from ..enums import AgentStatus, AssignmentMode, Status
from ..models import Agent, Team, Ticket
from ..notices import Notice
from ..online import ONLINE_SECONDS, online_since, online_window
from . import shifts

# Tickets that count as an agent's current load in least-loaded mode.
LOAD_STATUSES = (Status.NEW.value, Status.OPEN.value, Status.ON_HOLD.value)


# "Online" has one definition, in core/online.py (also the KPI strip's and presence's).
def mode_of(session: Session, team_id: int | None) -> AssignmentMode:
    if team_id is None:
        return AssignmentMode.MANUAL
    team = session.get(Team, team_id)
    if team is None:
        return AssignmentMode.MANUAL
    try:
        return AssignmentMode(team.assignment_mode)
    except ValueError:
        return AssignmentMode.MANUAL


def eligible_agents(session: Session, desk: Desk, team_id: int, now: datetime) -> list[Agent]:
    """Active, available members of the team seen within the online window and on shift, by id."""
    since = online_since(desk, now)
    query = (
        select(Agent)
        .where(
            Agent.team_id == team_id,
            col(Agent.active).is_(True),
            Agent.status == AgentStatus.AVAILABLE.value,
            col(Agent.last_seen_at) >= since,
        )
        .order_by(col(Agent.id))
    )
    candidates = list(session.exec(query).all())
    on_shift = shifts.on_shift_ids(session, desk, [a.id for a in candidates if a.id is not None], now)
    return [a for a in candidates if a.id in on_shift]


def loads(session: Session, agent_ids: list[int]) -> dict[int, int]:
    """How many tickets in work each agent has (new, open, on hold)."""
    if not agent_ids:
        return {}
    rows = session.exec(
        select(Ticket.assignee_id, func.count())
        .where(col(Ticket.assignee_id).in_(agent_ids), col(Ticket.status).in_(LOAD_STATUSES))
        .group_by(col(Ticket.assignee_id))
    ).all()
    counts = dict.fromkeys(agent_ids, 0)
    counts.update({int(a): int(n) for a, n in rows if a is not None})
    return counts


def _last_assigned_key(agent: Agent) -> tuple[int, datetime | None, int]:
    """Never assigned first, then longest ago; the id keeps the order total."""
    stamp = agent.last_assigned_at
    return (0 if stamp is None else 1, stamp, agent.id or 0)


def choose(
    session: Session, desk: Desk, team_id: int, mode: AssignmentMode, now: datetime
) -> tuple[Agent, Notice] | None:
    """The agent the team's mode picks now, with the reason written into the history."""
    candidates = eligible_agents(session, desk, team_id, now)
    if not candidates or mode is AssignmentMode.MANUAL:
        return None
    if mode is AssignmentMode.ROUND_ROBIN:
        agent = min(candidates, key=_last_assigned_key)
        return agent, Notice("round_robin", {"available": len(candidates)})
    counts = loads(session, [a.id for a in candidates if a.id is not None])
    agent = min(candidates, key=lambda a: (counts.get(a.id or 0, 0), *_last_assigned_key(a)))
    return agent, Notice("least_loaded", {"load": counts.get(agent.id or 0, 0), "available": len(candidates)})


def auto_assign(session: Session, desk: Desk, ticket: Ticket) -> Agent | None:
    """Assign a new, unassigned ticket by its team's mode, inside the caller's write transaction.

    Call it from every place that creates a ticket (``create_ticket``, follow-ups, the mail
    importer) after the ticket is flushed. Returns the chosen agent, or None when the team pulls
    work by hand, nobody is available, or the ticket already has an assignee.
    """
    if ticket.assignee_id is not None or ticket.team_id is None:
        return None
    if ticket.status not in (Status.NEW.value, Status.OPEN.value):
        return None
    mode = mode_of(session, ticket.team_id)
    if mode is AssignmentMode.MANUAL:
        return None
    now = desk.now()
    picked = choose(session, desk, ticket.team_id, mode, now)
    if picked is None:
        return None
    agent, reason = picked
    router = Actor(id=None, login="bokdesk", name="bokdesk (auto-assignment)")
    ticket.assignee_id = agent.id
    history.record(session, ticket.id, router, now, "assignee", None, agent.login, reason)  # type: ignore[arg-type]  # the row's id, set when it was flushed
    if ticket.picked_up_at is None:
        ticket.picked_up_at = now
        history.record(session, ticket.id, router, now, "picked_up_at", None, now)  # type: ignore[arg-type]  # the row's id, set when it was flushed
    if ticket.status == Status.NEW.value:
        history.record(session, ticket.id, router, now, "status", Status.NEW.value, Status.OPEN.value)  # type: ignore[arg-type]  # the row's id, set when it was flushed
        ticket.status = Status.OPEN.value
    agent.last_assigned_at = now
    session.add(agent)
    session.add(ticket)
    return agent


__all__ = [
    "LOAD_STATUSES",
    "ONLINE_SECONDS",
    "auto_assign",
    "choose",
    "eligible_agents",
    "loads",
    "online_window",
]
