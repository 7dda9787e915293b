"""Export: every record of the desk in a stable order, one JSON object a line."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import IO, Any

from sqlmodel import Session, col, select

from ..clock import iso
from ..desk import Desk
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
)
from ..shifts import Block, format_week
from .records import FORMAT, TICKET_PLAIN, TICKET_TIMES, VERSION


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def export_records(desk: Desk) -> Iterator[dict[str, Any]]:
    """Every record of the desk in a stable order."""
    yield {"type": "header", "format": FORMAT, "version": VERSION}
    with desk.store.read() as session:
        teams = {t.id: t.name for t in session.exec(select(Team).order_by(col(Team.id))).all()}
        for team in session.exec(select(Team).order_by(col(Team.id))).all():
            yield {
                "type": "team",
                "name": team.name,
                "kind": team.kind,
                "assignment_mode": team.assignment_mode,
                "created_at": iso(team.created_at),
            }
        logins = {}
        for agent in session.exec(select(Agent).order_by(col(Agent.id))).all():
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
        for contact in session.exec(select(CustomerContact).order_by(col(CustomerContact.id))).all():
            contacts.setdefault(contact.customer_id, []).append(contact)
        for c in session.exec(select(Customer).order_by(col(Customer.id))).all():
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
        for r in session.exec(select(CannedResponse).order_by(col(CannedResponse.id))).all():
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
                select(Ticket).where(col(Ticket.id) > last_id).order_by(col(Ticket.id)).limit(500)
            ).all()
            if not batch:
                return
            yield from _ticket_records(session, batch, teams, logins)
            last_id = batch[-1].id or last_id


def _rota_records(session: Session, logins: dict) -> Iterator[dict[str, Any]]:
    """Each agent's weekly timetable (agents without one follow the desk's hours) and absences."""
    weeks: dict[int, list[Block]] = {}
    for row in session.exec(select(AgentShift).order_by(col(AgentShift.agent_id), col(AgentShift.id))).all():
        weeks.setdefault(row.agent_id, []).append(Block(row.weekday, row.start_minute, row.end_minute))
    for agent_id, blocks in weeks.items():
        yield {"type": "shifts", "agent": logins.get(agent_id), "week": format_week(blocks)}
    for a in session.exec(
        select(AgentAbsence).order_by(col(AgentAbsence.first_day), col(AgentAbsence.id))
    ).all():
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
    session: Session, batch: Sequence[Ticket], teams: dict, logins: dict
) -> Iterator[dict[str, Any]]:
    ids = [t.id for t in batch]
    grouped: dict[str, dict[int | None, list[Any]]] = {"m": {}, "e": {}, "s": {}, "t": {}}
    for m in session.exec(
        select(Message).where(col(Message.ticket_id).in_(ids)).order_by(col(Message.id))
    ).all():
        grouped["m"].setdefault(m.ticket_id, []).append(m)
    for e in session.exec(
        select(TicketEvent).where(col(TicketEvent.ticket_id).in_(ids)).order_by(col(TicketEvent.id))
    ).all():
        grouped["e"].setdefault(e.ticket_id, []).append(e)
    for s in session.exec(
        select(SurveyAnswer).where(col(SurveyAnswer.ticket_id).in_(ids)).order_by(col(SurveyAnswer.id))
    ).all():
        grouped["s"].setdefault(s.ticket_id, []).append(s)
    for tag in session.exec(
        select(TicketTag).where(col(TicketTag.ticket_id).in_(ids)).order_by(col(TicketTag.tag))
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
