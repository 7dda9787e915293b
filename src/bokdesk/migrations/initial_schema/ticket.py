"""Revision 0001's ticket table, with its generated columns and indexes."""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# The ticket's report dimensions packed into one integer (core/models DIMS_CODE_SQL, spelled
# out here so the migration stays as it was written).
DIMS_CODE_SQL = (
    "coalesce(assignee_id, 0) * 268435456 + coalesce(team_id, 0) * 4096"
    " + (CASE channel WHEN 'email' THEN 1 WHEN 'phone' THEN 2 WHEN 'chat' THEN 3 WHEN 'web' THEN 4"
    " WHEN 'walk_in' THEN 5 WHEN 'social' THEN 6 ELSE 0 END) * 256"
    " + (CASE category WHEN 'question' THEN 1 WHEN 'problem' THEN 2 WHEN 'complaint' THEN 3"
    " WHEN 'request' THEN 4 WHEN 'incident' THEN 5 WHEN 'feedback' THEN 6 ELSE 0 END) * 16"
    " + (CASE priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 0 END)"
)

# The metrics' flags as bits of one integer (core/models METRIC_BITS_SQL, spelled out here).
METRIC_BITS_SQL = (
    "(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END)"
    " + (CASE WHEN complaint_due_at IS NOT NULL THEN 2 ELSE 0 END)"
    " + (CASE WHEN frt_due_at IS NOT NULL THEN 4 ELSE 0 END)"
    " + (CASE WHEN frt_breached THEN 8 ELSE 0 END)"
    " + (CASE WHEN resolution_due_at IS NOT NULL THEN 16 ELSE 0 END)"
    " + (CASE WHEN resolution_breached THEN 32 ELSE 0 END)"
    " + (CASE WHEN public_response_count = 1 AND transfer_count = 0 THEN 64 ELSE 0 END)"
    " + (CASE WHEN reopen_count > 0 THEN 128 ELSE 0 END)"
    " + (CASE WHEN first_response_at IS NOT NULL THEN 256 ELSE 0 END)"
    " + (CASE WHEN status IN ('solved', 'closed') THEN 512 ELSE 0 END)"
    " + (CASE WHEN link_kind = 'merged' THEN 1024 ELSE 0 END)"
    " + transfer_count * 65536"
)


def create_ticket_table() -> None:
    """The ticket table and its indexes, as revision 0001 created them."""
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("priority", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("link_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("email_thread_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("picked_up_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("first_response_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("first_solved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("solved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_customer_message_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("frt_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("resolution_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("next_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("next_risk_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("pending_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("frt_breached", sa.Boolean(), nullable=False),
        sa.Column("resolution_breached", sa.Boolean(), nullable=False),
        sa.Column("complaint_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("complaint_decision", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("complaint_decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("pickup_secs", sa.Integer(), nullable=True),
        sa.Column("pickup_bsecs", sa.Integer(), nullable=True),
        sa.Column("frt_secs", sa.Integer(), nullable=True),
        sa.Column("frt_bsecs", sa.Integer(), nullable=True),
        sa.Column("first_resolution_secs", sa.Integer(), nullable=True),
        sa.Column("first_resolution_bsecs", sa.Integer(), nullable=True),
        sa.Column("resolution_secs", sa.Integer(), nullable=True),
        sa.Column("resolution_bsecs", sa.Integer(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("transfer_count", sa.Integer(), nullable=False),
        sa.Column("public_response_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("dims_code", sa.BigInteger(), sa.Computed(DIMS_CODE_SQL, persisted=True), nullable=True),
        sa.Column(
            "metric_bits", sa.BigInteger(), sa.Computed(METRIC_BITS_SQL, persisted=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["ticket.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_complaint_due", ["complaint_due_at"], unique=False)
        # Covering indexes of the metrics (core/metrics.py), one per clock-stop family.
        batch_op.create_index("ix_ticket_m_created", ["created_at", "dims_code", "metric_bits"], unique=False)
        batch_op.create_index(
            "ix_ticket_m_pickup", ["picked_up_at", "dims_code", "pickup_secs", "pickup_bsecs"], unique=False
        )
        batch_op.create_index(
            "ix_ticket_m_frt",
            ["first_response_at", "dims_code", "metric_bits", "frt_secs", "frt_bsecs"],
            unique=False,
        )
        batch_op.create_index(
            "ix_ticket_m_solved",
            ["solved_at", "dims_code", "metric_bits", "resolution_secs", "resolution_bsecs"],
            unique=False,
        )
        batch_op.create_index(
            "ix_ticket_m_first_solved",
            [
                "first_solved_at",
                "dims_code",
                "metric_bits",
                "first_resolution_secs",
                "first_resolution_bsecs",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_ticket_m_reopened",
            ["first_solved_at"],
            unique=False,
            sqlite_where=sa.text("reopen_count > 0"),
            postgresql_where=sa.text("reopen_count > 0"),
        )
        batch_op.create_index(
            "ix_ticket_m_complaint_open",
            ["complaint_due_at", "status", "link_kind"],
            unique=False,
            sqlite_where=sa.text("complaint_due_at IS NOT NULL AND complaint_decided_at IS NULL"),
            postgresql_where=sa.text("complaint_due_at IS NOT NULL AND complaint_decided_at IS NULL"),
        )
        batch_op.create_index(
            "ix_ticket_m_complaint_decided",
            ["complaint_decided_at", "complaint_due_at"],
            unique=False,
            sqlite_where=sa.text("complaint_decided_at IS NOT NULL"),
            postgresql_where=sa.text("complaint_decided_at IS NOT NULL"),
        )
        batch_op.create_index("ix_ticket_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_ticket_customer_created", ["customer_id", "created_at"], unique=False)
        batch_op.create_index("ix_ticket_first_response_at", ["first_response_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_ticket_queue", ["status", "next_due_at", "created_at"], unique=False)
        batch_op.create_index("ix_ticket_solved_at", ["solved_at"], unique=False)
        batch_op.create_index("ix_ticket_status_assignee", ["status", "assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_team_id"), ["team_id"], unique=False)
