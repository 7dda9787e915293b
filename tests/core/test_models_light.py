"""The models do not load SQLAlchemy's PostgreSQL dialect into SQLite processes, and a PostgreSQL
desk still gets the partial indexes PostgreSQL's way."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex

from bokdesk.core import database, models


def test_importing_the_models_loads_no_postgresql_dialect() -> None:
    code = (
        "import sys\n"
        "import bokdesk.core.models, bokdesk.core.store, bokdesk.core.services.tickets, bokdesk.core.paging\n"
        "print(sorted(n for n in sys.modules if n.startswith('sqlalchemy.dialects.postgresql')))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def where(ddl: str) -> str | None:
    found = re.search(r"\bWHERE (.*)$", ddl.strip(), re.DOTALL)
    return found.group(1) if found else None


def test_every_partial_index_has_the_same_where_on_postgresql() -> None:
    models.postgresql_partial_indexes()
    models.postgresql_partial_indexes()  # idempotent
    partial = 0
    for table in models.SQLModel.metadata.tables.values():
        for index in table.indexes:
            on_sqlite = where(str(CreateIndex(index).compile(dialect=sqlite.dialect())))
            on_postgresql = where(str(CreateIndex(index).compile(dialect=postgresql.dialect())))
            assert on_sqlite == on_postgresql, index.name
            partial += on_sqlite is not None
    assert partial == 6


def test_open_url_attaches_them_before_it_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")
    calls: list[str] = []

    class Stop(Exception):
        pass

    def fake_store(url: str) -> None:
        calls.append("store")
        raise Stop

    monkeypatch.setattr(models, "postgresql_partial_indexes", lambda: calls.append("indexes"))
    monkeypatch.setattr("bokdesk.core.store.Store", fake_store)
    with pytest.raises(Stop):
        database.open_url("postgresql://nobody@127.0.0.1:1/none")
    assert calls == ["indexes", "store"]
