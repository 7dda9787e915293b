"""Opening a desk database safely: inspect, refuse, create at the latest schema, or migrate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DatabaseError
from .shared_setup import prepare_process

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when a desk is opened: the console's fast
    from .store import Store  # start marks itself a console before it may import SQLAlchemy

CONSOLE_PAGE_CACHE_KIB = 256
"""The SQLite page cache of each of a console's connections (SQLite's own default: 2,000 KiB).

A console keeps up to five pooled connections (one per worker thread that read), and each kept a
full 2 MB cache: 6-8 MiB of its memory after a search and a few tickets on a 100k desk. Its reads
are short and index-driven (a page of a view, one ticket, one search), and any other agent's
commit empties every connection's cache anyway (SQLite drops it when the file changed), so a small
cache costs the key actions nothing measurable (bench/README.md). Bulk work (imports, the demo
builder, reports) keeps SQLite's default: it runs in other processes.
"""
_page_cache_kib: int | None = None


def use_console_page_cache(kib: int = CONSOLE_PAGE_CACHE_KIB) -> None:
    """This process is a console: SQLite desks opened from now on give each connection ``kib``
    KiB of page cache (``PRAGMA cache_size``)."""
    global _page_cache_kib
    _page_cache_kib = kib


def _limit_page_cache(store: Store, kib: int) -> None:
    from sqlalchemy import event

    @event.listens_for(store.engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")  # negative: KiB, whatever the page size
        cursor.close()


def open_store(path: Path, *, create: bool = True, upgrade: bool = False) -> Store:
    """Open the database at ``path``; refuse anything that is not a usable bokdesk database.

    A missing or empty file is created at the latest schema when ``create`` is set. A database at
    an older schema is migrated only when ``upgrade`` is set (``bokdesk db upgrade``); otherwise the
    user is told to run it, so that agents' consoles never migrate a shared file behind each other.
    """
    from .store import FileState, Store, check_directory, inspect_file, sqlite_url

    path = path.expanduser()
    try:
        check_directory(path)
        if path.is_symlink() and not path.exists():
            raise DatabaseError("db_dangling_link", path=path)
        if path.exists() and not path.is_file() and not path.is_dir():
            raise DatabaseError("db_not_regular", path=path)
    except OSError as exc:  # e.g. a name too long for the file system
        raise DatabaseError("db_unusable", path=path, reason=exc.strerror) from None
    prepare_process(path, create=create)  # a shared desk: umask 0007, a new file group-writable
    inspection = inspect_file(path)
    if inspection.state is FileState.NEWER:
        raise DatabaseError("db_file_newer", path=path, revision=inspection.revision)
    if inspection.state in (FileState.MISSING, FileState.EMPTY) and not create:
        raise DatabaseError("db_file_missing", path=path)
    if inspection.state is FileState.OLDER and not upgrade:
        raise DatabaseError("db_file_older", path=path, revision=inspection.revision)
    store = Store(sqlite_url(path))
    if _page_cache_kib is not None:
        _limit_page_cache(store, _page_cache_kib)
    if inspection.state is not FileState.CURRENT:
        from .migrate import upgrade as run_upgrade

        try:
            run_upgrade(store)
        except Exception:
            store.dispose()
            raise
    return store


def server_url(url: str) -> str:
    """The SQLAlchemy URL with bokdesk's PostgreSQL driver (psycopg 3) when none is named:
    ``postgresql://`` (and libpq's ``postgres://``) would mean psycopg2, which bokdesk does not use."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def open_url(url: str, *, upgrade: bool = False) -> Store:
    """Open a server database (PostgreSQL) by SQLAlchemy URL, migrating when asked.

    An empty database gets the schema (``bokdesk db upgrade`` on a new server database); an
    older schema is migrated only when ``upgrade`` is set, as for a file.
    """
    from .store import Store

    url = server_url(url)
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise DatabaseError("db_no_driver") from None
        from .models import postgresql_partial_indexes

        postgresql_partial_indexes()  # the models' partial indexes, as PostgreSQL declares them
    store = Store(url)
    from .migrate import current_revision
    from .migrate import upgrade as run_upgrade
    from .store import KNOWN_REVISIONS, SCHEMA_HEAD

    revision = current_revision(store)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseError("db_newer", revision=revision)
    if revision != SCHEMA_HEAD:
        if revision is not None and not upgrade:
            raise DatabaseError("db_older", revision=revision)
        run_upgrade(store)
    return store
