"""Lossless JSONL export and import of the desk (schema in docs/jsonl.md).

Import reads the whole file twice: first every line is parsed and checked (a bad line is named and
nothing is imported), then everything is written in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from .clock import iso, parse_iso
from .desk import Desk
from .enums import Category, Channel, ContactKind, MessageKind, Priority, Role, Status
from .errors import ValidationError
from .models import (
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
)

FORMAT = "bokdesk-jsonl"
VERSION = 1
TICKET_TIMES = (
    "created_at",
    "updated_at",
    "picked_up_at",
    "first_response_at",
    "first_solved_at",
    "solved_at",
    "closed_at",
    "last_customer_message_at",
    "frt_due_at",
    "resolution_due_at",
    "next_due_at",
    "next_risk_at",
    "pending_since",
    "complaint_due_at",
    "complaint_decided_at",
)
TICKET_PLAIN = (
    "subject",
    "channel",
    "category",
    "priority",
    "status",
    "direction",
    "link_kind",
    "email_thread_id",
    "paused_seconds",
    "frt_breached",
    "resolution_breached",
    "complaint_decision",
    "reopen_count",
    "transfer_count",
    "public_response_count",
    "version",
)


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def export_records(desk: Desk) -> Iterator[dict[str, Any]]:
    """Every record of the desk in a stable order."""
    yield {"type": "header", "format": FORMAT, "version": VERSION}
    with desk.store.read() as session:
        teams = {t.id: t.name for t in session.exec(select(Team).order_by(Team.id)).all()}
        for team in session.exec(select(Team).order_by(Team.id)).all():
            yield {
                "type": "team",
                "name": team.name,
                "kind": team.kind,
                "assignment_mode": team.assignment_mode,
                "created_at": iso(team.created_at),
            }
        logins = {}
        for agent in session.exec(select(Agent).order_by(Agent.id)).all():
            logins[agent.id] = agent.login
            yield {
                "type": "agent",
                "login": agent.login,
                "name": agent.name,
                "email": agent.email,
                "role": agent.role,
                "team": teams.get(agent.team_id),
                "active": agent.active,
                "created_at": iso(agent.created_at),
            }
        yield from _rota_records(session, logins)
        contacts: dict[int, list[CustomerContact]] = {}
        for contact in session.exec(select(CustomerContact).order_by(CustomerContact.id)).all():
            contacts.setdefault(contact.customer_id, []).append(contact)
        for c in session.exec(select(Customer).order_by(Customer.id)).all():
            yield {
                "type": "customer",
                "id": c.id,
                "name": c.name,
                "company": c.company,
                "language": c.language,
                "vip": c.vip,
                "notes": c.notes,
                "created_at": iso(c.created_at),
                "updated_at": iso(c.updated_at),
                "emails": [x.value for x in contacts.get(c.id or 0, []) if x.kind == "email"],
                "phones": [x.value for x in contacts.get(c.id or 0, []) if x.kind == "phone"],
            }
        for r in session.exec(select(CannedResponse).order_by(CannedResponse.id)).all():
            yield {
                "type": "canned",
                "title": r.title,
                "shortcut": r.shortcut,
                "body": r.body,
                "category": r.category,
                "language": r.language,
                "owner": logins.get(r.owner_id),
                "usage_count": r.usage_count,
                "created_at": iso(r.created_at),
                "updated_at": iso(r.updated_at),
            }
    last_id = 0
    while True:
        with desk.store.read() as session:
            batch = session.exec(
                select(Ticket).where(col(Ticket.id) > last_id).order_by(Ticket.id).limit(500)
            ).all()
            if not batch:
                return
            yield from _ticket_records(session, batch, teams, logins)
            last_id = batch[-1].id or last_id


def _rota_records(session: Session, logins: dict) -> Iterator[dict[str, Any]]:
    """Each agent's weekly timetable (agents without one follow the desk's hours) and absences."""
    from .shifts import Block, format_week

    weeks: dict[int, list[Block]] = {}
    for row in session.exec(select(AgentShift).order_by(AgentShift.agent_id, AgentShift.id)).all():
        weeks.setdefault(row.agent_id, []).append(Block(row.weekday, row.start_minute, row.end_minute))
    for agent_id, blocks in weeks.items():
        yield {"type": "shifts", "agent": logins.get(agent_id), "week": format_week(blocks)}
    for a in session.exec(select(AgentAbsence).order_by(AgentAbsence.first_day, AgentAbsence.id)).all():
        yield {
            "type": "absence",
            "agent": logins.get(a.agent_id),
            "first_day": a.first_day.isoformat(),
            "last_day": a.last_day.isoformat(),
            "kind": a.kind,
            "note": a.note,
            "recorded_by": a.recorded_by,
            "recorded_at": iso(a.recorded_at),
        }


def _ticket_records(
    session: Session, batch: list[Ticket], teams: dict, logins: dict
) -> Iterator[dict[str, Any]]:
    ids = [t.id for t in batch]
    grouped: dict[str, dict[int, list]] = {"m": {}, "e": {}, "s": {}, "t": {}}
    for m in session.exec(select(Message).where(col(Message.ticket_id).in_(ids)).order_by(Message.id)).all():
        grouped["m"].setdefault(m.ticket_id, []).append(m)
    for e in session.exec(
        select(TicketEvent).where(col(TicketEvent.ticket_id).in_(ids)).order_by(TicketEvent.id)
    ).all():
        grouped["e"].setdefault(e.ticket_id, []).append(e)
    for s in session.exec(
        select(SurveyAnswer).where(col(SurveyAnswer.ticket_id).in_(ids)).order_by(SurveyAnswer.id)
    ).all():
        grouped["s"].setdefault(s.ticket_id, []).append(s)
    for tag in session.exec(
        select(TicketTag).where(col(TicketTag.ticket_id).in_(ids)).order_by(TicketTag.tag)
    ).all():
        grouped["t"].setdefault(tag.ticket_id, []).append(tag.tag)
    for t in batch:
        record: dict[str, Any] = {
            "type": "ticket",
            "number": t.id,
            "customer": t.customer_id,
            "assignee": logins.get(t.assignee_id),
            "team": teams.get(t.team_id),
            "parent": t.parent_id,
            "tags": grouped["t"].get(t.id, []),
        }
        record.update({k: getattr(t, k) for k in TICKET_PLAIN})
        record.update({k: iso(getattr(t, k)) for k in TICKET_TIMES})
        record["messages"] = [
            {
                "kind": m.kind,
                "author": logins.get(m.author_agent_id),
                "from_customer": m.author_customer_id is not None,
                "body": m.body,
                "created_at": iso(m.created_at),
                "email_message_id": m.email_message_id,
                "email_in_reply_to": m.email_in_reply_to,
                "email_references": m.email_references,
                "email_from": m.email_from,
                "email_to": m.email_to,
                "email_cc": m.email_cc,
                "email_subject": m.email_subject,
                "notice_code": m.notice_code,
                "notice_params": m.notice_params,
            }
            for m in grouped["m"].get(t.id, [])
        ]
        record["history"] = [
            {
                "at": iso(e.at),
                "agent": logins.get(e.agent_id),
                "actor": e.actor,
                "field": e.field,
                "from": e.old_value,
                "to": e.new_value,
                "note": e.note,
                "note_code": e.note_code,
                "note_params": e.note_params,
            }
            for e in grouped["e"].get(t.id, [])
        ]
        record["surveys"] = [
            {
                "nps": s.nps,
                "csat": s.csat,
                "comment": s.comment,
                "answered_at": iso(s.answered_at),
                "source": s.source,
                "agent": logins.get(s.agent_id),
                "external_id": s.external_id,
            }
            for s in grouped["s"].get(t.id, [])
        ]
        yield record


def export_jsonl(desk: Desk, out: IO[str]) -> int:
    """Write the desk as JSONL; returns the number of tickets written."""
    count = 0
    for record in export_records(desk):
        out.write(_dump(record) + "\n")
        count += record["type"] == "ticket"
    return count


class ImportError_(ValidationError):
    """A line of an import file is wrong; nothing was imported."""


def _fail(line: int, why: str) -> ImportError_:
    return ImportError_(f"line {line}: {why}; nothing was imported.")


def _time(value: Any, line: int, key: str, required: bool = False):  # type: ignore[no-untyped-def]
    if value is None:
        if required:
            raise _fail(line, f"{key} is missing")
        return None
    try:
        return parse_iso(str(value))
    except ValueError:
        raise _fail(line, f"{key} {value!r} is not an ISO 8601 timestamp") from None


def _read(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from None
    with fh:
        try:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise _fail(number, f"not valid JSON ({exc.msg})") from None
                if not isinstance(record, dict) or "type" not in record:
                    raise _fail(number, 'not a record with a "type"')
                yield number, record
        except UnicodeDecodeError:
            raise ValidationError(f"{path} is not UTF-8 text; nothing was imported.") from None


def _check(number: int, record: dict[str, Any], seen_customers: set[int], numbers: set[int]) -> None:
    kind = record["type"]
    if kind == "header":
        if record.get("format") != FORMAT or record.get("version") != VERSION:
            raise _fail(
                number, f"unsupported format {record.get('format')!r} version {record.get('version')!r}"
            )
    elif kind in ("team", "agent"):
        key = "name" if kind == "team" else "login"
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise _fail(number, f"{kind} without {key}")
        if kind == "agent" and record.get("role", "agent") not in {r.value for r in Role}:
            raise _fail(number, f"unknown role {record.get('role')!r}")
    elif kind == "customer":
        if not isinstance(record.get("id"), int) or not isinstance(record.get("name"), str):
            raise _fail(number, "customer needs an integer id and a name")
        seen_customers.add(record["id"])
    elif kind == "canned":
        for key in ("title", "shortcut", "body"):
            if not isinstance(record.get(key), str):
                raise _fail(number, f"canned response without {key}")
    elif kind == "ticket":
        _check_ticket(number, record, seen_customers, numbers)
    elif kind in ("shifts", "absence"):
        _check_rota(number, record)
    else:
        raise _fail(number, f"unknown record type {kind!r}")


def _check_ticket(number: int, r: dict[str, Any], seen_customers: set[int], numbers: set[int]) -> None:
    if not isinstance(r.get("number"), int) or r["number"] < 1:
        raise _fail(number, "ticket without a positive integer number")
    if r["number"] in numbers:
        raise _fail(number, f"ticket #{r['number']} appears twice")
    numbers.add(r["number"])
    if r.get("customer") not in seen_customers:
        raise _fail(
            number, f"ticket #{r['number']} refers to customer {r.get('customer')!r} not defined before it"
        )
    if not isinstance(r.get("subject"), str) or not r["subject"].strip():
        raise _fail(number, f"ticket #{r['number']} has an empty subject")
    for key, kind in (
        ("channel", Channel),
        ("category", Category),
        ("priority", Priority),
        ("status", Status),
    ):
        if r.get(key) not in {m.value for m in kind}:
            raise _fail(number, f"ticket #{r['number']} has an unknown {key} {r.get(key)!r}")
    _time(r.get("created_at"), number, "created_at", required=True)
    for key in TICKET_TIMES:
        _time(r.get(key), number, key)
    for m in r.get("messages", []):
        if (
            not isinstance(m, dict)
            or m.get("kind") not in {k.value for k in MessageKind}
            or not isinstance(m.get("body"), str)
        ):
            raise _fail(number, f"ticket #{r['number']} has a malformed message")
        _time(m.get("created_at"), number, "message created_at", required=True)
    for e in r.get("history", []):
        if not isinstance(e, dict) or not isinstance(e.get("field"), str):
            raise _fail(number, f"ticket #{r['number']} has a malformed history row")
        _time(e.get("at"), number, "history at", required=True)
    for s in r.get("surveys", []):
        if not isinstance(s, dict):
            raise _fail(number, f"ticket #{r['number']} has a malformed survey")
        nps, csat = s.get("nps"), s.get("csat")
        if (
            (nps is not None and not (isinstance(nps, int) and 0 <= nps <= 10))
            or (csat is not None and not (isinstance(csat, int) and 1 <= csat <= 5))
            or (nps is None and csat is None)
        ):
            raise _fail(number, f"ticket #{r['number']} has a survey outside NPS 0-10 / CSAT 1-5")
        _time(s.get("answered_at"), number, "survey answered_at", required=True)


def _check_rota(number: int, r: dict[str, Any]) -> None:
    from .shifts import AbsenceKind, ShiftSpecError, parse_week

    if not isinstance(r.get("agent"), str):
        raise _fail(number, f"{r['type']} without an agent login")
    try:
        if r["type"] == "shifts":
            if not isinstance(r.get("week"), str):
                raise ShiftSpecError("a shifts record needs a week")
            parse_week(r["week"])
            return
        first, last = _day(r.get("first_day")), _day(r.get("last_day"))
        if last < first:
            raise ShiftSpecError(f"absence of {r['agent']} ends before it starts")
        if r.get("kind") not in {k.value for k in AbsenceKind}:
            raise ShiftSpecError(f"unknown absence kind {r.get('kind')!r}")
    except (ShiftSpecError, TypeError, ValueError) as error:
        raise _fail(number, str(error).rstrip(".")) from None
    _time(r.get("recorded_at"), number, "recorded_at")


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    return date.fromisoformat(value)


def import_jsonl(desk: Desk, path: Path) -> dict[str, int]:
    """Import a JSONL file in one transaction; returns counts per record type."""
    seen_customers: set[int] = set()
    numbers: set[int] = set()
    header = False
    for number, record in _read(path):
        if not header and record["type"] != "header":
            raise _fail(number, "the first record must be the bokdesk-jsonl header")
        header = True
        _check(number, record, seen_customers, numbers)
    if not header:
        raise ValidationError(f"{path} is empty; nothing was imported.")
    with desk.store.write() as session:
        taken = (
            set(session.exec(select(Ticket.id).where(col(Ticket.id).in_(list(numbers)))).all())
            if numbers
            else set()
        )
        if taken:
            raise ValidationError(
                f"ticket #{min(taken)} already exists in this database; nothing was imported."
            )
        counts = _write_all(session, desk, _read(path))
        # The stored durations and per-agent credit the reports read (core/metrics.py), from the
        # imported timestamps and history, as the services would have stored them.
        from .sla import restore_figures

        restore_figures(session, desk.calendar, sorted(numbers))
        desk.store.reset_sequences(session, "customer", "ticket")  # the next new ticket gets a free number
        return counts


def _write_all(session: Session, desk: Desk, records: Iterable[tuple[int, dict[str, Any]]]) -> dict[str, int]:
    counts = {"team": 0, "agent": 0, "customer": 0, "canned": 0, "ticket": 0, "shifts": 0, "absence": 0}
    teams = {t.name: t.id for t in session.exec(select(Team)).all()}
    agents = {a.login: a.id for a in session.exec(select(Agent)).all()}
    customers: dict[int, int] = {}
    pending = _PendingTickets()
    for number, r in records:
        kind = r["type"]
        if kind == "team" and r["name"] not in teams:
            team = Team(
                name=r["name"],
                kind=r.get("kind", "office"),
                assignment_mode=r.get("assignment_mode", "manual"),
                created_at=_time(r.get("created_at"), number, "created_at") or desk.now(),
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
                team_id=teams.get(r.get("team")),
                active=bool(r.get("active", True)),
                created_at=_time(r.get("created_at"), number, "created_at") or desk.now(),
            )
            session.add(agent)
            session.flush()
            agents[agent.login] = agent.id
            counts["agent"] += 1
        elif kind == "customer":
            customers[r["id"]] = _import_customer(session, desk, number, r)
            counts["customer"] += 1
        elif kind == "canned":
            session.add(
                CannedResponse(
                    title=r["title"],
                    shortcut=r["shortcut"],
                    body=r["body"],
                    category=r.get("category"),
                    language=r.get("language", "pl"),
                    owner_id=agents.get(r.get("owner")),
                    usage_count=int(r.get("usage_count", 0)),
                    created_at=_time(r.get("created_at"), number, "created_at") or desk.now(),
                    updated_at=_time(r.get("updated_at"), number, "updated_at") or desk.now(),
                )
            )
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


def _import_rota(session: Session, desk: Desk, number: int, r: dict[str, Any], agents: dict) -> int:
    """A timetable for an agent who has none yet; an absence unless the same one is there (1 if written)."""
    from .shifts import parse_week

    agent_id = agents.get(r["agent"])
    if agent_id is None:
        raise _fail(number, f"{r['type']} of unknown agent {r['agent']!r}")
    if r["type"] == "shifts":
        if session.exec(select(AgentShift.id).where(AgentShift.agent_id == agent_id)).first() is not None:
            return 0  # the desk's own timetable for this agent wins
        for b in parse_week(r["week"]):
            session.add(
                AgentShift(agent_id=agent_id, weekday=b.weekday, start_minute=b.start, end_minute=b.end)
            )
        return 1
    first, last = _day(r["first_day"]), _day(r["last_day"])
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
            recorded_at=_time(r.get("recorded_at"), number, "recorded_at") or desk.now(),
        )
    )
    return 1


def _import_customer(session: Session, desk: Desk, number: int, r: dict[str, Any]) -> int:
    from .services.customers import normalize_email, normalize_phone

    for kind, key, norm in (
        (ContactKind.EMAIL, "emails", normalize_email),
        (ContactKind.PHONE, "phones", normalize_phone),
    ):
        for value in r.get(key, []):
            try:
                normalized = norm(value)
            except ValidationError as exc:
                raise _fail(number, str(exc).rstrip(".")) from None
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
        created_at=_time(r.get("created_at"), number, "created_at") or desk.now(),
        updated_at=_time(r.get("updated_at"), number, "updated_at") or desk.now(),
    )
    session.add(customer)
    session.flush()
    for kind, key, norm in (
        (ContactKind.EMAIL, "emails", normalize_email),
        (ContactKind.PHONE, "phones", normalize_phone),
    ):
        for value in r.get(key, []):
            session.add(
                CustomerContact(customer_id=customer.id, kind=kind.value, value=value, normalized=norm(value))
            )
    session.flush()
    return customer.id  # type: ignore[return-value]


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
        for _, run in groupby(self.tickets, key=lambda row: tuple(row)):
            connection.execute(insert(Ticket.__table__), list(run))  # type: ignore[attr-defined]
        for model, rows in (
            (TicketTag, self.tags),
            (Message, self.messages),
            (TicketEvent, self.events),
            (SurveyAnswer, self.surveys),
        ):
            if rows:
                connection.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
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
    values.update({k: _time(r.get(k), number, k) for k in TICKET_TIMES})
    values.update(
        id=r["number"],
        customer_id=customers[r["customer"]],
        assignee_id=agents.get(r.get("assignee")),
        team_id=teams.get(r.get("team")),
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
                author_agent_id=agents.get(m.get("author")),
                author_customer_id=customers[r["customer"]] if m.get("from_customer") else None,
                body=m["body"],
                created_at=_time(m.get("created_at"), number, "created_at"),
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
                at=_time(e.get("at"), number, "at"),
                agent_id=agents.get(e.get("agent")),
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
                agent_id=agents.get(s.get("agent")),
                nps=s.get("nps"),
                csat=s.get("csat"),
                comment=s.get("comment"),
                answered_at=_time(s.get("answered_at"), number, "answered_at"),
                source=s.get("source") or "import",
                external_id=s.get("external_id"),
            )
        )
