"""Schema 0006: agents' timetables and absences; ``bokdesk db upgrade`` brings a 0005 desk up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, text

from bokdesk.core import migrate
from bokdesk.core.database import open_store
from bokdesk.core.store import SCHEMA_HEAD, Store, sqlite_url


def test_db_upgrade_brings_a_0005_database_to_the_shift_tables(tmp_path):
    path = tmp_path / "old.db"
    old = Store(sqlite_url(path))
    migrate.upgrade(old, "0005")
    with old.engine.begin() as con:
        assert "agentshift" not in inspect(con).get_table_names()
        con.execute(
            text(
                "INSERT INTO agent (login, name, role, active, status, created_at) "
                "VALUES ('ola', 'Ola', 'agent', 1, 'available', '2026-11-02 08:00:00')"
            )
        )
    old.dispose()
    store = open_store(path, upgrade=True)
    try:
        assert SCHEMA_HEAD >= "0006"  # the upgrade goes to the head, which includes 0006
        assert migrate.current_revision(store) == SCHEMA_HEAD
        with store.engine.begin() as con:
            tables = set(inspect(con).get_table_names())
            assert {"agentshift", "agentabsence"} <= tables
            con.execute(
                text(
                    "INSERT INTO agentshift (agent_id, weekday, start_minute, end_minute) "
                    "VALUES (1, 0, 480, 960)"
                )
            )
            con.execute(
                text(
                    "INSERT INTO agentabsence (agent_id, first_day, last_day, kind, recorded_by, "
                    "recorded_at) VALUES (1, '2026-11-23', '2026-11-27', 'leave', 'Marek', "
                    "'2026-11-20 10:00:00')"
                )
            )
            assert con.execute(text("SELECT count(*) FROM agentshift")).scalar() == 1
        from sqlmodel import select

        from bokdesk.core.models import AgentAbsence

        with store.read() as session:
            row = session.exec(select(AgentAbsence)).one()
            assert (row.first_day, row.last_day) == (date(2026, 11, 23), date(2026, 11, 27))
    finally:
        store.dispose()
