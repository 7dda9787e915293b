"""The store: connection settings, refusing foreign/corrupt/newer files, migrations."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from bokdesk.core import migrate
from bokdesk.core.database import open_store
from bokdesk.core.errors import DatabaseError
from bokdesk.core.models import SQLModel
from bokdesk.core.store import APPLICATION_ID, KNOWN_REVISIONS, SCHEMA_HEAD, Store, sqlite_url


def test_connection_settings(desk):
    with desk.store.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA application_id")).scalar() == APPLICATION_ID


def test_write_transactions_begin_immediate(db_path):
    store = open_store(db_path)
    seen: list[str] = []
    from sqlalchemy import event

    @event.listens_for(store.engine, "before_cursor_execute")
    def _log(conn, cursor, statement, *args):  # noqa: ANN001
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with store.write() as s:
        s.execute(text("SELECT 1"))
    with store.read() as s:
        s.execute(text("SELECT 1"))
    assert seen == ["BEGIN IMMEDIATE", "BEGIN"]
    store.dispose()


def test_read_does_not_hold_a_transaction(desk, staff):
    """A finished read releases its snapshot, so a checkpoint can empty the WAL."""
    raw = sqlite3.connect(desk.store.path)
    raw.execute("PRAGMA busy_timeout=100")
    with desk.store.read() as s:
        s.execute(text("SELECT count(*) FROM agent")).scalar()
        with desk.store.write() as w:  # another connection writes while the read is open
            w.execute(text("UPDATE agent SET status = 'away' WHERE login = 'ola'"))
        busy_during = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    busy_after = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    raw.close()
    assert busy_during == 1  # the control: an open read pins the WAL
    assert busy_after == 0


def test_schema_head_matches_migration_scripts():
    assert migrate.heads() == [SCHEMA_HEAD]
    assert KNOWN_REVISIONS[-1] == SCHEMA_HEAD


@pytest.mark.postgres  # the migrated schema on the server too (PostgreSQL-only revisions included)
def test_models_match_migrated_schema(desk):
    with desk.store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, type_, parent: (
                    not (type_ == "table" and name and name.startswith("ticket_search"))
                ),
                "compare_type": True,
            },
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_not_sqlite_file_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello, these are my notes\n" * 10)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a bokdesk database"):
        open_store(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "notes.txt-wal").exists()


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="another program"):
        open_store(path)
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()


def test_corrupt_database_is_refused(tmp_path: Path, db_path: Path):
    store = open_store(db_path)
    store.dispose()
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    broken = tmp_path / "broken.db"
    broken.write_bytes(bytes(data))
    with pytest.raises(DatabaseError):
        open_store(broken)


def test_newer_database_is_refused(db_path: Path):
    store = open_store(db_path)
    with store.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.dispose()
    with pytest.raises(DatabaseError, match="newer bokdesk"):
        open_store(db_path)


def test_missing_directory_is_refused(tmp_path: Path):
    with pytest.raises(DatabaseError, match="does not exist"):
        open_store(tmp_path / "nope" / "desk.db")


def test_migrations_on_empty_and_populated_database(tmp_path: Path, desk, staff):
    from bokdesk.core.desk import SYSTEM
    from bokdesk.core.services import tickets
    from bokdesk.core.services.customers import CustomerSpec

    tickets.create_ticket(
        desk, SYSTEM, tickets.NewTicket(subject="x", customer=CustomerSpec(name="A", email="a@example.pl"))
    )
    # Downgrade to nothing and back up on a populated copy: the scripts run both ways on data.
    empty = Store(sqlite_url(tmp_path / "empty.db"))
    migrate.upgrade(empty)
    assert migrate.current_revision(empty) == SCHEMA_HEAD
    empty.dispose()
    migrate.upgrade(desk.store)  # already at head: a no-op, data intact
    with desk.store.read() as s:
        assert s.execute(text("SELECT count(*) FROM ticket")).scalar() == 1


def test_core_never_imports_textual_or_rich():
    code = (
        "import sys, bokdesk.core.services.tickets, bokdesk.core.queries, bokdesk.core.jsonl, bokdesk.core.demo, "
        "bokdesk.core.seed, bokdesk.channels, bokdesk.cli, bokdesk.cli.commands, bokdesk.cli.demo_cmd\n"
        "import pkgutil, importlib, bokdesk.core\n"
        "for m in pkgutil.walk_packages(bokdesk.core.__path__, 'bokdesk.core.'): importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_does_not_import_textual():
    code = (
        "import sys\nfrom bokdesk.cli import build_parser\nbuild_parser().format_help()\n"
        "print(any(n.startswith(('textual', 'rich')) for n in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
