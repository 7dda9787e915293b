"""One family's tickets in one range read as arrays: the pass over the covering index and the
parsing of its comma-joined columns in C."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, literal, literal_column, select
from sqlalchemy.engine import Connection

from .families import AGENT_SHIFT, Family, decode
from .sql import TICKET, concat, epoch, hinted

EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class Sample:
    """One family's tickets in one range, as arrays (one element per ticket)."""

    codes: np.ndarray
    flags: np.ndarray
    business: np.ndarray
    calendar: np.ndarray
    stops: np.ndarray
    """When each clock stopped, in whole seconds since 1970 (read only when a sample serves several jobs)."""
    agents: np.ndarray = field(default_factory=lambda: EMPTY)
    """The agent credited with each ticket's clock (read with the codes, for families with a credit)."""

    def __len__(self) -> int:
        return len(self.flags)

    def within(self, start: int, end: int) -> Sample:
        """The tickets whose clock stopped in ``[start, end)`` (whole seconds)."""
        mask = (self.stops >= start) & (self.stops < end)
        n = len(self.flags)

        def cut(values: np.ndarray) -> np.ndarray:
            return values[mask] if len(values) == n else EMPTY

        return Sample(
            self.codes[mask],
            self.flags[mask],
            cut(self.business),
            cut(self.calendar),
            self.stops[mask],
            cut(self.agents),
        )

    def keys(self, name: str) -> np.ndarray:
        """Each ticket's group key for one breakdown; agents by credit (the assignee where none)."""
        if name == "agent" and len(self.agents) == len(self.flags):
            return np.where(self.agents > 0, self.agents, self.codes >> AGENT_SHIFT)
        return decode(name, self.codes)


def parse_array(text: str | None, dtype: Any = np.int64) -> np.ndarray:
    """The integers of a comma-joined column, parsed in C."""
    if not text:
        return np.zeros(0, dtype=dtype)
    return np.fromstring(text, dtype=dtype, sep=",")  # text mode: the C parser


def stop_times(text: str | None, sqlite: bool) -> np.ndarray:
    """Whole seconds since 1970 from a comma-joined column of stop times. On SQLite the stored
    text itself (``2026-11-24 13:30:00.000000``, UTC) is read, which costs SQLite half of
    converting each value, and numpy parses it in C: at a fixed width straight from the buffer."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    if not sqlite:
        return parse_array(text)
    width = 26
    raw = (text + ",").encode()
    if len(raw) % (width + 1) == 0 and raw[width :: width + 1] == b"," * (len(raw) // (width + 1)):
        values = np.frombuffer(raw, dtype=f"S{width + 1}").astype(f"S{width}")
    else:  # another width somewhere (written by hand?): parse each value
        values = np.array(text.split(","))
    return values.astype("datetime64[us]").astype("datetime64[s]").astype(np.int64)


def read_sample(
    conn: Connection,
    family: Family,
    start: datetime,
    end: datetime,
    sqlite: bool,
    codes: bool = True,
    stops: bool = False,
) -> Sample:
    """One family's tickets whose clock stopped in ``[start, end)``: with their packed dimensions
    and credits (``codes``) and / or their stop times (``stops``)."""
    ts = family.stop
    columns = [
        concat(TICKET.c.dims_code if codes else literal(0), sqlite),
        concat(family.flags(), sqlite),
        concat(ts if sqlite else epoch(ts, sqlite), sqlite) if stops else literal(None),
    ]
    if family.duration is not None:
        _, cal, bus = family.duration
        columns += [concat(bus, sqlite), concat(cal, sqlite)]
    credit = codes and family.credit is not None
    if credit:
        columns.append(concat(func.coalesce(family.credit, literal_column("0")), sqlite))
    query = hinted(
        select(*columns).select_from(TICKET).where(ts >= start, ts < end, *family.where()),
        family.index,
        sqlite,
    )
    row = conn.execute(query).one()
    flags = parse_array(row[1], np.int32)
    duration = family.duration is not None
    return Sample(
        parse_array(row[0]) if codes else np.zeros(len(flags), dtype=np.int64),
        flags,
        parse_array(row[3], np.int32) if duration else EMPTY,
        parse_array(row[4], np.int32) if duration else EMPTY,
        stop_times(row[2], sqlite) if stops else EMPTY,
        parse_array(row[-1]) if credit else EMPTY,
    )


def merge(parts: Sequence[Sample]) -> Sample:
    """Several ranges' samples of one family as one (for splitting into weeks: stops and values)."""
    if len(parts) == 1:
        return parts[0]
    n = sum(len(p) for p in parts)

    def joined(name: str) -> np.ndarray:
        arrays = [getattr(p, name) for p in parts]
        return np.concatenate(arrays) if sum(len(a) for a in arrays) == n else EMPTY

    return Sample(joined("codes"), joined("flags"), joined("business"), joined("calendar"), joined("stops"))
