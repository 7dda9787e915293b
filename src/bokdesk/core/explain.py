"""Explain a figure: for one ticket, the events that started, paused and stopped each clock.

Helpdesk users distrust response and resolution figures nobody can explain. This module replays a
ticket's history (``ticketevent`` rows) next to its stored timestamps and shows, for each clock
(pickup, first response, first resolution, resolution, and the complaint deadline):

- the event that started it (the contact's arrival, ``created_at``),
- every pause of the resolution clock (pending, or solved until a reopen) with both durations,
- the event that stopped it, who caused it, and the day the figure is counted on,
- the SLA target, its clock (business or calendar), the due and at-risk instants, and whether it
  was met or breached.

The stored durations are what reports aggregate; ``explain`` recomputes them from the timeline and
reports both, so a disagreement would show (tests assert there is none).

``explain_ticket(desk, number)`` returns a ``TicketExplanation``; ``to_json`` gives the stable
``"explain"`` object of ``bokdesk ticket show N --json``; ``describe`` gives translated lines for
the detail view. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from . import sla
from .clock import iso
from .desk import Desk
from .errors import NotFound
from .models import Ticket, TicketEvent

PICKUP = "pickup"
FIRST_RESPONSE = "first_response"
FIRST_RESOLUTION = "first_resolution"
RESOLUTION = "resolution"


def _aware(value: datetime | None) -> datetime | None:
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


def explain_ticket(desk: Desk, ticket_id: int, now: datetime | None = None) -> TicketExplanation:
    """Replay one ticket's clocks from its history (one short read transaction)."""
    now = _aware(now or desk.now())
    with desk.store.read() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound(f"Ticket #{ticket_id} does not exist.")
        events = sla.ticket_events(session, ticket_id)
        return explain(session, desk, ticket, events, now)  # type: ignore[arg-type]


def to_json(explanation: TicketExplanation) -> dict[str, Any]:
    return explanation.to_json()


def explain(
    session: Session, desk: Desk, ticket: Ticket, events: list[TicketEvent], now: datetime
) -> TicketExplanation:
    cal = desk.calendar
    policy = sla.policy_for(session, ticket.priority, ticket.category)
    frt_target, res_target = sla.targets(policy, ticket.direction)
    created = _aware(ticket.created_at)
    assert created is not None
    created_event = next((e for e in events if e.field == "created"), None)
    started = Mark(
        created,
        "created",
        created_event.actor if created_event else None,
        created_event.new_value if created_event else None,
    )

    def day_of(at: datetime | None) -> date | None:
        return cal.to_local(at.astimezone(UTC).replace(tzinfo=None)).date() if at else None

    def span(end: datetime | None) -> tuple[int | None, int | None]:
        if end is None:
            return None, None
        return sla.elapsed(cal, created, end, False), sla.elapsed(cal, created, end, True)

    clocks: list[ClockExplanation] = []

    # Pickup: first claim / assignment / response.
    picked = _aware(ticket.picked_up_at)
    stop = (
        _find_mark(events, picked, ("picked_up_at", "assignee", "reply", "call"), "picked_up")
        if picked
        else None
    )
    if picked is not None and picked == created and stop is None:
        stop = Mark(created, "opened_by_agent", started.actor)
    c_secs, b_secs = span(picked)
    clocks.append(
        ClockExplanation(
            PICKUP,
            started,
            stop,
            c_secs,
            b_secs,
            ticket.pickup_secs,
            ticket.pickup_bsecs,
            day_of(picked),
            state="stopped" if picked else "running",
        )
    )

    # First response.
    first = _aware(ticket.first_response_at)
    frt = ClockExplanation(
        FIRST_RESPONSE, started, None, *span(first), ticket.frt_secs, ticket.frt_bsecs, day_of(first)
    )
    if ticket.direction != "inbound":
        frt.state, frt.reason = "not_applicable", "outbound"
    else:
        if first is not None:
            frt.stopped = _find_mark(events, first, ("first_response_at", "reply", "call"), "first_response")
            if frt.stopped is None or (first == created and frt.stopped.event == "first_response"):
                frt.stopped = Mark(
                    first,
                    "opened_by_agent" if first == created else "first_response",
                    frt.stopped.actor if frt.stopped else started.actor,
                )
        frt_mark = _aware(sla.frt_stop(ticket))
        if first is None and frt_mark is not None:
            frt.stopped = _find_mark(events, frt_mark, ("solved_at", "status"), "solved")
            frt.reason = "solved_without_response"
        if frt_target is not None:
            frt.target_seconds, frt.target_business = frt_target.seconds, frt_target.business
            frt.due_at = _aware(ticket.frt_due_at)
            frt.risk_at = sla.risk_at(cal, frt.due_at, frt_target) if frt.due_at else None
            end = frt_mark or now
            frt.running_seconds = sla.elapsed(cal, created, end, frt_target.business)
            if frt_mark is None:
                frt.state = "running"
            else:
                frt.state = "breached" if frt.due_at and frt_mark > frt.due_at else "met"
                if first is None and frt.state == "met":
                    frt.state, frt.reason = "not_applicable", "solved_without_response"
        else:
            frt.state = "stopped" if first else "running"
    clocks.append(frt)

    # Resolution clocks: pauses from history.
    business = res_target.business if res_target else True
    pauses = _pauses(cal, events, now)
    if pauses and pauses[-1].end is None and pauses[-1].reason == "solved":
        pauses.pop()  # a solved ticket's clock has stopped; the pause begins only if it is reopened
    paused_replayed = sum((p.business_seconds if business else p.calendar_seconds) for p in pauses if p.end)
    done = ticket.status in sla.CLOSED_STATUSES
    first_solved = _aware(ticket.first_solved_at)
    first_res = ClockExplanation(
        FIRST_RESOLUTION,
        started,
        None,
        *span(first_solved),
        ticket.first_resolution_secs,
        ticket.first_resolution_bsecs,
        day_of(first_solved),
        state="stopped" if first_solved else "running",
    )
    if first_solved is not None:
        first_res.stopped = _solved_mark(events, first_solved, first=True)
    clocks.append(first_res)

    solved = _aware(ticket.solved_at) if done else None
    res = ClockExplanation(
        RESOLUTION,
        started,
        None,
        *span(solved),
        ticket.resolution_secs if done else None,
        ticket.resolution_bsecs if done else None,
        day_of(solved),
        pauses=pauses,
    )
    if solved is not None:
        res.stopped = _solved_mark(events, solved, first=False)
        if ticket.link_kind == "merged":
            res.reason = "merged"
    if res_target is not None:
        res.target_seconds, res.target_business = res_target.seconds, res_target.business
        res.due_at = _aware(ticket.resolution_due_at)
        mark = _aware(sla.resolution_mark(ticket))
        end = mark or now
        res.running_seconds = max(0, sla.elapsed(cal, created, end, business) - paused_replayed)
        if done:
            res.state = "breached" if res.due_at and end > res.due_at else "met"
        elif ticket.pending_since is not None:
            res.state = "paused"
        else:
            res.state = "running"
            res.risk_at = sla.risk_at(cal, res.due_at, res_target) if res.due_at else None
    else:
        res.state = "stopped" if done else ("paused" if ticket.pending_since else "running")
    clocks.append(res)

    complaint = None
    if ticket.complaint_due_at is not None:
        due = _aware(ticket.complaint_due_at)
        assert due is not None
        decided = _aware(ticket.complaint_decided_at)
        if decided is not None:
            state = "answered_in_time" if decided <= due else "answered_late"
        else:
            state = "overdue" if now >= due else "open"
        decided_by = None
        if decided is not None:
            e = next((e for e in reversed(events) if e.field == "complaint_decision"), None)
            decided_by = e.actor if e else None
        complaint = ComplaintExplanation(
            created,
            due,
            sla.complaint_days_left(cal, due, now),
            ticket.complaint_decision,
            decided,
            state,
            decided_by,
        )

    policy_json = None
    if policy is not None:
        policy_json = {
            "priority": policy.priority,
            "category": policy.category,
            "first_response_minutes": policy.first_response_minutes,
            "resolution_minutes": policy.resolution_minutes,
            "clock": "business" if policy.business_hours else "calendar",
        }
    return TicketExplanation(
        ticket.id,
        ticket.priority,
        ticket.category,
        policy_json,
        clocks,
        complaint,
        now,  # type: ignore[arg-type]
        ticket.paused_seconds,
        paused_replayed,
    )


def _find_mark(
    events: list[TicketEvent], at: datetime | None, fields: tuple[str, ...], name: str
) -> Mark | None:
    """The history row (of one of ``fields``) at exactly ``at`` that explains an instant."""
    if at is None:
        return None
    for wanted in fields:
        for e in events:
            if e.field == wanted and _aware(e.at) == at:
                event = {
                    "picked_up_at": "picked_up",
                    "assignee": "assigned",
                    "first_response_at": "first_response",
                    "solved_at": "solved",
                }.get(e.field, e.field)
                return Mark(at, event, e.actor, e.note)
    return Mark(at, name)


def _solved_mark(events: list[TicketEvent], at: datetime, *, first: bool) -> Mark:
    rows = [e for e in events if e.field == "solved_at"]
    row = (rows[0] if first else rows[-1]) if rows else None
    if row is None:
        merged = next((e for e in events if e.field == "parent_id"), None)
        if merged is not None:
            return Mark(at, "merged", merged.actor, f"#{merged.new_value}")
        return Mark(at, "solved")
    status = next(
        (
            e
            for e in events
            if e.field == "status"
            and e.new_value in ("solved", "closed")
            and e.id is not None
            and row.id is not None
            and e.id < row.id
            and e.id >= row.id - 3
        ),
        None,
    )
    note = status.note if status else None
    return Mark(at, "solved", row.actor, note)


def _pauses(cal: Any, events: list[TicketEvent], now: datetime) -> list[PauseSpan]:
    spans = []
    for pause in sla.pauses_from_events(events):
        start_event = next(
            (e for e in events if _aware(e.at) == pause.start and e.field in ("status", "solved_at")), None
        )
        start = Mark(
            pause.start,
            pause.reason,
            start_event.actor if start_event else None,
            start_event.note if start_event else None,
        )
        end = None
        until = now
        if pause.end is not None:
            end_event = next(
                (
                    e
                    for e in events
                    if _aware(e.at) == pause.end
                    and e.field == "status"
                    and e.old_value in sla.PAUSED_STATUSES
                ),
                None,
            )
            kind = (
                "reopened"
                if pause.reason == "solved" or (end_event and end_event.old_value == "solved")
                else "resumed"
            )
            end = Mark(
                pause.end, kind, end_event.actor if end_event else None, end_event.note if end_event else None
            )
            until = pause.end
        spans.append(
            PauseSpan(
                start,
                end,
                pause.reason,
                sla.elapsed(cal, pause.start, until, False),
                sla.elapsed(cal, pause.start, until, True),
            )
        )
    return spans


# ---------------------------------------------------------------------- words for people


def format_hours(seconds: int | float | None, *, compact: bool = False) -> str:
    """A business-clock duration in hours and minutes, never in days (a business "day" is not 24
    hours, so 39 business hours read "39 h", not "1 d 15 h"); ``—`` for None."""
    from ..i18n import _, format_duration, pgettext

    if seconds is None or seconds < 86400:
        return format_duration(seconds, compact=compact)
    hours, minutes = divmod(int(seconds) // 60, 60)
    h = pgettext("duration compact", "{n}h") if compact else _("{n} h")
    m = pgettext("duration compact", "{n}m") if compact else _("{n} min")
    return h.format(n=hours) + ((" " + m.format(n=minutes)) if minutes and hours < 100 else "")


def describe(explanation: TicketExplanation, tz: Any | None = None) -> list[str]:
    """The explanation as short translated lines for the detail view (plain text, no markup)."""
    from ..i18n import _, format_datetime, format_duration

    def when(at: datetime | None) -> str:
        return format_datetime(at, tz) if at else "—"

    names = {
        PICKUP: _("Pickup"),
        FIRST_RESPONSE: _("First response"),
        FIRST_RESOLUTION: _("First resolution"),
        RESOLUTION: _("Resolution"),
    }
    events = {
        "created": _("arrived"),
        "opened_by_agent": _("opened by the agent during the conversation"),
        "picked_up": _("taken"),
        "assigned": _("assigned"),
        "reply": _("reply"),
        "call": _("call logged"),
        "first_response": _("first public response"),
        "solved": _("solved"),
        "merged": _("merged"),
        "pending": _("waiting on the customer"),
        "reopened": _("reopened"),
        "resumed": _("customer answered"),
    }
    states = {
        "running": _("running"),
        "paused": _("paused"),
        "stopped": _("stopped"),
        "met": _("target met"),
        "breached": _("target breached"),
        "not_applicable": _("does not apply"),
    }
    lines: list[str] = []
    for clock in explanation.clocks:
        head = f"{names[clock.metric]}: {states.get(clock.state, clock.state)}"
        if clock.business_seconds is not None:
            head += " · " + _("{business} business, {calendar} calendar").format(
                business=format_hours(clock.business_seconds),
                calendar=format_duration(clock.calendar_seconds),
            )
        lines.append(head)
        lines.append(
            "  " + _("started {at}: {event}").format(at=when(clock.started.at), event=events["created"])
        )
        for pause in clock.pauses:
            text = _("paused {at}: {event}").format(
                at=when(pause.start.at), event=events.get(pause.reason, pause.reason)
            )
            if pause.end is not None:
                text += "; " + _("resumed {at}: {event}").format(
                    at=when(pause.end.at), event=events.get(pause.end.event, pause.end.event)
                )
            text += (
                " (" + _("{business} business").format(business=format_hours(pause.business_seconds)) + ")"
            )
            lines.append("  " + text)
        if clock.stopped is not None:
            who = f" ({clock.stopped.actor})" if clock.stopped.actor else ""
            lines.append(
                "  "
                + _("stopped {at}: {event}").format(
                    at=when(clock.stopped.at), event=events.get(clock.stopped.event, clock.stopped.event)
                )
                + who
            )
        if clock.target_seconds is not None:
            clock_name = _("business") if clock.target_business else _("calendar")
            span = format_hours if clock.target_business else format_duration
            lines.append(
                "  "
                + _("target {target} ({clock}), due {due}, used {used}").format(
                    target=span(clock.target_seconds),
                    clock=clock_name,
                    due=when(clock.due_at),
                    used=span(clock.running_seconds),
                )
            )
    if explanation.complaint is not None:
        c = explanation.complaint
        lines.append(
            _("Complaint: answer due {due}; {days} days left").format(due=when(c.due_at), days=c.days_left)
            if c.decided_at is None
            else _("Complaint: decided {at} ({decision}), due {due}").format(
                at=when(c.decided_at), decision=c.decision, due=when(c.due_at)
            )
        )
    return lines


__all__ = ["ClockExplanation", "TicketExplanation", "describe", "explain_ticket", "format_hours", "to_json"]
