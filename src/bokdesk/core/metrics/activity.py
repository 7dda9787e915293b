"""What each agent did in a period, from their history rows, against the business calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, cast, func, literal_column, select
from sqlalchemy.engine import Connection

from ..desk import Desk
from ..periods import Period
from .samples import parse_array, stop_times
from .sql import EVENT, as_utc, concat


@dataclass
class Activity:
    """What an agent did in the period, from their history rows, against the business calendar."""

    actions: int = 0
    active_hours: int = 0
    after_hours_actions: int = 0
    after_hours_hours: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "actions": self.actions,
            "active_hours": self.active_hours,
            "after_hours_actions": self.after_hours_actions,
            "after_hours_hours": self.after_hours_hours,
        }


def read_activity(conn: Connection, desk: Desk, period: Period, sqlite: bool) -> dict[int, Activity]:
    """Per agent: actions, distinct clock hours with an action, and those outside business hours.

    One pass over the agents' history rows of the period (a partial index on the time): each row
    gives its agent and its UTC hour; numpy counts the distinct (agent, hour) pairs. An hour wholly
    inside (or outside) the opening hours needs no more detail; the rare hour that an opening or
    closing time cuts (e.g. 08:30) is settled action by action.
    """
    e = EVENT.c
    if sqlite:  # the stored times as they are (numpy parses them): half the work for SQLite
        row = conn.execute(
            _hinted_event(
                select(concat(e.agent_id, sqlite), concat(e.at, sqlite)).where(
                    e.at >= period.start, e.at < period.end, e.agent_id.is_not(None)
                ),
                sqlite,
            )
        ).one()
        keys = ((stop_times(row[1], sqlite) // 3600) << 20) + parse_array(row[0])
    else:
        hour = cast(func.floor(func.extract("epoch", e.at) / 3600), BigInteger)
        row = conn.execute(
            select(concat(hour.op("*")(literal_column(str(1 << 20))).op("+")(e.agent_id), sqlite)).where(
                e.at >= period.start, e.at < period.end, e.agent_id.is_not(None)
            )
        ).one()
        keys = parse_array(row[0])
    # (hour, agent) keys, hour first: the rows come in time order, so the keys are nearly sorted
    # already and a stable sort (timsort) runs through them; then the distinct pairs and counts.
    keys.sort(kind="stable")
    if len(keys) == 0:
        return {}
    firsts = np.flatnonzero(np.diff(keys)) + 1
    pairs = keys[np.concatenate(([0], firsts))]
    actions = np.diff(np.concatenate(([0], firsts, [len(keys)])))
    agents = pairs & 0xFFFFF
    hours = (pairs >> 20) * 3600
    cal = desk.calendar
    opened = open_seconds(cal, period, hours, hours + 3600)
    closed = opened == 0
    size = int(agents.max()) + 1
    active = np.bincount(agents, minlength=size)
    total = np.bincount(agents, weights=actions, minlength=size)
    after_hours = np.bincount(agents, weights=closed, minlength=size)
    after_actions = np.bincount(agents, weights=actions * closed, minlength=size)
    out: dict[int, Activity] = {}
    for agent_id in np.flatnonzero(active).tolist():
        out[agent_id] = Activity(
            int(total[agent_id]),
            int(active[agent_id]),
            int(after_actions[agent_id]),
            int(after_hours[agent_id]),
        )
    # The rare hour an opening or closing time cuts (e.g. 08:30): settled action by action.
    for agent_id, start in zip(
        agents[(opened > 0) & (opened < 3600)].tolist(),
        hours[(opened > 0) & (opened < 3600)].tolist(),
        strict=True,
    ):
        begin = datetime.fromtimestamp(start, UTC)
        ats = (
            conn.execute(
                select(e.at).where(e.agent_id == agent_id, e.at >= begin, e.at < begin + timedelta(hours=1))
            )
            .scalars()
            .all()
        )
        outside = sum(1 for at in ats if not cal.is_open(as_utc(at).astimezone(UTC).replace(tzinfo=None)))
        out[agent_id].after_hours_actions += outside
        out[agent_id].after_hours_hours += 1 if outside else 0
    return out


def open_seconds(cal: Any, period: Period, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Seconds of business time in each ``[start, end)`` (epoch seconds), for instants around the
    period: the open intervals of its days as arrays, and a cumulative open-time function."""
    day, last = period.first - timedelta(days=1), period.last + timedelta(days=1)
    bounds: list[tuple[float, float]] = []
    while day <= last:
        bounds += [
            (a.replace(tzinfo=UTC).timestamp(), b.replace(tzinfo=UTC).timestamp())
            for a, b in cal.open_intervals(day)
        ]
        day += timedelta(days=1)
    if not bounds:
        return np.zeros(len(starts), dtype=np.int64)
    opens = np.array([a for a, _ in bounds])
    closes = np.array([b for _, b in bounds])
    before = np.concatenate(([0.0], np.cumsum(closes - opens)[:-1]))

    def cumulative(t: np.ndarray) -> np.ndarray:
        i = np.searchsorted(opens, t, side="right") - 1
        j = np.maximum(i, 0)
        inside = before[j] + np.minimum(t, closes[j]) - opens[j]
        return np.where(i < 0, 0.0, inside)

    return np.rint(cumulative(ends.astype(float)) - cumulative(starts.astype(float))).astype(np.int64)


def _hinted_event(query: Any, sqlite: bool) -> Any:
    return query.with_hint(EVENT, "INDEXED BY ix_event_m_agent_at", "sqlite") if sqlite else query
