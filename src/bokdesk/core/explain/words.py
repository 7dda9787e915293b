"""An explanation in words for people: short translated lines, hours that never become days."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...i18n import _, format_datetime, format_duration, pgettext
from .shapes import FIRST_RESOLUTION, FIRST_RESPONSE, PICKUP, RESOLUTION, TicketExplanation


def format_hours(seconds: int | float | None, *, compact: bool = False) -> str:
    """A business-clock duration in hours and minutes, never in days (a business "day" is not 24
    hours, so 39 business hours read "39 h", not "1 d 15 h"); ``—`` for None."""
    if seconds is None or seconds < 86400:
        return format_duration(seconds, compact=compact)
    hours, minutes = divmod(int(seconds) // 60, 60)
    h = pgettext("duration compact", "{n}h") if compact else _("{n} h")
    m = pgettext("duration compact", "{n}m") if compact else _("{n} min")
    return h.format(n=hours) + ((" " + m.format(n=minutes)) if minutes and hours < 100 else "")


def describe(explanation: TicketExplanation, tz: Any | None = None) -> list[str]:
    """The explanation as short translated lines for the detail view (plain text, no markup)."""

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
