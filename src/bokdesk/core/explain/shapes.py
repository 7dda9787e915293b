"""What an explanation of a ticket's clocks holds, and its ``"explain"`` JSON object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, overload

from ..clock import iso

PICKUP = "pickup"
FIRST_RESPONSE = "first_response"
FIRST_RESOLUTION = "first_resolution"
RESOLUTION = "resolution"


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
@overload
def aware(value: datetime | None) -> datetime | None: ...
def aware(value: datetime | None) -> datetime | None:
    """A stored instant as an aware UTC datetime (SQLite gives naive UTC); None stays None."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Mark:
    """An instant on a clock and what caused it."""

    at: datetime
    event: str
    """created, picked_up, assigned, reply, call, first_response, solved, pending, reopened, ..."""
    actor: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"at": iso(self.at), "event": self.event, "actor": self.actor, "note": self.note}


@dataclass(frozen=True)
class PauseSpan:
    """One pause of the resolution clock."""

    start: Mark
    end: Mark | None
    reason: str
    """``pending`` (waiting on the customer) or ``solved`` (until the customer reopened it)."""
    calendar_seconds: int
    business_seconds: int

    def to_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "from": self.start.to_json(),
            "to": self.end.to_json() if self.end else None,
            "calendar_seconds": self.calendar_seconds,
            "business_seconds": self.business_seconds,
        }


@dataclass
class ClockExplanation:
    """One clock of one ticket."""

    metric: str
    started: Mark
    stopped: Mark | None
    calendar_seconds: int | None
    """The metric's duration, started -> stopped, wall clock (None while it runs)."""
    business_seconds: int | None
    stored_calendar_seconds: int | None = None
    stored_business_seconds: int | None = None
    counted_on: date | None = None
    """The desk-local day the figure is attributed to (the day its clock stopped)."""
    pauses: list[PauseSpan] = field(default_factory=list)
    target_seconds: int | None = None
    target_business: bool | None = None
    due_at: datetime | None = None
    risk_at: datetime | None = None
    running_seconds: int | None = None
    """Time counted against the target so far, in the target's clock, pauses excluded."""
    state: str = "running"
    """running, paused, stopped (no target), met, breached, not_applicable."""
    reason: str | None = None
    """Why a clock does not apply (outbound ticket, solved before any response, ...)."""

    @property
    def breached(self) -> bool | None:
        if self.target_seconds is None:
            return None
        return self.state == "breached" or (
            self.state in ("running", "paused")
            and self.running_seconds is not None
            and self.running_seconds > self.target_seconds
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "state": self.state,
            "reason": self.reason,
            "started": self.started.to_json(),
            "stopped": self.stopped.to_json() if self.stopped else None,
            "counted_on": self.counted_on.isoformat() if self.counted_on else None,
            "calendar_seconds": self.calendar_seconds,
            "business_seconds": self.business_seconds,
            "stored": {
                "calendar_seconds": self.stored_calendar_seconds,
                "business_seconds": self.stored_business_seconds,
            },
            "pauses": [p.to_json() for p in self.pauses],
            "target": None
            if self.target_seconds is None
            else {
                "seconds": self.target_seconds,
                "clock": "business" if self.target_business else "calendar",
                "running_seconds": self.running_seconds,
                "due_at": iso(self.due_at),
                "at_risk_from": iso(self.risk_at),
                "breached": self.breached,
            },
        }


@dataclass
class ComplaintExplanation:
    received_at: datetime
    due_at: datetime
    days_left: int
    decision: str | None
    decided_at: datetime | None
    state: str
    """open, overdue, answered_in_time, answered_late."""
    decided_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "received_at": iso(self.received_at),
            "due_at": iso(self.due_at),
            "days_left": self.days_left,
            "decision": self.decision,
            "decided_at": iso(self.decided_at),
            "decided_by": self.decided_by,
            "state": self.state,
        }


@dataclass
class TicketExplanation:
    number: int
    priority: str
    category: str
    policy: dict[str, Any] | None
    clocks: list[ClockExplanation]
    complaint: ComplaintExplanation | None
    at: datetime
    paused_seconds_stored: int
    paused_seconds_replayed: int

    def clock(self, metric: str) -> ClockExplanation:
        return next(c for c in self.clocks if c.metric == metric)

    def to_json(self) -> dict[str, Any]:
        return {
            "at": iso(self.at),
            "policy": self.policy,
            "clocks": [c.to_json() for c in self.clocks],
            "paused_seconds": {
                "stored": self.paused_seconds_stored,
                "replayed": self.paused_seconds_replayed,
            },
            "complaint": self.complaint.to_json() if self.complaint else None,
        }
