"""A real PostgreSQL server for the tests: a throwaway cluster on loopback, as Dovecot is for mail.

``PgServer.start()`` runs ``initdb`` in a new directory under /tmp and the server in the
foreground on a free loopback port (and a Unix socket in that directory), with durability off
(``fsync``, ``synchronous_commit`` and ``full_page_writes``: nothing here must survive a power
cut) and trust authentication (loopback only, a cluster nobody else knows about). PostgreSQL
refuses to run as root, so as root the cluster belongs to the ``postgres`` system user (created
by Debian's package) and the server runs as that user; as a normal user it runs as the user.

A database per test is a copy of a template database migrated to the head once per session
(``CREATE DATABASE ... TEMPLATE``: milliseconds, no migration per test); tests of the migrations
themselves start from an empty database. Missing server binaries skip the test with the install
hint (CI installs them, so CI runs every PostgreSQL test); a server that is installed but does
not start fails the test with the tail of its log.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INSTALL_HINT = (
    "PostgreSQL server binaries are not installed: apt-get install postgresql (.ci/run installs it)"
)


def pg_bindir() -> Path | None:
    """The directory of ``initdb`` and ``postgres``: Debian keeps them off PATH, per version."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> pwd.struct_passwd:
    if os.geteuid() != 0:
        return pwd.getpwuid(os.getuid())
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.fail("running as root, and neither the 'postgres' nor the 'nobody' user exists to run PostgreSQL")


def _as_user(user: pwd.struct_passwd) -> dict[str, object]:
    """Popen arguments that run a child as ``user`` (no shell, no su: setgid/setuid in the child)."""
    if os.geteuid() != 0:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@dataclass
class PgServer:
    """A running throwaway cluster; ``url(name)`` is the SQLAlchemy URL of one of its databases."""

    root: Path
    port: int
    bindir: Path
    proc: subprocess.Popen[bytes] | None = None
    template: str | None = None
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def start(cls) -> PgServer:
        bindir = pg_bindir()
        if bindir is None or not (bindir / "postgres").exists():
            pytest.skip(INSTALL_HINT)
        try:
            import psycopg  # noqa: F401
        except ImportError:
            pytest.skip("the PostgreSQL driver is not installed: pip install -e '.[test]' (or '.[postgres]')")
        user = _server_user()
        root = Path(tempfile.mkdtemp(prefix="bokdesk-pg-"))
        os.chown(root, user.pw_uid, user.pw_gid)
        server = cls(root=root, port=free_port(), bindir=bindir)
        data = root / "data"
        initdb = subprocess.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ],
            capture_output=True,
            cwd=root,
            **_as_user(user),  # type: ignore[arg-type]
        )
        if initdb.returncode != 0:
            server.stop()
            pytest.fail(f"initdb failed: {(initdb.stdout + initdb.stderr).decode(errors='replace')[-2000:]}")
        log = open(root / "server.log", "wb")  # noqa: SIM115 - the server writes it while it runs
        server.proc = subprocess.Popen(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(server.port),
                "-k",
                str(root),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "shared_buffers=32MB",
                "-c",
                "max_connections=150",
                "-c",
                "log_min_messages=warning",
                "-c",
                "autovacuum=off",
                # Not UTC, as a server in Poland may be set: the store must ask for UTC itself.
                "-c",
                "TimeZone=Europe/Warsaw",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            start_new_session=True,
            **_as_user(user),  # type: ignore[arg-type]
        )
        log.close()
        if not server._wait_ready():
            tail = (root / "server.log").read_text(errors="replace")[-2000:]
            server.stop()
            pytest.fail(f"PostgreSQL did not start on 127.0.0.1:{server.port}: {tail}")
        return server

    def _wait_ready(self, timeout: float = 30.0) -> bool:
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return True
            except psycopg.OperationalError:
                time.sleep(0.05)
        return False

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        """Run one statement on the maintenance database, outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def create_database(self, *, template: str | None = None, prefix: str = "desk") -> str:
        """A new database (a copy of ``template``, else empty); returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        source = f" TEMPLATE {template}" if template else " TEMPLATE template0"
        self.sql(f"CREATE DATABASE {name}{source}")
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def head_template(self) -> str:
        """A database migrated to the head once, the template of every test's desk."""
        if self.template is None:
            from bokdesk.core.database import open_url

            name = self.create_database(prefix="bokdesk_head")
            store = open_url(self.url(name), upgrade=True)
            store.dispose()
            self.sql(f"ALTER DATABASE {name} WITH IS_TEMPLATE true")
            self.template = name
        return self.template

    def fresh_desk_url(self) -> str:
        """The URL of a new database at the head schema."""
        return self.url(self.create_database(template=self.head_template()))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # "fast" shutdown: end sessions, no waiting
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)
