"""agent shifts: each agent's weekly timetable and their absences

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

A timetable is a set of blocks (weekday 0 = Monday .. 6, start and end in minutes from the desk's
local midnight; an end past 1440 runs into the next day), several a day for split shifts. An agent
with no block follows the desk's opening hours. An absence covers whole local days, first to last
(leave, sick, training, other), with who recorded it and when. Plain portable tables; the rules
live in core/shifts.py.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agentshift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agentshift_agent_id", "agentshift", ["agent_id"], unique=False)
    op.create_table(
        "agentabsence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agentabsence_agent_id", "agentabsence", ["agent_id"], unique=False)
    op.create_index("ix_agentabsence_last_day", "agentabsence", ["last_day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_agentabsence_last_day", table_name="agentabsence")
    op.drop_index("ix_agentabsence_agent_id", table_name="agentabsence")
    op.drop_table("agentabsence")
    op.drop_index("ix_agentshift_agent_id", table_name="agentshift")
    op.drop_table("agentshift")
