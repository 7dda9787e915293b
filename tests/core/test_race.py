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


def test_eight_processes_take_next_on_one_file(tmp_path: Path) -> None:
    db = tmp_path / "race.db"
    store = open_store(db)
    desk = Desk(store=store)
    logins = [f"agent{i}" for i in range(PROCESSES)]
    with store.batch():
        for login in logins:
            agents.add_agent(desk, SYSTEM, login, login.title(), team="BOK Warszawa")
        for n in range(TICKETS):
            tickets.create_ticket(desk, SYSTEM, tickets.NewTicket(
                subject=f"Zgłoszenie {n}", customer=CustomerSpec(name=f"Klient {n % 50}", email=f"k{n % 50}@example.pl"),
                priority=("low", "normal", "high", "urgent")[n % 4]))
    start = tmp_path / "start"
    outs = [tmp_path / f"{login}.json" for login in logins]
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(db), login, str(start), str(out)],
                              stderr=subprocess.PIPE, text=True) for login, out in zip(logins, outs, strict=True)]
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

    results = {login: json.loads(out.read_text()) for login, out in zip(logins, outs, strict=True)}
    errors = [e for r in results.values() for e in r["errors"]]
    assert errors == [], errors[:5]  # no "database is locked", nothing else either
    told = Counter(t for r in results.values() for t in r["taken"])
    assert [t for t, n in told.items() if n > 1] == []  # nobody was told they got a ticket someone else got
    assert sorted(told) == list(range(1, TICKETS + 1))  # every ticket taken, none lost
    assert sum(1 for r in results.values() if r["taken"]) >= 2  # the processes really raced

    with store.read() as session:
        owner = {t.id: t.assignee_id for t in session.exec(select(Ticket)).all()}
        claims = Counter(e.ticket_id for e in session.exec(
            select(TicketEvent).where(TicketEvent.field == "assignee")).all())
        ids = {a.login: a.id for a, _ in agents.list_agents(desk)}
    assert set(claims.values()) == {1}  # one claim in each ticket's history
    for login, r in results.items():
        assert all(owner[t] == ids[login] for t in r["taken"])
    store.dispose()
    print(f"\n{TICKETS} tickets claimed by {PROCESSES} processes in {seconds:.2f} s "
          f"({TICKETS / seconds:.0f} claims/s); 0 double claims, 0 lock errors")
