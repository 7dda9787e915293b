"""E-mail's own state: the outbox, the quarantine, mailbox cursors and the Message-IDs seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel


class OutboxMessage(SQLModel, table=True):
    """An e-mail waiting to go out (or sent, or failed), with its retry state."""

    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    kind: str = Field(default="reply", max_length=20)
    to_addr: str = Field(max_length=320)
    cc_addrs: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    subject: str = Field(max_length=500)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    email_message_id: str = Field(max_length=255, index=True)
    status: str = Field(default="queued", max_length=10)
    attempts: int = 0
    next_attempt_at: datetime
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime
    sent_at: datetime | None = None
    error_code: str | None = Field(default=None, max_length=40)  # our own error's code (schema 0005)
    error_params: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class MailQuarantine(SQLModel, table=True):
    """A message that could not be processed, kept raw with the reason."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=500)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime
    resolved: bool = False
    reason_code: str | None = Field(default=None, max_length=40)  # the reason's code (schema 0005)
    reason_params: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class MailCursor(SQLModel, table=True):
    """How far a mailbox has been read (IMAP UIDVALIDITY and last UID)."""

    source: str = Field(primary_key=True, max_length=500)
    uidvalidity: int | None = None
    last_uid: int = 0
    updated_at: datetime


class MailSeen(SQLModel, table=True):
    """Every Message-ID already handled, and what became of it (ticket, ignored, quarantined)."""

    message_id: str = Field(primary_key=True, max_length=255)
    outcome: str = Field(max_length=20)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    seen_at: datetime
