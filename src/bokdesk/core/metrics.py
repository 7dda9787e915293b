"""Every figure of the desk's KPI document (metrics.md), for any period, with breakdowns and trends.

How a figure is computed (one definition for the stats screen, ``bokdesk report`` and exports):

- **Attribution.** A duration belongs to the period in which its clock stopped: pickup to the
  moment the ticket was first taken, first response (FRT) to the first public response, resolution
  to the last solve (only tickets that are solved or closed now: a reopened ticket counts again
  when it is solved again), first resolution and the reopen rate to the first solve. Volume counts
  tickets by ``created_at``; surveys by ``answered_at``. Periods are whole desk-local days.
- **Durations** are stored per ticket when a clock stops (``*_secs`` on the wall clock, ``*_bsecs``
  on the business calendar), so figures aggregate plain integers. Mean (rounded to the second),
  median (the mean of the two middle values for an even count, rounded down) and p90 (nearest rank:
  the smallest value with at least 90 % of the values at or below it).
- **SLA compliance** = targets met / targets decided in the period. A first-response target is
  decided by the first response (or, for a ticket solved without any response after its due time,
  by that solve); a resolution target by the last solve. Breaches follow ``core.sla``.
- **Reopen rate** = tickets first solved in the period that were later reopened / tickets first
  solved in the period (it can still grow while customers write back).
- **First-contact resolution** = inbound tickets solved in the period with exactly one public agent
  response and no transfer / inbound tickets solved in the period.
- **Transfers per ticket** = handovers (agent or team changes) of the tickets solved in the period,
  per ticket.
- **NPS** = 100 × (promoters 9-10 − detractors 0-6) / answers, rounded half away from zero; no
  answers gives None (shown "—"), never 0. **CSAT %** = answers 4-5 / answers on 1-5.
- **Backlog** = tickets in new / open / pending / on hold at a moment.
- Merged duplicates (closed into another ticket) count in the volume but in no solved-based figure.
- **Breakdowns** by agent, team (the ticket's team), channel, category and priority. An agent is
  credited with the clocks they stopped (core/credit.py): pickup to who first took or answered the
  ticket, first response to who sent it, first resolution and reopens to the first solver,
  resolution, its SLA, first-contact resolution and transfers to the last solver; received
  tickets to the assignee; surveys to the agent the answer credits. Where no agent stopped a clock
  (the system did, or data from before the credit was kept) the assignee is credited.

Scaling: one SQL pass per figure family (created, pickup, first response, solved, first solved)
over a covering index on that family's stop time, grouped by the five dimensions (and by week for
trends); the few hundred result rows are rolled up here. Medians and p90 come from the same pass:
each group's values arrive as one ``group_concat`` string and are sorted in C (no Python loop over
tickets). Roles are enforced here: agents get ``PermissionDenied``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    and_,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection

from . import periods, sla
from .desk import Actor, Desk
from .enums import ACTIVE_SQL, ACTIVE_STATUSES, Category, Channel, Priority, Status
from .kpi import nps_score
from .models import Agent, SurveyAnswer, Team, Ticket, TicketEvent
from .periods import Period, Week
from .roles import Permission, require

_T = Ticket.__table__  # type: ignore[attr-defined]


def _hinted(query: Any, index: str, sqlite: bool, table: Any = None) -> Any:
    """Pin SQLite to the index made for a query: without statistics its planner may pick the
    status index and read every closed ticket (or the agent index and read every survey). The
    store's SQLite compiler renders the hint (core/store.py); other databases never see it."""
    return (
        query.with_hint(_T if table is None else table, f"INDEXED BY {index}", "sqlite") if sqlite else query
    )


_S = SurveyAnswer.__table__  # type: ignore[attr-defined]
_A = Agent.__table__  # type: ignore[attr-defined]
_TM = Team.__table__  # type: ignore[attr-defined]
_E = TicketEvent.__table__  # type: ignore[attr-defined]

DIMENSIONS: tuple[str, ...] = ("agent", "team", "channel", "category", "priority")
ACTIVE = [s.value for s in ACTIVE_STATUSES]
DONE = [Status.SOLVED.value, Status.CLOSED.value]
DURATIONS: tuple[str, ...] = ("pickup", "first_response", "first_resolution", "resolution")
CLOCKS: tuple[str, ...] = ("business", "calendar")


# ---------------------------------------------------------------------- small pure functions


def ratio(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to four decimals; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return round(part / whole, 4)


def mean(total: int, count: int) -> int | None:
    """The mean in whole seconds, rounded half up; None for no values."""
    if count <= 0:
        return None
    return (2 * total + count) // (2 * count)


def median(values: Sequence[int]) -> int | None:
    """Sorted values -> the median (two middle values averaged, rounded down); None if empty."""
    n = len(values)
    if n == 0:
        return None
    return (values[(n - 1) // 2] + values[n // 2]) // 2


def p90(values: Sequence[int]) -> int | None:
    """Sorted values -> the 90th percentile by nearest rank; None if empty."""
    n = len(values)
    if n == 0:
        return None
    return values[(9 * n + 9) // 10 - 1]


# ---------------------------------------------------------------------- figures


@dataclass
class Durations:
    """One duration metric of one group on both clocks: count, mean, median and p90 (seconds)."""

    count: int = 0
    total_business: int = 0
    total_calendar: int = 0
    median_business: int | None = None
    p90_business: int | None = None
    median_calendar: int | None = None
    p90_calendar: int | None = None

    def stats(self, clock: str) -> dict[str, int | None]:
        if clock == "business":
            return {
                "mean": mean(self.total_business, self.count),
                "median": self.median_business,
                "p90": self.p90_business,
            }
        return {
            "mean": mean(self.total_calendar, self.count),
            "median": self.median_calendar,
            "p90": self.p90_calendar,
        }

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "business": self.stats("business"), "calendar": self.stats("calendar")}


@dataclass
class Figures:
    """Every figure of one group (the whole desk, one agent, one week...) for one period."""

    received: int = 0
    received_inbound: int = 0
    complaints_received: int = 0
    solved: int = 0
    first_solved: int = 0
    reopened: int = 0
    fcr_base: int = 0
    fcr: int = 0
    transfers: int = 0
    frt_targets: int = 0
    frt_breached: int = 0
    resolution_targets: int = 0
    resolution_breached: int = 0
    nps_answers: int = 0
    promoters: int = 0
    detractors: int = 0
    csat_answers: int = 0
    satisfied: int = 0
    pickup: Durations = field(default_factory=Durations)
    first_response: Durations = field(default_factory=Durations)
    first_resolution: Durations = field(default_factory=Durations)
    resolution: Durations = field(default_factory=Durations)

    def duration(self, name: str) -> Durations:
        return getattr(self, name)  # type: ignore[no-any-return]

    @property
    def nps(self) -> int | None:
        return nps_score(self.promoters, self.detractors, self.nps_answers)

    @property
    def csat(self) -> float | None:
        return ratio(self.satisfied, self.csat_answers)

    @property
    def frt_compliance(self) -> float | None:
        return ratio(self.frt_targets - self.frt_breached, self.frt_targets)

    @property
    def resolution_compliance(self) -> float | None:
        return ratio(self.resolution_targets - self.resolution_breached, self.resolution_targets)

    @property
    def sla_compliance(self) -> float | None:
        targets = self.frt_targets + self.resolution_targets
        return ratio(targets - self.frt_breached - self.resolution_breached, targets)

    @property
    def reopen_rate(self) -> float | None:
        return ratio(self.reopened, self.first_solved)

    @property
    def fcr_rate(self) -> float | None:
        return ratio(self.fcr, self.fcr_base)

    @property
    def transfers_per_ticket(self) -> float | None:
        return ratio(self.transfers, self.solved)

    def to_json(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "received_inbound": self.received_inbound,
            "solved": self.solved,
            "pickup": self.pickup.to_json(),
            "first_response": self.first_response.to_json(),
            "resolution": self.resolution.to_json(),
            "first_resolution": self.first_resolution.to_json(),
            "sla": {
                "first_response": {
                    "targets": self.frt_targets,
                    "met": self.frt_targets - self.frt_breached,
                    "breached": self.frt_breached,
                    "compliance": self.frt_compliance,
                },
                "resolution": {
                    "targets": self.resolution_targets,
                    "met": self.resolution_targets - self.resolution_breached,
                    "breached": self.resolution_breached,
                    "compliance": self.resolution_compliance,
                },
                "compliance": self.sla_compliance,
            },
            "reopen": {
                "first_solved": self.first_solved,
                "reopened": self.reopened,
                "rate": self.reopen_rate,
            },
            "first_contact_resolution": {
                "solved_inbound": self.fcr_base,
                "first_contact": self.fcr,
                "rate": self.fcr_rate,
            },
            "transfers": {
                "solved": self.solved,
                "transfers": self.transfers,
                "per_ticket": self.transfers_per_ticket,
            },
            "nps": {
                "answers": self.nps_answers,
                "promoters": self.promoters,
                "passives": self.nps_answers - self.promoters - self.detractors,
                "detractors": self.detractors,
                "score": self.nps,
            },
            "csat": {"answers": self.csat_answers, "satisfied": self.satisfied, "rate": self.csat},
            "complaints_received": self.complaints_received,
        }


# ---------------------------------------------------------------------- SQL: one pass per family
#
# Each family reads, over one time range, one row of comma-joined columns from its covering index:
# the ticket's dimensions packed into one integer, a few bit flags, and the durations on both
# clocks. numpy turns them into arrays; every breakdown is then counted (``bincount``) and ranked
# (one sort of the values, one radix sort of the group keys) in C. No GROUP BY sorter runs in SQL
# and no Python code touches single tickets.

# The ticket's ``dims_code`` (a generated column, see models.DIMS_CODE_SQL): agent (20 bits) |
# team (16) | channel (4) | category (4) | priority (4); enum values numbered from 1 in order.
AGENT_SHIFT, TEAM_SHIFT, CHANNEL_SHIFT, CATEGORY_SHIFT = 28, 12, 8, 4
CODES: dict[str, tuple[str, ...]] = {
    "channel": tuple(c.value for c in Channel),
    "category": tuple(c.value for c in Category),
    "priority": tuple(p.value for p in Priority),
}
OTHER = "other"


def _decode(name: str, codes: np.ndarray) -> np.ndarray:
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


def _key_value(name: str, key: int) -> Any:
    """A decoded group key back to the dimension's value (agent / team id, the enum text, or the
    index of a week)."""
    if name == "week":
        return key
    if name in ("agent", "team"):
        return None if key == 0 else key
    values = CODES[name]
    return values[key - 1] if 0 < key <= len(values) else OTHER


def _concat(column: Any, sqlite: bool) -> Any:
    if sqlite:
        return func.group_concat(column)
    return func.string_agg(cast(column, String), literal(","))


def _not_merged() -> Any:
    return or_(_T.c.link_kind.is_(None), _T.c.link_kind != "merged")


def _dimension_columns() -> list[Any]:
    c = _T.c
    return [c.assignee_id, c.team_id, c.channel, c.category, c.priority]


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
    return _T.c.metric_bits.op("&")(literal_column(str(mask))) == literal_column(str(value))


def _families() -> list[Family]:
    c = _T.c
    bits = lambda: c.metric_bits  # noqa: E731
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
_FAMILY = {f.name: f for f in FAMILIES}
_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class Sample:
    """One family's tickets in one range, as arrays (one element per ticket)."""

    codes: np.ndarray
    flags: np.ndarray
    business: np.ndarray
    calendar: np.ndarray
    stops: np.ndarray
    """When each clock stopped, in whole seconds since 1970 (read only when a sample serves several jobs)."""
    agents: np.ndarray = field(default_factory=lambda: _EMPTY)
    """The agent credited with each ticket's clock (read with the codes, for families with a credit)."""

    def __len__(self) -> int:
        return len(self.flags)

    def within(self, start: int, end: int) -> Sample:
        """The tickets whose clock stopped in ``[start, end)`` (whole seconds)."""
        mask = (self.stops >= start) & (self.stops < end)
        n = len(self.flags)

        def cut(values: np.ndarray) -> np.ndarray:
            return values[mask] if len(values) == n else _EMPTY

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
        return _decode(name, self.codes)


def _array(text: str | None, dtype: Any = np.int64) -> np.ndarray:
    if not text:
        return np.zeros(0, dtype=dtype)
    return np.fromstring(text, dtype=dtype, sep=",")  # type: ignore[call-overload]  # text mode, C parser


def _epoch(column: Any, sqlite: bool) -> Any:
    """Whole seconds since 1970 of a UTC timestamp column (floored)."""
    if sqlite:
        import sqlite3

        if sqlite3.sqlite_version_info >= (3, 38):
            return func.unixepoch(column)
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def _stop_times(text: str | None, sqlite: bool) -> np.ndarray:
    """Whole seconds since 1970 from a comma-joined column of stop times. On SQLite the stored
    text itself (``2026-11-24 13:30:00.000000``, UTC) is read, which costs SQLite half of
    converting each value, and numpy parses it in C: at a fixed width straight from the buffer."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    if not sqlite:
        return _array(text)
    width = 26
    raw = (text + ",").encode()
    if len(raw) % (width + 1) == 0 and raw[width :: width + 1] == b"," * (len(raw) // (width + 1)):
        values = np.frombuffer(raw, dtype=f"S{width + 1}").astype(f"S{width}")
    else:  # another width somewhere (written by hand?): parse each value
        values = np.array(text.split(","))
    return values.astype("datetime64[us]").astype("datetime64[s]").astype(np.int64)  # type: ignore[no-any-return]


def _read_sample(
    conn: Connection,
    family: Family,
    start: datetime,
    end: datetime,
    sqlite: bool,
    codes: bool = True,
    stops: bool = False,
) -> Sample:
    ts = family.stop
    columns = [
        _concat(_T.c.dims_code if codes else literal(0), sqlite),
        _concat(family.flags(), sqlite),
        _concat(ts if sqlite else _epoch(ts, sqlite), sqlite) if stops else literal(None),
    ]
    if family.duration is not None:
        _, cal, bus = family.duration
        columns += [_concat(bus, sqlite), _concat(cal, sqlite)]
    credit = codes and family.credit is not None
    if credit:
        columns.append(_concat(func.coalesce(family.credit, literal_column("0")), sqlite))
    query = _hinted(
        select(*columns).select_from(_T).where(ts >= start, ts < end, *family.where()), family.index, sqlite
    )
    row = conn.execute(query).one()
    flags = _array(row[1], np.int32)
    duration = family.duration is not None
    return Sample(
        _array(row[0]) if codes else np.zeros(len(flags), dtype=np.int64),
        flags,
        _array(row[3], np.int32) if duration else _EMPTY,
        _array(row[4], np.int32) if duration else _EMPTY,
        _stop_times(row[2], sqlite) if stops else _EMPTY,
        _array(row[-1]) if credit else _EMPTY,
    )


def _order_stats(
    sorted_values: np.ndarray, keys_by_value: np.ndarray | None, groups: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Median and p90 per group key. ``sorted_values`` are the values in ascending order and
    ``keys_by_value`` each value's group key in that order (None: a single group).

    A stable radix sort of the keys leaves each group contiguous and still sorted by value; the
    ranks are then plain index arithmetic.
    """
    if keys_by_value is None:
        ranked = sorted_values
    else:  # 16-bit keys (when they fit) sort by radix
        ranked = sorted_values[np.argsort(keys_by_value, kind="stable")]
    present = counts[groups]
    starts = np.concatenate(([0], np.cumsum(present)[:-1]))
    lo = ranked[starts + (present - 1) // 2].astype(np.int64)
    hi = ranked[starts + present // 2].astype(np.int64)
    tail = ranked[starts + (9 * present + 9) // 10 - 1]
    return (lo + hi) // 2, tail


def _fill(
    family: Family,
    sample: Sample,
    name: str | None,
    out: dict[Any, Figures],
    orders: dict[str, np.ndarray],
    keys: np.ndarray | None = None,
) -> None:
    """Add one family's figures for one breakdown (None = the whole desk; ``week`` with ``keys``
    the week of each ticket) into ``out``."""
    if len(sample) == 0:
        return
    if keys is None:
        keys = sample.keys(name or "")
    counts = np.bincount(keys)
    groups = np.flatnonzero(counts)
    flags = sample.flags

    def per_group(mask_or_weights: np.ndarray) -> np.ndarray:
        return np.bincount(keys, weights=mask_or_weights, minlength=len(counts))[groups]

    def has(bit: int) -> np.ndarray:
        return (flags & bit) != 0

    sums: dict[str, np.ndarray] = {}
    if family.name == "created":
        sums = {"received_inbound": per_group(has(INBOUND)), "complaints_received": per_group(has(COMPLAINT))}
    elif family.name == "first_response":
        target = has(FRT_TARGET)
        sums = {"frt_targets": per_group(target), "frt_breached": per_group(target & has(FRT_BREACHED))}
    elif family.name == "solved":
        target = has(RES_TARGET)
        inbound = has(INBOUND)
        sums = {
            "resolution_targets": per_group(target),
            "resolution_breached": per_group(target & has(RES_BREACHED)),
            "fcr_base": per_group(inbound),
            "fcr": per_group(inbound & has(ONE_RESPONSE)),
            "transfers": per_group(flags >> TRANSFERS_SHIFT),
        }
    elif family.name == "first_solved":
        # A first-response target decided by a solve without any response, after its due time.
        unanswered = has(FRT_TARGET) & has(FRT_BREACHED) & ~has(ANSWERED)
        sums = {
            "reopened": per_group(has(REOPENED)),
            "frt_targets": per_group(unanswered),
            "frt_breached": per_group(unanswered),
        }
    count_field = {"created": "received", "solved": "solved", "first_solved": "first_solved"}.get(family.name)
    stats: dict[str, Any] = {}
    if family.duration is not None:
        # The keys in 16 bits when they fit, once for both clocks: cheaper to gather, radix-sorted.
        narrow = keys.astype(np.uint16) if len(counts) <= 65536 else keys
        for clock, values in (("business", sample.business), ("calendar", sample.calendar)):
            order = orders.get(clock)
            if order is None:
                order = orders[clock] = np.argsort(values, kind="stable")  # timsort: durations repeat a lot
                orders[clock + ":sorted"] = values[order]
            med, tail = _order_stats(
                orders[clock + ":sorted"], narrow[order] if name else None, groups, counts
            )
            stats[clock] = (per_group(values), med, tail)
    for i, key in enumerate(groups.tolist()):
        figures = out.setdefault(_key_value(name, key) if name else None, Figures())
        n = int(counts[key])
        if count_field:
            setattr(figures, count_field, getattr(figures, count_field) + n)
        for field_name, array in sums.items():
            setattr(figures, field_name, getattr(figures, field_name) + int(array[i]))
        if family.duration is not None:
            total_b, med_b, p90_b = (x[i] for x in stats["business"])
            total_c, med_c, p90_c = (x[i] for x in stats["calendar"])
            figures.__setattr__(
                family.duration[0],
                Durations(n, int(total_b), int(total_c), int(med_b), int(p90_b), int(med_c), int(p90_c)),
            )


def _read_surveys(conn: Connection, start: datetime, end: datetime, sqlite: bool) -> list[Any]:
    """Survey counts per (agent credited, the ticket's packed dimensions)."""
    s, t = _S.c, _T.c
    nps, csat = s.nps, s.csat
    query = _hinted(
        select(
            s.agent_id,
            t.dims_code,
            func.count().filter(nps.is_not(None)),
            func.count().filter(nps >= 9),
            func.count().filter(nps <= 6),
            func.count().filter(csat.is_not(None)),
            func.count().filter(csat >= 4),
        )
        .select_from(_S.join(_T, t.id == s.ticket_id))
        .where(s.answered_at >= start, s.answered_at < end)
        .group_by(s.agent_id, t.dims_code),
        "ix_survey_answered_at",
        sqlite,
        _S,
    )
    return list(conn.execute(query))


def _fill_surveys(
    rows: list[Any], names: Sequence[str | None], out: dict[str | None, dict[Any, Figures]]
) -> None:
    for agent_id, code, answers, promoters, detractors, csat_answers, satisfied in rows:
        codes = np.array([int(code or 0)], dtype=np.int64)
        for name in names:
            if name is None:
                key = None
            elif name == "agent":
                key = agent_id
            else:
                key = _key_value(name, int(_decode(name, codes)[0]))
            figures = out[name].setdefault(key, Figures())
            figures.nps_answers += int(answers)
            figures.promoters += int(promoters)
            figures.detractors += int(detractors)
            figures.csat_answers += int(csat_answers)
            figures.satisfied += int(satisfied)


def _read_survey_points(
    conn: Connection, start: datetime, end: datetime, sqlite: bool
) -> tuple[np.ndarray, ...]:
    """Every survey answer in a range as arrays (answer time in seconds since 1970, NPS score and
    CSAT score, -1 for none): the weekly points of a whole trend come from this one query."""
    s = _S.c
    row = conn.execute(
        _hinted(
            select(
                _concat(_epoch(s.answered_at, sqlite), sqlite),
                _concat(func.coalesce(s.nps, literal_column("-1")), sqlite),
                _concat(func.coalesce(s.csat, literal_column("-1")), sqlite),
            ).where(s.answered_at >= start, s.answered_at < end),
            "ix_survey_answered_at",
            sqlite,
            _S,
        )
    ).one()
    return _array(row[0]), _array(row[1], np.int32), _array(row[2], np.int32)


def _add_survey_points(points: tuple[np.ndarray, ...], start: int, end: int, figures: Figures) -> None:
    at, nps, csat = points
    mask = (at >= start) & (at < end)
    nps, csat = nps[mask], csat[mask]
    figures.nps_answers += int(np.count_nonzero(nps >= 0))
    figures.promoters += int(np.count_nonzero(nps >= 9))
    figures.detractors += int(np.count_nonzero((nps >= 0) & (nps <= 6)))
    figures.csat_answers += int(np.count_nonzero(csat >= 0))
    figures.satisfied += int(np.count_nonzero(csat >= 4))


@dataclass(frozen=True)
class Read:
    """One time range to read every family over: with the packed dimensions and credits (for
    breakdowns) and / or each clock's stop time (to split the range into weekly points)."""

    start: datetime
    end: datetime
    codes: bool = False
    stops: bool = False


class _Reader:
    """Reads every figure family over each range, in order, in one read transaction (one consistent
    snapshot), on a thread of its own; the caller's thread meanwhile queries the rest and ranks
    what has arrived (SQLite and numpy both release the GIL). The ranges never overlap, so no
    ticket is read twice: a period, then the rest of its 13 weeks, serve the figures, every
    breakdown and the weekly points. Then the period's survey counts, and the survey answers of
    the weekly points in one query."""

    def __init__(
        self,
        desk: Desk,
        reads: Sequence[Read],
        surveys: tuple[datetime, datetime] | None,
        survey_points: tuple[datetime, datetime] | None,
    ) -> None:
        self.desk = desk
        self.reads = list(reads)
        self.surveys = surveys
        self.survey_points = survey_points
        self.items: queue.Queue[tuple[Any, Any]] = queue.Queue()
        self.arrived: dict[Any, Any] = {}
        self.thread = threading.Thread(target=self._run, name="bokdesk-metrics", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        sqlite = self.desk.store.is_sqlite
        try:
            with self.desk.store.read() as session:
                conn = session.connection()
                for i, read in enumerate(self.reads):
                    for family in FAMILIES:
                        self.items.put(
                            (
                                (i, family.name),
                                _read_sample(
                                    conn, family, read.start, read.end, sqlite, read.codes, read.stops
                                ),
                            )
                        )
                    if i == 0 and self.surveys is not None:
                        self.items.put(("surveys", _read_surveys(conn, *self.surveys, sqlite)))
                if self.survey_points is not None:
                    self.items.put(("survey_points", _read_survey_points(conn, *self.survey_points, sqlite)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self.items.put(("error", exc))

    def get(self, key: Any) -> Any:
        """What the thread read for ``key`` (waits for it); re-raises the thread's error."""
        while key not in self.arrived:
            what, payload = self.items.get()
            if what == "error":
                self.thread.join()
                raise payload
            self.arrived[what] = payload
        return self.arrived[key]

    def samples(self, i: int) -> dict[str, Sample]:
        return {family.name: self.get((i, family.name)) for family in FAMILIES}


def _merge(parts: Sequence[Sample]) -> Sample:
    """Several ranges' samples of one family as one (for splitting into weeks: stops and values)."""
    if len(parts) == 1:
        return parts[0]
    n = sum(len(p) for p in parts)

    def joined(name: str) -> np.ndarray:
        arrays = [getattr(p, name) for p in parts]
        return np.concatenate(arrays) if sum(len(a) for a in arrays) == n else _EMPTY

    return Sample(joined("codes"), joined("flags"), joined("business"), joined("calendar"), joined("stops"))


def _week_figures(
    week_list: Sequence[Week], samples: dict[str, Sample], points: tuple[np.ndarray, ...]
) -> list[WeekFigures]:
    """The whole desk's figures of each week from the samples of a span covering them all: each
    ticket's week is found from its stop time (a binary search over the week boundaries) and the
    weeks are then grouped like any breakdown (one sort per clock, not one per week)."""
    bounds = np.array([int(w.start.timestamp()) for w in week_list] + [int(week_list[-1].end.timestamp())])
    groups: dict[Any, Figures] = {}
    for family in FAMILIES:
        sample = samples[family.name].within(int(bounds[0]), int(bounds[-1]))
        weeks = np.searchsorted(bounds, sample.stops, side="right") - 1
        _fill(family, sample, "week", groups, {}, keys=weeks)
    out = []
    for i, week in enumerate(week_list):
        figures = groups.get(i, Figures())
        _add_survey_points(points, int(bounds[i]), int(bounds[i + 1]), figures)
        out.append(WeekFigures(week, figures))
    return out


def _outside(span: tuple[datetime, datetime], period: Period) -> list[tuple[datetime, datetime]]:
    """The parts of ``span`` that the period does not cover (none, one or two ranges)."""
    start, end = span
    if period.end <= start or period.start >= end:
        return [span]
    parts = []
    if start < period.start:
        parts.append((start, period.start))
    if period.end < end:
        parts.append((period.end, end))
    return parts


# ---------------------------------------------------------------------- backlog, complaints, agents


@dataclass
class Backlog:
    """Tickets in new / open / pending / on hold at a moment."""

    at: datetime
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    unassigned: int = 0
    at_risk: int = 0
    breached: int = 0
    oldest_created_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        from .clock import iso

        return {
            "at": iso(self.at),
            "total": self.total,
            "by_status": self.by_status,
            "unassigned": self.unassigned,
            "at_risk": self.at_risk,
            "breached": self.breached,
            "oldest_created_at": iso(self.oldest_created_at),
        }


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _read_backlog(conn: Connection, now: datetime) -> tuple[Backlog, dict[tuple[Any, ...], dict[str, int]]]:
    """The backlog now, in total and per dimension value (open load per agent, per team...)."""
    c = _T.c
    dims = _dimension_columns()
    query = (
        select(
            *dims,
            c.status,
            func.count(),
            func.count().filter(c.assignee_id.is_(None)),
            func.count().filter(and_(c.next_due_at >= now, c.next_risk_at <= now)),
            func.count().filter(c.next_due_at < now),
            func.min(c.created_at),
        )
        .where(c.status.in_(ACTIVE))
        .group_by(*dims, c.status)
    )
    backlog = Backlog(now)
    per_key: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in conn.execute(query):
        key, status = tuple(row[:5]), row[5]
        n, unassigned, at_risk, breached, oldest = row[6:]
        backlog.total += n
        backlog.by_status[status] = backlog.by_status.get(status, 0) + n
        backlog.unassigned += unassigned
        backlog.at_risk += at_risk
        backlog.breached += breached
        oldest_dt = _as_datetime(oldest)
        if oldest_dt is not None and (
            backlog.oldest_created_at is None or oldest_dt < backlog.oldest_created_at
        ):
            backlog.oldest_created_at = oldest_dt
        cell = per_key.setdefault(key, {"open": 0, "at_risk": 0, "breached": 0})
        cell["open"] += n
        cell["at_risk"] += at_risk
        cell["breached"] += breached
    for status in ACTIVE:
        backlog.by_status.setdefault(status, 0)
    return backlog, per_key


def backlog_at(desk: Desk, actor: Actor, at: datetime) -> int:
    """How many tickets were in new / open / pending / on hold at the instant ``at`` (exact).

    Never-reopened tickets are active from ``created_at`` until their first solve; the few tickets
    that were reopened are replayed from their status history.
    """
    require(actor, Permission.VIEW_REPORTS)
    with desk.store.read() as session:
        conn = session.connection()
        return _backlog_at(conn, at)


def _backlog_at(conn: Connection, at: datetime) -> int:
    c = _T.c
    # Tickets created by ``at`` minus those first solved by then, counted from the recent end so
    # that only the short ranges after ``at`` are read: never solved - created after + solved after.
    never_solved = conn.execute(select(func.count()).where(c.first_solved_at.is_(None))).scalar_one()
    created_after = conn.execute(select(func.count()).where(c.created_at > at)).scalar_one()
    solved_after = conn.execute(select(func.count()).where(c.first_solved_at > at)).scalar_one()
    count = int(never_solved) - int(created_after) + int(solved_after)
    # Reopened tickets first solved by then count if their last status change before ``at`` made
    # them active again.
    # A literal 0 (not a bound parameter): SQLite can then use the partial index on reopened tickets.
    candidates = select(c.id).where(
        c.reopen_count > literal_column("0"),
        c.first_solved_at <= at,
        or_(c.status.in_(ACTIVE), c.solved_at > at),
    )
    last_change = (
        select(func.max(_E.c.id))
        .where(_E.c.ticket_id.in_(candidates), _E.c.field == "status", _E.c.at <= at)
        .group_by(_E.c.ticket_id)
    )
    reopened = conn.execute(
        select(func.count()).where(_E.c.id.in_(last_change), _E.c.new_value.in_(ACTIVE))
    ).scalar_one()
    return count + int(reopened)


@dataclass
class Complaint:
    number: int
    subject: str
    received_at: datetime
    due_at: datetime
    days_left: int
    status: str
    assignee: str | None
    team: str | None

    def to_json(self) -> dict[str, Any]:
        from .clock import iso

        return {
            "number": self.number,
            "subject": self.subject,
            "received_at": iso(self.received_at),
            "due_at": iso(self.due_at),
            "days_left": self.days_left,
            "status": self.status,
            "assignee": self.assignee,
            "team": self.team,
        }


@dataclass
class Complaints:
    open: list[Complaint]
    open_total: int
    overdue: int
    closed_without_decision: int
    decided: int
    decided_in_time: int
    received: int

    def to_json(self) -> dict[str, Any]:
        return {
            "open_total": self.open_total,
            "overdue": self.overdue,
            "closed_without_decision": self.closed_without_decision,
            "received": self.received,
            "decided": self.decided,
            "decided_in_time": self.decided_in_time,
            "on_time_rate": ratio(self.decided_in_time, self.decided),
            "open": [c.to_json() for c in self.open],
        }


def _read_complaints(
    conn: Connection, desk: Desk, period: Period, now: datetime, limit: int, received: int
) -> Complaints:
    c = _T.c
    sqlite = desk.store.is_sqlite
    undecided = and_(c.complaint_due_at.is_not(None), c.complaint_decided_at.is_(None))
    active = c.status.in_(ACTIVE)
    # Open ones among the active tickets (their partial index, schema 0004: the backlog, not every
    # complaint ever received); the closed ones without a decision among the undecided complaints.
    active_index = "ix_ticket_active_due"
    active = text(f"ticket.{ACTIVE_SQL}")  # literals: SQLite matches them to the partial index
    open_total, overdue = conn.execute(
        _hinted(
            select(func.count(), func.count().filter(c.complaint_due_at <= now)).where(active, undecided),
            active_index,
            sqlite,
        )
    ).one()
    closed_without = conn.execute(
        _hinted(
            select(func.count()).where(undecided, c.status.in_(DONE), _not_merged()),
            "ix_ticket_m_complaint_open",
            sqlite,
        )
    ).scalar_one()
    assignee = _A.alias("assignee")
    rows = conn.execute(
        _hinted(
            select(c.id, c.subject, c.created_at, c.complaint_due_at, c.status, assignee.c.name, _TM.c.name)
            .select_from(
                _T.outerjoin(assignee, assignee.c.id == c.assignee_id).outerjoin(_TM, _TM.c.id == c.team_id)
            )
            .where(active, undecided)
            .order_by(c.complaint_due_at, c.id)
            .limit(limit),
            active_index,
            sqlite,
        )
    ).all()
    items = []
    for number, subject, created, due, status, who, team in rows:
        due_dt = _as_datetime(due)
        assert due_dt is not None
        items.append(
            Complaint(
                number,
                subject,
                _as_datetime(created),
                due_dt,  # type: ignore[arg-type]
                sla.complaint_days_left(desk.calendar, due_dt, now),
                status,
                who,
                team,
            )
        )
    decided, in_time = conn.execute(
        _hinted(
            select(func.count(), func.count().filter(c.complaint_decided_at <= c.complaint_due_at)).where(
                c.complaint_decided_at >= period.start,
                c.complaint_decided_at < period.end,
                c.complaint_decided_at.is_not(None),
                c.complaint_due_at.is_not(None),
            ),
            "ix_ticket_m_complaint_decided",
            sqlite,
        )
    ).one()
    return Complaints(
        items, int(open_total), int(overdue), int(closed_without), int(decided), int(in_time), received
    )


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


def _read_activity(conn: Connection, desk: Desk, period: Period, sqlite: bool) -> dict[int, Activity]:
    """Per agent: actions, distinct clock hours with an action, and those outside business hours.

    One pass over the agents' history rows of the period (a partial index on the time): each row
    gives its agent and its UTC hour; numpy counts the distinct (agent, hour) pairs. An hour wholly
    inside (or outside) the opening hours needs no more detail; the rare hour that an opening or
    closing time cuts (e.g. 08:30) is settled action by action.
    """
    e = _E.c
    if sqlite:  # the stored times as they are (numpy parses them): half the work for SQLite
        row = conn.execute(
            _hinted_event(
                select(_concat(e.agent_id, sqlite), _concat(e.at, sqlite)).where(
                    e.at >= period.start, e.at < period.end, e.agent_id.is_not(None)
                ),
                sqlite,
            )
        ).one()
        keys = ((_stop_times(row[1], sqlite) // 3600) << 20) + _array(row[0])
    else:
        hour = cast(func.floor(func.extract("epoch", e.at) / 3600), BigInteger)
        row = conn.execute(
            select(_concat(hour.op("*")(literal_column(str(1 << 20))).op("+")(e.agent_id), sqlite)).where(
                e.at >= period.start, e.at < period.end, e.agent_id.is_not(None)
            )
        ).one()
        keys = _array(row[0])
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
    opened = _open_seconds(cal, period, hours, hours + 3600)
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
        outside = sum(
            1 for at in ats if not cal.is_open(_as_datetime(at).astimezone(UTC).replace(tzinfo=None))
        )  # type: ignore[union-attr]
        out[agent_id].after_hours_actions += outside
        out[agent_id].after_hours_hours += 1 if outside else 0
    return out


def _open_seconds(cal: Any, period: Period, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
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
    return query.with_hint(_E, "INDEXED BY ix_event_m_agent_at", "sqlite") if sqlite else query


# ---------------------------------------------------------------------- the report


@dataclass
class Row:
    """One line of a breakdown: a dimension value with its figures."""

    key: Any
    label: str
    figures: Figures
    open: int = 0
    at_risk: int = 0
    breached: int = 0
    activity: Activity | None = None
    login: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "key": self.key,
            "label": self.label,
            **self.figures.to_json(),
            "backlog": {"open": self.open, "at_risk": self.at_risk, "breached": self.breached},
        }
        if self.activity is not None:
            data["activity"] = self.activity.to_json()
        if self.login is not None:
            data["login"] = self.login
        return data


@dataclass
class WeekFigures:
    week: Week
    figures: Figures

    def to_json(self) -> dict[str, Any]:
        from .clock import iso

        return {
            "week": self.week.label,
            "from": self.week.monday.isoformat(),
            "start": iso(self.week.start),
            "end": iso(self.week.end),
            **self.figures.to_json(),
        }


@dataclass
class Report:
    period: Period
    generated_at: datetime
    timezone: str
    totals: Figures
    breakdowns: dict[str, list[Row]]
    backlog: Backlog
    complaints: Complaints
    weeks: list[WeekFigures]
    backlog_at_end: int | None = None

    def to_json(self) -> dict[str, Any]:
        from .clock import iso

        return {
            "schema": "bokdesk.report/1",
            "generated_at": iso(self.generated_at),
            "timezone": self.timezone,
            "period": {
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
                "start": iso(self.period.start),
                "end": iso(self.period.end),
                "days": self.period.days,
            },
            "totals": {**self.totals.to_json(), "backlog_at_end": self.backlog_at_end},
            "backlog": self.backlog.to_json(),
            "complaints": self.complaints.to_json(),
            "breakdowns": {name: [r.to_json() for r in rows] for name, rows in self.breakdowns.items()},
            "weeks": [w.to_json() for w in self.weeks],
        }


def report_stages(
    desk: Desk,
    actor: Actor,
    period: Period,
    *,
    by: Iterable[str] = DIMENSIONS,
    weeks: int = 0,
    now: datetime | None = None,
    complaints_limit: int = 200,
    tiles_first: bool = False,
) -> Iterator[Report]:
    """The report of ``report()`` as it fills, for a screen that paints as figures arrive: first
    the whole desk's figures with the backlog and the complaints (no breakdowns, no weeks), then
    with every breakdown (if ``by``), then with the weekly points (if ``weeks``). Each yielded
    report is a new object (an earlier one is never changed); the last one is ``report()``'s.

    One pass: the period's tickets are read once (with their dimensions and stop times) and the
    rest of the 13 weeks once more, never the same rows twice; breakdowns and weeks are grouped
    from the same arrays. ``tiles_first`` (a screen): the agents' activity, which only the tables
    need, is read after the first stage instead of while the tickets are.
    """
    require(actor, Permission.VIEW_REPORTS)
    by = tuple(by)
    for name in by:
        if name not in DIMENSIONS:
            from .errors import ValidationError

            raise ValidationError(f"Unknown breakdown {name!r}; use one of: {', '.join(DIMENSIONS)}.")
    now = now or desk.now()
    tz = desk.calendar.tz
    sqlite = desk.store.is_sqlite
    week_list = periods.last_weeks(tz, now, weeks) if weeks else []
    span = (week_list[0].start, week_list[-1].end) if week_list else None
    reads = [Read(period.start, period.end, codes=bool(by), stops=bool(week_list))]
    if span is not None:
        reads += [Read(start, end, stops=True) for start, end in _outside(span, period)]
    reader = _Reader(desk, reads, (period.start, period.end), span)
    # Meanwhile, on this thread: the backlog, the complaints and the agents' activity.
    with desk.store.read() as session:
        conn = session.connection()
        backlog, open_by_key = _read_backlog(conn, now)
        complaints = _read_complaints(conn, desk, period, now, complaints_limit, 0)
        backlog_end = _backlog_at(conn, period.end) if period.end <= now else backlog.total
        labels = _labels(conn) if by else {}
        activity = _read_activity(conn, desk, period, sqlite) if "agent" in by and not tiles_first else {}
    # Each family is ranked as it arrives, while the next one is read: the whole desk first; its
    # breakdowns too, except the last family's, which wait until the totals have been handed out.
    orders: dict[str, dict[str, np.ndarray]] = {family.name: {} for family in FAMILIES}
    whole: dict[Any, Figures] = {}
    groups: dict[str | None, dict[Any, Figures]] = {name: {} for name in by}
    samples: dict[str, Sample] = {}
    for n, family in enumerate(FAMILIES):
        sample = samples[family.name] = reader.get((0, family.name))
        _fill(family, sample, None, whole, orders[family.name])
        if n < len(FAMILIES) - 1:
            for name in by:
                _fill(family, sample, name, groups[name], orders[family.name])
    survey_rows = reader.get("surveys")
    _fill_surveys(survey_rows, [None], {None: whole})
    totals = whole.get(None, Figures())
    complaints.received = totals.complaints_received
    current = Report(period, now, tz.key, totals, {}, backlog, complaints, [], backlog_end)
    yield current
    if by:
        if tiles_first and "agent" in by:
            with desk.store.read() as session:
                activity = _read_activity(session.connection(), desk, period, sqlite)
        last = FAMILIES[-1]
        for name in by:
            _fill(last, samples[last.name], name, groups[name], orders[last.name])
        _fill_surveys(survey_rows, by, groups)
        breakdowns = {name: _breakdown(name, groups[name], open_by_key, labels, activity) for name in by}
        current = replace(current, breakdowns=breakdowns)
        yield current
    if week_list:
        merged = {
            family.name: _merge([reader.get((i, family.name)) for i in range(len(reads))])
            for family in FAMILIES
        }
        current = replace(current, weeks=_week_figures(week_list, merged, reader.get("survey_points")))
        yield current
    reader.thread.join()


def report(
    desk: Desk,
    actor: Actor,
    period: Period,
    *,
    by: Iterable[str] = DIMENSIONS,
    weeks: int = 0,
    now: datetime | None = None,
    complaints_limit: int = 200,
) -> Report:
    """Every figure for ``period``, broken down ``by`` the given dimensions, with ``weeks`` weekly
    trend points (the weeks ending with the current one). Supervisors and admins only."""
    stages = report_stages(
        desk, actor, period, by=by, weeks=weeks, now=now, complaints_limit=complaints_limit
    )
    *_, result = stages  # the last stage is the whole report
    return result


def weekly(
    desk: Desk, actor: Actor, weeks: int = periods.WEEKS, now: datetime | None = None
) -> list[WeekFigures]:
    """The whole desk's figures for each of the last ``weeks`` local weeks (oldest first): one
    pass over the span of every week, split by each clock's stop time."""
    require(actor, Permission.VIEW_REPORTS)
    week_list = periods.last_weeks(desk.calendar.tz, now or desk.now(), weeks)
    span = (week_list[0].start, week_list[-1].end)
    reader = _Reader(desk, [Read(*span, stops=True)], None, span)
    result = _week_figures(week_list, reader.samples(0), reader.get("survey_points"))
    reader.thread.join()
    return result


def _labels(conn: Connection) -> dict[str, dict[Any, tuple[str, str | None]]]:
    agents = {row.id: (row.name, row.login) for row in conn.execute(select(_A.c.id, _A.c.name, _A.c.login))}
    teams = {row.id: (row.name, None) for row in conn.execute(select(_TM.c.id, _TM.c.name))}
    return {"agent": agents, "team": teams}


def _breakdown(
    name: str,
    groups: dict[Any, Figures],
    open_by_key: dict[tuple[Any, ...], dict[str, int]],
    labels: dict[str, dict[Any, tuple[str, str | None]]],
    activity: dict[int, Activity],
) -> list[Row]:
    index = DIMENSIONS.index(name)
    loads: dict[Any, dict[str, int]] = {}
    for key, cell in open_by_key.items():
        value = key[index]
        if name not in ("agent", "team") and value not in CODES[name]:
            value = OTHER
        target = loads.setdefault(value, {"open": 0, "at_risk": 0, "breached": 0})
        for field_name, n in cell.items():
            target[field_name] += n
    keys = set(groups) | set(loads)
    if name in ("agent", "team"):
        keys |= set(labels[name])
    if name == "agent":
        keys |= set(activity)
    rows = []
    for key in keys:
        label, login = labels.get(name, {}).get(key, (None, None))
        if label is None:
            label = "—" if key is None else str(key)
        load = loads.get(key, {})
        rows.append(
            Row(
                key,
                label,
                groups.get(key, Figures()),
                load.get("open", 0),
                load.get("at_risk", 0),
                load.get("breached", 0),
                activity.get(key, Activity()) if name == "agent" else None,
                login if name == "agent" else None,
            )
        )
    rows.sort(key=lambda r: (-r.figures.solved, -r.open, r.label))
    return rows


# ---------------------------------------------------------------------- drill-down


@dataclass(frozen=True)
class DrillRow:
    number: int
    subject: str
    status: str
    priority: str
    channel: str
    assignee: str | None
    at: datetime | None
    seconds: int | None
    breached: bool | None


DRILL_FIGURES: dict[str, str] = {
    "received": "created",
    "pickup": "pickup",
    "first_response": "first_response",
    "frt_breached": "first_response",
    "resolution": "solved",
    "solved": "solved",
    "resolution_breached": "solved",
    "fcr": "solved",
    "reopened": "first_solved",
    "first_resolution": "first_solved",
}


def drill_down(
    desk: Desk,
    actor: Actor,
    figure: str,
    period: Period,
    *,
    dimension: str | None = None,
    value: Any = None,
    clock: str = "business",
    limit: int = 500,
    offset: int = 0,
) -> list[DrillRow]:
    """The tickets behind a figure (the same family, period and dimension value as the figure),
    longest duration first. ``figure`` is one of ``DRILL_FIGURES``, or ``open`` / ``breached_open``
    for the current backlog."""
    require(actor, Permission.VIEW_REPORTS)
    c = _T.c
    assignee = _A.alias("assignee")
    conditions: list[Any] = []
    if figure in ("open", "breached_open", "at_risk_open"):
        now = desk.now()
        conditions.append(c.status.in_(ACTIVE))
        if figure == "breached_open":
            conditions.append(c.next_due_at < now)
        elif figure == "at_risk_open":
            conditions += [c.next_due_at >= now, c.next_risk_at <= now]
        ts, secs, breached, credit = c.created_at, None, None, None
    else:
        family_name = DRILL_FIGURES.get(figure)
        if family_name is None:
            from .errors import ValidationError

            raise ValidationError(
                f"Cannot drill into {figure!r}; use one of: {', '.join(sorted(DRILL_FIGURES))}, "
                "open, at_risk_open, breached_open."
            )
        family = next(f for f in FAMILIES if f.name == family_name)
        ts, credit = family.stop, family.credit
        conditions += [ts >= period.start, ts < period.end, *family.where()]
        secs = None
        breached = None
        if family.duration is not None:
            _, cal, bus = family.duration
            secs = bus if clock == "business" else cal
        if family_name == "first_response":
            breached = c.frt_breached
        elif family_name == "solved":
            breached = c.resolution_breached
        if figure == "frt_breached":
            conditions += [c.frt_due_at.is_not(None), c.frt_breached.is_(True)]
        elif figure == "resolution_breached":
            conditions += [c.resolution_due_at.is_not(None), c.resolution_breached.is_(True)]
        elif figure == "fcr":
            conditions += [c.direction == "inbound", c.public_response_count == 1, c.transfer_count == 0]
        elif figure == "reopened":
            conditions.append(c.reopen_count > 0)
    if dimension is not None:
        if dimension not in DIMENSIONS:
            from .errors import ValidationError

            raise ValidationError(f"Unknown breakdown {dimension!r}; use one of: {', '.join(DIMENSIONS)}.")
        column = _dimension_columns()[DIMENSIONS.index(dimension)]
        if dimension == "agent" and credit is not None:  # the agent the figure credits
            column = func.coalesce(credit, c.assignee_id)
        conditions.append(column.is_(None) if value is None else column == value)
    order = [secs.desc()] if secs is not None else [ts.desc()]
    query = (
        select(
            c.id,
            c.subject,
            c.status,
            c.priority,
            c.channel,
            assignee.c.name,
            ts,
            secs if secs is not None else literal(None),
            breached if breached is not None else literal(None),
        )
        .select_from(_T.outerjoin(assignee, assignee.c.id == c.assignee_id))
        .where(*conditions)
        .order_by(*order, c.id)
        .limit(limit)
        .offset(offset)
    )
    with desk.store.read() as session:
        rows = session.connection().execute(query).all()
    return [
        DrillRow(
            r[0], r[1], r[2], r[3], r[4], r[5], _as_datetime(r[6]), r[7], None if r[8] is None else bool(r[8])
        )
        for r in rows
    ]


__all__ = [
    "DIMENSIONS",
    "Figures",
    "Report",
    "backlog_at",
    "drill_down",
    "mean",
    "median",
    "nps_score",
    "p90",
    "report",
]
