"""The tables the figures are read from, and the SQL pieces every pass shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, cast, func, literal, or_

from ..enums import ACTIVE_STATUSES, Status
from ..models import Agent, SurveyAnswer, Team, Ticket, TicketEvent, table_of

TICKET = table_of(Ticket)
SURVEY = table_of(SurveyAnswer)
AGENT = table_of(Agent)
TEAM = table_of(Team)
EVENT = table_of(TicketEvent)

DIMENSIONS: tuple[str, ...] = ("agent", "team", "channel", "category", "priority")
"""The breakdowns, in the order of ``dimension_columns``."""
ACTIVE = [s.value for s in ACTIVE_STATUSES]
DONE = [Status.SOLVED.value, Status.CLOSED.value]


def hinted(query: Any, index: str, sqlite: bool, table: Any = None) -> Any:
    """Pin SQLite to the index made for a query: without statistics its planner may pick the
    status index and read every closed ticket (or the agent index and read every survey). The
    store's SQLite compiler renders the hint (core/store.py); other databases never see it."""
    return (
        query.with_hint(TICKET if table is None else table, f"INDEXED BY {index}", "sqlite")
        if sqlite
        else query
    )


def concat(column: Any, sqlite: bool) -> Any:
    """A column's values of every row read, joined by commas (one string)."""
    if sqlite:
        return func.group_concat(column)
    return func.string_agg(cast(column, String), literal(","))


def epoch(column: Any, sqlite: bool) -> Any:
    """Whole seconds since 1970 of a UTC timestamp column (floored)."""
    if sqlite:
        import sqlite3

        if sqlite3.sqlite_version_info >= (3, 38):
            return func.unixepoch(column)
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def not_merged() -> Any:
    return or_(TICKET.c.link_kind.is_(None), TICKET.c.link_kind != "merged")


def dimension_columns() -> list[Any]:
    c = TICKET.c
    return [c.assignee_id, c.team_id, c.channel, c.category, c.priority]


def as_utc(value: Any) -> datetime:
    """A timestamp of a column that is never null, as read by a core query (SQLite gives text), as
    an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def as_datetime(value: Any) -> datetime | None:
    """A timestamp as read by a core query as an aware UTC datetime; None stays None."""
    return None if value is None else as_utc(value)
