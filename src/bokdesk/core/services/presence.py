"""Presence and collisions: who is online, who has a ticket open, who is writing a reply.

Every console runs against the same database, so presence is rows in it:

- ``touch(desk, actor, ticket_id, activity)`` says "I have this ticket open" (activity
  ``viewing``) or "I am writing on it" (``replying`` for a reply or call log, ``noting`` for an
  internal note). The detail view calls it when it opens a ticket, when the editor opens or
  closes, and every ``REFRESH_SECONDS`` while it stays open. It also counts as a heartbeat.
- ``leave(desk, actor, ticket_id)`` when the detail view closes (``ticket_id=None``: all of mine,
  when the console quits).
- ``others(desk, actor, ticket_id)`` lists the colleagues who have it open, writers first
  ("Ania is replying").
- ``heartbeat(desk, actor)`` keeps an agent online while they sit in the queue.
- ``online(desk)`` lists every active agent with status and whether they are online.
- ``watch(desk, actor, ticket_id)`` is the one cheap read the detail view polls: the ticket's
  version, assignee and status, its last change, and the others.
- ``changes_since(desk, actor, ticket_id, base_version, since)`` explains a ``StaleWrite``: what
  changed underneath, and whether "send anyway" is safe (nobody else answered the customer and
  the ticket is not closed).

Entries expire: a row not refreshed within ``TTL_SECONDS`` is ignored by every reader (a console
killed without ``leave`` disappears by itself) and deleted by the next writer. Presence is
advisory; the hard guarantees are in the ticket services: *take* refuses a ticket someone took
(``AlreadyTaken``), and a write based on a stale version is refused (``StaleWrite``). Drafts are
saved to the database as the agent types (``services.drafts``), so a refused reply loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from ..desk import Actor, Desk
from ..enums import AgentStatus, MessageKind, Status
from ..errors import NotFound, ValidationError
from ..models import Agent, Message, Presence, Team, Ticket, TicketEvent
from ..notices import Notice
from ..online import online_since
from ..shifts import ShiftState
from . import shifts

REFRESH_SECONDS = 15  # how often an open detail view refreshes its entry
TTL_SECONDS = 45  # an entry older than this is gone (three missed refreshes)


class Activity(StrEnum):
    VIEWING = "viewing"
    REPLYING = "replying"
    NOTING = "noting"


# Writers before readers when several colleagues have a ticket open.
_ACTIVITY_ORDER = {Activity.REPLYING.value: 0, Activity.NOTING.value: 1, Activity.VIEWING.value: 2}
_VERBS = {
    Activity.REPLYING.value: "is replying",
    Activity.NOTING.value: "is writing a note",
    Activity.VIEWING.value: "is viewing",
}


@dataclass(frozen=True)
class Viewer:
    """A colleague who has a ticket open."""

    agent_id: int
    login: str
    name: str
    ticket_id: int
    activity: str
    seen_at: datetime

    @property
    def writing(self) -> bool:
        return self.activity != Activity.VIEWING.value

    @property
    def sentence(self) -> str:
        """English one-liner ("Ania Nowak is replying"); the UI may translate from the fields."""
        return f"{self.name} {_VERBS.get(self.activity, 'is viewing')}"


@dataclass(frozen=True)
class AgentPresence:
    """One agent as the desk sees them now."""

    agent_id: int
    login: str
    name: str
    role: str
    team: str | None
    team_id: int | None
    status: str
    last_seen_at: datetime | None
    online: bool
    open_tickets: tuple[tuple[int, str], ...] = ()
    # The rota (core/shifts.py) at the moment of reading:
    on_shift: bool = True
    shift_until: datetime | None = None  # on shift: when this shift ends
    next_shift: datetime | None = None  # off shift: when the next one starts
    absence_kind: str | None = None  # leave / sick / training / other
    absent_until: date | None = None
    follows_desk: bool = True  # no timetable of their own: the desk's opening hours

    @property
    def state(self) -> str:
        """``absent`` on a recorded absence, ``off_shift`` outside their shift (whatever their
        status says), ``offline`` when not seen within the online window, else their status."""
        if self.absence_kind is not None:
            return "absent"
        if not self.on_shift:
            return AgentStatus.OFF_SHIFT.value
        return self.status if self.online else "offline"


@dataclass(frozen=True)
class TicketWatch:
    """What the detail view polls: has the ticket changed, who holds it, who else is there."""

    ticket_id: int
    version: int
    status: str
    assignee_id: int | None
    assignee_name: str | None
    updated_at: datetime
    last_change_by: str | None
    last_change_at: datetime | None
    others: list[Viewer] = field(default_factory=list)

    def changed_since(self, version: int) -> bool:
        return self.version != version


@dataclass(frozen=True)
class ChangeReport:
    """What happened to a ticket since an agent loaded it, and what they may safely do."""

    ticket_id: int
    base_version: int
    version: int
    events: list[TicketEvent]
    other_replies: list[Message]
    customer_messages: list[Message]
    status: str
    assignee_name: str | None
    reasons: list[Notice]  # what changed, each a code and its values (``Notice.english()``)

    @property
    def changed(self) -> bool:
        return self.version != self.base_version

    @property
    def safe_to_send(self) -> bool:
        """ "Send anyway" is safe when no colleague answered the customer and the ticket is not closed."""
        return not self.other_replies and self.status != Status.CLOSED.value


def _activity(value: str) -> str:
    try:
        return Activity(value).value
    except ValueError:
        allowed = ", ".join(a.value for a in Activity)
        raise ValidationError("unknown_activity", value=value, allowed=allowed) from None


def _fresh_since(desk: Desk) -> datetime:
    return desk.now() - timedelta(seconds=TTL_SECONDS)


def touch(desk: Desk, actor: Actor, ticket_id: int, activity: str = Activity.VIEWING.value) -> None:
    """Record that the actor has the ticket open (and whether they are writing); a heartbeat too."""
    value = _activity(activity)
    if actor.id is None:
        return
    with desk.store.write() as session:
        now = desk.now()
        if session.get(Ticket, ticket_id) is None:
            raise NotFound("ticket_missing", number=ticket_id)
        session.exec(delete(Presence).where(col(Presence.seen_at) < now - timedelta(seconds=TTL_SECONDS)))
        row = session.get(Presence, (actor.id, ticket_id))
        if row is None:
            session.add(Presence(agent_id=actor.id, ticket_id=ticket_id, activity=value, seen_at=now))
        else:
            row.activity = value
            row.seen_at = now
            session.add(row)
        agent = session.get(Agent, actor.id)
        if agent is not None:
            agent.last_seen_at = now
            session.add(agent)


def leave(desk: Desk, actor: Actor, ticket_id: int | None = None) -> None:
    """Forget the actor's entry for a ticket (or all of theirs when ``ticket_id`` is None)."""
    if actor.id is None:
        return
    with desk.store.write() as session:
        query = delete(Presence).where(col(Presence.agent_id) == actor.id)
        if ticket_id is not None:
            query = query.where(col(Presence.ticket_id) == ticket_id)
        session.exec(query)


def heartbeat(desk: Desk, actor: Actor) -> None:
    """Keep the actor online (the queue screen calls this every ``REFRESH_SECONDS``)."""
    if actor.id is None:
        return
    with desk.store.write() as session:
        agent = session.get(Agent, actor.id)
        if agent is not None:
            agent.last_seen_at = desk.now()
            session.add(agent)


def _viewers(session: Session, desk: Desk, ticket_ids: list[int], exclude: int | None) -> list[Viewer]:
    query = (
        select(Presence, Agent.login, Agent.name)
        .join(Agent, col(Agent.id) == Presence.agent_id)
        .where(col(Presence.ticket_id).in_(ticket_ids), col(Presence.seen_at) >= _fresh_since(desk))
    )
    if exclude is not None:
        query = query.where(Presence.agent_id != exclude)
    rows = [
        Viewer(p.agent_id, login, name, p.ticket_id, p.activity, p.seen_at)
        for p, login, name in session.exec(query).all()
    ]
    return sorted(rows, key=lambda v: (_ACTIVITY_ORDER.get(v.activity, 9), v.name, v.agent_id))


def others(desk: Desk, actor: Actor, ticket_id: int) -> list[Viewer]:
    """Colleagues who have the ticket open now, those writing first."""
    with desk.store.read() as session:
        return _viewers(session, desk, [ticket_id], actor.id)


def viewers_by_ticket(desk: Desk, actor: Actor, ticket_ids: list[int]) -> dict[int, list[Viewer]]:
    """For the queue: which of these tickets colleagues have open (one query for a page)."""
    if not ticket_ids:
        return {}
    with desk.store.read() as session:
        result: dict[int, list[Viewer]] = {}
        for viewer in _viewers(session, desk, list(ticket_ids), actor.id):
            result.setdefault(viewer.ticket_id, []).append(viewer)
        return result


def summary(viewers: list[Viewer]) -> str:
    """ "Ania Nowak is replying; Kasia Zielińska is viewing" (English; empty when alone)."""
    return "; ".join(v.sentence for v in viewers)


def online(desk: Desk, *, include_offline: bool = True) -> list[AgentPresence]:
    """Every active agent with their status and whether they were seen within the online window."""
    now = desk.now()
    since = online_since(desk, now)
    with desk.store.read() as session:
        rows = session.exec(
            select(Agent, Team.name)
            .join(Team, col(Team.id) == Agent.team_id, isouter=True)
            .where(col(Agent.active).is_(True))
            .order_by(Agent.name)
        ).all()
        open_rows = session.exec(
            select(Presence)
            .where(col(Presence.seen_at) >= _fresh_since(desk))
            .order_by(col(Presence.ticket_id))
        ).all()
    rota = shifts.states(desk, [agent.id for agent, _ in rows if agent.id is not None], now)
    open_by_agent: dict[int, list[tuple[int, str]]] = {}
    for p in open_rows:
        open_by_agent.setdefault(p.agent_id, []).append((p.ticket_id, p.activity))
    result = []
    for agent, team in rows:
        is_online = agent.last_seen_at is not None and agent.last_seen_at >= since
        if not is_online and not include_offline:
            continue
        result.append(
            AgentPresence(
                agent_id=agent.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
                login=agent.login,
                name=agent.name,
                role=agent.role,
                team=team,
                team_id=agent.team_id,
                status=agent.status,
                last_seen_at=agent.last_seen_at,
                online=is_online,
                open_tickets=tuple(open_by_agent.get(agent.id or 0, ())) if is_online else (),
                **_rota_fields(rota.get(agent.id or 0)),
            )
        )
    return result


def _rota_fields(state: ShiftState | None) -> dict[str, Any]:
    if state is None:
        return {}
    return {
        "on_shift": state.on_shift,
        "shift_until": state.until,
        "next_shift": state.next_start,
        "absence_kind": state.absence.kind if state.absence else None,
        "absent_until": state.absent_until,
        "follows_desk": state.follows_desk,
    }


def available_count(desk: Desk, team_id: int | None = None) -> int:
    """How many agents are online, available and on shift (of one team, or of the desk)."""
    return sum(
        1
        for a in online(desk, include_offline=False)
        if a.state == AgentStatus.AVAILABLE.value and (team_id is None or a.team_id == team_id)
    )


def watch(desk: Desk, actor: Actor, ticket_id: int) -> TicketWatch:
    """One short read for the open detail view: version, holder, last change, colleagues there."""
    with desk.store.read() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("ticket_missing", number=ticket_id)
        assignee = session.get(Agent, ticket.assignee_id) if ticket.assignee_id else None
        last = session.exec(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id)
            .order_by(col(TicketEvent.id).desc())
            .limit(1)
        ).first()
        return TicketWatch(
            ticket_id=ticket_id,
            version=ticket.version,
            status=ticket.status,
            assignee_id=ticket.assignee_id,
            assignee_name=assignee.name if assignee else None,
            updated_at=ticket.updated_at,
            last_change_by=last.actor if last else None,
            last_change_at=last.at if last else None,
            others=_viewers(session, desk, [ticket_id], actor.id),
        )


def changes_since(
    desk: Desk, actor: Actor, ticket_id: int, base_version: int, since: datetime
) -> ChangeReport:
    """What others changed since the actor loaded the ticket (at version ``base_version``, time ``since``).

    The detail view calls this after a ``StaleWrite`` to offer: reload (the draft stays), keep
    the draft and go on editing, or send anyway when ``safe_to_send``.
    """
    with desk.store.read() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("ticket_missing", number=ticket_id)
        events = list(
            session.exec(
                select(TicketEvent)
                .where(TicketEvent.ticket_id == ticket_id, col(TicketEvent.at) > since)
                .order_by(col(TicketEvent.id))
            ).all()
        )
        messages = list(
            session.exec(
                select(Message)
                .where(Message.ticket_id == ticket_id, col(Message.created_at) > since)
                .order_by(col(Message.id))
            ).all()
        )
        assignee = session.get(Agent, ticket.assignee_id) if ticket.assignee_id else None
        names = {a.id: a.name for a in session.exec(select(Agent)).all()}
    if ticket.version == base_version:
        events, messages = [], []
    events = [e for e in events if e.agent_id != actor.id or actor.id is None]
    public = {k.value for k in (MessageKind.REPLY, MessageKind.CALL)}
    other_replies = [m for m in messages if m.kind in public and m.author_agent_id != actor.id]
    customer = [m for m in messages if m.kind == MessageKind.CUSTOMER.value]
    reasons = [
        Notice(
            "colleague_answered",
            {"name": names.get(m.author_agent_id, "a colleague"), "time": _hhmm(m.created_at)},
        )
        for m in other_replies
    ]
    reasons += [Notice("customer_wrote_again", {"time": _hhmm(m.created_at)}) for m in customer]
    reasons += [
        Notice(
            "field_changed",
            {
                "name": e.actor,
                "field": e.field,
                "old": e.old_value or "-",
                "new": e.new_value or "-",
                "time": _hhmm(e.at),
            },
        )
        for e in events
        if e.field in ("status", "assignee", "team", "priority")
    ]
    if ticket.status == Status.CLOSED.value:
        reasons.append(Notice("closed_needs_follow_up"))
    return ChangeReport(
        ticket_id=ticket_id,
        base_version=base_version,
        version=ticket.version,
        events=events,
        other_replies=other_replies,
        customer_messages=customer,
        status=ticket.status,
        assignee_name=assignee.name if assignee else None,
        reasons=reasons,
    )


def _hhmm(value: datetime) -> str:
    return value.strftime("%H:%M UTC")


__all__ = [
    "REFRESH_SECONDS",
    "TTL_SECONDS",
    "Activity",
    "AgentPresence",
    "ChangeReport",
    "TicketWatch",
    "Viewer",
    "available_count",
    "changes_since",
    "heartbeat",
    "leave",
    "online",
    "others",
    "summary",
    "touch",
    "viewers_by_ticket",
    "watch",
]
