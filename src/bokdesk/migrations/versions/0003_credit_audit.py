"""credit and audit: the agent credited with each clock on the ticket; an audit of role and SLA-policy changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Per-agent figures credit the agent who stopped each clock (pickup, first response, first and last
solve) rather than whoever holds the ticket now: four agent ids on the ticket, filled here from the
history rows that recorded those moments, and carried by the metrics' covering indexes. Desk-wide
changes that belong to no ticket (an agent's role, an SLA policy) get their own audit table.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# column -> (history field, which row: first or last), and the clock's timestamp on the ticket
CREDIT = {
    "picked_up_by_id": ("picked_up_at", "ASC", "picked_up_at"),
    "first_responder_id": ("first_response_at", "ASC", "first_response_at"),
    "first_solver_id": ("solved_at", "ASC", "first_solved_at"),
    "solver_id": ("solved_at", "DESC", "solved_at"),
}

# Covering indexes of the metrics (models.Ticket): (name, columns) before and after this revision.
OLD_INDEXES = {
    "ix_ticket_m_pickup": ["picked_up_at", "dims_code", "pickup_secs", "pickup_bsecs"],
    "ix_ticket_m_frt": ["first_response_at", "dims_code", "metric_bits", "frt_secs", "frt_bsecs"],
    "ix_ticket_m_solved": ["solved_at", "dims_code", "metric_bits", "resolution_secs", "resolution_bsecs"],
    "ix_ticket_m_first_solved": [
        "first_solved_at",
        "dims_code",
        "metric_bits",
        "first_resolution_secs",
        "first_resolution_bsecs",
    ],
}
NEW_INDEXES = {
    "ix_ticket_m_pickup": ["picked_up_at", "dims_code", "picked_up_by_id", "pickup_secs", "pickup_bsecs"],
    "ix_ticket_m_frt": [
        "first_response_at",
        "dims_code",
        "first_responder_id",
        "metric_bits",
        "frt_secs",
        "frt_bsecs",
    ],
    "ix_ticket_m_solved": [
        "solved_at",
        "dims_code",
        "solver_id",
        "metric_bits",
        "resolution_secs",
        "resolution_bsecs",
    ],
    "ix_ticket_m_first_solved": [
        "first_solved_at",
        "dims_code",
        "first_solver_id",
        "metric_bits",
        "first_resolution_secs",
        "first_resolution_bsecs",
    ],
}


def upgrade() -> None:
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_auditevent_at", "auditevent", ["at"], unique=False)
    # Plain ADD COLUMN (no table rebuild): the ticket table carries the search triggers.
    for column in CREDIT:
        op.add_column("ticket", sa.Column(column, sa.Integer(), nullable=True))
    # Each clock's credit from the history row that recorded it (a ticket's rows through
    # ix_event_ticket_at); where none names an agent, reports fall back to the assignee.
    assignments = []
    for column, (event_field, order, stamp) in CREDIT.items():
        assignments.append(
            f"{column} = CASE WHEN {stamp} IS NULL THEN NULL ELSE ("
            f"SELECT e.agent_id FROM ticketevent e WHERE e.ticket_id = ticket.id AND e.field = '{event_field}'"
            f" AND e.agent_id IS NOT NULL ORDER BY e.at {order}, e.id {order} LIMIT 1) END"
        )
    op.execute(
        "UPDATE ticket SET " + ", ".join(assignments) + " WHERE picked_up_at IS NOT NULL"
        " OR first_response_at IS NOT NULL OR first_solved_at IS NOT NULL"
    )
    for name, columns in NEW_INDEXES.items():
        op.drop_index(name, table_name="ticket")
        op.create_index(name, "ticket", columns, unique=False)


def downgrade() -> None:
    for name, columns in OLD_INDEXES.items():
        op.drop_index(name, table_name="ticket")
        op.create_index(name, "ticket", columns, unique=False)
    for column in reversed(list(CREDIT)):
        op.drop_column("ticket", column)
    op.drop_index("ix_auditevent_at", table_name="auditevent")
    op.drop_table("auditevent")
