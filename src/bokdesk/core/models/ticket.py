"""The ticket: its state, clocks, SLA, complaint deadline, stored durations and credit, and the
indexes the queue and the metrics read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Computed, Index
from sqlmodel import Field, SQLModel

from ..enums import ACTIVE_SQL
from .sql import DIMS_CODE_SQL, METRIC_BITS_SQL, partial


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
            **partial(ACTIVE_SQL),
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
            **partial(ACTIVE_SQL),
        ),
        Index("ix_ticket_customer_created", "customer_id", "created_at"),
        Index("ix_ticket_solved_at", "solved_at"),
        Index("ix_ticket_created_at", "created_at"),
        Index("ix_ticket_first_response_at", "first_response_at"),
        Index("ix_ticket_complaint_due", "complaint_due_at"),
        # Covering indexes of the metrics (core/metrics): one per clock-stop family, so a report
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
        Index("ix_ticket_m_reopened", "first_solved_at", **partial("reopen_count > 0")),
        Index(
            "ix_ticket_m_complaint_open",
            "complaint_due_at",
            "status",
            "link_kind",
            **partial("complaint_due_at IS NOT NULL AND complaint_decided_at IS NULL"),
        ),
        Index(
            "ix_ticket_m_complaint_decided",
            "complaint_decided_at",
            "complaint_due_at",
            **partial("complaint_decided_at IS NOT NULL"),
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
