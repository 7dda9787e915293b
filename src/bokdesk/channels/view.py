"""What the console needs to show the e-mail side of a ticket (headless; no Textual here).

- ``message_parts(message)``: ``(new text, folded history)`` of a customer's e-mail; the
  conversation shows the first and folds the second behind a toggle. Other messages come back
  whole with an empty folded part.
- ``attachment_label(attachment)``: one line for the attachment list of the detail view.
- ``delivery_states(session, message_ids)``: per reply, whether its e-mail is queued, being sent,
  sent, or failed (with the error and the next attempt), from the outbox.
- ``failed_tickets(session, ticket_ids)``: which tickets of a queue page have a failed e-mail.
- ``ticket_deliveries(desk, ...)`` and ``tickets_with_failed_mail(desk, ...)``: the same, each in a
  read of its own, for the console's thread workers.
- ``delivery_problem(session, ticket_id)``: a one-line warning when an e-mail of the ticket failed
  or bounced, for a flag in the ticket header and the queue.
- ``attachment_data(desk, attachment_id)``: the stored bytes, to save or open a file.
- ``reply_recipients(desk, ticket_id)``: ``(To, Cc)`` a reply would be e-mailed to now, for the
  editor (the outbox's own rule; ``(None, [])`` without an e-mail address).

Every string here is customer data: show it as plain text (``Text(...)``/``Content(...)``),
never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ..core import notices
from ..core.desk import Desk
from ..core.enums import MessageKind
from ..core.errors import NotFound, ValidationError
from ..core.models import Attachment, Message, OutboxMessage, Ticket
from ..core.notices import Notice
from ..core.services.outbox import FAILED, KIND_SURVEY, QUEUED, SENDING, SENT
from ..core.services.outbox import reply_recipients as outbox_recipients
from .email_text import split_quoted


def message_parts(message: Message) -> tuple[str, str]:
    """``(new, folded)``: quoted history and signatures of a customer's e-mail are folded."""
    if message.kind == MessageKind.CUSTOMER.value and message.email_message_id is not None:
        return split_quoted(message.body)
    return message.body, ""


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size / (1024 * 1024):.1f} MB"


def attachment_label(attachment: Attachment) -> str:
    """``faktura.pdf · application/pdf · 120 kB`` (and "not stored" when over the size limit)."""
    label = f"{attachment.filename} · {attachment.content_type} · {human_size(attachment.size)}"
    if attachment.data is None:
        label += " · not stored (over the size limit; it is in the mailbox)"
    return label


@dataclass(frozen=True)
class DeliveryState:
    outbox_id: int
    status: str
    to_addr: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    cc: tuple[str, ...] = ()
    kind: str = "reply"
    error: Notice | None = None  # ``last_error``'s code and values when it is our own text (schema 0005)

    @property
    def retrying(self) -> bool:
        """Queued again after a failed attempt (``next_attempt_at`` says when)."""
        return self.status == QUEUED and self.attempts > 0

    @property
    def label(self) -> str:
        if self.status == SENT:
            return f"e-mailed to {self.to_addr}"
        if self.status == FAILED:
            return f"e-mail to {self.to_addr} FAILED: {self.last_error or 'unknown error'}"
        if self.status in (QUEUED, SENDING) and self.attempts:
            return f"e-mail to {self.to_addr} waiting to retry ({self.attempts} attempts): {self.last_error or ''}".rstrip(
                ": "
            )
        if self.status == SENDING:
            return f"e-mail to {self.to_addr} being sent"
        return f"e-mail to {self.to_addr} queued"


def _state(row: OutboxMessage) -> DeliveryState:
    return DeliveryState(
        outbox_id=row.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
        status=row.status,
        to_addr=row.to_addr,
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at if row.status in (QUEUED, SENDING) else None,
        sent_at=row.sent_at,
        cc=tuple(a.strip() for a in (row.cc_addrs or "").split(",") if a.strip()),
        kind=row.kind,
        error=notices.load(row.error_code, row.error_params),
    )


def delivery_states(session: Session, message_ids: list[int]) -> dict[int, DeliveryState]:
    """Outbox state per message id (replies without an e-mail are absent)."""
    if not message_ids:
        return {}
    rows = session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.message_id).in_(message_ids))
        .order_by(col(OutboxMessage.id))
    ).all()
    return {row.message_id: _state(row) for row in rows if row.message_id is not None}


def failed_delivery(session: Session, ticket_id: int) -> DeliveryState | None:
    """The latest e-mail of the ticket that failed (or bounced) and was not sent since; None when
    all is well. A later e-mail that went out does not hide it: that reply never arrived."""
    row = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.ticket_id == ticket_id, OutboxMessage.status == FAILED)
        .order_by(col(OutboxMessage.id).desc())
    ).first()
    return _state(row) if row is not None else None


def failed_tickets(session: Session, ticket_ids: list[int]) -> set[int]:
    """Which of these tickets have an e-mail that failed (the queue marks them): one statement
    per page through the outbox's ticket index, never a scan of the outbox."""
    if not ticket_ids:
        return set()
    # Named, as the queue's own statements do: without statistics SQLite would rather walk every
    # failed e-mail of the desk's history through the status index.
    query = (
        select(OutboxMessage.ticket_id)
        .where(col(OutboxMessage.ticket_id).in_(ticket_ids), OutboxMessage.status == FAILED)
        .with_hint(OutboxMessage, "INDEXED BY ix_outboxmessage_ticket_id", "sqlite")
    )
    return set(session.exec(query).all())


def ticket_deliveries(
    desk: Desk, ticket_id: int, reply_ids: list[int]
) -> tuple[dict[int, DeliveryState], DeliveryState | None]:
    """The delivery of each reply of a ticket and its latest failed e-mail, in one read."""
    with desk.store.read() as session:
        states = delivery_states(session, reply_ids) if reply_ids else {}
        return states, failed_delivery(session, ticket_id)


def tickets_with_failed_mail(desk: Desk, ticket_ids: list[int]) -> set[int]:
    """``failed_tickets`` in a read of its own (a queue page's marks)."""
    if not ticket_ids:
        return set()
    with desk.store.read() as session:
        return failed_tickets(session, ticket_ids)


def delivery_problem(session: Session, ticket_id: int) -> str | None:
    """The latest failed e-mail of the ticket, as one line; None when all is well."""
    state = failed_delivery(session, ticket_id)
    if state is None:
        return None
    what = "survey" if state.kind == KIND_SURVEY else "reply"
    return f"E-mail {what} to {state.to_addr} failed: {state.last_error or 'unknown error'}"


def reply_recipients(desk: Desk, ticket_id: int) -> tuple[str | None, list[str]]:
    """Who a reply to the ticket would be e-mailed to now, ``(To, Cc)``, by the outbox's own rule
    (``core.services.outbox.reply_recipients``); ``(None, [])`` when the customer has no e-mail address."""
    with desk.store.read() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("ticket_missing", number=ticket_id)
        return outbox_recipients(session, ticket)


def attachment_data(desk: Desk, attachment_id: int) -> Attachment:
    with desk.store.read() as session:
        row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment_missing", number=attachment_id)
    if row.data is None:
        raise ValidationError("attachment_not_stored", number=attachment_id, filename=row.filename)
    return row


__all__ = [
    "DeliveryState",
    "attachment_data",
    "attachment_label",
    "delivery_problem",
    "delivery_states",
    "failed_delivery",
    "failed_tickets",
    "human_size",
    "message_parts",
    "reply_recipients",
    "ticket_deliveries",
    "tickets_with_failed_mail",
]
