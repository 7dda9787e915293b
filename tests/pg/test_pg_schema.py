"""The schema on PostgreSQL: every migration from an empty database to the head and back, the
generated columns (computed by the server, 64-bit), and the URL that names the driver."""

from __future__ import annotations

from sqlalchemy import inspect, text

from bokdesk.core.database import open_url
from bokdesk.core.migrate import current_revision, upgrade
from bokdesk.core.store import KNOWN_REVISIONS, Store


def test_every_revision_from_empty_to_head(pg_server):
    name = pg_server.create_database(prefix="migrate")
    store = Store(pg_server.url(name))
    try:
        assert current_revision(store) is None
        for revision in KNOWN_REVISIONS:
            upgrade(store, revision)
            assert current_revision(store) == revision
        tables = set(inspect(store.engine).get_table_names())
        assert {
            "ticket",
            "message",
            "ticketevent",
            "customer",
            "agent",
            "alembic_version",
            "ticket_search",
        } <= tables
        # The PostgreSQL-only revisions go back down and up again.
        from alembic import command

        from bokdesk.core.migrate import _config

        with store.engine.connect() as connection:
            command.downgrade(_config(store, connection), "0006")  # type: ignore[arg-type]
            connection.commit()
        assert current_revision(store) == "0006"
        assert "ticket_search" not in set(inspect(store.engine).get_table_names())
        upgrade(store)
        assert current_revision(store) == KNOWN_REVISIONS[-1]
    finally:
        store.dispose()
        pg_server.drop_database(name)


def test_generated_columns_exist_and_agree_with_sqlite(pg_server, tmp_path):
    """dims_code and metric_bits are computed by the server too, with the same values."""
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import SYSTEM, Desk
    from bokdesk.core.services import tickets
    from bokdesk.core.services.customers import CustomerSpec

    values = []
    pg_url = pg_server.fresh_desk_url()
    for store in (open_url(pg_url), open_store(tmp_path / "desk.db")):
        desk = Desk(store=store)
        for priority, category in (("urgent", "complaint"), ("low", "problem"), ("normal", "request")):
            tickets.create_ticket(
                desk,
                SYSTEM,
                tickets.NewTicket(
                    subject="x",
                    customer=CustomerSpec(name="A", email="a@example.pl"),
                    priority=priority,
                    category=category,
                ),
            )
        with store.read() as s:
            values.append(s.execute(text("SELECT id, dims_code, metric_bits FROM ticket ORDER BY id")).all())
        store.dispose()
    assert values[0] == values[1]
    assert all(row[1] is not None for row in values[0])


def test_dims_code_holds_any_agent_id_on_postgres(pg_server):
    """Agent #8 and later: 8 * 2**28 does not fit PostgreSQL's 32-bit integer (schema 0009 casts)."""
    from bokdesk.core.desk import SYSTEM, Desk
    from bokdesk.core.services import agents, tickets
    from bokdesk.core.services.customers import CustomerSpec

    url = pg_server.fresh_desk_url()
    store = open_url(url)
    try:
        desk = Desk(store=store)
        admin = agents.actor_of(agents.add_agent(desk, None, "admin", "Admin", role="admin"))
        late = None
        for n in range(11):
            late = agents.actor_of(agents.add_agent(desk, admin, f"agent{n}", f"Agent {n}"))
        assert late is not None and late.id == 12
        ticket = tickets.create_ticket(
            desk,
            SYSTEM,
            tickets.NewTicket(
                subject="x",
                customer=CustomerSpec(name="A", email="a@example.pl"),
                priority="urgent",
                category="problem",
            ),
        )
        tickets.take(desk, late, ticket.id)
        with store.read() as s:
            code = s.execute(text("SELECT dims_code FROM ticket WHERE id = :id"), {"id": ticket.id}).scalar()
            indexes = {
                row[0]
                for row in s.execute(
                    text(
                        "SELECT indexname FROM pg_indexes WHERE tablename = 'ticket' AND indexdef LIKE '%dims_code%'"
                    )
                )
            }
        assert code // 268435456 == 12
        assert code % 16 == 4 and code // 16 % 16 == 2  # urgent, problem
        # The covering indexes of the reports were recreated with the column.
        assert {
            "ix_ticket_m_created",
            "ix_ticket_m_pickup",
            "ix_ticket_m_frt",
            "ix_ticket_m_solved",
        } <= indexes
    finally:
        store.dispose()
        pg_server.drop_database(url.rsplit("/", 1)[1])


def test_a_plain_postgresql_url_means_psycopg_3():
    from bokdesk.core.database import server_url

    assert server_url("postgresql://desk@db/bok") == "postgresql+psycopg://desk@db/bok"
    assert server_url("postgres://desk@db/bok") == "postgresql+psycopg://desk@db/bok"
    assert server_url("postgresql+psycopg://desk@db/bok") == "postgresql+psycopg://desk@db/bok"
