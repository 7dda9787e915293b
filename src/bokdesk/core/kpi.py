"""The live KPI strip: a handful of small indexed queries, cheap enough to run on every change.

Definitions follow the desk's KPI document (``metrics.md``):

- unassigned: tickets in new / open / pending / on hold with nobody assigned (the queue's view 2);
- oldest waiting: how long the oldest of those has been waiting since it arrived;
- at risk / breached: active tickets whose next SLA target is at risk / has passed;
- my open: active tickets assigned to the agent;
- median first response and resolution today: medians of the stored durations of the tickets
  whose clock stopped today (desk-local day), on the business clock like the SLA targets;
- NPS of the last 30 days: 100 × (promoters − detractors) / answers, rounded; no answers → None;
- agents online: active agents, not off shift, whose console was seen within the desk's online
  window (``core.online``: the same window as automatic assignment and presence).

The full metrics (means, p90, trends, per agent) live in ``core.metrics``; this module only
answers "how is the desk doing right now". No Textual here.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, or_, select, text

from .desk import Actor, Desk
from .enums import ACTIVE_SQL, ACTIVE_STATUSES, AgentStatus, Status
from .models import Agent, SurveyAnswer, Ticket, table_of
from .online import online_since

NPS_WINDOW = timedelta(days=30)

_T = table_of(Ticket)
_S = table_of(SurveyAnswer)
_A = table_of(Agent)
_DT = _T.c.created_at.type
_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_DONE = [Status.SOLVED.value, Status.CLOSED.value]
# The statuses as literals (not bound parameters): only then can SQLite see that the query's
# condition is the one of the partial index over the active tickets.
_ACTIVE_LITERAL = text(f"ticket.{ACTIVE_SQL}")


@dataclass(frozen=True)
class Kpis:
    """One reading of the strip. Durations in seconds; None where there is nothing to measure."""

    unassigned: int
    oldest_waiting: int | None
    at_risk: int
    breached: int
    my_open: int
    frt_median_today: int | None
    resolution_median_today: int | None
    nps: int | None
    nps_answers: int
    agents_online: int
    at: datetime


def nps_score(promoters: int, detractors: int, answers: int) -> int | None:
    """NPS from counts: 100 × (promoters − detractors) / answers, rounded half away from zero
    (12.5 -> 13, -12.5 -> -13); no answers gives None (shown as "—"), never 0; only passives give 0.
    The one definition, also used by ``core.metrics``."""
    if answers <= 0:
        return None
    numerator = 100 * (promoters - detractors)
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + answers) // (2 * answers))


def start_of_day(desk: Desk, now: datetime) -> datetime:
    """Midnight of the desk's local day containing ``now``, in UTC."""
    local = now.astimezone(desk.calendar.tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC)


_now = bindparam("now", type_=_DT)
_BACKLOG = (
    select(
        func.count().filter(_T.c.assignee_id.is_(None)),
        func.min(_T.c.created_at).filter(_T.c.assignee_id.is_(None)),
        func.count().filter(and_(_T.c.next_due_at >= _now, _T.c.next_risk_at <= _now)),
        func.count().filter(_T.c.next_due_at < _now),
        func.count().filter(_T.c.assignee_id == bindparam("me")),
    )
    .select_from(_T)
    .where(_ACTIVE_LITERAL)
    # The partial index of the active tickets (schema 0004) covers every column here: the strip
    # reads the backlog's index entries only, never a ticket row (0.4 ms instead of 6 ms on a
    # million tickets). Rendered on SQLite only (core/store.py); elsewhere the planner chooses.
    .with_hint(_T, "INDEXED BY ix_ticket_active_due", "sqlite")
)
_FRT_TODAY = select(_T.c.frt_bsecs).where(
    _T.c.first_response_at >= bindparam("day", type_=_DT), _T.c.frt_bsecs.is_not(None)
)
_RESOLUTION_TODAY = select(_T.c.resolution_bsecs).where(
    _T.c.solved_at >= bindparam("day", type_=_DT),
    _T.c.resolution_bsecs.is_not(None),
    _T.c.status.concat("").in_(_DONE),
    or_(_T.c.link_kind.is_(None), _T.c.link_kind != "merged"),  # merged duplicates are not resolutions
)
_NPS = select(
    func.count(),
    func.coalesce(func.sum(case((_S.c.nps >= 9, 1), else_=0)), 0),
    func.coalesce(func.sum(case((_S.c.nps <= 6, 1), else_=0)), 0),
).where(_S.c.answered_at >= bindparam("since", type_=_DT), _S.c.nps.is_not(None))
_ONLINE = select(func.count()).where(
    _A.c.active.is_(True),
    _A.c.last_seen_at >= bindparam("seen", type_=_DT),
    _A.c.status != AgentStatus.OFF_SHIFT.value,
)


def compute(desk: Desk, actor: Actor, now: datetime | None = None) -> Kpis:
    """Read the strip in one short read transaction."""
    now = now or desk.now()
    day = start_of_day(desk, now)
    with desk.store.read() as session:
        connection = session.connection()
        unassigned, oldest, at_risk, breached, mine = connection.execute(
            _BACKLOG, {"now": now, "me": actor.id if actor.id is not None else -1}
        ).one()
        frt = [row[0] for row in connection.execute(_FRT_TODAY, {"day": day})]
        resolution = [row[0] for row in connection.execute(_RESOLUTION_TODAY, {"day": day})]
        answers, promoters, detractors = connection.execute(_NPS, {"since": now - NPS_WINDOW}).one()
        online = connection.execute(_ONLINE, {"seen": online_since(desk, now)}).scalar_one()
    oldest_waiting = None
    if oldest is not None:
        if isinstance(oldest, str):  # pragma: no cover - aggregate results lose the column type
            oldest = datetime.fromisoformat(oldest)
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        oldest_waiting = max(0, int((now - oldest).total_seconds()))
    return Kpis(
        unassigned=int(unassigned),
        oldest_waiting=oldest_waiting,
        at_risk=int(at_risk),
        breached=int(breached),
        my_open=int(mine),
        frt_median_today=int(statistics.median(frt)) if frt else None,
        resolution_median_today=int(statistics.median(resolution)) if resolution else None,
        nps=nps_score(int(promoters), int(detractors), int(answers)),
        nps_answers=int(answers),
        agents_online=int(online),
        at=now,
    )


def heartbeat(desk: Desk, actor: Actor) -> None:
    """Mark the agent's console as alive now (what "agents online" counts); the console calls it
    every minute. Agents who are away keep their status; only ``last_seen_at`` moves."""
    if actor.id is None:
        return
    with desk.store.write() as session:
        session.connection().execute(_A.update().where(_A.c.id == actor.id).values(last_seen_at=desk.now()))


_MINE = select(_T.c.id, _T.c.subject).where(_T.c.status.in_(_ACTIVE), _T.c.assignee_id == bindparam("me"))


def my_active(desk: Desk, actor: Actor) -> dict[int, str]:
    """The agent's active tickets (id -> subject), to notice tickets newly assigned to them."""
    if actor.id is None:
        return {}
    with desk.store.read() as session:
        return {row[0]: row[1] for row in session.connection().execute(_MINE, {"me": actor.id})}
