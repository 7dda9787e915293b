"""postgres dims_code: the report dimensions computed in 64-bit integers on PostgreSQL

``ticket.dims_code`` (0001) packs the assignee's id times 2**28 with the team, channel, category
and priority. SQLite computes in 64-bit integers; PostgreSQL computes ``integer * integer`` in
32 bits, so on PostgreSQL a ticket assigned to agent #8 or later failed to save ("integer out of
range"). This revision recomputes the generated column on PostgreSQL with the ids cast to bigint
(the same values; PostgreSQL 15 cannot change a generated column's expression, so the column is
dropped and added again, and the indexes that cover it are recreated exactly as they were).
SQLite is unchanged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_REST = (
    " + (CASE channel WHEN 'email' THEN 1 WHEN 'phone' THEN 2 WHEN 'chat' THEN 3 WHEN 'web' THEN 4"
    " WHEN 'walk_in' THEN 5 WHEN 'social' THEN 6 ELSE 0 END) * 256"
    " + (CASE category WHEN 'question' THEN 1 WHEN 'problem' THEN 2 WHEN 'complaint' THEN 3 WHEN 'request' THEN 4"
    " WHEN 'incident' THEN 5 WHEN 'feedback' THEN 6 ELSE 0 END) * 16"
    " + (CASE priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 0 END)"
)
BIGINT_DIMS_CODE = (
    "CAST(coalesce(assignee_id, 0) AS bigint) * 268435456 + CAST(coalesce(team_id, 0) AS bigint) * 4096"
    + _REST
)
OLD_DIMS_CODE = "coalesce(assignee_id, 0) * 268435456 + coalesce(team_id, 0) * 4096" + _REST


def _recompute(expression: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite computes in 64 bits already
    indexes = [
        row[0]
        for row in bind.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'ticket' "
            "AND strpos(indexdef, 'dims_code') > 0 ORDER BY indexname"
        )
    ]
    bind.exec_driver_sql("ALTER TABLE ticket DROP COLUMN dims_code")  # its indexes go with it
    bind.exec_driver_sql(
        f"ALTER TABLE ticket ADD COLUMN dims_code bigint GENERATED ALWAYS AS ({expression}) STORED"
    )
    for definition in indexes:
        bind.exec_driver_sql(definition)


def upgrade() -> None:
    _recompute(BIGINT_DIMS_CODE)


def downgrade() -> None:
    _recompute(OLD_DIMS_CODE)
