"""Synthetic load data: N tickets with customers, messages and history, written in bulk.

Not a simulation (see ``demo``): rows are generated directly and inserted in large batches so a
million tickets take minutes, not hours. Shapes match real use: most tickets solved or closed,
a backlog of open ones, two to four messages and a few history rows each.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, insert, select, text
from sqlmodel import col

from . import demo_data as data
from . import sla
from .desk import SYSTEM, Desk
from .enums import Role
from .models import Agent, Customer, CustomerContact, Message, Team, Ticket, TicketEvent, table_of
from .services import agents as agent_service
from .services import canned as canned_service
from .services.agents import actor_of

BATCH = 10_000


def seed(
    desk: Desk,
    tickets: int,
    *,
    rng_seed: int = 1,
    days: int = 365,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Append ``tickets`` synthetic tickets; returns the number written."""
    rng = random.Random(rng_seed)
    now = desk.now().replace(microsecond=0)
    with desk.store.read() as session:
        existing_agents = session.execute(select(col(Agent.id), col(Agent.team_id))).all()
        start_id = (session.execute(select(func.max(Ticket.id))).scalar() or 0) + 1
        start_customer = (session.execute(select(func.max(Customer.id))).scalar() or 0) + 1
    if not existing_agents:
        _seed_roster(desk)
        with desk.store.read() as session:
            existing_agents = session.execute(select(col(Agent.id), col(Agent.team_id))).all()
    agent_ids = [a for a, _ in existing_agents]
    with desk.store.read() as session:
        team_ids = [t for (t,) in session.execute(select(col(Team.id))).all()] or [None]
    customers = max(50, tickets // 6)
    _seed_customers(desk, rng, start_customer, customers, now, days)
    written = 0
    while written < tickets:
        n = min(BATCH, tickets - written)
        rows, messages, events = _batch(
            rng, start_id + written, n, start_customer, customers, agent_ids, team_ids, now, days
        )
        for row in rows:
            _durations(desk, row)
        _bulk_insert(desk, (Ticket, rows), (Message, messages), (TicketEvent, events))
        written += n
        if progress:
            progress(n)
    return written


def _seed_roster(desk: Desk) -> None:
    """A new desk gets the demo roster and its canned answers, so agents have known answers at hand."""
    added = [
        agent_service.add_agent(desk, SYSTEM, login, name, role=role, team=team)
        for login, name, role, team in data.AGENTS
    ]
    author = next((a for a in added if a.role == Role.SUPERVISOR.value), added[0])
    for title, shortcut, language, category, body in data.CANNED:
        canned_service.create(
            desk, actor_of(author), canned_service.CannedInput(title, shortcut, body, category, language)
        )


def _bulk_insert(desk: Desk, *tables: tuple[type, list[dict]]) -> None:
    """Core executemany per table in one transaction (rows padded to the same keys).

    On SQLite the search triggers are dropped for the batch and the new tickets are indexed in
    one statement at the end, inside the same transaction: other processes never see the
    database without its triggers, and bulk loading is several times faster.
    """
    with desk.store.write() as session:
        connection = session.connection()
        triggers = _drop_search_triggers(connection) if desk.store.is_sqlite else []
        tickets: list[int] = []
        for model, rows in tables:
            if not rows:
                continue
            keys = sorted({k for row in rows for k in row})
            padded = [{k: row.get(k) for k in keys} for row in rows]
            connection.execute(insert(table_of(model)), padded)
            if "id" in keys:  # explicit ids: a server's id sequence must move past them
                desk.store.reset_sequences(session, table_of(model).name)
            if model is Ticket:
                tickets = [row["id"] for row in rows]
        if triggers:
            if tickets:
                connection.execute(
                    text(
                        "INSERT INTO ticket_search(rowid, subject, body, customer) "
                        "SELECT t.id, t.subject, coalesce((SELECT group_concat(m.body, char(10)) FROM message m "
                        "WHERE m.ticket_id = t.id), ''), (SELECT s.text FROM customer_search_text s "
                        "WHERE s.customer_id = t.customer_id) FROM ticket t WHERE t.id BETWEEN :a AND :b"
                    ),
                    {"a": min(tickets), "b": max(tickets)},
                )
            for sql in triggers:
                connection.exec_driver_sql(sql)


def _drop_search_triggers(connection: Connection) -> list[str]:
    """Drop the search-index triggers, returning their SQL to recreate them."""
    rows = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ticket_search%'")
    ).all()
    for name, _ in rows:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [sql for _, sql in rows]


def _durations(desk: Desk, row: dict) -> None:
    """Fill the stored metric durations the services would have written."""
    created = row["created_at"]
    for key, stamp in (
        ("pickup", "picked_up_at"),
        ("frt", "first_response_at"),
        ("first_resolution", "first_solved_at"),
        ("resolution", "solved_at"),
    ):
        end = row[stamp]
        row[f"{key}_secs"] = None if end is None else int((end - created).total_seconds())
        row[f"{key}_bsecs"] = None if end is None else sla.elapsed(desk.calendar, created, end, True)


def _seed_customers(desk: Desk, rng: random.Random, start: int, count: int, now: datetime, days: int) -> None:
    for offset in range(0, count, BATCH):
        rows, contacts = [], []
        for i in range(start + offset, start + min(count, offset + BATCH)):
            female = rng.random() < 0.5
            first = rng.choice(data.PL_FIRST_F if female else data.PL_FIRST_M)
            last = rng.choice(data.PL_LAST)[1 if female else 0]
            created = now - timedelta(days=days + rng.randint(0, 400))
            rows.append(
                {
                    "id": i,
                    "name": f"{first} {last}",
                    "company": None,
                    "language": "pl",
                    "vip": rng.random() < 0.03,
                    "notes": "",
                    "created_at": created,
                    "updated_at": created,
                    "version": 1,
                }
            )
            contacts.append(
                {
                    "customer_id": i,
                    "kind": "email",
                    "value": f"klient{i}@example.pl",
                    "normalized": f"klient{i}@example.pl",
                }
            )
            phone = f"48{600000000 + i}"
            contacts.append({"customer_id": i, "kind": "phone", "value": f"+{phone}", "normalized": phone})
        _bulk_insert(desk, (Customer, rows), (CustomerContact, contacts))


def _batch(
    rng: random.Random,
    first_id: int,
    n: int,
    first_customer: int,
    customers: int,
    agent_ids: list[int],
    team_ids: list[int | None],
    now: datetime,
    days: int,
) -> tuple[list[dict], list[dict], list[dict]]:
    tickets, messages, events = [], [], []
    span = days * 86400
    for number in range(first_id, first_id + n):
        topic = rng.choice(data.TOPICS)
        created = now - timedelta(seconds=int(span * (rng.random() ** 0.8)))
        age = (now - created).total_seconds()
        open_share = 0.6 if age < 3 * 86400 else 0.001
        status = (
            rng.choice(["new", "open", "pending", "on_hold"])
            if rng.random() < open_share
            else ("closed" if age > 8 * 86400 else "solved")
        )
        assignee = rng.choice(agent_ids) if status != "new" else None
        picked = created + timedelta(minutes=rng.randint(2, 240)) if assignee else None
        response = picked + timedelta(minutes=rng.randint(1, 120)) if picked and status != "new" else None
        solved = (
            response + timedelta(hours=rng.randint(1, 72))
            if response and status in ("solved", "closed")
            else None
        )
        if solved and solved > now:
            solved = now
        due = created + timedelta(hours={"urgent": 1, "high": 4, "normal": 8, "low": 16}[topic[1]] * 3)
        active = status in ("new", "open", "pending", "on_hold")
        last = solved or response or picked or created
        tickets.append(
            {
                "id": number,
                "subject": topic[2],
                "channel": rng.choice(["email", "email", "phone", "web", "chat"]),
                "category": topic[0],
                "priority": topic[1],
                "status": status,
                "direction": "inbound",
                "customer_id": first_customer + rng.randrange(customers),
                "assignee_id": assignee,
                "team_id": rng.choice(team_ids),
                "created_at": created,
                "updated_at": last,
                "picked_up_at": picked,
                "first_response_at": response,
                "first_solved_at": solved,
                "solved_at": solved,
                "closed_at": solved if status == "closed" else None,
                "last_customer_message_at": created,
                "frt_due_at": due,
                "resolution_due_at": due + timedelta(days=3),
                "next_due_at": (due if response is None else due + timedelta(days=3)) if active else None,
                "next_risk_at": (due - timedelta(hours=1)) if active else None,
                "complaint_due_at": created + timedelta(days=14) if topic[0] == "complaint" else None,
                "paused_seconds": 0,
                "frt_breached": bool(response and response > due),
                "resolution_breached": False,
                "reopen_count": 0,
                "transfer_count": 0,
                "public_response_count": 1 if response else 0,
                "version": 3 if solved else 2,
            }
        )
        messages.append(
            {
                "ticket_id": number,
                "kind": "customer",
                "author_customer_id": tickets[-1]["customer_id"],
                "body": topic[4],
                "created_at": created,
            }
        )
        events.append(
            {"ticket_id": number, "at": created, "actor": "bokdesk", "field": "created", "new_value": "email"}
        )
        if response:
            messages.append(
                {
                    "ticket_id": number,
                    "kind": "reply",
                    "author_agent_id": assignee,
                    "body": rng.choice(data.AGENT_REPLIES_PL),
                    "created_at": response,
                }
            )
            events.append(
                {
                    "ticket_id": number,
                    "at": picked,
                    "agent_id": assignee,
                    "actor": "agent",
                    "field": "assignee_id",
                    "new_value": str(assignee),
                }
            )
        if solved:
            events.append(
                {
                    "ticket_id": number,
                    "at": solved,
                    "agent_id": assignee,
                    "actor": "agent",
                    "field": "status",
                    "old_value": "open",
                    "new_value": "solved",
                }
            )
    return tickets, messages, events
