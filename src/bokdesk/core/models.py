"""SQLModel tables of the desk. All datetimes are naive UTC; enums are stored as strings.

The schema itself is owned by the Alembic migrations in ``bokdesk.migrations``; a test checks
that these models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Computed, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from .enums import ACTIVE_SQL, Category, Channel, Priority


def _partial(where: str) -> dict[str, Any]:
    """A partial index's ``WHERE``: SQLite's option, and PostgreSQL's kept aside until a PostgreSQL
    desk is opened (``postgresql_partial_indexes``). Given to ``Index`` as ``postgresql_where``, it
    makes SQLAlchemy import its whole PostgreSQL dialect (2.2 MiB, 20 modules) to check the option,
    in every process, SQLite consoles included."""
    return {"sqlite_where": text(where), "info": {"postgresql_where": where}}


def postgresql_partial_indexes() -> None:
    """Give the partial indexes their PostgreSQL ``WHERE`` (idempotent; ``open_url`` calls it)."""
    for table in SQLModel.metadata.tables.values():
        for index in table.indexes:
            where = index.info.get("postgresql_where")
            if where is not None and index.dialect_options["postgresql"]["where"] is None:
                index.dialect_options["postgresql"]["where"] = text(where)


def _enum_code(column: str, values: list[str]) -> str:
    whens = " ".join(f"WHEN '{v}' THEN {i + 1}" for i, v in enumerate(values))
    return f"(CASE {column} {whens} ELSE 0 END)"


# A ticket's five report dimensions packed into one integer, kept by the database itself (a
# generated column), so that the metrics' covering indexes carry one small number instead of five
# columns: assignee (20 bits) | team (16) | channel (4) | category (4) | priority (4); the enum
# values are numbered from 1 in their declaration order, 0 is "none" / unknown. core/metrics.py
# decodes it; the initial migration spells the same expression out.
DIMS_CODE_SQL = (
    "coalesce(assignee_id, 0) * 268435456 + coalesce(team_id, 0) * 4096"
    f" + {_enum_code('channel', [c.value for c in Channel])} * 256"
    f" + {_enum_code('category', [c.value for c in Category])} * 16"
    f" + {_enum_code('priority', [p.value for p in Priority])}"
)


def _bit(condition: str, value: int) -> str:
    return f"(CASE WHEN {condition} THEN {value} ELSE 0 END)"


# What the metrics need to know about a ticket besides its times and durations, as bits of one
# integer the database keeps current (a generated column); core/metrics.py reads it from the same
# covering indexes. Bit 0 inbound, 1 complaint, 2 has a first-response target, 3 first response
# breached, 4 has a resolution target, 5 resolution breached, 6 exactly one public response and no
# transfer, 7 reopened, 8 answered (has a first response), 9 solved or closed, 10 merged;
# bits 16 and up: the number of transfers.
METRIC_BITS_SQL = " + ".join(
    [
        _bit("direction = 'inbound'", 1),
        _bit("complaint_due_at IS NOT NULL", 2),
        _bit("frt_due_at IS NOT NULL", 4),
        _bit("frt_breached", 8),
        _bit("resolution_due_at IS NOT NULL", 16),
        _bit("resolution_breached", 32),
        _bit("public_response_count = 1 AND transfer_count = 0", 64),
        _bit("reopen_count > 0", 128),
        _bit("first_response_at IS NOT NULL", 256),
        _bit("status IN ('solved', 'closed')", 512),
        _bit("link_kind = 'merged'", 1024),
        "transfer_count * 65536",
    ]
)


class Team(SQLModel, table=True):
    """An office ("BOK Warszawa") or a department ("developers") that owns work."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    kind: str = Field(default="office", max_length=20)
    assignment_mode: str = Field(default="manual", max_length=20)
    created_at: datetime


class Agent(SQLModel, table=True):
    """A person working the desk; ``login`` is the Unix user name."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=120)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(default="agent", max_length=20)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    active: bool = True
    status: str = Field(default="available", max_length=20)
    language: str | None = Field(default=None, max_length=10)
    last_seen_at: datetime | None = None
    last_assigned_at: datetime | None = None
    created_at: datetime


class Customer(SQLModel, table=True):
    """Someone the desk serves; contacts live in ``CustomerContact``."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    company: str | None = Field(default=None, max_length=200)
    language: str = Field(default="pl", max_length=10)
    vip: bool = False
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime
    updated_at: datetime
    version: int = 1


class CustomerContact(SQLModel, table=True):
    """One e-mail address or phone number of a customer; ``normalized`` is unique per kind."""

    __table_args__ = (UniqueConstraint("kind", "normalized", name="uq_contact_kind_normalized"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(max_length=10)
    value: str = Field(max_length=254)
    normalized: str = Field(max_length=254)


class Ticket(SQLModel, table=True):
    """A case; ``id`` is the ticket number agents and customers quote."""

    __table_args__ = (
        Index("ix_ticket_status_assignee", "status", "assignee_id"),
        Index("ix_ticket_queue", "status", "next_due_at", "created_at"),
        # The queue (core/paging.py, since 0004): active tickets only, in the order of an urgency
        # bucket, carrying every column a view filters on, so a page is a seek and a short walk.
        Index(
            "ix_ticket_active_due",
            "next_due_at",
            "created_at",
            "id",
            "next_risk_at",
            "assignee_id",
            "category",
            "status",
            **_partial(ACTIVE_SQL),
        ),
        Index(
            "ix_ticket_active_assignee",
            "assignee_id",
            "next_due_at",
            "created_at",
            "id",
            "next_risk_at",
            "category",
            "status",
            **_partial(ACTIVE_SQL),
        ),
        Index("ix_ticket_customer_created", "customer_id", "created_at"),
        Index("ix_ticket_solved_at", "solved_at"),
        Index("ix_ticket_created_at", "created_at"),
        Index("ix_ticket_first_response_at", "first_response_at"),
        Index("ix_ticket_complaint_due", "complaint_due_at"),
        # Covering indexes of the metrics (core/metrics.py): one per clock-stop family, so a report
        # reads index entries only, never the wide ticket rows.
        Index("ix_ticket_m_created", "created_at", "dims_code", "metric_bits"),
        # Since 0003 each also carries the agent credited with that clock (the one who stopped it).
        Index(
            "ix_ticket_m_pickup",
            "picked_up_at",
            "dims_code",
            "picked_up_by_id",
            "pickup_secs",
            "pickup_bsecs",
        ),
        Index(
            "ix_ticket_m_frt",
            "first_response_at",
            "dims_code",
            "first_responder_id",
            "metric_bits",
            "frt_secs",
            "frt_bsecs",
        ),
        Index(
            "ix_ticket_m_solved",
            "solved_at",
            "dims_code",
            "solver_id",
            "metric_bits",
            "resolution_secs",
            "resolution_bsecs",
        ),
        Index(
            "ix_ticket_m_first_solved",
            "first_solved_at",
            "dims_code",
            "first_solver_id",
            "metric_bits",
            "first_resolution_secs",
            "first_resolution_bsecs",
        ),
        Index("ix_ticket_m_reopened", "first_solved_at", **_partial("reopen_count > 0")),
        Index(
            "ix_ticket_m_complaint_open",
            "complaint_due_at",
            "status",
            "link_kind",
            **_partial("complaint_due_at IS NOT NULL AND complaint_decided_at IS NULL"),
        ),
        Index(
            "ix_ticket_m_complaint_decided",
            "complaint_decided_at",
            "complaint_due_at",
            **_partial("complaint_decided_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=500)
    channel: str = Field(max_length=20)
    category: str = Field(default="question", max_length=20)
    priority: str = Field(default="normal", max_length=10)
    status: str = Field(default="new", max_length=10)
    direction: str = Field(default="inbound", max_length=10)
    customer_id: int = Field(foreign_key="customer.id")
    assignee_id: int | None = Field(default=None, foreign_key="agent.id")
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    link_kind: str | None = Field(default=None, max_length=20)
    email_thread_id: str | None = Field(default=None, max_length=255)

    created_at: datetime
    updated_at: datetime
    picked_up_at: datetime | None = None
    first_response_at: datetime | None = None
    first_solved_at: datetime | None = None
    solved_at: datetime | None = None
    closed_at: datetime | None = None
    last_customer_message_at: datetime | None = None

    # SLA: due times are set at creation and recomputed on a priority change.
    frt_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    next_due_at: datetime | None = None
    next_risk_at: datetime | None = None
    pending_since: datetime | None = None
    paused_seconds: int = 0
    frt_breached: bool = False
    resolution_breached: bool = False

    # Complaints (reklamacje): statutory deadline and the recorded decision.
    complaint_due_at: datetime | None = None
    complaint_decision: str | None = Field(default=None, max_length=20)
    complaint_decided_at: datetime | None = None

    # Durations in seconds, calendar and business clock, stored when each clock stops
    # (so reports aggregate plain integers in SQL instead of replaying calendars).
    pickup_secs: int | None = None
    pickup_bsecs: int | None = None
    frt_secs: int | None = None
    frt_bsecs: int | None = None
    first_resolution_secs: int | None = None
    first_resolution_bsecs: int | None = None
    resolution_secs: int | None = None
    resolution_bsecs: int | None = None

    # The agent credited with each clock: whoever stopped it (the agent of the history row that
    # recorded the pickup, the first response, the first and the last solve). Set by core/credit.py.
    picked_up_by_id: int | None = None
    first_responder_id: int | None = None
    first_solver_id: int | None = None
    solver_id: int | None = None

    reopen_count: int = 0
    transfer_count: int = 0
    public_response_count: int = 0
    version: int = 1

    # Generated by the database from the assignee, team, channel, category and priority.
    dims_code: int | None = Field(
        default=None, sa_column=Column(BigInteger, Computed(DIMS_CODE_SQL, persisted=True))
    )
    # Generated by the database: the metrics' flags (see METRIC_BITS_SQL).
    metric_bits: int | None = Field(
        default=None, sa_column=Column(BigInteger, Computed(METRIC_BITS_SQL, persisted=True))
    )


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
        # Agents' activity per hour (core/metrics.py).
        Index("ix_event_m_agent_at", "at", "agent_id", **_partial("agent_id IS NOT NULL")),
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


class AgentShift(SQLModel, table=True):
    """One block of an agent's weekly timetable (schema 0006), in the desk's local time: weekday
    0 (Monday) .. 6, minutes from local midnight; an end past 1440 runs into the next day. An agent
    with no block follows the desk's opening hours (core/shifts.py)."""

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    weekday: int
    start_minute: int
    end_minute: int


class AgentAbsence(SQLModel, table=True):
    """Whole local days an agent is away, first to last (schema 0006): leave, sick, training, other."""

    __table_args__ = (Index("ix_agentabsence_last_day", "last_day"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    first_day: date
    last_day: date
    kind: str = Field(max_length=20)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorded_by_id: int | None = Field(default=None, foreign_key="agent.id")
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime
