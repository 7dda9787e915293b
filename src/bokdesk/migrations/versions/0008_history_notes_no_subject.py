"""history notes as codes, and e-mail without a subject stored empty

The notes the desk writes itself into a ticket's history (a merge, "customer replied", an
automatic assignment's reason, a failed or bounced e-mail, a recomputed due time) keep their
English text in ``ticketevent.note`` for the command line and exports; ``note_code`` and
``note_params`` (JSON) let the console say them in the agent's language, as schema 0005 did for
messages. Rows written before have no code and show their note as it is.

A ticket made from an e-mail without a subject used to store the English placeholder
"(no subject)" as its subject (and as the message's e-mail subject); it is now stored empty and
each screen, the command line and the reply's e-mail subject say it in their own words.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PLACEHOLDER = "(no subject)"


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild), as 0005.
    op.add_column("ticketevent", sa.Column("note_code", sa.String(length=40), nullable=True))
    op.add_column("ticketevent", sa.Column("note_params", sa.Text(), nullable=True))
    # The search index follows the ticket's subject through its update trigger.
    op.execute(sa.text("UPDATE ticket SET subject = '' WHERE subject = :p").bindparams(p=PLACEHOLDER))
    op.execute(
        sa.text("UPDATE message SET email_subject = '' WHERE email_subject = :p").bindparams(p=PLACEHOLDER)
    )


def downgrade() -> None:
    op.execute(
        sa.text("UPDATE message SET email_subject = :p WHERE email_subject = ''").bindparams(p=PLACEHOLDER)
    )
    op.execute(sa.text("UPDATE ticket SET subject = :p WHERE subject = ''").bindparams(p=PLACEHOLDER))
    op.drop_column("ticketevent", "note_params")
    op.drop_column("ticketevent", "note_code")
