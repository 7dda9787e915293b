"""Schema 0008: history notes get a code and its values; the "(no subject)" placeholder becomes empty.

``bokdesk db upgrade`` brings a 0007 desk up: the history keeps its English notes (no code: shown as
stored), tickets and e-mail messages that stored the placeholder get an empty subject, and the
search index follows the ticket's subject.
"""

from __future__ import annotations

from sqlalchemy import inspect, text

from bokdesk.core import migrate
from bokdesk.core.database import open_store
from bokdesk.core.store import SCHEMA_HEAD, Store, sqlite_url


def row(con, table: str, **values: object) -> None:
    """Insert a row at the old schema: the given values, a plain value for every other required column."""
    for _, name, kind, notnull, default, pk in con.execute(text(f"PRAGMA table_info({table})")).all():
        if notnull and default is None and not pk and name not in values:
            kind = kind.upper()
            values[name] = (
                0
                if "INT" in kind or "BOOL" in kind
                else "2026-11-02 08:00:00.000000"
                if "DATE" in kind or "TIME" in kind
                else "x"
            )
    names = ", ".join(values)
    con.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values)


def test_db_upgrade_brings_a_0007_database_to_history_codes_and_empty_subjects(tmp_path):
    path = tmp_path / "old.db"
    old = Store(sqlite_url(path))
    migrate.upgrade(old, "0007")
    with old.engine.begin() as con:
        assert "note_code" not in {c["name"] for c in inspect(con).get_columns("ticketevent")}
        row(con, "customer", name="Jan")
        row(con, "ticket", subject="(no subject)", customer_id=1)
        row(con, "ticket", subject="Faktura", customer_id=1)
        row(con, "message", ticket_id=1, kind="customer", body="tekst", email_subject="(no subject)")
        row(
            con,
            "ticketevent",
            ticket_id=2,
            actor="Ola",
            field="status",
            old_value="open",
            new_value="closed",
            note="merged into #1",
        )
        assert con.execute(
            text("SELECT rowid FROM ticket_search WHERE ticket_search MATCH 'subject'")
        ).all() == [(1,)]
    old.dispose()
    store = open_store(path, upgrade=True)
    try:
        assert migrate.current_revision(store) == SCHEMA_HEAD
        with store.engine.connect() as con:
            assert {"note_code", "note_params"} <= {
                c["name"] for c in inspect(con).get_columns("ticketevent")
            }
            assert con.execute(text("SELECT subject FROM ticket ORDER BY id")).scalars().all() == [
                "",
                "Faktura",
            ]
            assert con.execute(text("SELECT email_subject FROM message")).scalar() == ""
            assert con.execute(text("SELECT note, note_code FROM ticketevent")).one() == (
                "merged into #1",
                None,
            )
            assert (
                con.execute(text("SELECT rowid FROM ticket_search WHERE ticket_search MATCH 'subject'")).all()
                == []
            )
    finally:
        store.dispose()
