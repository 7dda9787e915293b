"""Keyset paging of the queue views: a page of rows after or before a row, never an OFFSET.

The console shows a window of a view and extends it a page at a time as the agent moves, so
opening and scrolling a view costs the same on a thousand tickets as on a million. Each row's
sort key is computed from the row itself (``sort_key``), so the next page is "rows whose key is
greater than the last key shown", ordered by that key, limited. ``now`` is fixed per window:
the urgency buckets (breached, at risk, running, no target) depend on it.

The views, their indexes and their order are defined once in ``core.queue_views``; this module runs
the statements rendered there through SQLAlchemy Core (typed parameters and results), built once
per view, bucket and direction and reused with bound parameters: a page costs a few indexed
queries and no ORM work. A page is read bucket by bucket in one read transaction; no step sorts
(``tests/core/test_queue_plans.py`` checks every statement's plan).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, column, text

from . import queue_views as qv
from .desk import Actor, Desk
from .enums import View
from .models import Agent, Customer, Team, Ticket
from .queue_rows import QueueItem

# Stands in for "no due time" so that rows without a target still have a comparable key.
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
BUCKETS = qv.BUCKET_OF
NO_TARGET = BUCKETS["none"]
BY_ASSIGNEE = qv.BY_ASSIGNEE
BY_DUE = qv.BY_DUE

_DT = Ticket.__table__.c.created_at.type  # type: ignore[attr-defined]  # SQLModel does not declare __table__


SortKey = tuple[Any, ...]


def sort_key(view: View, row: QueueItem, now: datetime) -> SortKey:
    """The row's position in its view; rows are ordered by ascending key (solved: descending)."""
    if view is View.SOLVED:
        return (row.solved_at, row.id)
    return (BUCKETS[row.sla_state(now)], row.next_due_at or FAR_FUTURE, row.created_at, row.id)


def index_of(view: View) -> str | None:
    """The partial index a view's pages seek into (None: the solved view, by solved time)."""
    return qv.VIEWS[view].index


def _row_types() -> list[Any]:
    """The result columns of a queue row, typed as the tables type them (instants, booleans)."""
    tables = {"ticket": Ticket, "customer": Customer, "assignee": Agent, "team": Team}
    named = (name.split(".") for name in qv.ROW_COLUMNS)
    return [column(f"{t}_{f}", tables[t].__table__.c[f].type) for t, f in named]  # type: ignore[attr-defined]  # SQLModel does not declare __table__


def _compiled(view: View | None, sql: str, *, rows: bool) -> Any:
    """``sql`` as a SQLAlchemy statement: instants bound with the ticket's timestamp type, a row
    statement's results typed as the tables type them."""
    instants = qv.instant_parameters(view) if view is not None else frozenset()
    binds = [
        bindparam(name, type_=_DT) if name in instants else bindparam(name, expanding=name == "ids")
        for name in qv.parameters(sql)
    ]
    statement = text(sql).bindparams(*binds)
    return statement.columns(*_row_types()) if rows else statement


def _hint(connection: Any) -> bool:
    """Whether the database takes ``INDEXED BY`` (SQLite without statistics would rather sort every
    active ticket through the status index; other databases plan without it)."""
    return bool(connection.dialect.name == "sqlite")


@lru_cache(maxsize=512)
def _statement(view: View, bucket: int | None, mode: str, hint: bool) -> Any:
    return _compiled(view, qv.select_sql(view, bucket, mode, hint=hint), rows=True)


@lru_cache(maxsize=128)
def _count_statement(view: View, bucket: int | None, before_key: bool, hint: bool) -> Any:
    return _compiled(view, qv.count_sql(view, bucket, before_key=before_key, hint=hint), rows=False)


@lru_cache(maxsize=16)
def _find_statement(view: View) -> Any:
    return _compiled(view, qv.find_sql(view), rows=True)


@lru_cache(maxsize=8)
def _next_statement(bucket: int, hint: bool) -> Any:
    return _compiled(View.UNASSIGNED, qv.first_id_sql(View.UNASSIGNED, bucket, hint=hint), rows=False)


def _params(
    view: View, actor: Actor, now: datetime, key: SortKey | None = None, **extra: Any
) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now, "me": actor.id, "solved_since": now - qv.SOLVED_RECENTLY, **extra}
    if key is not None:
        params.update({f"k{i}": value for i, value in enumerate(key)})
    return params


def _walk(
    desk: Desk, view: View, params: dict[str, Any], steps: list[tuple[int | None, str]], limit: int
) -> list[QueueItem]:
    """Run ``steps`` (bucket, mode) in order in one read transaction until ``limit`` rows are read."""
    rows: list[Any] = []
    with desk.store.read() as session:
        connection = session.connection()
        hint = _hint(connection)
        for bucket, mode in steps:
            params["limit"] = limit - len(rows)
            statement = _statement(view, bucket, mode, hint)
            rows += connection.execute(statement, params).all()
            if len(rows) >= limit:
                break
    return [QueueItem(*row) for row in rows]


def page(
    desk: Desk,
    actor: Actor,
    view: View,
    now: datetime,
    *,
    after: SortKey | None = None,
    before: SortKey | None = None,
    limit: int = 50,
    include: bool = False,
) -> list[QueueItem]:
    """Up to ``limit`` rows of the view in order: the first ones, or those after / before a key.

    ``include`` makes the bound inclusive (to re-anchor a window on a row). Rows before a key
    come back in view order too (the nearest one last).
    """
    if before is not None:
        mode, key = ("upto" if include else "before"), before
    elif after is not None:
        mode, key = ("from" if include else "after"), after
    else:
        mode, key = "first", None
    rows = _walk(desk, view, _params(view, actor, now, key), qv.bucket_walk(view, mode, key), limit)
    if before is not None:
        rows.reverse()
    return rows


def last_page(desk: Desk, actor: Actor, view: View, now: datetime, *, limit: int = 50) -> list[QueueItem]:
    """The last ``limit`` rows of the view, in view order."""
    rows = _walk(desk, view, _params(view, actor, now), qv.bucket_walk(view, "last", None), limit)
    rows.reverse()
    return rows


def find(desk: Desk, actor: Actor, view: View, now: datetime, ticket_id: int) -> QueueItem | None:
    """The ticket's row if it belongs to the view now, else None."""
    statement = _find_statement(view)
    with desk.store.read() as session:
        params = _params(view, actor, now, ticket=ticket_id)
        rows = session.connection().execute(statement, params).all()
    return QueueItem(*rows[0]) if rows else None


def next_offered(connection: Any, actor: Actor, now: datetime) -> int | None:
    """The number of the first ticket of ``actor``'s unassigned view (what take-next claims), read
    on the caller's connection (the claim's write transaction): a seek per urgency bucket."""
    params = _params(View.UNASSIGNED, actor, now)
    hint = _hint(connection)
    for bucket in range(len(qv.BUCKETS)):
        statement = _next_statement(bucket, hint)
        found = connection.execute(statement, params).scalar()
        if found is not None:
            return int(found)
    return None


@lru_cache(maxsize=1)
def _rows_by_id_statement() -> Any:
    return _compiled(None, qv.ROWS_BY_ID_SQL, rows=True)


def rows_by_id(desk: Desk, ids: list[int]) -> dict[int, QueueItem]:
    """Rows of the given tickets, whatever view they are in."""
    if not ids:
        return {}
    with desk.store.read() as session:
        rows = session.connection().execute(_rows_by_id_statement(), {"ids": list(ids)}).all()
    return {item.id: item for item in (QueueItem(*row) for row in rows)}


def rank(desk: Desk, actor: Actor, view: View, now: datetime, key: SortKey) -> int:
    """How many rows of the view come before ``key`` (the 0-based position of a row with that key)."""
    params = _params(view, actor, now, key)
    with desk.store.read() as session:
        connection = session.connection()
        hint = _hint(connection)

        def count(bucket: int | None, before_key: bool) -> int:
            statement = _count_statement(view, bucket, before_key, hint)
            return int(connection.execute(statement, params).scalar_one())

        if view is View.SOLVED:
            return count(None, True)
        bucket = int(key[0])
        return count(bucket, True) + sum(count(earlier, False) for earlier in range(bucket))


def count(desk: Desk, actor: Actor, view: View, now: datetime) -> int:
    with desk.store.read() as session:
        connection = session.connection()
        statement = _count_statement(view, None, False, _hint(connection))
        return int(connection.execute(statement, _params(view, actor, now)).scalar_one())


def counts(desk: Desk, actor: Actor, now: datetime) -> dict[View, int]:
    """The size of every view, in one read transaction (the view tabs)."""
    params = _params(view=View.OPEN, actor=actor, now=now)
    with desk.store.read() as session:
        connection = session.connection()
        hint = _hint(connection)
        result = {}
        for view in View:
            statement = _count_statement(view, None, False, hint)
            result[view] = int(connection.execute(statement, params).scalar_one())
        return result
