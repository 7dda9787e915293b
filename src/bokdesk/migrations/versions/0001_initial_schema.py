"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

APPLICATION_ID = 0x626F6B64

# The ticket's report dimensions packed into one integer (core/models.py DIMS_CODE_SQL, spelled
# out here so the migration stays as it was written).
DIMS_CODE_SQL = (
    "coalesce(assignee_id, 0) * 268435456 + coalesce(team_id, 0) * 4096"
    " + (CASE channel WHEN 'email' THEN 1 WHEN 'phone' THEN 2 WHEN 'chat' THEN 3 WHEN 'web' THEN 4"
    " WHEN 'walk_in' THEN 5 WHEN 'social' THEN 6 ELSE 0 END) * 256"
    " + (CASE category WHEN 'question' THEN 1 WHEN 'problem' THEN 2 WHEN 'complaint' THEN 3"
    " WHEN 'request' THEN 4 WHEN 'incident' THEN 5 WHEN 'feedback' THEN 6 ELSE 0 END) * 16"
    " + (CASE priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 0 END)"
)

# The metrics' flags as bits of one integer (core/models.py METRIC_BITS_SQL, spelled out here).
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

# Default SLA targets in business minutes: (priority, first response, resolution).
DEFAULT_SLA = [
    ("urgent", 60, 8 * 60),
    ("high", 4 * 60, 16 * 60),
    ("normal", 8 * 60, 40 * 60),
    ("low", 16 * 60, 80 * 60),
]

# What a ticket's customer contributes to search: name, company, e-mails and phones (the phone
# also as its last nine digits, so a national number typed without +48 matches).
CUSTOMER_SEARCH_VIEW = """
CREATE VIEW customer_search_text AS
SELECT c.id AS customer_id,
       c.name || ' ' || coalesce(c.company, '') || ' ' || coalesce((
           SELECT group_concat(cc.value || ' ' || cc.normalized || ' ' ||
                  CASE WHEN cc.kind = 'phone' AND length(cc.normalized) > 9
                       THEN substr(cc.normalized, -9) ELSE '' END, ' ')
           FROM customercontact cc WHERE cc.customer_id = c.id), '') AS text
FROM customer c
"""

_CUSTOMER_TEXT = "(SELECT text FROM customer_search_text WHERE customer_id = {customer_id})"

SEARCH_TRIGGERS = (
    "ticket_search_ai",
    "ticket_search_au",
    "ticket_search_message_ai",
    "ticket_search_customer_au",
    "ticket_search_contact_ai",
    "ticket_search_contact_ad",
)


def _seed_defaults() -> None:
    sla = sa.table(
        "slapolicy",
        sa.column("priority", sa.String),
        sa.column("category", sa.String),
        sa.column("first_response_minutes", sa.Integer),
        sa.column("resolution_minutes", sa.Integer),
        sa.column("business_hours", sa.Boolean),
    )
    op.bulk_insert(
        sla,
        [
            {
                "priority": p,
                "category": None,
                "first_response_minutes": frt,
                "resolution_minutes": res,
                "business_hours": True,
            }
            for p, frt, res in DEFAULT_SLA
        ],
    )


def _create_sqlite_search() -> None:
    """FTS5 index, one row per ticket (rowid = ticket id), kept current by triggers."""
    op.execute(CUSTOMER_SEARCH_VIEW)
    op.execute(
        "CREATE VIRTUAL TABLE ticket_search USING fts5("
        "subject, body, customer, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    new_customer = _CUSTOMER_TEXT.format(customer_id="new.customer_id")
    op.execute(f"""
        CREATE TRIGGER ticket_search_ai AFTER INSERT ON ticket BEGIN
            INSERT INTO ticket_search(rowid, subject, body, customer)
            VALUES (new.id, new.subject, '', {new_customer});
        END""")
    op.execute(f"""
        CREATE TRIGGER ticket_search_au AFTER UPDATE OF subject, customer_id ON ticket BEGIN
            UPDATE ticket_search SET subject = new.subject, customer = {new_customer}
            WHERE rowid = new.id;
        END""")
    op.execute("""
        CREATE TRIGGER ticket_search_message_ai AFTER INSERT ON message BEGIN
            UPDATE ticket_search SET body = body || char(10) || new.body WHERE rowid = new.ticket_id;
        END""")
    for name, when, ref in (
        ("ticket_search_customer_au", "AFTER UPDATE OF name, company ON customer", "new.id"),
        ("ticket_search_contact_ai", "AFTER INSERT ON customercontact", "new.customer_id"),
        ("ticket_search_contact_ad", "AFTER DELETE ON customercontact", "old.customer_id"),
    ):
        text = _CUSTOMER_TEXT.format(customer_id=ref)
        op.execute(f"""
            CREATE TRIGGER {name} {when} BEGIN
                UPDATE ticket_search SET customer = {text}
                WHERE rowid IN (SELECT id FROM ticket WHERE customer_id = {ref});
            END""")


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_name"), ["name"], unique=False)

    op.create_table(
        "setting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("value", sa.Text(), server_default=sa.text("('')"), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "slapolicy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("first_response_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("business_hours", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("priority", "category", name="uq_sla_priority_category"),
    )
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("assignment_mode", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "agent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_assigned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_team_id"), ["team_id"], unique=False)

    op.create_table(
        "customercontact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("normalized", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "normalized", name="uq_contact_kind_normalized"),
    )
    with op.batch_alter_table("customercontact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customercontact_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "cannedresponse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("shortcut", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("usage_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["agent.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cannedresponse", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cannedresponse_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cannedresponse_shortcut"), ["shortcut"], unique=False)

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

    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "agent_id", "kind", name="uq_draft_owner"),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_agent_id"), ["agent_id"], unique=False)

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("author_agent_id", sa.Integer(), nullable=True),
        sa.Column("author_customer_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("email_message_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("email_in_reply_to", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("email_references", sa.Text(), nullable=True),
        sa.Column("email_from", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("email_to", sa.Text(), nullable=True),
        sa.Column("email_subject", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["author_customer_id"],
            ["customer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email_message_id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index("ix_message_ticket_created", ["ticket_id", "created_at"], unique=False)

    op.create_table(
        "presence",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("activity", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("agent_id", "ticket_id"),
    )
    op.create_table(
        "surveyanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    with op.batch_alter_table("surveyanswer", schema=None) as batch_op:
        batch_op.create_index("ix_survey_answered_at", ["answered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveyanswer_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveyanswer_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "ticketevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticketevent", schema=None) as batch_op:
        batch_op.create_index("ix_event_ticket_at", ["ticket_id", "at"], unique=False)
        batch_op.create_index(
            "ix_event_m_agent_at",
            ["at", "agent_id"],
            unique=False,
            sqlite_where=sa.text("agent_id IS NOT NULL"),
            postgresql_where=sa.text("agent_id IS NOT NULL"),
        )

    op.create_table(
        "tickettag",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("ticket_id", "tag"),
    )
    with op.batch_alter_table("tickettag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickettag_tag"), ["tag"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_message_id"), ["message_id"], unique=False)

    op.create_table(
        "mailcursor",
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("uidvalidity", sa.Integer(), nullable=True),
        sa.Column("last_uid", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )
    op.create_table(
        "mailquarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "mailseen",
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_table(
        "outboxmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("to_addr", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("email_message_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_status_next", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outboxmessage_ticket_id"), ["ticket_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outboxmessage_email_message_id"), ["email_message_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outboxmessage_message_id"), ["message_id"], unique=False)

    # ### end Alembic commands ###
    _seed_defaults()
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_search()
        op.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def downgrade() -> None:
    for table in ("outboxmessage", "mailseen", "mailquarantine", "mailcursor"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "sqlite":
        for trigger in SEARCH_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS ticket_search")
        op.execute("DROP VIEW IF EXISTS customer_search_text")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_message_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("tickettag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickettag_tag"))

    op.drop_table("tickettag")
    with op.batch_alter_table("ticketevent", schema=None) as batch_op:
        batch_op.drop_index("ix_event_ticket_at")

    op.drop_table("ticketevent")
    with op.batch_alter_table("surveyanswer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveyanswer_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_surveyanswer_agent_id"))
        batch_op.drop_index("ix_survey_answered_at")

    op.drop_table("surveyanswer")
    op.drop_table("presence")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_ticket_created")

    op.drop_table("message")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_agent_id"))

    op.drop_table("draft")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_team_id"))
        batch_op.drop_index("ix_ticket_status_assignee")
        batch_op.drop_index("ix_ticket_solved_at")
        batch_op.drop_index("ix_ticket_queue")
        batch_op.drop_index(batch_op.f("ix_ticket_parent_id"))
        batch_op.drop_index("ix_ticket_first_response_at")
        batch_op.drop_index("ix_ticket_customer_created")
        batch_op.drop_index("ix_ticket_created_at")
        batch_op.drop_index("ix_ticket_complaint_due")

    op.drop_table("ticket")
    with op.batch_alter_table("cannedresponse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cannedresponse_shortcut"))
        batch_op.drop_index(batch_op.f("ix_cannedresponse_owner_id"))

    op.drop_table("cannedresponse")
    with op.batch_alter_table("customercontact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customercontact_customer_id"))

    op.drop_table("customercontact")
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_team_id"))

    op.drop_table("agent")
    op.drop_table("team")
    op.drop_table("slapolicy")
    op.drop_table("setting")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_name"))

    op.drop_table("customer")
    # ### end Alembic commands ###
