"""A queue for writers of one SQLite file: wait in the kernel, not in SQLite's sleep loop.

SQLite lets one writer in at a time; the others poll with sleeps that grow to 100 ms
(``sqlite3_busy_timeout``). With 30 busy processes on one file that polling decides who gets in
by luck: measured on a 2-CPU box with 30 agents flat out, the median write took 13 ms but the
p99 2.6 s and the worst 5.5 s, and throughput was 119 writes/s. Taking an exclusive ``flock`` on
``<db>-writelock`` before ``BEGIN IMMEDIATE`` makes the waiters queue in the kernel, which hands the
lock over the moment it is free: p99 424 ms, worst 1.6 s, 161 writes/s on the same run (the median
rose to 133 ms: under saturation everyone now waits their turn instead of a few waiting forever).

The gate is advisory and adds nothing to correctness: SQLite's own locking still decides, so a
process without the gate (the ``sqlite3`` shell, an older bokdesk, a backup) is merely not queued.
A writer waits at most the busy timeout, then gets the same "stayed busy" error as from SQLite; a
killed process's lock is released by the kernel. If the lock file cannot be opened (a read-only
directory) writers go straight to SQLite as before.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import DatabaseError

SUFFIX = "-writelock"


ACQUIRED, TIMED_OUT, UNSUPPORTED = "acquired", "timed out", "unsupported"


@dataclass
class _Wait:
    """A wait for the lock, shared by the caller and the thread blocked in ``flock``."""

    cancelled: bool = False
    outcome: str = ACQUIRED


class WriteGate:
    """Serializes the write transactions of every process on one database file."""

    def __init__(self, db_path: Path, timeout: float) -> None:
        self.path = Path(f"{db_path}{SUFFIX}")
        self.timeout = timeout

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the gate for one write transaction."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o660)
        except OSError:
            yield  # no lock file (read-only directory): SQLite alone decides
            return
        outcome = self._acquire(fd)
        if outcome == TIMED_OUT:
            raise DatabaseError("db_busy")  # the waiter thread owns fd now and closes it
        if outcome == UNSUPPORTED:
            os.close(fd)
            yield
            return
        try:
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def _acquire(self, fd: int) -> str:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return ACQUIRED
        except BlockingIOError:
            pass
        except OSError:
            return UNSUPPORTED  # e.g. a file system without flock
        done = threading.Event()
        guard = threading.Lock()
        state = _Wait()

        def wait() -> None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # blocks in the kernel; woken as soon as the lock is free
            except OSError:
                state.outcome = UNSUPPORTED
            with guard:
                if state.cancelled:
                    os.close(fd)  # the caller gave up: let the next writer in
                    return
                done.set()

        threading.Thread(target=wait, name="bokdesk-write-gate", daemon=True).start()
        done.wait(self.timeout)
        with guard:
            if done.is_set():
                return state.outcome
            state.cancelled = True
            return TIMED_OUT


def gate_for(url: str, timeout: float) -> WriteGate | None:
    """The gate of a file database URL (none for memory or server databases)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix) :]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return WriteGate(Path(path), timeout)
