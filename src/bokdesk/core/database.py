"""Opening a desk database safely: inspect, refuse, create at the latest schema, or migrate."""

from __future__ import annotations

from pathlib import Path

from .errors import DatabaseError
from .shared_setup import prepare_process
from .store import FileState, Store, check_directory, inspect_file, sqlite_url


def open_store(path: Path, *, create: bool = True, upgrade: bool = False) -> Store:
    """Open the database at ``path``; refuse anything that is not a usable bokdesk database.

    A missing or empty file is created at the latest schema when ``create`` is set. A database at
    an older schema is migrated only when ``upgrade`` is set (``bokdesk db upgrade``); otherwise the
    user is told to run it, so that agents' consoles never migrate a shared file behind each other.
    """
    path = path.expanduser()
    check_directory(path)
    prepare_process(path, create=create)  # a shared desk: umask 0007, a new file group-writable
    inspection = inspect_file(path)
    if inspection.state is FileState.NEWER:
        raise DatabaseError(
            f"{path} was written by a newer bokdesk (schema {inspection.revision}); "
            "upgrade bokdesk before using it."
        )
    if inspection.state in (FileState.MISSING, FileState.EMPTY) and not create:
        raise DatabaseError(f"{path} does not exist; create it with `bokdesk db upgrade --db {path}`.")
    if inspection.state is FileState.OLDER and not upgrade:
        raise DatabaseError(
            f"{path} has an older schema ({inspection.revision}); run `bokdesk db upgrade` first."
        )
    store = Store(sqlite_url(path))
    if inspection.state is not FileState.CURRENT:
        from .migrate import upgrade as run_upgrade

        try:
            run_upgrade(store)
        except Exception:
            store.dispose()
            raise
    return store


def open_url(url: str, *, upgrade: bool = False) -> Store:
    """Open a server database (PostgreSQL) by SQLAlchemy URL, migrating when asked."""
    store = Store(url)
    from .migrate import current_revision, upgrade as run_upgrade
    from .store import KNOWN_REVISIONS, SCHEMA_HEAD

    revision = current_revision(store)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseError(f"The database was written by a newer bokdesk (schema {revision}).")
    if revision != SCHEMA_HEAD:
        if revision is not None and not upgrade:
            raise DatabaseError(f"The database has an older schema ({revision}); run `bokdesk db upgrade`.")
        run_upgrade(store)
    return store
