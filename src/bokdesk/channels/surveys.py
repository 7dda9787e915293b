"""NPS surveys by e-mail: one short question after a ticket is solved, answered by replying.

Whether the desk sends them is the desk setting ``mail.survey_after_solve`` (``true``/``false``,
set with ``bokdesk mail survey on|off`` by a supervisor), else ``[mail] survey_after_solve``.
``mail run`` sends one survey per ticket, ``survey_delay_minutes`` after it was solved (a customer
who writes back within that time reopens the ticket and gets no survey), only for e-mail tickets
solved within the last 14 days, never for merged tickets or ones that already have an answer.
The survey carries ``Auto-Submitted: auto-generated`` so auto-responders do not answer it; a reply
whose new text starts with a whole number 0-10 is recorded as the NPS answer (the rest of the
text is the comment), anything else is an ordinary customer message.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import exists, or_
from sqlmodel import col, select

from ..core import history, roles, subjects
from ..core.desk import SYSTEM, Actor, Desk
from ..core.enums import Channel, ContactKind, LinkKind, Status
from ..core.models import Customer, CustomerContact, OutboxMessage, Setting, SurveyAnswer, Ticket
from ..core.roles import Permission
from ..core.services.outbox import KIND_SURVEY, enqueue_survey
from .mailconfig import MailConfig

SETTING = "mail.survey_after_solve"
MAX_AGE = timedelta(days=14)
_NPS = re.compile(
    r"^[\s\"'*(\[>]*(10|[0-9])(?![0-9])(?![.,][0-9])\s*(?:/\s*10|na\s+10|out\s+of\s+10|pkt\.?)?", re.I
)
_LEAD = re.compile(r"^[\s)\].:,;!\-–—]+")

TEXTS = {
    "pl": (
        "[#{id}] Jak oceniasz naszą pomoc?",
        "Dzień dobry,\n\n"
        "Twoje zgłoszenie #{id}{about} zostało rozwiązane.\n\n"
        "Na ile prawdopodobne jest, że polecisz nas znajomemu? Odpowiedz na tę wiadomość, "
        "zaczynając od liczby od 0 (wcale) do 10 (na pewno). Możesz dopisać komentarz.\n\n"
        "Dziękujemy,\n{desk}\n",
    ),
    "en": (
        "[#{id}] How did we do?",
        "Hello,\n\n"
        "Your request #{id}{about} has been solved.\n\n"
        "How likely are you to recommend us to a friend? Reply to this e-mail starting with a "
        "number from 0 (not at all) to 10 (extremely likely). A comment is welcome too.\n\n"
        "Thank you,\n{desk}\n",
    ),
}


def parse_nps(text: str) -> tuple[int, str] | None:
    """``(score, comment)`` when the text starts with a whole number 0-10, else None."""
    m = _NPS.match(text or "")
    if m is None:
        return None
    comment = _LEAD.sub("", text[m.end() :]).strip()
    return int(m.group(1)), comment[:2000]


def survey_enabled(desk: Desk, cfg: MailConfig) -> bool:
    with desk.store.read() as session:
        row = session.get(Setting, SETTING)
    if row is None:
        return cfg.survey_after_solve
    return row.value.strip().lower() in ("1", "true", "yes", "on")


def set_survey_enabled(desk: Desk, actor: Actor, enabled: bool) -> None:
    roles.require(actor, Permission.CHANGE_DESK_SETTINGS)
    with desk.store.write() as session:
        row = session.get(Setting, SETTING)
        value = "true" if enabled else "false"
        if row is None:
            session.add(Setting(key=SETTING, value=value))
        else:
            row.value = value
            session.add(row)


def sweep_surveys(desk: Desk, cfg: MailConfig, *, limit: int = 100) -> int:
    """Queue the survey of every ticket that is due one; returns how many were queued."""
    if not survey_enabled(desk, cfg):
        return 0
    queued = 0
    with desk.store.write() as session:
        now = desk.now()
        has_survey = exists().where(
            col(OutboxMessage.ticket_id) == Ticket.id, col(OutboxMessage.kind) == KIND_SURVEY
        )
        has_answer = exists().where(col(SurveyAnswer.ticket_id) == Ticket.id)
        has_email = exists().where(
            col(CustomerContact.customer_id) == Ticket.customer_id,
            col(CustomerContact.kind) == ContactKind.EMAIL.value,
        )
        tickets = session.exec(
            select(Ticket)
            .where(
                Ticket.status == Status.SOLVED.value,
                Ticket.channel == Channel.EMAIL.value,
                col(Ticket.solved_at) <= now - timedelta(minutes=cfg.survey_delay_minutes),
                col(Ticket.solved_at) >= now - MAX_AGE,
                or_(col(Ticket.link_kind).is_(None), col(Ticket.link_kind) != LinkKind.MERGED.value),
                ~has_survey,
                ~has_answer,
                has_email,
            )
            .order_by(col(Ticket.solved_at))
            .limit(limit)
        ).all()
        desk_name = desk.settings.desk_name or "BOK"
        for ticket in tickets:
            customer = session.get(Customer, ticket.customer_id)
            lang = customer.language if customer is not None and customer.language in TEXTS else "pl"
            subject_t, body_t = TEXTS[lang]
            about = (
                ""
                if subjects.missing(ticket.subject)
                else (f" „{ticket.subject}”" if lang == "pl" else f' "{ticket.subject}"')
            )
            values = {"id": ticket.id, "about": about, "desk": desk_name}
            row = enqueue_survey(
                session, desk, ticket, subject_t.format(**values), body_t.format(**values), cfg
            )
            if row is not None:
                history.record(session, ticket.id, SYSTEM, now, "survey_sent", None, row.to_addr)  # type: ignore[arg-type]  # the row's id, set when it was flushed
                queued += 1
    return queued


__all__ = ["SETTING", "parse_nps", "set_survey_enabled", "survey_enabled", "sweep_surveys"]
