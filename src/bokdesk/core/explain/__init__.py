"""Explain a figure: for one ticket, the events that started, paused and stopped each clock.

Helpdesk users distrust response and resolution figures nobody can explain. This package replays a
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

from .replay import explain, explain_ticket, to_json
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
)
from .words import describe, format_hours

__all__ = [
    "FIRST_RESOLUTION",
    "FIRST_RESPONSE",
    "PICKUP",
    "RESOLUTION",
    "ClockExplanation",
    "ComplaintExplanation",
    "Mark",
    "PauseSpan",
    "TicketExplanation",
    "describe",
    "explain",
    "explain_ticket",
    "format_hours",
    "to_json",
]
