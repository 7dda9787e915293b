"""A small run of bench/load.py: 6 agent processes and an importer for 5 s, a backup during the
load, then 5 s of kill -9 at random moments. Same checks as the full benchmark."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[2] / "bench" / "load.py"


def load_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bokdesk_bench_load", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_small_load_with_backup_and_kill_9(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_module()
    results = bench.run(agents=6, seconds=5, fault_seconds=5, workdir=tmp_path, preload=300, quiet=True)
    with capsys.disabled():
        bench.report(results)
    load, faults = results["load"], results["faults"]
    for part in (load, faults):
        assert part["integrity"] == "ok" and part["foreign_key_violations"] == 0
        assert part["lost"] == []
        assert part["double_takes"] == []
        assert part["lock_errors"] == 0, part["error_samples"]
        assert part["other_errors"] == 0, part["error_samples"]
        assert part["inconsistent"] == [] and part["hung"] == 0
    # How much work fits in 5 s depends on the box (a loaded 2-CPU box managed 20 writes, a quiet
    # one 450); the checks above are what matter, on whatever was acknowledged.
    assert load["acknowledged"] >= 10 and load["claims"] >= 1
    ops = {row["op"] for row in load["latency"]}
    assert "take_next" in ops
    if load["acknowledged"] > 300:
        assert {"take_next", "reply", "note", "status", "create"} <= ops
    assert faults["kills"] >= 1
    assert faults["acknowledged"] >= load["acknowledged"]
    backup = load["backup"]
    assert backup["ok"], backup
    assert backup["integrity"] == "ok" and backup["missing_acked"] == 0 and backup["opens"]
    assert results["ok"]


def test_percentiles_are_nearest_rank() -> None:
    bench = load_module()
    values = [float(v) for v in range(1, 101)]
    assert [bench.percentile(values, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    assert bench.percentile([], 50) == 0.0 and bench.percentile([7.0], 99) == 7.0


def test_small_load_and_kill_9_on_postgresql(
    pg_server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same run on a PostgreSQL database: writers killed inside their transaction must release
    the desk's write lock (the server ends their sessions), and every check holds."""
    bench = load_module()
    db = pg_server.url(pg_server.create_database(prefix="load"))
    results = bench.run(
        agents=6, seconds=5, fault_seconds=5, db=db, workdir=tmp_path, preload=300, quiet=True
    )
    with capsys.disabled():
        bench.report(results)
    load, faults = results["load"], results["faults"]
    for part in (load, faults):
        assert part["lost"] == [] and part["double_takes"] == [] and part["inconsistent"] == []
        assert part["lock_errors"] == 0 and part["other_errors"] == 0, part["error_samples"]
        assert part["hung"] == 0
    assert load["acknowledged"] >= 10 and load["claims"] >= 1 and faults["kills"] >= 1
    assert load["backup"] is None  # `bokdesk db backup` is for files
    assert results["ok"]
