"""A ticket's tags, conversation, attachments and history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from .sql import partial


class TicketTag(SQLModel, table=True):
    """A tag on a ticket."""

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    tag: str = Field(primary_key=True, max_length=60, index=True)


class Message(SQLModel, table=True):
    """One entry of a ticket's conversation: customer message, reply, note, call log, system."""

    __table_args__ = (Index("ix_message_ticket_created", "ticket_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    kind: str = Field(max_length=10)
    author_agent_id: int | None = Field(default=None, foreign_key="agent.id")
    author_customer_id: int | None = Field(default=None, foreign_key="customer.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    email_message_id: str | None = Field(default=None, max_length=255, unique=True)
    email_in_reply_to: str | None = Field(default=None, max_length=255)
    email_references: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    email_from: str | None = Field(default=None, max_length=320)
    email_to: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    email_cc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    email_subject: str | None = Field(default=None, max_length=500)
    # Text the desk wrote itself (a system message): its code and values (JSON), so the console
    # says it in the agent's language (core/notices.py); ``body`` keeps the English (schema 0005).
    notice_code: str | None = Field(default=None, max_length=40)
    notice_params: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Attachment(SQLModel, table=True):
    """A file that came with (or goes with) a message, stored in the database."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=120)
    size: int
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class TicketEvent(SQLModel, table=True):
    """Append-only history: who changed which field of a ticket, when, from what, to what."""

    __table_args__ = (
        Index("ix_event_ticket_at", "ticket_id", "at"),
        # Agents' activity per hour (core/metrics).
        Index("ix_event_m_agent_at", "at", "agent_id", **partial("agent_id IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    at: datetime
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    actor: str = Field(max_length=120)
    field: str = Field(max_length=40)
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The note as a code and its values when the desk wrote it itself (schema 0008, core/notices.py).
    note_code: str | None = Field(default=None, max_length=40)
    note_params: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
