"""`bokdesk db backup` finishes while agents keep committing, and the copy is whole.

A stepwise SQLite backup restarts whenever another connection commits between two steps. Measured
on a 286 MB desk (100,000 tickets) with 3 agents committing: the old ``backup(pages=1024)`` went
round 3,674 steps for 44 s and finished only after the writers stopped; the one-step backup took
15 s while they carried on. (This small file does not always show the restarts; it checks that the
copy is made while writers commit, whole and openable.)
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bokdesk.core.database import open_store
from bokdesk.core.desk import Desk
from bokdesk.core.seed import seed

pytestmark = pytest.mark.slow

TICKETS = 6000  # about 20 MB: several steps of a stepwise backup

WRITER = r"""
import sys, time
from pathlib import Path
from sqlmodel import select
from bokdesk.core.database import open_store
from bokdesk.core.desk import Desk
from bokdesk.core.models import Agent
from bokdesk.core.services import agents, tickets
store = open_store(Path(sys.argv[1]), create=False)
desk = Desk(store=store)
with store.read() as s:
    login = s.exec(select(Agent.login).order_by(Agent.id)).first()
actor = agents.require_agent(desk, login)
stop, n = Path(sys.argv[2]), 0
print("writing", flush=True)
while not stop.exists():
    tickets.add_note(desk, actor, 1 + n % 500, f"note {n}")
    n += 1
    time.sleep(0.001)
print(n, flush=True)
"""


def test_backup_of_a_busy_desk_finishes_and_is_whole(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    store = open_store(db)
    seed(Desk(store=store), TICKETS)
    store.dispose()
    assert db.stat().st_size > 8 * 1024 * 1024  # well over one backup step of pages
    stop = tmp_path / "stop"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(stop)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    try:
        for w in writers:
            assert w.stdout is not None and w.stdout.readline().strip() == "writing"
        dest = tmp_path / "copy.db"
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "bokdesk", "db", "backup", str(dest), "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=90,
        )
        seconds = time.perf_counter() - started
        assert result.returncode == 0, result.stderr
        assert all(w.poll() is None for w in writers)  # the agents were still writing throughout
    finally:
        stop.touch()
        notes = [int(w.communicate(timeout=60)[0].strip() or 0) for w in writers]
    assert min(notes) > 0
    con = sqlite3.connect(dest)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM ticket").fetchone()[0] == TICKETS
    finally:
        con.close()
    check = subprocess.run(
        [sys.executable, "-m", "bokdesk", "db", "check", "--db", str(dest)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.stdout.strip() == "ok", check.stderr
    print(
        f"\nbackup of {db.stat().st_size / 1e6:.0f} MB in {seconds:.1f} s while 3 writers made {sum(notes)} notes"
    )
