"""The queue's statements seek into the partial indexes of migration 0004 and never sort.

Plan assertions, not timings: each statement the console runs for a page, a count or a rank is
explained by SQLite, and the plan must name the view's index for the ticket table and contain no
temporary B-tree (a sort). That is what makes a page cost the same at a thousand tickets as at a
million (``bench/bench_console.py`` measures the time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from bokdesk.core import paging
from bokdesk.core.queries import View
from bokdesk.core.seed import seed


@contextmanager
def captured(desk: Any) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(desk.store.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(desk.store.engine, "before_cursor_execute", capture)


def plans(desk: Any, statements: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    raw = desk.store.engine.raw_connection()
    try:
        return [
            (sql, " | ".join(str(r[3]) for r in raw.cursor().execute(f"EXPLAIN QUERY PLAN {sql}", params)))
            for sql, params in statements
        ]
    finally:
        raw.close()


@pytest.fixture
def busy(desk: Any) -> Any:
    seed(desk, 400, days=30)
    return desk


@pytest.mark.parametrize("view", list(View))
def test_every_page_count_and_rank_statement_seeks_the_views_index_without_sorting(
    busy: Any, view: View
) -> None:
    desk = busy
    from bokdesk.core.services.agents import require_agent

    actor = require_agent(desk, "ola")
    now = desk.now()
    with captured(desk) as statements:
        first = paging.page(desk, actor, view, now, limit=3)
        paging.last_page(desk, actor, view, now, limit=3)
        paging.count(desk, actor, view, now)
        if view is View.SOLVED:
            keys = [(now, 10**9)]
        else:  # a key in every bucket, so every bucket's statements are run
            keys = [(bucket, now, now, 10**9) for bucket in range(4)]
        for key in keys:
            paging.page(desk, actor, view, now, after=key, limit=3)
            paging.page(desk, actor, view, now, before=key, limit=3)
            paging.page(desk, actor, view, now, after=key, limit=3, include=True)
            paging.rank(desk, actor, view, now, key)
    assert statements
    index = paging.index_of(view) or "ix_ticket_solved_at"
    ticket_lines = 0
    for sql, plan in plans(desk, statements):
        assert "TEMP B-TREE" not in plan, (sql, plan)
        for step in plan.split(" | "):
            if step.startswith("SCALAR SUBQUERY"):  # view 2: the agent's team, read once
                continue
            if step.split()[1] != "ticket":  # the joined customer, agent and team are by primary key
                assert "PRIMARY KEY" in step, (sql, plan)
                continue
            ticket_lines += 1
            assert f"INDEX {index}" in step, (sql, plan)
            assert not step.startswith("SCAN ticket ") or "COVERING" in step, (sql, plan)
    assert ticket_lines >= 4 * len(keys)
    assert first is not None


def test_the_partial_indexes_are_in_the_schema(busy: Any) -> None:
    raw = busy.store.engine.raw_connection()
    try:
        rows = dict(
            raw.cursor().execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'ix_ticket_active_%'")
        )
    finally:
        raw.close()
    assert set(rows) == {"ix_ticket_active_due", "ix_ticket_active_assignee"}
    for sql in rows.values():
        assert "WHERE status IN ('new', 'open', 'pending', 'on_hold')" in sql


def test_opening_a_ticket_reads_through_indexes_only(busy: Any) -> None:
    """The detail (customer panel's earlier tickets, messages, history, surveys) never scans a table;
    the earlier tickets come from ix_ticket_customer_created."""
    from bokdesk.core.queries import ticket_detail
    from bokdesk.core.services.agents import require_agent

    desk = busy
    actor = require_agent(desk, "ola")
    ticket = paging.page(desk, actor, View.OPEN, desk.now(), limit=1)[0]
    with captured(desk) as statements:
        detail = ticket_detail(desk, ticket.id)
    assert detail.ticket.id == ticket.id
    explained = plans(desk, statements)
    for sql, plan in explained:
        for step in plan.split(" | "):
            if step.startswith("SCAN "):  # only the roster (the desk's agents: a few dozen rows)
                assert step.split()[1] in ("agent", "team"), (sql, plan)
    earlier = [plan for sql, plan in explained if "ORDER BY ticket.created_at DESC" in sql]
    assert earlier and "ix_ticket_customer_created" in earlier[0], earlier


@pytest.mark.parametrize("view", list(View))
def test_the_fast_starts_first_page_and_count_seek_the_same_index(busy: Any, view: View) -> None:
    """The fast start runs the statements ``core.queue_views`` renders with ``sqlite3`` (no
    SQLAlchemy): their plans name the view's index and never sort either."""
    from bokdesk.core import queue_views
    from bokdesk.ui import boot

    desk = busy
    index = paging.index_of(view) or "ix_ticket_solved_at"
    now = desk.now()
    params = {"now": boot._stored(now), "me": 1, "solved_since": boot._stored(now), "limit": 3}  # noqa: SLF001
    statements = [
        queue_views.select_sql(view, b, mode) for b, mode in queue_views.bucket_walk(view, "first", None)
    ]
    raw = desk.store.engine.raw_connection()
    try:
        for sql in [*statements, queue_views.count_sql(view)]:
            plan = " | ".join(str(r[3]) for r in raw.cursor().execute(f"EXPLAIN QUERY PLAN {sql}", params))
            assert "TEMP B-TREE" not in plan and f"INDEX {index}" in plan, (sql, plan)
    finally:
        raw.close()
