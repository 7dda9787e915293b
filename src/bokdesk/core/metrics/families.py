"""The figure families: tickets whose clock of one kind stopped in a range, each read over its own
covering index, and how a ticket's dimensions and flags are packed into integers.

Each family reads, over one time range, one row of comma-joined columns from its covering index:
the ticket's dimensions packed into one integer, a few bit flags, and the durations on both
clocks. numpy turns them into arrays; every breakdown is then counted (``bincount``) and ranked
(one sort of the values, one radix sort of the group keys) in C. No GROUP BY sorter runs in SQL
and no Python code touches single tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import literal, literal_column

from ..enums import Category, Channel, Priority
from .sql import TICKET

# The ticket's ``dims_code`` (a generated column, see models.DIMS_CODE_SQL): agent (20 bits) |
# team (16) | channel (4) | category (4) | priority (4); enum values numbered from 1 in order.
AGENT_SHIFT, TEAM_SHIFT, CHANNEL_SHIFT, CATEGORY_SHIFT = 28, 12, 8, 4
CODES: dict[str, tuple[str, ...]] = {
    "channel": tuple(c.value for c in Channel),
    "category": tuple(c.value for c in Category),
    "priority": tuple(p.value for p in Priority),
}
OTHER = "other"


def decode(name: str, codes: np.ndarray) -> np.ndarray:
    """The group key of each row for one breakdown (0 = none / other)."""
    if name == "agent":
        return codes >> AGENT_SHIFT
    if name == "team":
        return (codes >> TEAM_SHIFT) & 0xFFFF
    if name == "channel":
        return (codes >> CHANNEL_SHIFT) & 0xF
    if name == "category":
        return (codes >> CATEGORY_SHIFT) & 0xF
    if name == "priority":
        return codes & 0xF
    return np.zeros(len(codes), dtype=np.int64)


def key_value(name: str, key: int) -> Any:
    """A decoded group key back to the dimension's value (agent / team id, the enum text, or the
    index of a week)."""
    if name == "week":
        return key
    if name in ("agent", "team"):
        return None if key == 0 else key
    values = CODES[name]
    return values[key - 1] if 0 < key <= len(values) else OTHER


@dataclass(frozen=True)
class Family:
    """Tickets whose clock of one kind stopped in a range: which index, which rows, which flags."""

    name: str
    index: str
    stop: Any
    where: Callable[[], list[Any]]
    flags: Callable[[], Any]
    duration: tuple[str, Any, Any] | None = None
    """(figure name, calendar column, business column)."""
    credit: Any = None
    """The agent credited (core/credit.py: who stopped the clock); None: the assignee."""


# Bits of ``ticket.metric_bits`` (a generated column, see models.METRIC_BITS_SQL).
INBOUND, COMPLAINT, FRT_TARGET, FRT_BREACHED = 1, 2, 4, 8
RES_TARGET, RES_BREACHED, ONE_RESPONSE, REOPENED = 16, 32, 64, 128
ANSWERED, DONE_BIT, MERGED = 256, 512, 1024
TRANSFERS_SHIFT = 16


def _bits(mask: int, value: int) -> Any:
    """``metric_bits & mask = value`` (a literal mask, so it costs one AND per row)."""
    return TICKET.c.metric_bits.op("&")(literal_column(str(mask))) == literal_column(str(value))


def _families() -> list[Family]:
    c = TICKET.c

    def bits() -> Any:
        return c.metric_bits

    return [
        Family("created", "ix_ticket_m_created", c.created_at, list, bits),
        Family(
            "pickup",
            "ix_ticket_m_pickup",
            c.picked_up_at,
            lambda: [c.pickup_secs.is_not(None)],
            lambda: literal(0),
            ("pickup", c.pickup_secs, c.pickup_bsecs),
            c.picked_up_by_id,
        ),
        Family(
            "first_response",
            "ix_ticket_m_frt",
            c.first_response_at,
            lambda: [c.frt_secs.is_not(None)],
            bits,
            ("first_response", c.frt_secs, c.frt_bsecs),
            c.first_responder_id,
        ),
        Family(
            "solved",
            "ix_ticket_m_solved",
            c.solved_at,
            lambda: [_bits(DONE_BIT | MERGED, DONE_BIT), c.resolution_secs.is_not(None)],
            bits,
            ("resolution", c.resolution_secs, c.resolution_bsecs),
            c.solver_id,
        ),
        Family(
            "first_solved",
            "ix_ticket_m_first_solved",
            c.first_solved_at,
            lambda: [_bits(MERGED, 0), c.first_resolution_secs.is_not(None)],
            bits,
            ("first_resolution", c.first_resolution_secs, c.first_resolution_bsecs),
            c.first_solver_id,
        ),
    ]


FAMILIES = _families()
FAMILY = {f.name: f for f in FAMILIES}
