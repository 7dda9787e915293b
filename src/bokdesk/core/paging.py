"""Keyset paging of the queue views: a page of rows after or before a row, never an OFFSET.

The console shows a window of a view and extends it a page at a time as the agent moves, so
opening and scrolling a view costs the same on a thousand tickets as on a million. Each row's
sort key is computed from the row itself (``sort_key``), so the next page is "rows whose key is
greater than the last key shown", ordered by that key, limited. ``now`` is fixed per window:
the urgency buckets (breached, at risk, running, no target) depend on it.

The urgency order cannot live in an index (it depends on ``now``), but each bucket is a range of
``next_due_at`` read in (next_due_at, created_at, id) order (no target: next_due_at IS NULL, by
created_at, id). So a page is read bucket by bucket, in one read transaction: each step seeks
into a partial covering index over the active tickets (migration 0004; ``ix_ticket_active_assignee``
for views 1-2, ``ix_ticket_active_due`` for the others) and walks it in index order until the
page is full. No step sorts; a test checks every statement's plan. The solved view walks
``ix_ticket_solved_at`` backwards.

The statements are built with SQLAlchemy Core once per view, bucket and direction and reused with
bound parameters: a page costs a few indexed queries and no ORM work. ``_filter`` mirrors
``queries.view_filter`` (a test checks that both give the same rows in the same order), and
``ui.boot`` mirrors the first page in plain SQL for the fast start (a test checks that too).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, func, or_, select, text, tuple_

from .desk import Actor, Desk
from .enums import ACTIVE_SQL, WAITING_STATUSES, Category, Status
from .models import Agent, Customer, Team, Ticket
from .queries import SOLVED_RECENTLY, View
from .queue_rows import QueueItem

# Stands in for "no due time" so that rows without a target still have a comparable key.
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
_DT = Ticket.__table__.c.created_at.type  # type: ignore[attr-defined]

BUCKETS = {"breached": 0, "at_risk": 1, "ok": 2, "none": 3}
NO_TARGET = BUCKETS["none"]

_T = Ticket.__table__  # type: ignore[attr-defined]
_C = Customer.__table__  # type: ignore[attr-defined]
_A = Agent.__table__.alias("assignee")  # type: ignore[attr-defined]
_TEAM = Team.__table__  # type: ignore[attr-defined]
_WAITING = [s.value for s in WAITING_STATUSES]
_DONE = [Status.SOLVED.value, Status.CLOSED.value]
# Literal, so that SQLite (and PostgreSQL) can prove the partial indexes apply.
_ACTIVE = text(f"ticket.{ACTIVE_SQL}")
BY_ASSIGNEE = "ix_ticket_active_assignee"
BY_DUE = "ix_ticket_active_due"


SortKey = tuple[Any, ...]


def sort_key(view: View, row: QueueItem, now: datetime) -> SortKey:
    """The row's position in its view; rows are ordered by ascending key (solved: descending)."""
    if view is View.SOLVED:
        return (row.solved_at, row.id)
    return (BUCKETS[row.sla_state(now)], row.next_due_at or FAR_FUTURE, row.created_at, row.id)


def index_of(view: View) -> str | None:
    """The partial index a view's pages seek into (None: the solved view, by solved time)."""
    if view is View.SOLVED:
        return None
    return BY_ASSIGNEE if view in (View.MINE, View.UNASSIGNED) else BY_DUE


def _filter(view: View) -> list[Any]:
    """The view's WHERE conditions (as ``queries.view_filter``) with ``:now`` and ``:me`` bound later."""
    now = bindparam("now", type_=_DT)
    if view is View.MINE:
        return [_ACTIVE, _T.c.assignee_id == bindparam("me")]
    if view is View.UNASSIGNED:
        return [_ACTIVE, _T.c.assignee_id.is_(None), _offered()]
    if view is View.OPEN:
        return [_ACTIVE]
    if view is View.WAITING:
        return [_ACTIVE, _T.c.status.in_(_WAITING)]
    if view is View.SLA:
        return [_ACTIVE, _T.c.next_risk_at <= now]
    if view is View.COMPLAINTS:
        return [_ACTIVE, _T.c.category == Category.COMPLAINT.value]
    # ``status || ''`` keeps the planner off the status index: walking ix_ticket_solved_at backwards
    # gives the rows in view order, while the status index would visit every closed ticket ever.
    return [_T.c.status.concat("").in_(_DONE), _T.c.solved_at >= bindparam("solved_since", type_=_DT)]


def _offered() -> Any:
    """Unassigned tickets an agent is offered (view 2, take-next): those of the agent's team and
    those of no team; an agent without a team is offered the tickets of no team. The agent's team is
    read by a scalar subquery on ``:me`` (one primary-key look-up), so the statement stays the same
    for every agent."""
    _AG = Agent.__table__  # type: ignore[attr-defined]
    my_team = select(_AG.c.team_id).where(_AG.c.id == bindparam("me")).scalar_subquery()
    return or_(_T.c.team_id.is_(None), _T.c.team_id == my_team)


def _bucket(bucket: int) -> list[Any]:
    """Rows of one urgency bucket (as ``queries.urgency_bucket``): each a range of next_due_at."""
    now = bindparam("now", type_=_DT)
    if bucket == 0:
        return [_T.c.next_due_at < now]
    if bucket == 1:
        return [_T.c.next_due_at >= now, _T.c.next_risk_at <= now]
    if bucket == 2:
        return [_T.c.next_due_at >= now, or_(_T.c.next_risk_at > now, _T.c.next_risk_at.is_(None))]
    return [_T.c.next_due_at.is_(None)]


def _order(view: View, bucket: int | None) -> list[Any]:
    """The columns a bucket (or the solved view) is walked by, in index order."""
    if view is View.SOLVED:
        return [_T.c.solved_at, _T.c.id]
    if bucket == NO_TARGET:
        return [_T.c.created_at, _T.c.id]
    return [_T.c.next_due_at, _T.c.created_at, _T.c.id]


def _key_params(view: View, bucket: int | None) -> list[Any]:
    """The bound parameters a key is compared with (``k0``.. as ``_params`` names them)."""
    if view is View.SOLVED:
        return [bindparam("k0", type_=_DT), bindparam("k1")]
    if bucket == NO_TARGET:
        return [bindparam("k2", type_=_DT), bindparam("k3")]
    return [bindparam("k1", type_=_DT), bindparam("k2", type_=_DT), bindparam("k3")]


def _select() -> Any:
    return (
        select(
            _T.c.id,
            _T.c.subject,
            _T.c.status,
            _T.c.priority,
            _T.c.channel,
            _T.c.category,
            _C.c.name,
            _A.c.name,
            _TEAM.c.name,
            _T.c.created_at,
            _T.c.next_due_at,
            _T.c.next_risk_at,
            _T.c.complaint_due_at,
            _T.c.version,
            _T.c.solved_at,
            _C.c.vip,
        )
        .select_from(_T)
        .join(_C, _C.c.id == _T.c.customer_id)
        .join(_A, _A.c.id == _T.c.assignee_id, isouter=True)
        .join(_TEAM, _TEAM.c.id == _T.c.team_id, isouter=True)
    )


def _hinted(query: Any, view: View) -> Any:
    index = index_of(view)
    return query if index is None else query.with_hint(_T, f"INDEXED BY {index}", "sqlite")


@lru_cache(maxsize=256)
def _statement(view: View, bucket: int | None, mode: str) -> Any:
    """The statement of a view (one bucket of it), built once. ``mode``: first, after, from,
    before, upto, last. ``from`` / ``upto`` are the inclusive forms of ``after`` / ``before``
    (to re-anchor on a row). The solved view has no buckets (``bucket`` None)."""
    columns = _order(view, bucket)
    descending = view is View.SOLVED
    query = _select().where(*_filter(view))
    if bucket is not None:
        query = query.where(*_bucket(bucket))
    backwards = mode in ("before", "upto", "last")
    if mode not in ("first", "last"):
        left, right = tuple_(*columns), tuple_(*_key_params(view, bucket))
        inclusive = mode in ("from", "upto")
        if descending == backwards:  # moving towards larger keys
            query = query.where(left >= right if inclusive else left > right)
        else:
            query = query.where(left <= right if inclusive else left < right)
    ascending = descending == backwards
    query = query.order_by(*[c.asc() if ascending else c.desc() for c in columns]).limit(bindparam("limit"))
    return _hinted(query, view)


@lru_cache(maxsize=64)
def _count_statement(view: View, bucket: int | None, before_key: bool) -> Any:
    query = select(func.count()).select_from(_T).where(*_filter(view))
    if bucket is not None:
        query = query.where(*_bucket(bucket))
    if before_key:
        left, right = tuple_(*_order(view, bucket)), tuple_(*_key_params(view, bucket))
        query = query.where(left > right if view is View.SOLVED else left < right)
    return _hinted(query, view)


def _params(
    view: View, actor: Actor, now: datetime, key: SortKey | None = None, **extra: Any
) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now, "me": actor.id, "solved_since": now - SOLVED_RECENTLY, **extra}
    if key is not None:
        params.update({f"k{i}": value for i, value in enumerate(key)})
    return params


def _run(desk: Desk, statement: Any, params: dict[str, Any]) -> list[QueueItem]:
    with desk.store.read() as session:
        rows = session.connection().execute(statement, params).all()
    return [QueueItem(*row) for row in rows]


def _walk(
    desk: Desk, view: View, params: dict[str, Any], steps: list[tuple[int | None, str]], limit: int
) -> list[QueueItem]:
    """Run ``steps`` (bucket, mode) in order in one read transaction until ``limit`` rows are read."""
    rows: list[Any] = []
    with desk.store.read() as session:
        connection = session.connection()
        for bucket, mode in steps:
            params["limit"] = limit - len(rows)
            rows += connection.execute(_statement(view, bucket, mode), params).all()
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
    params = _params(view, actor, now, key)
    if view is View.SOLVED:
        steps: list[tuple[int | None, str]] = [(None, mode)]
    elif key is None:
        steps = [(b, "first") for b in range(4)]
    elif before is not None:
        steps = [(int(key[0]), mode)] + [(b, "last") for b in range(int(key[0]) - 1, -1, -1)]
    else:
        steps = [(int(key[0]), mode)] + [(b, "first") for b in range(int(key[0]) + 1, 4)]
    rows = _walk(desk, view, params, steps, limit)
    if before is not None:
        rows.reverse()
    return rows


def last_page(desk: Desk, actor: Actor, view: View, now: datetime, *, limit: int = 50) -> list[QueueItem]:
    """The last ``limit`` rows of the view, in view order."""
    steps: list[tuple[int | None, str]] = (
        [(None, "last")] if view is View.SOLVED else [(b, "last") for b in (3, 2, 1, 0)]
    )
    rows = _walk(desk, view, _params(view, actor, now), steps, limit)
    rows.reverse()
    return rows


def find(desk: Desk, actor: Actor, view: View, now: datetime, ticket_id: int) -> QueueItem | None:
    """The ticket's row if it belongs to the view now, else None."""
    statement = _find_statement(view)
    rows = _run(desk, statement, _params(view, actor, now, ticket=ticket_id))
    return rows[0] if rows else None


@lru_cache(maxsize=16)
def _find_statement(view: View) -> Any:
    return _select().where(*_filter(view), _T.c.id == bindparam("ticket"))


@lru_cache(maxsize=8)
def _next_statement(bucket: int) -> Any:
    columns = _order(View.UNASSIGNED, bucket)
    query = select(_T.c.id).where(*_filter(View.UNASSIGNED), *_bucket(bucket)).order_by(*columns).limit(1)
    return _hinted(query, View.UNASSIGNED)


def next_offered(connection: Any, actor: Actor, now: datetime) -> int | None:
    """The number of the first ticket of ``actor``'s unassigned view (what take-next claims), read
    on the caller's connection (the claim's write transaction): a seek per urgency bucket."""
    params = _params(View.UNASSIGNED, actor, now)
    for bucket in range(4):
        found = connection.execute(_next_statement(bucket), params).scalar()
        if found is not None:
            return int(found)
    return None


def rows_by_id(desk: Desk, ids: list[int]) -> dict[int, QueueItem]:
    """Rows of the given tickets, whatever view they are in."""
    if not ids:
        return {}
    statement = _select().where(_T.c.id.in_(bindparam("ids", expanding=True)))
    return {item.id: item for item in _run(desk, statement, {"ids": list(ids)})}


def rank(desk: Desk, actor: Actor, view: View, now: datetime, key: SortKey) -> int:
    """How many rows of the view come before ``key`` (the 0-based position of a row with that key)."""
    params = _params(view, actor, now, key)
    with desk.store.read() as session:
        connection = session.connection()
        if view is View.SOLVED:
            return int(connection.execute(_count_statement(view, None, True), params).scalar_one())
        bucket = int(key[0])
        total = int(connection.execute(_count_statement(view, bucket, True), params).scalar_one())
        for earlier in range(bucket):
            total += int(connection.execute(_count_statement(view, earlier, False), params).scalar_one())
        return total


def count(desk: Desk, actor: Actor, view: View, now: datetime) -> int:
    with desk.store.read() as session:
        result = session.connection().execute(_count_statement(view, None, False), _params(view, actor, now))
        return int(result.scalar_one())


def counts(desk: Desk, actor: Actor, now: datetime) -> dict[View, int]:
    """The size of every view, in one read transaction (the view tabs)."""
    params = _params(view=View.OPEN, actor=actor, now=now)
    with desk.store.read() as session:
        connection = session.connection()
        return {
            view: int(connection.execute(_count_statement(view, None, False), params).scalar_one())
            for view in View
        }
