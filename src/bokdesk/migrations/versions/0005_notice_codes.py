"""notice codes: the text the desk writes itself, stored as a stable code and its values

System messages (and the notes the e-mail channel writes in place of a customer's text), the
reasons of quarantined e-mail and our own delivery errors keep their English text for the command
line and exports; the code and its values (JSON) let the console say them in the agent's
language. Rows written before have no code and show their text as it is.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    ("message", "notice_code", "notice_params"),
    ("mailquarantine", "reason_code", "reason_params"),
    ("outboxmessage", "error_code", "error_params"),
)


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): the message table carries the search triggers.
    for table, code, params in COLUMNS:
        op.add_column(table, sa.Column(code, sa.String(length=40), nullable=True))
        op.add_column(table, sa.Column(params, sa.Text(), nullable=True))


def downgrade() -> None:
    for table, code, params in reversed(COLUMNS):
        op.drop_column(table, params)
        op.drop_column(table, code)
