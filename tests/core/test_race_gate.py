"""The write gate: writers of one file queue on a kernel lock; a stuck or killed holder is survivable."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bokdesk.core.errors import DatabaseError
from bokdesk.core.write_gate import SUFFIX, WriteGate, gate_for

HOLDER = r"""
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o660)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_elsewhere(lock: Path, seconds: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_writer_waits_for_the_holder_then_goes_in(tmp_path: Path) -> None:
    gate = WriteGate(tmp_path / "desk.db", timeout=10)
    holder = hold_elsewhere(gate.path, 0.6)
    started = time.perf_counter()
    with gate.hold():
        waited = time.perf_counter() - started
    holder.wait()
    assert 0.3 < waited < 5


def test_a_stuck_holder_gives_the_busy_error_and_the_gate_recovers(tmp_path: Path) -> None:
    gate = WriteGate(tmp_path / "desk.db", timeout=0.3)
    holder = hold_elsewhere(gate.path, 60)
    try:
        with pytest.raises(DatabaseError, match="stayed busy"), gate.hold():
            pass
    finally:
        holder.send_signal(signal.SIGKILL)  # the kernel releases a killed process's lock
        holder.wait()
    time.sleep(0.1)  # the abandoned waiter got the lock and let it go at once
    with gate.hold():
        pass
    with gate.hold():
        pass


def test_no_lock_file_means_no_gate(tmp_path: Path) -> None:
    """Where the lock file cannot be made, writers go straight to SQLite as before."""
    with WriteGate(tmp_path / "missing-dir" / "desk.db", timeout=1).hold():
        pass
    assert not (tmp_path / "missing-dir").exists()


def test_gates_are_for_files_only() -> None:
    assert gate_for("sqlite:///:memory:", 1) is None
    assert gate_for("postgresql://desk@db/desk", 1) is None
    gate = gate_for("sqlite:////srv/bokdesk/desk.db", 1)
    assert gate is not None and str(gate.path) == f"/srv/bokdesk/desk.db{SUFFIX}"
