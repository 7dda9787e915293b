"""A console's SQLite connections keep a small page cache; every other process keeps SQLite's."""

from __future__ import annotations

import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from bokdesk.core import database
from bokdesk.core.database import CONSOLE_PAGE_CACHE_KIB, open_store


def cache_sizes(store) -> list[int]:  # type: ignore[no-untyped-def]
    """``PRAGMA cache_size`` of a read and of a write connection of the store."""
    sizes = []
    with store.read() as session:
        sizes.append(session.connection().exec_driver_sql("PRAGMA cache_size").scalar())
    with store.write() as session:
        sizes.append(session.connection().exec_driver_sql("PRAGMA cache_size").scalar())
    return sizes


def test_other_processes_keep_sqlites_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "_page_cache_kib", None)
    store = open_store(tmp_path / "desk.db")
    try:
        assert cache_sizes(store) == [-2000, -2000]
    finally:
        store.dispose()


def test_a_console_gives_every_connection_a_small_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "_page_cache_kib", None)
    database.use_console_page_cache()
    store = open_store(tmp_path / "desk.db")
    try:
        assert cache_sizes(store) == [-CONSOLE_PAGE_CACHE_KIB, -CONSOLE_PAGE_CACHE_KIB]
        # A new connection (the pool's overflow, or after a dispose) gets it too.
        store.engine.dispose()
        raw = store.engine.raw_connection()
        try:
            assert raw.cursor().execute("PRAGMA cache_size").fetchone()[0] == -CONSOLE_PAGE_CACHE_KIB
        finally:
            raw.close()
    finally:
        store.dispose()


def test_the_console_command_marks_its_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from bokdesk.cli import console_cmd
    from bokdesk.ui import boot

    seen = []
    monkeypatch.setattr(database, "_page_cache_kib", None)
    monkeypatch.setattr(boot, "launch", lambda args: seen.append(database._page_cache_kib) or 0)
    assert console_cmd.run_console(Namespace()) == 0
    assert seen == [CONSOLE_PAGE_CACHE_KIB]


def test_marking_a_console_does_not_import_sqlalchemy() -> None:
    """The fast start paints before SQLAlchemy is imported; marking the process must not import it."""
    code = (
        "import sys\n"
        "from bokdesk.core.database import use_console_page_cache\n"
        "use_console_page_cache()\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('sqlalchemy', 'sqlmodel')))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
