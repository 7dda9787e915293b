"""The queue views, each defined once: the tickets it holds, the index its pages seek into, and its
order. Plain SQL and the standard library only, so the console's fast start can use it before
SQLAlchemy is imported.

Every view but the solved one is ordered by urgency: breached, at risk, running, no target
(``BUCKETS``, each a range of ``next_due_at`` that depends on ``now``), then due time, age and
number. No index can hold that order, but each bucket is walked in the order of the view's partial
covering index (migration 0004), so a page is a few seeks and never a sort. The solved view walks
``ix_ticket_solved_at`` backwards.

``select_sql`` and ``count_sql`` render a view's statements as SQL text with named parameters
(``:now``, ``:me``, ``:solved_since``, the key ``:k0``.. and ``:limit``): ``core.paging`` runs them
through SQLAlchemy (the keyset pager, ``ticket list``, take-next) and ``ui.boot`` through
``sqlite3`` (the fast start's first page). The filters carry the partial indexes' ``WHERE``
literally (``ACTIVE_SQL``): bound parameters would not prove that the index applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .enums import ACTIVE_SQL, WAITING_STATUSES, Category, Status, View

SOLVED_RECENTLY = timedelta(days=7)
BY_ASSIGNEE = "ix_ticket_active_assignee"
BY_DUE = "ix_ticket_active_due"
BY_SOLVED = "ix_ticket_solved_at"

_ACTIVE = f"ticket.{ACTIVE_SQL}"
_WAITING = ", ".join(f"'{s.value}'" for s in WAITING_STATUSES)
_DONE = f"'{Status.SOLVED.value}', '{Status.CLOSED.value}'"


@dataclass(frozen=True)
class Bucket:
    """One urgency bucket: a range of ``next_due_at``, walked by ``order`` (ticket columns, ascending)."""

    name: str
    where: str
    order: tuple[str, ...]


_BY_DUE_TIME = ("next_due_at", "created_at", "id")
BUCKETS: tuple[Bucket, ...] = (
    Bucket("breached", "ticket.next_due_at < :now", _BY_DUE_TIME),
    Bucket("at_risk", "ticket.next_due_at >= :now AND ticket.next_risk_at <= :now", _BY_DUE_TIME),
    Bucket(
        "ok",
        "ticket.next_due_at >= :now AND (ticket.next_risk_at > :now OR ticket.next_risk_at IS NULL)",
        _BY_DUE_TIME,
    ),
    Bucket("none", "ticket.next_due_at IS NULL", ("created_at", "id")),
)
BUCKET_OF = {bucket.name: number for number, bucket in enumerate(BUCKETS)}  # a row's ``sla_state``
URGENCY_KEY = ("bucket", "next_due_at", "created_at", "id")
SOLVED_KEY = ("solved_at", "id")


@dataclass(frozen=True)
class QueueView:
    """A view: ``where`` (SQL over ``ticket``), the partial index it names on SQLite (None: the
    planner's choice), and whether it is ordered by urgency or, newest first, by solved time."""

    view: View
    where: str
    index: str | None
    by_urgency: bool = True

    @property
    def key(self) -> tuple[str, ...]:
        """What a row's sort key holds (``paging.sort_key``), in order."""
        return URGENCY_KEY if self.by_urgency else SOLVED_KEY

    def order(self, bucket: int | None) -> tuple[str, ...]:
        """The ticket columns a bucket (or the solved view, ``bucket`` None) is walked by."""
        return BUCKETS[bucket].order if bucket is not None else SOLVED_KEY


# Offered to an agent (view 2, take-next): the tickets of their team and of no team; the team is a
# scalar subquery on :me (a primary-key look-up), so one statement serves every agent.
_OFFERED = (
    "(ticket.team_id IS NULL OR ticket.team_id = (SELECT agent.team_id FROM agent WHERE agent.id = :me))"
)

VIEWS: dict[View, QueueView] = {
    View.MINE: QueueView(View.MINE, f"{_ACTIVE} AND ticket.assignee_id = :me", BY_ASSIGNEE),
    View.UNASSIGNED: QueueView(
        View.UNASSIGNED, f"{_ACTIVE} AND ticket.assignee_id IS NULL AND {_OFFERED}", BY_ASSIGNEE
    ),
    View.OPEN: QueueView(View.OPEN, _ACTIVE, BY_DUE),
    View.WAITING: QueueView(View.WAITING, f"{_ACTIVE} AND ticket.status IN ({_WAITING})", BY_DUE),
    View.SLA: QueueView(View.SLA, f"{_ACTIVE} AND ticket.next_risk_at <= :now", BY_DUE),
    View.COMPLAINTS: QueueView(
        View.COMPLAINTS, f"{_ACTIVE} AND ticket.category = '{Category.COMPLAINT.value}'", BY_DUE
    ),
    # ``status || ''`` keeps the planner off the status index: walking ix_ticket_solved_at backwards
    # gives the rows in view order, while the status index would visit every closed ticket ever.
    View.SOLVED: QueueView(
        View.SOLVED,
        f"(ticket.status || '') IN ({_DONE}) AND ticket.solved_at >= :solved_since",
        None,
        by_urgency=False,
    ),
}

# A queue row (``queue_rows.QueueItem``), in field order.
ROW_COLUMNS = (
    "ticket.id",
    "ticket.subject",
    "ticket.status",
    "ticket.priority",
    "ticket.channel",
    "ticket.category",
    "customer.name",
    "assignee.name",
    "team.name",
    "ticket.created_at",
    "ticket.next_due_at",
    "ticket.next_risk_at",
    "ticket.complaint_due_at",
    "ticket.version",
    "ticket.solved_at",
    "customer.vip",
)
ROW_JOINS = (
    "JOIN customer ON customer.id = ticket.customer_id "
    "LEFT OUTER JOIN agent AS assignee ON assignee.id = ticket.assignee_id "
    "LEFT OUTER JOIN team ON team.id = ticket.team_id"
)
INSTANT_COLUMNS = frozenset({"created_at", "next_due_at", "next_risk_at", "complaint_due_at", "solved_at"})

# How a page is read: from the start or the end of a bucket, or after / before a key (``from`` and
# ``upto`` are the inclusive forms, to re-anchor a window on a row).
MODES = ("first", "last", "after", "from", "before", "upto")


def _ticket(view: View, hint: bool) -> str:
    index = VIEWS[view].index
    return f"ticket INDEXED BY {index}" if hint and index else "ticket"


def _where(view: View, bucket: int | None) -> str:
    where = VIEWS[view].where
    return where if bucket is None else f"{where} AND {BUCKETS[bucket].where}"


def _keyset(view: View, bucket: int | None, operator: str) -> str:
    """``(columns) <op> (:k..)``: the bucket's (or solved view's) order columns against the key."""
    defn = VIEWS[view]
    columns = defn.order(bucket)
    left = ", ".join(f"ticket.{c}" for c in columns)
    right = ", ".join(f":k{defn.key.index(c)}" for c in columns)
    return f"({left}) {operator} ({right})"


def select_sql(view: View, bucket: int | None, mode: str, *, hint: bool = True) -> str:
    """A page of a view (one bucket of it; the solved view has none) in ``mode``, ``:limit`` rows.
    ``hint`` names the view's index (SQLite's ``INDEXED BY``; other databases have no such clause)."""
    defn = VIEWS[view]
    descending = not defn.by_urgency
    backwards = mode in ("before", "upto", "last")
    where = _where(view, bucket)
    if mode not in ("first", "last"):
        inclusive = mode in ("from", "upto")
        larger = descending == backwards  # moving towards larger keys
        where += " AND " + _keyset(view, bucket, (">" if larger else "<") + ("=" if inclusive else ""))
    direction = "ASC" if descending == backwards else "DESC"
    order = ", ".join(f"ticket.{c} {direction}" for c in defn.order(bucket))
    return (
        f"SELECT {', '.join(ROW_COLUMNS)} FROM {_ticket(view, hint)} {ROW_JOINS} "
        f"WHERE {where} ORDER BY {order} LIMIT :limit"
    )


def count_sql(view: View, bucket: int | None = None, *, before_key: bool = False, hint: bool = True) -> str:
    """How many rows a view (or one bucket of it) holds; with ``before_key``, those before ``:k..``."""
    where = _where(view, bucket)
    if before_key:
        where += " AND " + _keyset(view, bucket, "<" if VIEWS[view].by_urgency else ">")
    return f"SELECT count(*) FROM {_ticket(view, hint)} WHERE {where}"


def find_sql(view: View) -> str:
    """The row of ``:ticket`` if it is in the view (by primary key: no index named)."""
    return f"SELECT {', '.join(ROW_COLUMNS)} FROM ticket {ROW_JOINS} WHERE {_where(view, None)} AND ticket.id = :ticket"


def first_id_sql(view: View, bucket: int, *, hint: bool = True) -> str:
    """The number of the first ticket of one bucket of a view (take-next)."""
    order = ", ".join(f"ticket.{c}" for c in VIEWS[view].order(bucket))
    return (
        f"SELECT ticket.id FROM {_ticket(view, hint)} WHERE {_where(view, bucket)} ORDER BY {order} LIMIT 1"
    )


ROWS_BY_ID_SQL = f"SELECT {', '.join(ROW_COLUMNS)} FROM ticket {ROW_JOINS} WHERE ticket.id IN :ids"


def parameters(sql: str) -> list[str]:
    """The named parameters of a statement, each once, in order of appearance."""
    return list(dict.fromkeys(re.findall(r"(?<![:\w]):(\w+)", sql)))


def instant_parameters(view: View) -> frozenset[str]:
    """The parameters of a view's statements that are instants (bound as the ticket's timestamps)."""
    keys = {f"k{i}" for i, column in enumerate(VIEWS[view].key) if column in INSTANT_COLUMNS}
    return frozenset({"now", "solved_since", *keys})


def bucket_walk(view: View, mode: str, key: tuple[Any, ...] | None) -> list[tuple[int | None, str]]:
    """The (bucket, mode) steps that read a page in view order, nearest first: the key's bucket in
    ``mode``, then the following buckets from their start (or, going backwards, the earlier ones
    from their end). The solved view has a single step."""
    if not VIEWS[view].by_urgency:
        return [(None, mode)]
    if mode == "last":
        return [(b, "last") for b in range(len(BUCKETS) - 1, -1, -1)]
    if key is None:
        return [(b, "first") for b in range(len(BUCKETS))]
    start: int = int(key[0])
    if mode in ("before", "upto"):
        rest: list[tuple[int | None, str]] = [(b, "last") for b in range(start - 1, -1, -1)]
    else:
        rest = [(b, "first") for b in range(start + 1, len(BUCKETS))]
    return [(start, mode), *rest]
