"""Metrics benchmark on a 1,000,000-ticket desk: the KPI strip, a 90-day report with every
breakdown, and opening the stats screen.

    .venv/bin/python bench/bench_metrics.py [--tickets 1000000] [--repeat 5]

The database is cached under ``bench/.cache/metrics-<N>.db``: built once with ``bokdesk seed``
(about 15 minutes for a million tickets), then given survey answers for 5 % of the solved tickets
(the seed writes none), and brought up to the current schema (``bokdesk db upgrade``). Targets (issue 4): KPI strip queries
together < 20 ms; 90-day report with all breakdowns < 1 s; stats screen open < 1 s.

Prints one table: wall-clock median / min / max over the repeats (the first run, with a cold
page cache for that query, is reported separately), CPU time of this process (SQLite and numpy
run in-process, so CPU time is what the work costs on a quiet machine), the median as a multiple
of the floor measured in the same run (counting the 90 days' entries of the five covering
indexes: the least a report of that period must touch), and the target. The stats screen is
timed from the push to its tiles, its tables and its trends (it paints them as they arrive). The
load average is printed too: on a shared box the wall times include other people's work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

NAN = float("nan")
HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
sys.path.insert(0, str(HERE.parent / "src"))


def build(path: Path, tickets: int) -> None:
    if not path.exists():
        print(f"building {path} with {tickets:,} tickets (once; ~15 min per million)...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "bokdesk", "seed", "--tickets", str(tickets), "--db", str(path)],
            check=True,
        )
    import sqlite3

    from bokdesk.core import migrate
    from bokdesk.core.store import SCHEMA_HEAD, Store, sqlite_url

    store = Store(sqlite_url(path))
    try:
        if migrate.current_revision(store) != SCHEMA_HEAD:  # a newer schema since the cache was built
            print(f"upgrading {path.name} to schema {SCHEMA_HEAD}...", file=sys.stderr)
            started = time.perf_counter()
            migrate.upgrade(store)
            print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    finally:
        store.dispose()
    con = sqlite3.connect(path)
    try:
        if con.execute("SELECT count(*) FROM surveyanswer").fetchone()[0] == 0:
            con.execute(
                "INSERT INTO surveyanswer(ticket_id, agent_id, nps, csat, answered_at, source) "
                "SELECT id, assignee_id, abs(random()) % 11, 1 + abs(random()) % 5, "
                "strftime('%Y-%m-%d %H:%M:%S.000000', solved_at, '+3 hours'), 'email' "
                "FROM ticket WHERE solved_at IS NOT NULL AND id % 20 = 0"
            )
            con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    first_wall = time.perf_counter()
    fn()
    first = time.perf_counter() - first_wall
    walls, cpus = [], []
    for _ in range(repeat):
        cpu = time.process_time()
        wall = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "first": first,
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu": statistics.median(cpus),
    }


def stats_screen_open(desk: Any, actor: Any) -> tuple[float, float, float]:
    """Seconds from pushing the stats screen to (tiles filled, tables filled, 13-week trends in)."""
    from bokdesk.ui.app import BokdeskApp
    from bokdesk.ui.presence import NoPresence
    from bokdesk.ui.screens.stats import StatsScreen

    result: dict[str, float] = {}

    async def main() -> None:
        app = BokdeskApp(desk, actor, live=False, cursor_blink=False, presence=NoPresence())
        async with app.run_test(size=(120, 40)) as pilot:
            from textual.worker import WorkerState

            for _ in range(600):  # let the console's own start (queue, counts, KPIs, warm-up) finish first
                await pilot.pause(0.05)
                if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
                    break
            start = time.perf_counter()
            screen = StatsScreen(desk, actor)
            app.push_screen(screen)
            # ``loaded`` is set by the screen's handler on the event loop, after it has filled the
            # tiles (stage 1), the tables (stage 2), the trends (stage 3); the next frame paints them.
            # pilot.pause() would wait for the whole worker, so it is not used here.
            while screen.loaded is None or screen.loaded.report is None:
                await asyncio.sleep(0.002)
            result["tiles"] = time.perf_counter() - start
            while screen.loaded.stage < 2:
                await asyncio.sleep(0.002)
            result["tables"] = time.perf_counter() - start
            while not screen.trends.weeks:
                await asyncio.sleep(0.002)
            result["trends"] = time.perf_counter() - start

    asyncio.run(main())
    return result["tiles"], result["tables"], result["trends"]


def floor_scan(desk: Any, period: Any) -> None:
    """The floor: count the period's entries of each family's covering index (the least any
    report of the period must touch), with no column read, no grouping and no Python per row."""
    from bokdesk.core import metrics

    with desk.store.read() as session:
        conn = session.connection()
        for family in metrics.FAMILIES:
            column = family.stop.name
            conn.exec_driver_sql(
                f"SELECT count(*) FROM ticket INDEXED BY {family.index} WHERE {column} >= ? AND {column} < ?",
                (period.start.strftime("%Y-%m-%d %H:%M:%S.%f"), period.end.strftime("%Y-%m-%d %H:%M:%S.%f")),
            ).scalar()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"metrics-{args.tickets}.db"
    build(path, args.tickets)

    from bokdesk.core import kpi, metrics, periods
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk
    from bokdesk.core.services.agents import require_agent

    desk = Desk(store=open_store(path))
    boss = require_agent(desk, "marek")
    now = desk.now()
    tz = desk.calendar.tz
    today = periods.local_date(tz, now)
    p90 = periods.days(tz, today - timedelta(days=89), today)
    with desk.store.read() as session:
        tickets = session.connection().exec_driver_sql("SELECT count(*) FROM ticket").scalar()
    in_period = metrics.report(desk, boss, p90, by=()).totals

    rows: list[tuple[str, dict[str, float], float]] = []
    rows.append(
        ("floor: count the 90 days' index entries", timed(lambda: floor_scan(desk, p90), args.repeat), NAN)
    )
    rows.append(
        ("KPI strip (all its queries)", timed(lambda: kpi.compute(desk, boss), args.repeat * 4), 0.020)
    )
    rows.append(
        ("90-day report, all breakdowns", timed(lambda: metrics.report(desk, boss, p90), args.repeat), 1.0)
    )
    rows.append(
        ("  same, totals only", timed(lambda: metrics.report(desk, boss, p90, by=()), args.repeat), 1.0)
    )
    p30 = periods.preset(tz, "30d", now)
    by = ("agent", "team", "channel")
    rows.append(
        (
            "30 days + 13 weeks (the stats screen's read)",
            timed(lambda: metrics.report(desk, boss, p30, by=by, weeks=13), args.repeat),
            1.0,
        )
    )
    rows.append(("13 weekly points alone", timed(lambda: metrics.weekly(desk, boss), args.repeat), 1.0))
    opens = [stats_screen_open(desk, boss) for _ in range(max(3, args.repeat // 2 + 1))]
    for i, (name, target) in enumerate(
        (
            ("stats screen open: tiles shown", 1.0),
            ("stats screen open: tables shown", 1.0),
            ("stats screen open: 13-week trends shown", 1.0),
        )
    ):
        values = [o[i] for o in opens]
        rows.append(
            (
                name,
                {
                    "first": values[0],
                    "median": statistics.median(values[1:]),
                    "min": min(values[1:]),
                    "max": max(values[1:]),
                    "cpu": NAN,
                },
                target,
            )
        )

    load = os.getloadavg()
    print(
        f"\n{tickets:,} tickets in {path.name}; 90 days: {in_period.received:,} received, "
        f"{in_period.solved:,} solved; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        f"on {os.cpu_count()} CPUs\n"
    )
    floor = rows[0][1]["median"]
    header = (
        f"{'measure':46} {'first':>8} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8} {'x floor':>8} "
        f"{'target':>8}  ok"
    )
    print(header)
    print("-" * len(header))

    def ms(x: float) -> str:
        return "—" if x != x else f"{x * 1000:.0f} ms" if x < 10 else f"{x:.1f} s"

    for name, t, target in rows:
        ok = "" if target != target else ("yes" if t["median"] < target else "NO")
        print(
            f"{name:46} {ms(t['first']):>8} {ms(t['median']):>8} {ms(t['min']):>8} {ms(t['max']):>8} "
            f"{ms(t['cpu']):>8} {t['median'] / floor:>8.1f} {ms(target):>8}  {ok}"
        )
    desk.store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
