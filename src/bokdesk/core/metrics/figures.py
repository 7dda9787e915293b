"""The figures of one group for one period, and the pure arithmetic they are made of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..kpi import nps_score

DURATIONS: tuple[str, ...] = ("pickup", "first_response", "first_resolution", "resolution")
CLOCKS: tuple[str, ...] = ("business", "calendar")


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
        durations: Durations = getattr(self, name)
        return durations

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
