"""The store: connection settings, short transactions, and the schema guard.

Every write transaction starts with ``BEGIN IMMEDIATE`` so that "read, decide, write" is atomic
across processes; reads use short deferred transactions and never stay open. Before anything
touches a database file it is inspected read-only: a foreign or corrupt file is refused and
never modified, and a schema newer than this program is refused.

On PostgreSQL (the scale path) the same two promises hold by other means: a write transaction
first takes the desk's transaction-scoped advisory lock (``pg_advisory_xact_lock``, waiting up to
the same 30 s), the server's equivalent of ``BEGIN IMMEDIATE``, and runs at READ COMMITTED, so
each statement after the lock sees every earlier writer's commit; a read transaction is
REPEATABLE READ, one snapshot for all its statements, as an SQLite read transaction is.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from .errors import DatabaseError
from .write_gate import gate_for

APPLICATION_ID = 0x626F6B64  # "bokd", stamped into the SQLite header of our databases
# PostgreSQL: the advisory lock every write transaction takes (advisory locks are per database).
WRITE_LOCK_KEY = APPLICATION_ID
BUSY_TIMEOUT_MS = 30_000
SQLITE_HEADER = b"SQLite format 3\x00"

# Alembic revisions this program knows, oldest first; the last one is the head.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]


class FileState(Enum):
    MISSING = "missing"
    EMPTY = "empty"
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"


@dataclass(frozen=True)
class Inspection:
    """What a database file is, before we dare to open it for writing."""

    state: FileState
    revision: str | None = None


_KEPT_FDS: list[int] = []


def _read_header(path: Path) -> bytes:
    """The file's first 100 bytes, without dropping SQLite's locks on it.

    Closing *any* descriptor of a file drops every POSIX lock the process holds on it, SQLite's
    included, while SQLite still believes it holds them. A console that inspected the file after
    its first connection opened (the fast start's preview) would then hold no lock at all: the
    next process to disconnect would find itself the last user, checkpoint, and delete the WAL
    that the console goes on writing into, and the console's later writes were lost. So when
    another descriptor of this process has the file open, ours is kept open, never closed.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return os.pread(fd, 100, 0)
    finally:
        if _open_elsewhere(fd):
            _KEPT_FDS.append(fd)
        else:
            os.close(fd)


def _open_elsewhere(fd: int) -> bool:
    """Whether another descriptor of this process refers to the same file (True when unsure)."""
    mine = os.fstat(fd)
    try:
        others = os.listdir("/proc/self/fd")
    except OSError:
        return True
    for name in others:
        if name == str(fd):
            continue
        try:
            info = os.stat(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == (mine.st_dev, mine.st_ino):
            return True
    return False


def inspect_file(path: Path) -> Inspection:
    """Classify a database file without modifying it; raise DatabaseError if it is not ours."""
    if not path.exists():
        return Inspection(FileState.MISSING)
    if path.is_dir():
        raise DatabaseError("db_is_directory", path=path)
    try:
        header = _read_header(path)
    except OSError as exc:
        raise DatabaseError("db_unreadable", path=path, reason=exc.strerror) from None
    if len(header) == 0:
        return Inspection(FileState.EMPTY)
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise DatabaseError("db_not_sqlite", path=path)
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # Read through SQLite, not the raw header: in WAL mode page 1 may still be in the WAL.
            app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError("db_damaged", path=path, detail=str(exc)) from None
    if app_id != APPLICATION_ID:
        if not tables:
            return Inspection(FileState.EMPTY)
        raise DatabaseError("db_foreign", path=path)
    if revision is None:
        raise DatabaseError("db_no_version", path=path)
    if revision == SCHEMA_HEAD:
        return Inspection(FileState.CURRENT, revision)
    if revision in KNOWN_REVISIONS:
        return Inspection(FileState.OLDER, revision)
    return Inspection(FileState.NEWER, revision)


def _install_sqlite_settings(engine: Engine, synchronous: str) -> None:
    """WAL, busy timeout, foreign keys, and BEGIN IMMEDIATE for write transactions."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute(f"PRAGMA synchronous = {synchronous}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("bokdesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _install_postgres_settings(engine: Engine) -> None:
    """Writers queue on the desk's advisory lock (READ COMMITTED); readers get one snapshot."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # no transaction to shape (the change signal's connection)
        if options.get("bokdesk_write", False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")  # lock_timeout: 30 s
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _render_index_hints(engine: Engine) -> None:
    """Render ``select(...).with_hint(table, "INDEXED BY ix", "sqlite")`` on SQLite.

    SQLAlchemy's SQLite compiler drops table hints. The queue names its partial indexes this way
    (``core.paging``): without ``ANALYZE`` statistics SQLite guesses that ``status IN (...)`` is
    selective and sorts every active ticket instead. Other databases never see the hint.
    """
    base = engine.dialect.statement_compiler

    class _HintingCompiler(base):  # type: ignore[misc, valid-type]  # its base is the dialect's compiler, known at run time
        def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
            return text

    engine.dialect.statement_compiler = _HintingCompiler


class Store:
    """Access to one database. Use ``read()`` and ``write()``; each is one short transaction."""

    def __init__(self, url: str, *, synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        connect_args: dict[str, Any] = {}
        if self.is_sqlite:
            connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        elif url.startswith("postgresql"):
            # Every session in UTC, whatever the server's TimeZone: timestamps then come back in
            # UTC as SQLite gives them (history says "09:00 UTC", the calendar converts itself).
            # A lock is waited for as long as SQLite's busy timeout, then the write fails whole.
            connect_args = {"options": f"-c timezone=UTC -c lock_timeout={BUSY_TIMEOUT_MS}"}
        self.engine = create_engine(url, connect_args=connect_args, echo=echo)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        if self.is_sqlite:
            _install_sqlite_settings(self.engine, synchronous)
            _render_index_hints(self.engine)
        elif self.is_postgres:
            _install_postgres_settings(self.engine)
        self._write_engine = self.engine.execution_options(bokdesk_write=True)
        # Writers of one file queue in the kernel before BEGIN IMMEDIATE (see write_gate.py).
        self._gate = gate_for(url, BUSY_TIMEOUT_MS / 1000) if self.is_sqlite else None
        self._local = threading.local()

    @property
    def path(self) -> Path | None:
        """The database file for SQLite stores."""
        if not self.is_sqlite:
            return None
        return Path(self.engine.url.database or "")

    @contextmanager
    def batch(self) -> Iterator[Session]:
        """One write transaction shared by every read()/write() of this thread inside the block.

        For bulk work (demo data, imports): thousands of service calls, one commit.
        """
        with self.write() as session:
            self._local.session = session
            try:
                yield session
            finally:
                self._local.session = None

    def _batch_session(self) -> Session | None:
        return getattr(self._local, "session", None)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read transaction; closed (and so released) when the block ends."""
        shared = self._batch_session()
        if shared is not None:
            yield shared
            return
        with Session(self.engine, expire_on_commit=False) as session:
            # Closing the session hands the connection back to the pool, which rolls back:
            # the read transaction ends here, and loaded objects stay usable (not expired).
            try:
                yield session
            except OperationalError as exc:
                raise _busy_or_raise(exc) from None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (``BEGIN IMMEDIATE``), committed when the block ends."""
        shared = self._batch_session()
        if shared is not None:
            with shared.begin_nested():
                yield shared
            return
        try:
            with (
                self._gate.hold() if self._gate else nullcontext(),
                Session(self._write_engine, expire_on_commit=False) as session,
            ):
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except OperationalError as exc:
            raise _busy_or_raise(exc) from None

    def change_signal(self) -> ChangeSignal:
        """A cheap "has the desk changed?" probe with a connection of its own (see ChangeSignal)."""
        if self.is_sqlite:
            return _SqliteChangeSignal(self)
        if self.is_postgres:
            return _ServerChangeSignal(self)
        return ChangeSignal()

    def reset_sequences(self, session: Session, *tables: str) -> None:
        """After rows were inserted with explicit ids: move each table's id sequence past them.

        SQLite's INTEGER PRIMARY KEY takes max(id) + 1 by itself; a PostgreSQL identity or serial
        column counts on its own and would hand out an id already taken.
        """
        if not self.is_postgres:
            return
        for table in tables:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
            )

    def dispose(self) -> None:
        self.engine.dispose()


class ChangeSignal:
    """``value()`` differs from its previous result when anything was committed to the desk since.

    SQLite: ``PRAGMA data_version`` on a read-only connection of the signal's own; the file's
    counter moves whenever any *other* connection commits (every agent's console, the mail
    fetcher, this process's pooled connections). PostgreSQL has no such counter per database;
    the signal reads the server's current snapshot (``pg_current_snapshot()``: the oldest running
    transaction id, the next one, and those in progress), which moves whenever any transaction
    that wrote anything ends. It never misses a commit, costs no write, trigger or table, and its
    only false alarms (a write to another database of the same server, a rolled-back write) cost
    one refresh. Both probes are a single trivial statement.
    """

    def value(self) -> object:
        return object()  # a database without a known probe: always "changed"

    def close(self) -> None:
        return None


class _SqliteChangeSignal(ChangeSignal):
    def __init__(self, store: Store) -> None:
        self._path = store.path
        self._connection: sqlite3.Connection | None = None

    def value(self) -> object:
        if self._connection is None:
            assert self._path is not None
            self._connection = sqlite3.connect(
                f"{self._path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=5
            )
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _ServerChangeSignal(ChangeSignal):
    def __init__(self, store: Store) -> None:
        self._engine = store.engine
        self._connection: Any = None

    def value(self) -> object:
        if self._connection is None:
            self._connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            return self._connection.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar()
        except Exception:
            self.close()  # a dropped connection: the next poll reconnects
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


def _busy_or_raise(exc: OperationalError) -> Exception:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in text or "busy" in text or "lock timeout" in text:
        return DatabaseError("db_busy")
    if "readonly" in text or "read-only" in text:
        return DatabaseError("db_read_only")
    if "unable to open" in text:
        return DatabaseError("db_cannot_open")
    return exc


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def check_directory(path: Path) -> None:
    """Refuse a database whose directory is missing or not writable (SQLite needs both)."""
    directory = path.parent
    if not directory.is_dir():
        raise DatabaseError("db_dir_missing", path=directory)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DatabaseError("db_dir_not_writable", path=directory)
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError("db_no_access", path=path)
