"""Survey answers: NPS (0-10) and CSAT (1-5) about a ticket and the agent who handled it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from .. import history
from ..desk import Actor, Desk
from ..enums import SurveySource
from ..errors import NotFound, ValidationError
from ..models import SurveyAnswer, Ticket


def validate(nps: int | None, csat: int | None) -> None:
    if nps is None and csat is None:
        raise ValidationError("survey_needs_score")
    if nps is not None and not 0 <= nps <= 10:
        raise ValidationError("nps_range", value=nps)
    if csat is not None and not 1 <= csat <= 5:
        raise ValidationError("csat_range", value=csat)


def record(
    desk: Desk,
    actor: Actor,
    ticket_id: int,
    *,
    nps: int | None = None,
    csat: int | None = None,
    comment: str | None = None,
    answered_at: datetime | None = None,
    source: str = SurveySource.AGENT.value,
    external_id: str | None = None,
) -> SurveyAnswer:
    """Record one answer; the agent credited is the ticket's assignee."""
    validate(nps, csat)
    SurveySource(source)
    with desk.store.write() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("ticket_missing", number=ticket_id)
        if external_id is not None:
            existing = session.exec(
                select(SurveyAnswer).where(SurveyAnswer.external_id == external_id)
            ).first()
            if existing is not None:
                return existing
        now = desk.now()
        answer = SurveyAnswer(
            ticket_id=ticket_id,
            agent_id=ticket.assignee_id,
            nps=nps,
            csat=csat,
            comment=(comment or None),
            answered_at=answered_at or now,
            source=source,
            external_id=external_id,
        )
        session.add(answer)
        summary = ", ".join(
            p
            for p in (f"NPS {nps}" if nps is not None else "", f"CSAT {csat}" if csat is not None else "")
            if p
        )
        history.record(session, ticket_id, actor, now, "survey", None, summary, comment)
        session.flush()
        return answer
