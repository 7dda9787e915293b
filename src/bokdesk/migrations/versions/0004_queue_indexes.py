"""queue indexes: two partial covering indexes over the active tickets, in the queue's order

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

The queue's urgency order (breached, at risk, running, no target; then due time, age, number)
depends on the current time, so no index can hold it directly. Within one urgency bucket,
though, the order is (next_due_at, created_at, id), and each bucket is a range of next_due_at
(breached: before now; at risk and running: from now on; no target: NULL). ``core.paging``
reads a page bucket by bucket, each a seek into one of these indexes in index order: no sort,
no temporary B-tree, whatever the size of the desk. Both are partial (active tickets only, a
few thousand rows on a desk of a million) and carry every column the views filter on, so a page
or a count reads index entries only.

- ``ix_ticket_active_due``: views 3-7 (all open, waiting, SLA, complaints) and the counts.
- ``ix_ticket_active_assignee``: views 1 and 2 (mine: assignee = me; unassigned: assignee IS
  NULL) seek straight to the agent's tickets, and take-next to the unassigned ones.

The queue's statements name their index (``INDEXED BY``, SQLite only, see ``core.store``):
without statistics SQLite would rather take ``status IN (...)`` through ``ix_ticket_queue`` and
sort every active ticket for each page. ``ix_ticket_queue`` stays for other readers.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('new', 'open', 'pending', 'on_hold')"
INDEXES = {
    "ix_ticket_active_due": [
        "next_due_at",
        "created_at",
        "id",
        "next_risk_at",
        "assignee_id",
        "category",
        "status",
    ],
    "ix_ticket_active_assignee": [
        "assignee_id",
        "next_due_at",
        "created_at",
        "id",
        "next_risk_at",
        "category",
        "status",
    ],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(
            name, "ticket", columns, unique=False, sqlite_where=text(ACTIVE), postgresql_where=text(ACTIVE)
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="ticket")
