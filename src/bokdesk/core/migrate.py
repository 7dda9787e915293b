"""Schema migrations through Alembic, configured in code (the scripts ship inside the package)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .store import Store

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _config(store: Store, connection: object) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(store: Store, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction."""
    from alembic import command

    with store.engine.connect() as connection:
        command.upgrade(_config(store, connection), revision)
        connection.commit()


def heads() -> list[str]:
    """The head revisions of the shipped migration scripts."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return list(script.get_heads())


def current_revision(store: Store) -> str | None:
    from sqlalchemy import inspect, text

    with store.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
