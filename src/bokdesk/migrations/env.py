"""Alembic environment: runs on the connection bokdesk hands over (never reads alembic.ini)."""

from __future__ import annotations

from alembic import context

from bokdesk.core.models import SQLModel

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - bokdesk always passes a connection
    raise RuntimeError("bokdesk migrations run only through `bokdesk db upgrade`.")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the SQLite full-text index (created by hand in 0001) out of autogenerate."""
    return not (type_ == "table" and name is not None and name.startswith("ticket_search"))


context.configure(
    connection=connection,
    include_name=include_name,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
