"""The multi-process race: 8 processes calling take-next on one file, as 8 agents' consoles would.

Each process is its own interpreter with its own connections (not threads), started together
from a start file, taking until the queue is empty. Required: every ticket taken exactly once,
each winner told so (and the history says the same), no "database is locked" reaching anyone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from bokdesk.core.database import open_store
from bokdesk.core.desk import SYSTEM, Desk
from bokdesk.core.models import Ticket, TicketEvent
from bokdesk.core.services import agents, tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.slow

PROCESSES = 8
TICKETS = 400

WORKER = r"""
import json, sys, time
from pathlib import Path
from bokdesk.core.database import open_store
from bokdesk.core.desk import Desk
from bokdesk.core.services import agents, tickets

db, login, start, out = sys.argv[1:5]
store = open_store(Path(db), create=False)
desk = Desk(store=store)
actor = agents.require_agent(desk, login)
Path(out + ".ready").touch()
while not Path(start).exists():
    time.sleep(0.005)
taken, errors = [], []
while True:
    try:
        ticket = tickets.take_next(desk, actor)
    except Exception as exc:  # every error is reported, none hidden
        errors.append(f"{type(exc).__name__}: {exc}")
        continue
    if ticket is None:
        break
    taken.append(ticket.id)
Path(out).write_text(json.dumps({"taken": taken, "errors": errors}))
"""


def race(db: Path, logins: list[str], tmp_path: Path) -> tuple[dict[str, dict], float]:
    """Start one worker process per login, let them take-next together until nothing is offered;
    what each took and every error it met, and the seconds from the start signal to the last exit."""
    start = tmp_path / "start"
    outs = [tmp_path / f"{login}.json" for login in logins]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), login, str(start), str(out)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for login, out in zip(logins, outs, strict=True)
    ]
    limit = time.time() + 120
    while not all(Path(f"{out}.ready").exists() for out in outs):
        assert time.time() < limit, "workers did not start"
        assert all(p.poll() is None for p in procs), [p.stderr.read() for p in procs if p.poll() is not None]
        time.sleep(0.02)
    began = time.perf_counter()
    start.touch()
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read() if p.stderr else ""
    seconds = time.perf_counter() - began
    return {login: json.loads(out.read_text()) for login, out in zip(logins, outs, strict=True)}, seconds


def test_eight_processes_take_next_on_one_file(tmp_path: Path) -> None:
    db = tmp_path / "race.db"
    store = open_store(db)
    desk = Desk(store=store)
    logins = [f"agent{i}" for i in range(PROCESSES)]
    with store.batch():
        for login in logins:
            agents.add_agent(desk, SYSTEM, login, login.title(), team="BOK Warszawa")
        for n in range(TICKETS):
            tickets.create_ticket(
                desk,
                SYSTEM,
                tickets.NewTicket(
                    subject=f"Zgłoszenie {n}",
                    customer=CustomerSpec(name=f"Klient {n % 50}", email=f"k{n % 50}@example.pl"),
                    priority=("low", "normal", "high", "urgent")[n % 4],
                ),
            )
    results, seconds = race(db, logins, tmp_path)
    errors = [e for r in results.values() for e in r["errors"]]
    assert errors == [], errors[:5]  # no "database is locked", nothing else either
    told = Counter(t for r in results.values() for t in r["taken"])
    assert [t for t, n in told.items() if n > 1] == []  # nobody was told they got a ticket someone else got
    assert sorted(told) == list(range(1, TICKETS + 1))  # every ticket taken, none lost
    assert sum(1 for r in results.values() if r["taken"]) >= 2  # the processes really raced

    with store.read() as session:
        owner = {t.id: t.assignee_id for t in session.exec(select(Ticket)).all()}
        claims = Counter(
            e.ticket_id
            for e in session.exec(select(TicketEvent).where(TicketEvent.field == "assignee")).all()
        )
        ids = {a.login: a.id for a, _ in agents.list_agents(desk)}
    assert set(claims.values()) == {1}  # one claim in each ticket's history
    for login, r in results.items():
        assert all(owner[t] == ids[login] for t in r["taken"])
    store.dispose()
    print(
        f"\n{TICKETS} tickets claimed by {PROCESSES} processes in {seconds:.2f} s "
        f"({TICKETS / seconds:.0f} claims/s); 0 double claims, 0 lock errors"
    )


def test_agents_of_two_teams_and_without_a_team_race_for_what_each_is_offered(tmp_path: Path) -> None:
    """Six processes: two agents of each team and two without one, on tickets of both teams and of
    no team. Each ticket is taken once, by an agent it is offered to (its team's, or anyone's when
    it has no team; a team-less agent only those of no team), and every ticket is taken."""
    db = tmp_path / "teams.db"
    store = open_store(db)
    desk = Desk(store=store)
    crew = {
        "bok1": "BOK Warszawa",
        "bok2": "BOK Warszawa",
        "dev1": "Developers",
        "dev2": "Developers",
        "free1": None,
        "free2": None,
    }
    with store.batch():
        for login, team in crew.items():
            agents.add_agent(desk, SYSTEM, login, login.title(), team=team)
        with store.read() as session:
            from bokdesk.core.models import Team

            team_ids = {t.name: t.id for t in session.exec(select(Team)).all()}
        homes = [team_ids["BOK Warszawa"], team_ids["Developers"], None]
        for n in range(150):
            tickets.create_ticket(
                desk,
                SYSTEM,
                tickets.NewTicket(
                    subject=f"Zgłoszenie {n}",
                    customer=CustomerSpec(name=f"Klient {n % 30}", email=f"k{n % 30}@example.pl"),
                    priority=("low", "normal", "high", "urgent")[n % 4],
                    team_id=homes[n % 3],
                ),
            )
    home_of = {}
    with store.read() as session:
        for t in session.exec(select(Ticket)).all():
            home_of[t.id] = t.team_id
    results, _ = race(db, list(crew), tmp_path)
    assert [e for r in results.values() for e in r["errors"]] == []
    told = Counter(t for r in results.values() for t in r["taken"])
    assert [t for t, n in told.items() if n > 1] == []
    assert sorted(told) == sorted(home_of)  # every ticket taken once
    for login, r in results.items():
        team = crew[login]
        allowed = {None} if team is None else {None, team_ids[team]}
        assert {home_of[t] for t in r["taken"]} <= allowed, login
    assert any(results[login]["taken"] for login in ("free1", "free2"))  # the team-less did get work
    with store.read() as session:
        owner = {t.id: (t.assignee_id, t.team_id) for t in session.exec(select(Ticket)).all()}
        ids = {a.login: a.id for a, _ in agents.list_agents(desk)}
    for login, r in results.items():
        for t in r["taken"]:  # a team agent's ticket of no team joined their team
            team = crew[login]
            assert owner[t] == (ids[login], team_ids[team] if team else None)
    store.dispose()
