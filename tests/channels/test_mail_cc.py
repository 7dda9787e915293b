"""Cc of inbound mail kept on the message, and replies going to the customer with the others in Cc."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from bokdesk.core import migrate
from bokdesk.core.database import open_store
from bokdesk.core.store import SCHEMA_HEAD, Store, sqlite_url


def test_db_upgrade_brings_a_0001_database_to_the_cc_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Store(sqlite_url(path))
    migrate.upgrade(old, "0001")
    with old.engine.begin() as con:
        policies = con.execute(text("SELECT count(*) FROM slapolicy")).scalar()
        before = {c["name"] for c in inspect(con).get_columns("message")}
    old.dispose()
    assert "email_cc" not in before
    store = open_store(path, upgrade=True)
    try:
        assert migrate.current_revision(store) == SCHEMA_HEAD
        with store.engine.connect() as con:
            assert "email_cc" in {c["name"] for c in inspect(con).get_columns("message")}
            assert "cc_addrs" in {c["name"] for c in inspect(con).get_columns("outboxmessage")}
            assert con.execute(text("SELECT count(*) FROM slapolicy")).scalar() == policies > 0
    finally:
        store.dispose()
