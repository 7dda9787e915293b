"""The replay: one ticket's history next to its stored timestamps, clock by clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from .. import sla
from ..desk import Desk
from ..errors import NotFound
from ..models import Ticket, TicketEvent
from .shapes import (
    FIRST_RESOLUTION,
    FIRST_RESPONSE,
    PICKUP,
    RESOLUTION,
    ClockExplanation,
    ComplaintExplanation,
    Mark,
    PauseSpan,
    TicketExplanation,
    aware,
)


def explain_ticket(desk: Desk, ticket_id: int, now: datetime | None = None) -> TicketExplanation:
    """Replay one ticket's clocks from its history (one short read transaction)."""
    now = aware(now or desk.now())
    with desk.store.read() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("ticket_missing", number=ticket_id)
        events = sla.ticket_events(session, ticket_id)
        return explain(session, desk, ticket, events, now)


def to_json(explanation: TicketExplanation) -> dict[str, Any]:
    return explanation.to_json()


def explain(
    session: Session, desk: Desk, ticket: Ticket, events: list[TicketEvent], now: datetime
) -> TicketExplanation:
    cal = desk.calendar
    policy = sla.policy_for(session, ticket.priority, ticket.category)
    frt_target, res_target = sla.targets(policy, ticket.direction)
    created = aware(ticket.created_at)
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
    picked = aware(ticket.picked_up_at)
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
    first = aware(ticket.first_response_at)
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
        frt_mark = aware(sla.frt_stop(ticket))
        if first is None and frt_mark is not None:
            frt.stopped = _find_mark(events, frt_mark, ("solved_at", "status"), "solved")
            frt.reason = "solved_without_response"
        if frt_target is not None:
            frt.target_seconds, frt.target_business = frt_target.seconds, frt_target.business
            frt.due_at = aware(ticket.frt_due_at)
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
    first_solved = aware(ticket.first_solved_at)
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

    solved = aware(ticket.solved_at) if done else None
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
        res.due_at = aware(ticket.resolution_due_at)
        mark = aware(sla.resolution_mark(ticket))
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
        due = aware(ticket.complaint_due_at)
        assert due is not None
        decided = aware(ticket.complaint_decided_at)
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
    assert ticket.id is not None  # read from the database
    return TicketExplanation(
        ticket.id,
        ticket.priority,
        ticket.category,
        policy_json,
        clocks,
        complaint,
        now,
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
            if e.field == wanted and aware(e.at) == at:
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
            (e for e in events if aware(e.at) == pause.start and e.field in ("status", "solved_at")), None
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
                    if aware(e.at) == pause.end and e.field == "status" and e.old_value in sla.PAUSED_STATUSES
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
