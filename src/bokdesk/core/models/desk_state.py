"""What the desk keeps besides tickets: canned responses, survey answers, SLA policies, the audit,
drafts, presence and settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class CannedResponse(SQLModel, table=True):
    """A known answer with placeholders; shared (no owner) or personal."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    shortcut: str = Field(max_length=40, index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    category: str | None = Field(default=None, max_length=20)
    language: str = Field(default="pl", max_length=10)
    owner_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    usage_count: int = 0
    created_at: datetime
    updated_at: datetime
    version: int = 1


class SurveyAnswer(SQLModel, table=True):
    """An NPS (0-10) and/or CSAT (1-5) answer about one ticket and the agent who handled it."""

    __table_args__ = (Index("ix_survey_answered_at", "answered_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    agent_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    nps: int | None = None
    csat: int | None = None
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_at: datetime
    source: str = Field(default="agent", max_length=10)
    external_id: str | None = Field(default=None, max_length=120, unique=True)


class SlaPolicy(SQLModel, table=True):
    """Targets in minutes per priority (optionally per category), business or calendar time."""

    __table_args__ = (UniqueConstraint("priority", "category", name="uq_sla_priority_category"),)

    id: int | None = Field(default=None, primary_key=True)
    priority: str = Field(max_length=10)
    category: str | None = Field(default=None, max_length=20)
    first_response_minutes: int | None = None
    resolution_minutes: int | None = None
    business_hours: bool = True


class AuditEvent(SQLModel, table=True):
    """Append-only audit of desk-wide changes that are not a ticket's (roles, SLA policies):
    who changed what, when, from what to what."""

    __table_args__ = (Index("ix_auditevent_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)
    target: str = Field(max_length=120)
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Draft(SQLModel, table=True):
    """An unsent reply, note or call log, saved as the agent types."""

    __table_args__ = (UniqueConstraint("ticket_id", "agent_id", "kind", name="uq_draft_owner"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    agent_id: int = Field(foreign_key="agent.id", index=True)
    kind: str = Field(max_length=10)
    body: str = Field(sa_column=Column(Text, nullable=False))
    base_version: int | None = None
    updated_at: datetime


class Presence(SQLModel, table=True):
    """Which agent has which ticket open, and whether they are writing."""

    agent_id: int = Field(foreign_key="agent.id", primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    activity: str = Field(default="viewing", max_length=10)
    seen_at: datetime


class Setting(SQLModel, table=True):
    """Desk-wide settings kept in the database (so every process sees one value)."""

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(sa_column=Column(Text, nullable=False, server_default=text("''")))
