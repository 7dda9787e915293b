"""Alembic environment: runs on the connection bokdesk hands over (never reads alembic.ini)."""

from __future__ import annotations

from alembic import context

from bokdesk.core.models import SQLModel

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - bokdesk always passes a connection
    raise RuntimeError("bokdesk migrations run only through `bokdesk db upgrade`.")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
