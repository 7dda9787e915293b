"""SQL the database keeps for the models: the generated columns the metrics read, and partial
indexes' ``WHERE`` on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, text
from sqlmodel import SQLModel

from ..enums import Category, Channel, Priority


def partial(where: str) -> dict[str, Any]:
    """A partial index's ``WHERE``: SQLite's option, and PostgreSQL's kept aside until a PostgreSQL
    desk is opened (``postgresql_partial_indexes``). Given to ``Index`` as ``postgresql_where``, it
    makes SQLAlchemy import its whole PostgreSQL dialect (2.2 MiB, 20 modules) to check the option,
    in every process, SQLite consoles included."""
    return {"sqlite_where": text(where), "info": {"postgresql_where": where}}


def table_of(model: type[SQLModel]) -> Table:
    """A table model's table (SQLModel sets ``__table__`` when it builds the class; its stubs do not
    declare it)."""
    return model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass, undeclared


def postgresql_partial_indexes() -> None:
    """Give the partial indexes their PostgreSQL ``WHERE`` (idempotent; ``open_url`` calls it)."""
    for table in SQLModel.metadata.tables.values():
        for index in table.indexes:
            where = index.info.get("postgresql_where")
            if where is not None and index.dialect_options["postgresql"]["where"] is None:
                index.dialect_options["postgresql"]["where"] = text(where)


def _enum_code(column: str, values: list[str]) -> str:
    whens = " ".join(f"WHEN '{v}' THEN {i + 1}" for i, v in enumerate(values))
    return f"(CASE {column} {whens} ELSE 0 END)"


# A ticket's five report dimensions packed into one integer, kept by the database itself (a
# generated column), so that the metrics' covering indexes carry one small number instead of five
# columns: assignee (20 bits) | team (16) | channel (4) | category (4) | priority (4); the enum
# values are numbered from 1 in their declaration order, 0 is "none" / unknown. core/metrics
# decodes it; the initial migration spells the same expression out.
DIMS_CODE_SQL = (
    "coalesce(assignee_id, 0) * 268435456 + coalesce(team_id, 0) * 4096"
    f" + {_enum_code('channel', [c.value for c in Channel])} * 256"
    f" + {_enum_code('category', [c.value for c in Category])} * 16"
    f" + {_enum_code('priority', [p.value for p in Priority])}"
)


def _bit(condition: str, value: int) -> str:
    return f"(CASE WHEN {condition} THEN {value} ELSE 0 END)"


# What the metrics need to know about a ticket besides its times and durations, as bits of one
# integer the database keeps current (a generated column); core/metrics reads it from the same
# covering indexes. Bit 0 inbound, 1 complaint, 2 has a first-response target, 3 first response
# breached, 4 has a resolution target, 5 resolution breached, 6 exactly one public response and no
# transfer, 7 reopened, 8 answered (has a first response), 9 solved or closed, 10 merged;
# bits 16 and up: the number of transfers.
METRIC_BITS_SQL = " + ".join(
    [
        _bit("direction = 'inbound'", 1),
        _bit("complaint_due_at IS NOT NULL", 2),
        _bit("frt_due_at IS NOT NULL", 4),
        _bit("frt_breached", 8),
        _bit("resolution_due_at IS NOT NULL", 16),
        _bit("resolution_breached", 32),
        _bit("public_response_count = 1 AND transfer_count = 0", 64),
        _bit("reopen_count > 0", 128),
        _bit("first_response_at IS NOT NULL", 256),
        _bit("status IN ('solved', 'closed')", 512),
        _bit("link_kind = 'merged'", 1024),
        "transfer_count * 65536",
    ]
)
