"""Import's second reading: the checked records written in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from ..desk import Desk
from ..enums import ContactKind
from ..errors import ValidationError
from ..models import (
    Agent,
    AgentAbsence,
    AgentShift,
    CannedResponse,
    Customer,
    CustomerContact,
    Message,
    SurveyAnswer,
    Team,
    Ticket,
    TicketEvent,
    TicketTag,
    table_of,
)
from ..services.customers import normalize_email, normalize_phone
from ..shifts import parse_week
from ..sla import restore_figures
from .checks import check_record, fail, fail_because, parse_day, parse_time, read_records
from .fields import check_fields
from .records import TICKET_PLAIN, TICKET_TIMES


def import_jsonl(desk: Desk, path: Path) -> dict[str, int]:
    """Import a JSONL file in one transaction; returns counts per record type."""
    seen_customers: set[int] = set()
    numbers: set[int] = set()
    parents: list[tuple[int, int]] = []  # (line, parent number)
    header = False
    for number, record in read_records(path):
        if not header and record["type"] != "header":
            raise fail(number, "jsonl_first_header")
        header = True
        check_fields(number, record)
        check_record(number, record, seen_customers, numbers)
        if record["type"] == "ticket" and record.get("parent") is not None:
            if record["parent"] == record["number"]:
                raise fail(number, "jsonl_own_parent", number=record["number"])
            parents.append((number, record["parent"]))
    if not header:
        raise ValidationError("jsonl_empty", path=path)
    with desk.store.write() as session:
        taken = _existing(session, numbers)
        if taken:
            raise ValidationError("jsonl_ticket_exists", number=min(taken))
        outside = {parent for _, parent in parents if parent not in numbers}
        known = _existing(session, outside)
        for line, parent in parents:
            if parent not in numbers and parent not in known:
                raise fail(line, "jsonl_unknown_parent", parent=parent)
        counts = _write_all(session, desk, read_records(path))
        # The stored durations and per-agent credit the reports read (core/metrics), from the
        # imported timestamps and history, as the services would have stored them.
        restore_figures(session, desk.calendar, sorted(numbers))
        desk.store.reset_sequences(session, "customer", "ticket")  # the next new ticket gets a free number
        return counts


def _existing(session: Session, numbers: set[int]) -> set[int]:
    """Which of these ticket numbers the desk already has."""
    if not numbers:
        return set()
    found = session.exec(select(Ticket.id).where(col(Ticket.id).in_(list(numbers)))).all()
    return {n for n in found if n is not None}


def _known(line: int, names: dict[str | None, int | None], value: Any, what: str) -> int | None:
    """The id of a referred agent (by login) or team (by name); refuses one neither file nor desk has."""
    if value is None:
        return None
    if value not in names:
        raise fail(line, "jsonl_unknown_ref", what=what, value=str(value)[:60])
    return names[value]


def _write_all(session: Session, desk: Desk, records: Iterable[tuple[int, dict[str, Any]]]) -> dict[str, int]:
    counts = {"team": 0, "agent": 0, "customer": 0, "canned": 0, "ticket": 0, "shifts": 0, "absence": 0}
    teams: dict[str | None, int | None] = {t.name: t.id for t in session.exec(select(Team)).all()}
    agents: dict[str | None, int | None] = {a.login: a.id for a in session.exec(select(Agent)).all()}
    customers: dict[int, int] = {}
    pending = _PendingTickets()
    for number, r in records:
        kind = r["type"]
        if kind == "team" and r["name"] not in teams:
            team = Team(
                name=r["name"],
                kind=r.get("kind", "office"),
                assignment_mode=r.get("assignment_mode", "manual"),
                created_at=parse_time(r.get("created_at"), number, "created_at") or desk.now(),
            )
            session.add(team)
            session.flush()
            teams[team.name] = team.id
            counts["team"] += 1
        elif kind == "agent" and r["login"] not in agents:
            agent = Agent(
                login=r["login"],
                name=r.get("name") or r["login"],
                email=r.get("email"),
                role=r.get("role", "agent"),
                team_id=_known(number, teams, r.get("team"), "team"),
                active=bool(r.get("active", True)),
                created_at=parse_time(r.get("created_at"), number, "created_at") or desk.now(),
            )
            session.add(agent)
            session.flush()
            agents[agent.login] = agent.id
            counts["agent"] += 1
        elif kind == "customer":
            customers[r["id"]] = _import_customer(session, desk, number, r)
            counts["customer"] += 1
        elif kind == "canned":
            owner_id = _known(number, agents, r.get("owner"), "agent")
            if _canned_there(session, r["shortcut"], owner_id):
                continue  # imported before, or the desk's own: the desk's wins
            session.add(
                CannedResponse(
                    title=r["title"],
                    shortcut=r["shortcut"],
                    body=r["body"],
                    category=r.get("category"),
                    language=r.get("language", "pl"),
                    owner_id=owner_id,
                    usage_count=int(r.get("usage_count", 0)),
                    created_at=parse_time(r.get("created_at"), number, "created_at") or desk.now(),
                    updated_at=parse_time(r.get("updated_at"), number, "updated_at") or desk.now(),
                )
            )
            session.flush()  # a later line with the same shortcut finds this one
            counts["canned"] += 1
        elif kind == "ticket":
            _import_ticket(pending, number, r, customers, teams, agents)
            counts["ticket"] += 1
            if len(pending.tickets) >= TICKET_BATCH:
                pending.flush(session)
        elif kind in ("shifts", "absence"):
            counts[kind] += _import_rota(session, desk, number, r, agents)
    pending.flush(session)
    return counts


def _canned_there(session: Session, shortcut: str, owner_id: int | None) -> bool:
    """Whether the desk already has a canned response with this shortcut and owner."""
    query = select(CannedResponse.id).where(CannedResponse.shortcut == shortcut)
    query = query.where(
        col(CannedResponse.owner_id).is_(None) if owner_id is None else CannedResponse.owner_id == owner_id
    )
    return session.exec(query).first() is not None


def _import_rota(session: Session, desk: Desk, number: int, r: dict[str, Any], agents: dict) -> int:
    """A timetable for an agent who has none yet; an absence unless the same one is there (1 if written)."""
    agent_id = agents.get(r["agent"])
    if agent_id is None:
        raise fail(number, "jsonl_unknown_agent", kind=r["type"], agent=r["agent"])
    if r["type"] == "shifts":
        if session.exec(select(AgentShift.id).where(AgentShift.agent_id == agent_id)).first() is not None:
            return 0  # the desk's own timetable for this agent wins
        for b in parse_week(r["week"]):
            session.add(
                AgentShift(agent_id=agent_id, weekday=b.weekday, start_minute=b.start, end_minute=b.end)
            )
        return 1
    first, last = parse_day(r["first_day"]), parse_day(r["last_day"])
    same = session.exec(
        select(AgentAbsence.id).where(
            AgentAbsence.agent_id == agent_id,
            AgentAbsence.first_day == first,
            AgentAbsence.last_day == last,
            AgentAbsence.kind == r["kind"],
        )
    ).first()
    if same is not None:
        return 0
    session.add(
        AgentAbsence(
            agent_id=agent_id,
            first_day=first,
            last_day=last,
            kind=r["kind"],
            note=r.get("note"),
            recorded_by=str(r.get("recorded_by") or "import"),
            recorded_at=parse_time(r.get("recorded_at"), number, "recorded_at") or desk.now(),
        )
    )
    return 1


def _import_customer(session: Session, desk: Desk, number: int, r: dict[str, Any]) -> int:
    for kind, key, norm in (
        (ContactKind.EMAIL, "emails", normalize_email),
        (ContactKind.PHONE, "phones", normalize_phone),
    ):
        for value in r.get(key, []):
            try:
                normalized = norm(value)
            except ValidationError as exc:
                raise fail_because(number, exc) from None
            existing = session.exec(
                select(CustomerContact).where(
                    CustomerContact.kind == kind.value, CustomerContact.normalized == normalized
                )
            ).first()
            if existing is not None:
                return existing.customer_id
    free = session.get(Customer, r["id"]) is None
    if not free:  # a new id from the sequence, which must first pass the ids imported explicitly
        desk.store.reset_sequences(session, "customer")
    customer = Customer(
        id=r["id"] if free else None,
        name=r["name"],
        company=r.get("company"),
        language=r.get("language", "pl"),
        vip=bool(r.get("vip", False)),
        notes=r.get("notes") or "",
        created_at=parse_time(r.get("created_at"), number, "created_at") or desk.now(),
        updated_at=parse_time(r.get("updated_at"), number, "updated_at") or desk.now(),
    )
    session.add(customer)
    session.flush()
    customer_id = customer.id
    assert customer_id is not None  # the flush gave it its id
    for kind, key, norm in (
        (ContactKind.EMAIL, "emails", normalize_email),
        (ContactKind.PHONE, "phones", normalize_phone),
    ):
        for value in r.get(key, []):
            session.add(
                CustomerContact(customer_id=customer_id, kind=kind.value, value=value, normalized=norm(value))
            )
    session.flush()
    return customer_id


def _columns(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(row)


TICKET_BATCH = 500  # tickets written per round of multi-row inserts


@dataclass
class _PendingTickets:
    """Ticket rows and their messages, history, tags and surveys, written in multi-row inserts.

    One statement per table per batch instead of one per row: on a database server each
    statement is a round trip (and a search-index update per message); importing the demo desk
    took 80 s on PostgreSQL row by row.
    """

    tickets: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)

    def flush(self, session: Session) -> None:
        session.flush()  # customers, agents and teams first: the rows below refer to them
        connection = session.connection()  # Core executemany: the ORM would insert row by row
        # Tickets in file order (a parent before its follow-up), one statement per run of rows
        # with the same columns (absent values keep the columns' defaults).
        for _, run in groupby(self.tickets, key=_columns):
            connection.execute(insert(table_of(Ticket)), list(run))
        for model, rows in (
            (TicketTag, self.tags),
            (Message, self.messages),
            (TicketEvent, self.events),
            (SurveyAnswer, self.surveys),
        ):
            if rows:
                connection.execute(insert(table_of(model)), rows)
        for rows in (self.tickets, self.tags, self.messages, self.events, self.surveys):
            rows.clear()


def _import_ticket(
    pending: _PendingTickets,
    number: int,
    r: dict[str, Any],
    customers: dict[int, int],
    teams: dict,
    agents: dict,
) -> None:
    values: dict[str, Any] = {k: r.get(k) for k in TICKET_PLAIN if r.get(k) is not None}
    values.update({k: parse_time(r.get(k), number, k) for k in TICKET_TIMES})
    values["updated_at"] = values["updated_at"] or values["created_at"]
    values.update(
        id=r["number"],
        customer_id=customers[r["customer"]],
        assignee_id=_known(number, agents, r.get("assignee"), "agent"),
        team_id=_known(number, teams, r.get("team"), "team"),
        parent_id=r.get("parent"),
    )
    pending.tickets.append(values)
    for tag in r.get("tags", []):
        pending.tags.append({"ticket_id": r["number"], "tag": tag})
    for m in r.get("messages", []):
        pending.messages.append(
            dict(
                ticket_id=r["number"],
                kind=m["kind"],
                author_agent_id=_known(number, agents, m.get("author"), "agent"),
                author_customer_id=customers[r["customer"]] if m.get("from_customer") else None,
                body=m["body"],
                created_at=parse_time(m.get("created_at"), number, "created_at"),
                email_message_id=m.get("email_message_id"),
                email_in_reply_to=m.get("email_in_reply_to"),
                email_references=m.get("email_references"),
                email_from=m.get("email_from"),
                email_to=m.get("email_to"),
                email_cc=m.get("email_cc"),
                email_subject=m.get("email_subject"),
                notice_code=m.get("notice_code"),
                notice_params=m.get("notice_params"),
            )
        )
    for e in r.get("history", []):
        pending.events.append(
            dict(
                ticket_id=r["number"],
                at=parse_time(e.get("at"), number, "at"),
                agent_id=_known(number, agents, e.get("agent"), "agent"),
                actor=e.get("actor") or "import",
                field=e["field"],
                old_value=e.get("from"),
                new_value=e.get("to"),
                note=e.get("note"),
                note_code=e.get("note_code"),
                note_params=e.get("note_params"),
            )
        )
    for s in r.get("surveys", []):
        pending.surveys.append(
            dict(
                ticket_id=r["number"],
                agent_id=_known(number, agents, s.get("agent"), "agent"),
                nps=s.get("nps"),
                csat=s.get("csat"),
                comment=s.get("comment"),
                answered_at=parse_time(s.get("answered_at"), number, "answered_at"),
                source=s.get("source") or "import",
                external_id=s.get("external_id"),
            )
        )
