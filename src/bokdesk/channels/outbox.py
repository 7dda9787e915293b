"""The outbox as the e-mail channel runs it: the desk's published addresses, failures and bounces
told on the ticket, a failed e-mail sent again, and the outbox's listing.

Queueing a reply or a survey is the core's (``core.services.outbox``); sending is ``sender.py``.
This module stays light (no SMTP, no TLS): it is imported by every agent's process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from ..core import history, roles
from ..core.desk import SYSTEM, Actor, Desk
from ..core.enums import MessageKind
from ..core.errors import NotFound, ValidationError
from ..core.models import Message, OutboxMessage, Setting, Ticket
from ..core.notices import Notice
from ..core.roles import Permission
from ..core.services.outbox import (
    FAILED,
    KIND_SURVEY,
    QUEUED,
    SENT,
    SETTING_ADDRESSES,
    SETTING_FROM,
    SETTING_REPLY_TO,
    SETTING_TEAM,
)

if TYPE_CHECKING:
    from .mailconfig import MailConfig


def publish_identity(desk: Desk, cfg: MailConfig) -> None:
    """Store the desk's From / Reply-To so every agent's process builds the same headers."""
    if not cfg.from_addr:
        return
    with desk.store.write() as session:
        for key, value in (
            (SETTING_FROM, cfg.from_addr),
            (SETTING_REPLY_TO, cfg.reply_to or ""),
            (SETTING_ADDRESSES, ",".join(cfg.addresses)),
            (SETTING_TEAM, cfg.team or ""),
        ):
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            elif row.value != value:
                row.value = value
                session.add(row)


# --- failures shown on the ticket ------------------------------------------------------------------


def problem_on_ticket(
    session: Session, desk: Desk, row: OutboxMessage, notice: Notice, field_name: str
) -> None:
    """A system message on the e-mail's ticket (in English, with its code for the console) and a history row."""
    from ..core.services.tickets import touch

    now = desk.now()
    ticket = session.get(Ticket, row.ticket_id)
    if ticket is None:
        return
    text = notice.english()
    session.add(
        Message(
            ticket_id=row.ticket_id,
            kind=MessageKind.SYSTEM.value,
            body=text,
            created_at=now,
            notice_code=notice.code,
            notice_params=notice.dumps(),
        )
    )
    history.record(session, row.ticket_id, SYSTEM, now, field_name, None, row.to_addr, notice)
    touch(desk, ticket, now)
    session.add(ticket)


def record_bounce(session: Session, desk: Desk, row: OutboxMessage, diagnostic: str | Notice) -> None:
    """A delivery-failure report came back for one of our e-mails."""
    row.status = FAILED
    set_error(row, Notice("bounced", {"diagnostic": diagnostic}))
    session.add(row)
    code = "survey_bounced" if row.kind == KIND_SURVEY else "reply_bounced"
    problem_on_ticket(
        session, desk, row, Notice(code, {"to": row.to_addr, "diagnostic": diagnostic}), "mail_bounced"
    )


def set_error(row: OutboxMessage, notice: Notice | None) -> None:
    """The e-mail's last error: English text for the command line, and its code for the console."""
    if notice is None:
        row.last_error = row.error_code = row.error_params = None
        return
    row.last_error = notice.english()[:2000]
    row.error_code, row.error_params = notice.code, notice.dumps()


def retry(desk: Desk, actor: Actor, outbox_id: int) -> OutboxMessage:
    """Send a failed (or waiting) e-mail again from now, with a fresh set of attempts."""
    roles.require(actor, Permission.WORK_TICKETS, "action_resend_mail")
    with desk.store.write() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None:
            raise NotFound("outbox_missing", number=outbox_id)
        if row.status == SENT:
            raise ValidationError("outbox_already_sent", number=outbox_id, at=f"{row.sent_at:%Y-%m-%d %H:%M}")
        now = desk.now()
        row.status = QUEUED
        row.attempts = 0
        row.next_attempt_at = now
        session.add(row)
        history.record(session, row.ticket_id, actor, now, "mail_retry", None, row.to_addr)
        return row


def outbox_rows(
    desk: Desk, *, status: str | None = None, ticket_id: int | None = None, limit: int = 100
) -> list[OutboxMessage]:
    with desk.store.read() as session:
        query = select(OutboxMessage)
        if status:
            query = query.where(OutboxMessage.status == status)
        if ticket_id is not None:
            query = query.where(OutboxMessage.ticket_id == ticket_id)
        return list(session.exec(query.order_by(col(OutboxMessage.id).desc()).limit(limit)).all())


__all__ = [
    "outbox_rows",
    "problem_on_ticket",
    "publish_identity",
    "record_bounce",
    "retry",
    "set_error",
]
