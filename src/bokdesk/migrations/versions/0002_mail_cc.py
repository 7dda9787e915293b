"""mail cc: the Cc of inbound e-mail on the message, and of outgoing e-mail in the outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): the message table carries the search triggers.
    op.add_column("message", sa.Column("email_cc", sa.Text(), nullable=True))
    op.add_column("outboxmessage", sa.Column("cc_addrs", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("outboxmessage", "cc_addrs")
    op.drop_column("message", "email_cc")
