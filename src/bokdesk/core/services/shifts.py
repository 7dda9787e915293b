"""Agents' rota: set a week, add or cancel an absence (supervisors and admins), and read it.

Every write is one transaction with a row in the audit (``auditevent``: ``shifts``,
``absence_added``, ``absence_cancelled``), as other desk-wide changes. Reads are open to every
agent (the rota screen is for everyone). The rules of who is on shift live in ``core/shifts.py``;
this module only loads and stores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, delete, select

from .. import audit
from ..desk import Actor, Desk
from ..enums import Role
from ..errors import NotFound, ValidationError
from ..models import Agent, AgentAbsence, AgentShift, Team
from ..shifts import (
    Absence,
    AbsenceKind,
    Block,
    Rota,
    ShiftSpecError,
    ShiftState,
    format_week,
    local_day,
    parse_week,
    validate_week,
)

# How far around "now" absences are loaded for a state (yesterday's night shift, the next weeks).
_BEFORE = timedelta(days=1)
_AHEAD = timedelta(days=63)
MAX_ABSENCE_DAYS = 366


@dataclass(frozen=True)
class AbsenceEntry:
    """An absence as listed: whose, which days, why, who recorded it and when."""

    id: int
    agent_id: int
    login: str
    name: str
    first_day: date
    last_day: date
    kind: str
    note: str | None
    recorded_by: str
    recorded_at: datetime

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def to_json(self) -> dict[str, object]:
        from ..clock import iso

        return {
            "id": self.id,
            "login": self.login,
            "name": self.name,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "kind": self.kind,
            "note": self.note,
            "recorded_by": self.recorded_by,
            "recorded_at": iso(self.recorded_at),
        }


@dataclass(frozen=True)
class AgentRota:
    """One active agent with their timetable and the absences near the day asked about."""

    agent_id: int
    login: str
    name: str
    role: str
    team: str | None
    team_id: int | None
    rota: Rota

    @property
    def week(self) -> str:
        return format_week(self.rota.blocks)


def _require_rota_editor(actor: Actor) -> None:
    actor.require(Role.SUPERVISOR, "action_change_rota")


def _agent(session: Session, login: str) -> Agent:
    agent = session.exec(select(Agent).where(Agent.login == login)).first()
    if agent is None:
        raise NotFound("rota_agent_missing", login=login)
    return agent


def _blocks(rows: Iterable[AgentShift]) -> tuple[Block, ...]:
    return tuple(sorted(Block(r.weekday, r.start_minute, r.end_minute) for r in rows))


def load_rotas(session: Session, desk: Desk, agent_ids: list[int], day: date) -> dict[int, Rota]:
    """Each agent's rota, with the absences from the day before ``day`` to nine weeks after it
    (inside the caller's session: routing reads it in its write transaction)."""
    if not agent_ids:
        return {}
    # Plain columns, not ORM objects: routing reads this inside the write transaction of every
    # new ticket, for every candidate of the team.
    blocks: dict[int, list[Block]] = {a: [] for a in agent_ids}
    for agent_id, weekday, start, end in session.exec(
        select(AgentShift.agent_id, AgentShift.weekday, AgentShift.start_minute, AgentShift.end_minute).where(
            col(AgentShift.agent_id).in_(agent_ids)
        )
    ).all():
        blocks[agent_id].append(Block(weekday, start, end))
    absences: dict[int, list[Absence]] = {a: [] for a in agent_ids}
    for agent_id, first, last, kind, note, absence_id in session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel's overloads stop at four columns
            AgentAbsence.agent_id,
            AgentAbsence.first_day,
            AgentAbsence.last_day,
            AgentAbsence.kind,
            AgentAbsence.note,
            AgentAbsence.id,
        )
        .where(
            col(AgentAbsence.agent_id).in_(agent_ids),
            col(AgentAbsence.last_day) >= day - _BEFORE,
            col(AgentAbsence.first_day) <= day + _AHEAD,
        )
        .order_by(col(AgentAbsence.first_day), col(AgentAbsence.id))
    ).all():
        absences[agent_id].append(Absence(first, last, kind, note, absence_id))
    return {a: Rota(desk.calendar, tuple(sorted(blocks[a])), tuple(absences[a])) for a in agent_ids}


def on_shift_ids(session: Session, desk: Desk, agent_ids: list[int], at: datetime) -> set[int]:
    """Which of these agents are on shift and not absent at ``at``."""
    day = local_day(desk.calendar, at)
    return {a for a, rota in load_rotas(session, desk, agent_ids, day).items() if rota.on_shift(at)}


def states(desk: Desk, agent_ids: list[int], at: datetime | None = None) -> dict[int, ShiftState]:
    """Each agent's rota state now (or at ``at``): on shift until, next start, absence."""
    at = at or desk.now()
    day = local_day(desk.calendar, at)
    with desk.store.read() as session:
        rotas = load_rotas(session, desk, agent_ids, day)
    return {a: rota.state(at) for a, rota in rotas.items()}


def rota_of_desk(desk: Desk, day: date | None = None, *, login: str | None = None) -> list[AgentRota]:
    """Active agents by name, each with their timetable and the absences around ``day`` (today)."""
    day = day or local_day(desk.calendar, desk.now())
    with desk.store.read() as session:
        query = (
            select(Agent, Team.name)
            .join(Team, col(Team.id) == Agent.team_id, isouter=True)
            .where(col(Agent.active).is_(True))
            .order_by(col(Agent.name), col(Agent.id))
        )
        if login is not None:
            query = query.where(Agent.login == login)
        rows = session.exec(query).all()
        if login is not None and not rows:
            _agent(session, login)  # says "no agent" rather than printing an empty rota
            raise ValidationError("login_inactive", login=login)
        rotas = load_rotas(session, desk, [a.id for a, _ in rows if a.id is not None], day)
    return [
        AgentRota(a.id, a.login, a.name, a.role, team, a.team_id, rotas[a.id])  # type: ignore[index,arg-type]  # agents read from the table have ids
        for a, team in rows
    ]


def set_week(desk: Desk, actor: Actor, login: str, week: str | Iterable[Block]) -> tuple[Block, ...]:
    """Replace an agent's weekly timetable (``"desk"`` or no blocks: follow the desk's hours)."""
    _require_rota_editor(actor)
    try:
        blocks = parse_week(week) if isinstance(week, str) else validate_week(week)
    except ShiftSpecError as error:
        raise ValidationError(error.code, **error.params) from None
    with desk.store.write() as session:
        agent = _agent(session, login)
        old = session.exec(select(AgentShift).where(AgentShift.agent_id == agent.id)).all()
        before = format_week(_blocks(old))
        after = format_week(blocks)
        if before == after:
            return blocks
        assert agent.id is not None  # a stored row
        session.exec(delete(AgentShift).where(col(AgentShift.agent_id) == agent.id))
        for b in blocks:
            session.add(
                AgentShift(agent_id=agent.id, weekday=b.weekday, start_minute=b.start, end_minute=b.end)
            )
        audit.record(session, actor, desk.now(), "shifts", login, before, after)
    return blocks


def _kind(kind: str) -> str:
    try:
        return AbsenceKind(kind.strip().lower()).value
    except ValueError:
        allowed = ", ".join(k.value for k in AbsenceKind)
        raise ValidationError("unknown_absence_kind", value=kind, allowed=allowed) from None


def add_absence(
    desk: Desk,
    actor: Actor,
    login: str,
    first_day: date,
    last_day: date | None = None,
    kind: str = AbsenceKind.LEAVE.value,
    note: str | None = None,
) -> AbsenceEntry:
    """Record that an agent is away from ``first_day`` to ``last_day`` (the same day if omitted)."""
    _require_rota_editor(actor)
    last_day = last_day or first_day
    value = _kind(kind)
    if last_day < first_day:
        raise ValidationError("absence_order", first=first_day, last=last_day)
    if (last_day - first_day).days + 1 > MAX_ABSENCE_DAYS:
        raise ValidationError("absence_too_long", days=MAX_ABSENCE_DAYS)
    note = (note or "").strip() or None
    with desk.store.write() as session:
        agent = _agent(session, login)
        clash = session.exec(
            select(AgentAbsence).where(
                AgentAbsence.agent_id == agent.id,
                col(AgentAbsence.first_day) <= last_day,
                col(AgentAbsence.last_day) >= first_day,
            )
        ).first()
        if clash is not None:
            raise ValidationError(
                "absence_overlap",
                name=agent.name,
                first=clash.first_day,
                last=clash.last_day,
                kind=clash.kind,
                number=clash.id,
            )
        now = desk.now()
        assert agent.id is not None  # a stored row
        row = AgentAbsence(
            agent_id=agent.id,
            first_day=first_day,
            last_day=last_day,
            kind=value,
            note=note,
            recorded_by_id=actor.id,
            recorded_by=actor.name,
            recorded_at=now,
        )
        session.add(row)
        session.flush()
        audit.record(
            session, actor, now, "absence_added", login, None, f"{first_day}..{last_day} {value}", note
        )
        return _entry(row, agent)


def cancel_absence(desk: Desk, actor: Actor, absence_id: int) -> AbsenceEntry:
    """Remove a recorded absence (the audit keeps what it was)."""
    _require_rota_editor(actor)
    with desk.store.write() as session:
        row = session.get(AgentAbsence, absence_id)
        if row is None:
            raise NotFound("absence_missing", number=absence_id)
        agent = session.get(Agent, row.agent_id)
        assert agent is not None
        entry = _entry(row, agent)
        session.delete(row)
        audit.record(
            session,
            actor,
            desk.now(),
            "absence_cancelled",
            agent.login,
            f"{row.first_day}..{row.last_day} {row.kind}",
            None,
            row.note,
        )
        return entry


def list_absences(
    desk: Desk, *, first_day: date | None = None, last_day: date | None = None, login: str | None = None
) -> list[AbsenceEntry]:
    """Absences touching [first_day, last_day] (either end open), by first day."""
    query = select(AgentAbsence, Agent).join(Agent, col(Agent.id) == AgentAbsence.agent_id)
    if first_day is not None:
        query = query.where(col(AgentAbsence.last_day) >= first_day)
    if last_day is not None:
        query = query.where(col(AgentAbsence.first_day) <= last_day)
    if login is not None:
        query = query.where(Agent.login == login)
    query = query.order_by(col(AgentAbsence.first_day), col(AgentAbsence.id))
    with desk.store.read() as session:
        if login is not None:
            _agent(session, login)
        return [_entry(row, agent) for row, agent in session.exec(query).all()]


def _entry(row: AgentAbsence, agent: Agent) -> AbsenceEntry:
    assert row.id is not None and agent.id is not None  # stored rows
    return AbsenceEntry(
        row.id,
        agent.id,
        agent.login,
        agent.name,
        row.first_day,
        row.last_day,
        row.kind,
        row.note,
        row.recorded_by,
        row.recorded_at,
    )


__all__ = [
    "AbsenceEntry",
    "AgentRota",
    "add_absence",
    "cancel_absence",
    "list_absences",
    "load_rotas",
    "on_shift_ids",
    "rota_of_desk",
    "set_week",
    "states",
]
