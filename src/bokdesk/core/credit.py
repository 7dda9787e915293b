"""Which agent a clock's figures credit: the one whose action stopped it.

Per-agent figures (metrics.md: a duration belongs to the period in which its clock stopped) go to
the agent who stopped each clock, not to whoever holds the ticket now: pickup to the agent who
first took or answered it, first response to the agent who sent it, first resolution and reopens
to the agent of the first solve, resolution (and its SLA, first-contact resolution, transfers) to
the agent of the last solve. The services already write a history row for each of those moments
(``picked_up_at``, ``first_response_at``, ``solved_at``; a ticket typed in during a call is picked
up and answered by its ``created`` row); this hook copies that row's agent onto the ticket in the
same flush, so the credit always agrees with the history and no service has to repeat it.
Rows written by the system (no agent) leave the credit empty; reports then use the assignee.

Tickets written without the services (``bokdesk import jsonl``) get their credit from their
history afterwards (``backfill``). Migration 0003 filled older desks with a simpler rule (it
missed tickets typed in during a call, which then count for their assignee).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlmodel import Session

from .models import Ticket, TicketEvent


def _credit(ticket: Ticket, row: TicketEvent) -> None:
    agent = row.agent_id
    if agent is None:
        return
    if (
        row.field in ("picked_up_at", "created")
        and ticket.picked_up_at is not None
        and ticket.picked_up_by_id is None
    ):
        ticket.picked_up_by_id = agent
    if (
        row.field in ("first_response_at", "created")
        and ticket.first_response_at is not None
        and ticket.first_responder_id is None
    ):
        ticket.first_responder_id = agent
    if row.field == "solved_at":
        ticket.solver_id = agent
        if ticket.first_solver_id is None:
            ticket.first_solver_id = agent


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    rows = [
        obj
        for obj in session.new
        if isinstance(obj, TicketEvent)
        and obj.field in ("created", "picked_up_at", "first_response_at", "solved_at")
    ]
    if not rows:
        return
    rows.sort(key=lambda r: (r.at, id(r)))
    with session.no_autoflush:
        for row in rows:
            ticket = session.get(Ticket, row.ticket_id)  # the identity map's copy: no query
            if ticket is not None:
                _credit(ticket, row)


# column -> (history rows that stop the clock, first or last of them, the clock's timestamp on the
# ticket). A ``created`` row stops pickup and first response when the ticket was typed in during
# the call (those clocks stopped at the contact, not later), as in ``_credit`` above.
CREDIT = {
    "picked_up_by_id": (
        "e.field = 'picked_up_at' OR (e.field = 'created' AND ticket.picked_up_at <= e.at)",
        "ASC",
        "picked_up_at",
    ),
    "first_responder_id": (
        "e.field = 'first_response_at' OR (e.field = 'created' AND ticket.first_response_at <= e.at)",
        "ASC",
        "first_response_at",
    ),
    "first_solver_id": ("e.field = 'solved_at'", "ASC", "first_solved_at"),
    "solver_id": ("e.field = 'solved_at'", "DESC", "solved_at"),
}
_BACKFILL = "UPDATE ticket SET " + ", ".join(
    f"{column} = CASE WHEN {stamp} IS NULL THEN NULL ELSE (SELECT e.agent_id FROM ticketevent e"
    f" WHERE e.ticket_id = ticket.id AND ({rows}) AND e.agent_id IS NOT NULL"
    f" ORDER BY e.at {order}, e.id {order} LIMIT 1) END"
    for column, (rows, order, stamp) in CREDIT.items()
)


def backfill(session: Session, ticket_ids: list[int]) -> None:
    """Set the credit of these tickets from their history rows (portable SQL, 500 tickets a statement)."""
    for start in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[start : start + 500]
        session.connection().execute(
            text(_BACKFILL + " WHERE id IN (" + ", ".join(str(int(i)) for i in chunk) + ")")
        )
