"""Agents and teams: who works the desk, in which team, with which role."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from .. import audit, roles
from ..desk import Actor, Desk
from ..enums import AgentStatus, AssignmentMode, Role, TeamKind
from ..errors import NotFound, PermissionDenied, ValidationError
from ..models import Agent, Team
from ..notices import Notice
from ..roles import Permission

_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


def actor_of(agent: Agent) -> Actor:
    return Actor(
        id=agent.id, login=agent.login, name=agent.name, role=Role(agent.role), team_id=agent.team_id
    )


def find_agent(desk: Desk, login: str) -> Agent | None:
    with desk.store.read() as session:
        return session.exec(select(Agent).where(Agent.login == login)).first()


def require_agent(desk: Desk, login: str) -> Actor:
    """The actor for a login; refuses unknown or inactive logins with how to be added."""
    agent = find_agent(desk, login)
    if agent is None:
        raise PermissionDenied("not_an_agent", login=login)
    if not agent.active:
        raise PermissionDenied("agent_left", login=login)
    return actor_of(agent)


def _check_admin(desk: Desk, actor: Actor | None, action: str) -> None:
    """Admins manage agents; on a desk with no agents at all, anyone may (to add the first admin).

    A desk whose admins have all left is not new: its agents stay, and so does the check.
    """
    if actor is not None and actor.id is None:
        return  # the system (demo builder, import)
    with desk.store.read() as session:
        any_agent = session.exec(select(Agent.id).limit(1)).first()
    if any_agent is None:
        return
    if actor is None:
        raise PermissionDenied("admin_needed", action=Notice(action))
    roles.require(actor, Permission.MANAGE_AGENTS, action)


def ensure_team(desk: Desk, name: str, kind: str = TeamKind.OFFICE.value) -> Team:
    """The team of that name, created when missing."""
    with desk.store.write() as session:
        return _team_in(session, desk, name, kind)


def _team_in(session: Session, desk: Desk, name: str, kind: str = TeamKind.OFFICE.value) -> Team:
    """The team of that name in ``session``'s transaction, created when missing."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("team_needs_name")
    TeamKind(kind)
    team = session.exec(select(Team).where(Team.name == name)).first()
    if team is None:
        team = Team(name=name, kind=kind, assignment_mode=AssignmentMode.MANUAL.value, created_at=desk.now())
        session.add(team)
        session.flush()
    return team


def add_agent(
    desk: Desk,
    actor: Actor | None,
    login: str,
    name: str,
    *,
    role: str = Role.AGENT.value,
    team: str | None = None,
    email: str | None = None,
) -> Agent:
    """Add an agent (admins only, except the first admin of an empty desk)."""
    if not _LOGIN.match(login):
        raise ValidationError("login_invalid", login=login)
    if not name.strip():
        raise ValidationError("agent_needs_name")
    try:
        role_value = Role(role)
    except ValueError:
        raise ValidationError("unknown_role", value=role) from None
    _check_admin(desk, actor, "action_add_agent")
    with desk.store.write() as session:  # the agent and a new team are stored together, or neither
        if session.exec(select(Agent).where(Agent.login == login)).first() is not None:
            raise ValidationError("agent_exists", login=login)
        team_row = _team_in(session, desk, team) if team else None
        agent = Agent(
            login=login,
            name=name.strip(),
            email=email,
            role=role_value.value,
            team_id=team_row.id if team_row else None,
            status=AgentStatus.AVAILABLE.value,
            created_at=desk.now(),
        )
        session.add(agent)
        session.flush()
        audit.record(
            session,
            actor,
            desk.now(),
            "agent_added",
            login,
            None,
            role_value.value,
            f"{agent.name}" + (f", team {team}" if team else ""),
        )
        return agent


def list_agents(desk: Desk) -> list[tuple[Agent, str | None]]:
    """All agents with their team names, by name."""
    with desk.store.read() as session:
        rows = session.exec(
            select(Agent, Team.name)
            .join(Team, col(Team.id) == Agent.team_id, isouter=True)
            .order_by(Agent.name)
        ).all()
        return [(a, t) for a, t in rows]


def list_teams(desk: Desk) -> list[Team]:
    with desk.store.read() as session:
        return list(session.exec(select(Team).order_by(Team.name)).all())


def get_agent(desk: Desk, agent_id: int) -> Agent:
    with desk.store.read() as session:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise NotFound("agent_missing", number=agent_id)
        return agent


def set_active(desk: Desk, actor: Actor, login: str, active: bool) -> Agent:
    _check_admin(desk, actor, "action_change_agent")
    with desk.store.write() as session:
        agent = session.exec(select(Agent).where(Agent.login == login)).first()
        if agent is None:
            raise NotFound("agent_login_missing", login=login)
        if not active and agent.active and agent.role == Role.ADMIN.value:
            _keep_an_admin(session, agent)
        if agent.active != active:
            audit.record(session, actor, desk.now(), "agent_active", login, agent.active, active)
        agent.active = active
        return agent


def _status(status: str) -> AgentStatus:
    try:
        return AgentStatus(status)
    except ValueError:
        allowed = ", ".join(s.value for s in AgentStatus)
        raise ValidationError("unknown_status", value=status, allowed=allowed) from None


def set_status(desk: Desk, actor: Actor, status: str) -> None:
    """An agent's own presence status (available, away, off shift)."""
    value = _status(status)
    if actor.id is None:
        return
    with desk.store.write() as session:
        agent = session.get(Agent, actor.id)
        if agent is None:
            raise NotFound("you_are_not_an_agent")
        agent.status = value.value
        agent.last_seen_at = desk.now()


def set_agent_status(desk: Desk, actor: Actor, login: str, status: str) -> Agent:
    """A supervisor marks a colleague away or off shift (e.g. who left without doing it)."""
    value = _status(status)
    if login != actor.login:
        roles.require(actor, Permission.SET_OTHERS_STATUS)
    with desk.store.write() as session:
        agent = session.exec(select(Agent).where(Agent.login == login)).first()
        if agent is None:
            raise NotFound("agent_login_missing", login=login)
        agent.status = value.value
        if login == actor.login:
            agent.last_seen_at = desk.now()
        return agent


def set_role(desk: Desk, actor: Actor, login: str, role: str) -> Agent:
    """Change an agent's role (admins only); the desk always keeps one active admin."""
    try:
        value = Role(role)
    except ValueError:
        raise ValidationError("unknown_role", value=role) from None
    roles.require(actor, Permission.MANAGE_AGENTS, "action_change_role")
    with desk.store.write() as session:
        agent = session.exec(select(Agent).where(Agent.login == login)).first()
        if agent is None:
            raise NotFound("agent_login_missing", login=login)
        if agent.role == Role.ADMIN.value and value is not Role.ADMIN and agent.active:
            _keep_an_admin(session, agent)
        if agent.role != value.value:
            audit.record(session, actor, desk.now(), "role", login, agent.role, value.value)
        agent.role = value.value
        return agent


def _keep_an_admin(session: Session, leaving: Agent) -> None:
    others = session.exec(
        select(Agent.id).where(Agent.role == Role.ADMIN.value, Agent.active, Agent.id != leaving.id)
    ).first()
    if others is None:
        raise ValidationError("last_admin", name=leaving.name)


__all__ = [
    "PermissionDenied",
    "actor_of",
    "add_agent",
    "ensure_team",
    "find_agent",
    "get_agent",
    "list_agents",
    "list_teams",
    "require_agent",
    "set_active",
    "set_agent_status",
    "set_role",
    "set_status",
]
