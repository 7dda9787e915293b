"""Inspecting a database file that this process already has open must not drop SQLite's locks.

Found trying the console in tmux: the fast start reads the first page on a connection of its own,
then opens the desk (which inspects the file). Closing a descriptor drops every POSIX lock of the
process on the file, so the next other process to disconnect (`bokdesk mail send`) deleted the
console's WAL, and the console's later writes (a reply) were seen by nobody and lost on exit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from bokdesk.core.database import open_store
from bokdesk.core.store import inspect_file


def other_process(db: Path, sql: str) -> str:
    code = f"import sqlite3; c = sqlite3.connect({str(db)!r}); print(c.execute({sql!r}).fetchone()[0]); c.close()"
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_a_second_inspection_keeps_the_locks_and_later_writes_reach_other_processes(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    store = open_store(db)
    try:
        with store.write() as s:
            s.execute(text("INSERT INTO setting (key, value) VALUES ('first', '1')"))
        inspect_file(db)  # the file inspected again while this process has it open
        assert other_process(db, "SELECT count(*) FROM setting WHERE key = 'first'") == "1"
        assert (tmp_path / "desk.db-wal").exists()  # the other process did not take itself for the last
        with store.write() as s:
            s.execute(text("INSERT INTO setting (key, value) VALUES ('second', '2')"))
        assert other_process(db, "SELECT count(*) FROM setting WHERE key IN ('first', 'second')") == "2"
    finally:
        store.dispose()


def test_inspecting_a_file_nobody_has_open_leaves_no_descriptor(tmp_path: Path) -> None:
    import os

    db = tmp_path / "desk.db"
    open_store(db).dispose()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(5):
        inspect_file(db)
    assert len(os.listdir("/proc/self/fd")) == before
