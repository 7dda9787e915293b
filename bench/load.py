#!/usr/bin/env python3
"""Load and fault benchmark: many agents' processes and a mail importer on one SQLite file.

    python bench/load.py                       # 30 agents + 1 importer for 60 s, then kill -9 faults
    python bench/load.py --agents 6 --seconds 5 --fault-seconds 5

Phase 1 (load): ``--agents`` agent processes work like agents at a keyboard, flat out (take the
next ticket when they hold fewer than three, otherwise reply, add a note, change a ticket's
status, change their own status, sometimes grab a ticket from the unassigned view that a
colleague may take first), while one importer process creates tickets (a fifth of them for a
round-robin team, assigned on creation) and adds customer messages. Halfway through,
``bokdesk db backup`` copies the live file; the copy must pass ``PRAGMA integrity_check``, open
with bokdesk, and hold every ticket acknowledged before the backup started.

Phase 2 (faults): the same work goes on while writers are killed with SIGKILL at random moments
and replaced by fresh processes.

Every process appends each acknowledged write (after the service call returned, i.e. after
COMMIT) to its own log file. Afterwards the file is checked: integrity and foreign keys, every
acknowledged write present (tickets, messages, claims, status changes), no ticket claimed twice
(the first ``assignee`` event of each claimed ticket names the agent who was told they got it,
and no ticket has two claims from unassigned), every ticket's assignee matching its history
(no half-done write), and no "database is locked" reaching an agent. The exit status is 0 only
when all of that holds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PULL_TEAM = "BOK Warszawa"  # manual: agents pull with take-next
PUSH_TEAM = "Reklamacje"  # round robin: tickets assigned as they are created
HOLD = 3  # an agent takes the next ticket when holding fewer than this
PRELOAD = 3000
# Seconds between two kills. Each replacement process costs about a CPU-second to start, so on a
# small box kills much faster than this measure interpreter start-up rather than the desk.
KILL_GAP = (0.3, 2.0)


# --- the worker processes ------------------------------------------------------------------------------


class Log:
    """One append-only file per process; each line is written with one write(2) after the commit."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, **record: Any) -> None:
        os.write(self.fd, (json.dumps(record, separators=(",", ":")) + "\n").encode())


def _lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "stayed busy" in text or "database is busy" in text


def _wait_for_start(start_file: Path) -> float:
    while not start_file.exists():
        time.sleep(0.02)
    while True:
        text = start_file.read_text().strip()
        if text:
            return float(text)
        time.sleep(0.01)


def _is_url(db: Path | str) -> bool:
    return str(db).startswith("postgresql")


def _open(db: Path | str, *, create: bool) -> Any:
    """The desk's store: an SQLite file, or a PostgreSQL database by URL (``--postgres``)."""
    from bokdesk.core.database import open_store, open_url

    return open_url(str(db)) if _is_url(db) else open_store(Path(db), create=create)


def run_worker(args: argparse.Namespace) -> int:
    from bokdesk.core.desk import Desk

    store = _open(args.db, create=False)
    desk = Desk(store=store)
    log = Log(Path(args.log))
    Path(f"{args.log}.ready").touch()
    rng = random.Random(args.seed)
    deadline = _wait_for_start(Path(args.start_file))
    try:
        if args.worker == "importer":
            _importer(desk, log, rng, deadline, args.think_ms)
        else:
            _agent(desk, log, rng, deadline, args.name, args.think_ms)
    finally:
        store.dispose()
    return 0


FAILED = object()


def _timed(log: Log, op: str, call: Any, ack: Any = None, **fields: Any) -> Any:
    """Run one service call; log it, after it returned, as acknowledged (``ack(result)`` adds what
    identifies the write) with its latency, or log the kind of error the agent was shown."""
    from bokdesk.core.errors import AlreadyTaken, InvalidTransition, StaleWrite

    started = time.perf_counter()
    try:
        result = call()
    except (AlreadyTaken, StaleWrite, InvalidTransition) as exc:
        kind = {AlreadyTaken: "taken", StaleWrite: "stale"}.get(type(exc), "refused")
        log.write(op=op, ms=_ms(started), err=kind, **fields)
        return FAILED
    except Exception as exc:  # noqa: BLE001 - every other error is counted and shown
        log.write(
            op=op,
            ms=_ms(started),
            err="locked" if _lock_error(exc) else "error",
            detail=f"{type(exc).__name__}: {exc}"[:300],
            **fields,
        )
        return FAILED
    ms = _ms(started)
    log.write(op=op, ms=ms, ok=1, **fields, **(ack(result) if ack else {}))
    return result


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _actions(rng: random.Random, deadline: float, think_ms: float, name: str) -> Iterator[str]:
    """Until the deadline: pause (``think_ms`` on average), then give a unique token for one action."""
    seq = 0
    while time.time() < deadline:
        if think_ms:
            time.sleep(rng.uniform(0, 2 * think_ms) / 1000)
        seq += 1
        yield f"{name}-{os.getpid()}-{seq}"


def _agent(desk: Any, log: Log, rng: random.Random, deadline: float, login: str, think_ms: float) -> None:
    from bokdesk.core.queries import View, list_view
    from bokdesk.core.services import agents, presence, tickets

    actor = agents.require_agent(desk, login)
    mine: dict[int, str] = {}
    my_status = "available"
    last_heartbeat = 0.0
    for token in _actions(rng, deadline, think_ms, login):
        if time.time() - last_heartbeat > 15:  # the console's heartbeat keeps the agent online
            if _timed(log, "heartbeat", lambda: presence.heartbeat(desk, actor)) is not FAILED:
                last_heartbeat = time.time()
            continue
        if len(mine) < HOLD:
            for row in list_view(desk, actor, View.MINE, limit=20):  # incl. tickets assigned by round robin
                mine.setdefault(row.id, row.status)
        if len(mine) < HOLD:
            if rng.random() < 0.1:  # grab one from the unassigned view: a colleague may be faster
                rows = list_view(desk, actor, View.UNASSIGNED, limit=5)
                if rows:
                    pick = rng.choice(rows).id
                    done = _timed(log, "take", lambda: tickets.take(desk, actor, pick), t=pick)
                    if done is not FAILED:
                        mine[pick] = done.status
                    continue
            done = _timed(
                log,
                "take_next",
                lambda: tickets.take_next(desk, actor),
                ack=lambda t: {"t": t.id if t is not None else None},
            )
            if done is not FAILED and done is not None:
                mine[done.id] = done.status
            continue
        ticket_id = rng.choice(list(mine))
        roll = rng.random()
        if roll < 0.40:
            body = f"Dzień dobry, odpowiadamy na zgłoszenie. [{token}]"
            version = None
            if rng.random() < 0.5:  # as the console does: send with the version the agent saw
                version = presence.watch(desk, actor, ticket_id).version
                _timed(log, "presence", lambda: presence.touch(desk, actor, ticket_id, "replying"))
            done = _timed(
                log,
                "reply",
                lambda: tickets.reply(desk, actor, ticket_id, body, expected_version=version),
                ack=lambda m: {"m": m.id, "token": token},
                t=ticket_id,
            )
            if done is not FAILED and mine.get(ticket_id) == "new":
                mine[ticket_id] = "open"
        elif roll < 0.70:
            _timed(
                log,
                "note",
                lambda: tickets.add_note(desk, actor, ticket_id, f"Notatka [{token}]"),
                ack=lambda m: {"m": m.id, "token": token},
                t=ticket_id,
            )
        elif roll < 0.95:
            target = "open" if mine[ticket_id] == "pending" else rng.choice(["pending", "solved", "solved"])
            done = _timed(
                log,
                "status",
                lambda: tickets.set_status(desk, actor, ticket_id, target),
                t=ticket_id,
                to=target,
            )
            if done is FAILED or target == "solved":
                mine.pop(ticket_id, None)  # solved, or changed underneath: the next refill looks again
            else:
                mine[ticket_id] = target
        else:
            my_status = "away" if my_status == "available" else "available"
            _timed(log, "agent_status", lambda: agents.set_status(desk, actor, my_status), to=my_status)


def _importer(desk: Any, log: Log, rng: random.Random, deadline: float, think_ms: float) -> None:
    from sqlmodel import select

    from bokdesk.core.desk import SYSTEM
    from bokdesk.core.models import Team
    from bokdesk.core.services import tickets
    from bokdesk.core.services.customers import CustomerSpec

    with desk.store.read() as session:
        teams = {t.name: t.id for t in session.exec(select(Team)).all()}
    created: list[int] = []
    for token in _actions(rng, deadline, think_ms, "importer"):
        if created and rng.random() < 0.25:
            ticket_id = rng.choice(created[-200:])
            _timed(
                log,
                "customer_msg",
                lambda: tickets.add_customer_message(desk, SYSTEM, ticket_id, f"Odpowiedź klienta [{token}]"),
                ack=lambda r: {"t": r.ticket.id, "m": r.message.id, "token": token},
            )
            continue
        n = rng.randrange(400)
        team = PUSH_TEAM if rng.random() < 0.2 else PULL_TEAM
        new = tickets.NewTicket(
            subject=f"Zgłoszenie {token}",
            customer=CustomerSpec(name=f"Klient {n}", email=f"klient{n}@example.pl"),
            body=f"Treść [{token}]",
            team_id=teams[team],
            priority=rng.choice(["low", "normal", "normal", "high", "urgent"]),
        )
        done = _timed(
            log,
            "create",
            lambda: tickets.create_ticket(desk, SYSTEM, new),
            ack=lambda t: {"t": t.id, "token": token, "team": team, "assignee": t.assignee_id},
        )
        if done is not FAILED:
            created.append(done.id)


# --- setting up the desk -------------------------------------------------------------------------------------


def setup(db: Path | str, agents_n: int, preload: int) -> list[str]:
    """A fresh desk: agents in a pull team and a round-robin team, and a backlog of tickets."""
    from bokdesk.core.desk import SYSTEM, Desk
    from bokdesk.core.services import agents, policies, tickets
    from bokdesk.core.services.customers import CustomerSpec

    store = _open(db, create=True)
    desk = Desk(store=store)
    logins = [f"ag{i:02d}" for i in range(1, agents_n + 1)]
    push = max(1, agents_n // 5)
    with store.batch():
        agents.add_agent(desk, SYSTEM, "admin", "Admin", role="admin", team=PULL_TEAM)
        for i, login in enumerate(logins):
            agents.add_agent(desk, SYSTEM, login, f"Agent {login}", team=PUSH_TEAM if i < push else PULL_TEAM)
        policies.set_assignment_mode(desk, SYSTEM, PUSH_TEAM, "round_robin")
        rng = random.Random(1)
        for n in range(preload):
            tickets.create_ticket(
                desk,
                SYSTEM,
                tickets.NewTicket(
                    subject=f"Zaległe {n}",
                    customer=CustomerSpec(name=f"Klient {n % 400}", email=f"klient{n % 400}@example.pl"),
                    body="Treść",
                    priority=rng.choice(["low", "normal", "high", "urgent"]),
                ),
            )
    store.dispose()
    return logins


# --- running a phase ---------------------------------------------------------------------------------------------


@dataclass
class Worker:
    kind: str
    name: str
    log: Path
    process: subprocess.Popen[bytes]


@dataclass
class Phase:
    name: str
    seconds: float
    started: float = 0.0
    ended: float = 0.0
    kills: int = 0
    logs: list[Path] = field(default_factory=list)
    backup: dict[str, Any] | None = None
    hung: int = 0
    wal_mb: float = 0.0


def _spawn(
    kind: str,
    name: str,
    db: Path,
    logdir: Path,
    start_file: Path,
    seed: int,
    think_ms: float,
    generation: int,
) -> Worker:
    log = logdir / f"{name}.{generation}.log"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--name",
        name,
        "--db",
        str(db),
        "--log",
        str(log),
        "--start-file",
        str(start_file),
        "--seed",
        str(seed),
        "--think-ms",
        str(think_ms),
    ]
    with open(logdir / f"{name}.{generation}.err", "wb") as err:  # the child keeps its own copy
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    return Worker(kind, name, log, process)


def run_phase(
    phase: Phase,
    db: Path,
    logins: list[str],
    workdir: Path,
    *,
    think_ms: float,
    kill: bool,
    backup_at: float | None,
    seed: int,
) -> Phase:
    logdir = workdir / phase.name
    logdir.mkdir()
    start_file = logdir / "start"
    rng = random.Random(seed)
    generation = 0
    workers = [
        _spawn("agent", login, db, logdir, start_file, rng.randrange(1 << 30), think_ms, 0)
        for login in logins
    ]
    workers.append(
        _spawn("importer", "importer", db, logdir, start_file, rng.randrange(1 << 30), think_ms * 2, 0)
    )
    _wait_ready(workers)
    deadline = time.time() + phase.seconds
    tmp = start_file.with_suffix(".tmp")
    tmp.write_text(repr(deadline))
    tmp.replace(start_file)
    phase.started = time.time()
    backup_done = backup_at is None
    next_kill = time.time() + rng.uniform(0.2, KILL_GAP[1])
    wal = Path(f"{db}-wal")
    while time.time() < deadline:
        time.sleep(0.05)
        try:
            phase.wal_mb = max(phase.wal_mb, round(wal.stat().st_size / 1e6, 1))
        except FileNotFoundError:
            pass
        if not backup_done and time.time() >= phase.started + backup_at:  # type: ignore[operator]
            phase.backup = run_backup(db, workdir, phase)
            backup_done = True
        if kill and time.time() >= next_kill:
            victim = rng.choice([w for w in workers if w.process.poll() is None] or workers)
            if victim.process.poll() is None:
                victim.process.send_signal(signal.SIGKILL)
                victim.process.wait()
                phase.kills += 1
            generation += 1
            workers.remove(victim)
            if time.time() < deadline - 0.5:
                workers.append(
                    _spawn(
                        victim.kind,
                        victim.name,
                        db,
                        logdir,
                        start_file,
                        rng.randrange(1 << 30),
                        think_ms * (2 if victim.kind == "importer" else 1),
                        generation,
                    )
                )
            next_kill = time.time() + rng.uniform(*KILL_GAP)
    for worker in workers:
        try:
            worker.process.wait(timeout=max(5.0, deadline - time.time() + 60))
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
            phase.hung += 1
    phase.ended = time.time()
    phase.logs = sorted(logdir.glob("*.log"))
    return phase


def _wait_ready(workers: list[Worker], timeout: float = 300) -> None:
    """Every interpreter has imported bokdesk and opened the desk before the clock starts."""
    limit = time.time() + timeout
    while not all(Path(f"{w.log}.ready").exists() for w in workers):
        for worker in workers:
            if worker.process.poll() is not None:
                err = worker.log.with_suffix(".err")
                raise SystemExit(
                    f"worker {worker.name} died at start: {err.read_text(errors='replace')[-2000:]}"
                )
        if time.time() > limit:
            raise SystemExit("workers did not start in time")
        time.sleep(0.05)


def read_logs(paths: list[Path]) -> list[dict[str, Any]]:
    records = []
    for path in paths:
        agent = path.name.split(".")[0]
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.endswith("\n"):  # a line cut by kill -9 was never acknowledged to anyone
                    record = json.loads(line)
                    record["who"] = agent
                    records.append(record)
    return records


def run_backup(db: Path, workdir: Path, phase: Phase) -> dict[str, Any]:
    """`bokdesk db backup` on the live file; the copy must be whole and hold every earlier ack."""
    acked_before = {
        r["t"]
        for r in read_logs(sorted((workdir / phase.name).glob("*.log")))
        if r.get("op") == "create" and r.get("ok")
    }
    dest = workdir / f"backup-{phase.name}.db"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bokdesk", "db", "backup", str(dest), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    info: dict[str, Any] = {
        "seconds": round(seconds, 2),
        "exit": result.returncode,
        "stderr": result.stderr.strip(),
    }
    if result.returncode != 0:
        info["ok"] = False
        return info
    con = sqlite3.connect(dest)
    try:
        info["integrity"] = con.execute("PRAGMA integrity_check").fetchone()[0]
        have = {r[0] for r in con.execute("SELECT id FROM ticket")}
        info["tickets"] = len(have)
    finally:
        con.close()
    info["missing_acked"] = len(acked_before - have)
    check = subprocess.run(
        [sys.executable, "-m", "bokdesk", "db", "check", "--db", str(dest)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "bokdesk",
            "ticket",
            "list",
            "--view",
            "open",
            "--limit",
            "3",
            "--json",
            "--db",
            str(dest),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    info["opens"] = check.returncode == 0 and check.stdout.strip() == "ok" and listing.returncode == 0
    info["ok"] = info["integrity"] == "ok" and info["missing_acked"] == 0 and info["opens"]
    return info


# --- checking the file afterwards -----------------------------------------------------------------------------------


class _Server:
    """The few reads of ``verify`` on a PostgreSQL database (sqlite3's ``execute`` shape)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)

    def execute(self, sql: str) -> Any:
        return self._conn.execute(sql)  # type: ignore[arg-type]

    def close(self) -> None:
        self._conn.close()


def verify(db: Path | str, records: list[dict[str, Any]]) -> dict[str, Any]:
    con: Any = _Server(str(db)) if _is_url(db) else sqlite3.connect(db)
    try:
        if _is_url(db):  # the server checks its own pages and every foreign key on each write
            integrity, fk = "ok", 0
        else:
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            fk = len(con.execute("PRAGMA foreign_key_check").fetchall())
        agent_ids = {login: i for i, login in con.execute("SELECT id, login FROM agent")}
        logins = {i: login for login, i in agent_ids.items()}
        tickets = {i: (a, s) for i, a, s in con.execute("SELECT id, assignee_id, subject FROM ticket")}
        messages = {
            i: (t, k, a, b)
            for i, t, k, a, b in con.execute("SELECT id, ticket_id, kind, author_agent_id, body FROM message")
        }
        assignee_events: dict[int, list[tuple[str | None, str | None]]] = defaultdict(list)
        for t, old, new in con.execute(
            "SELECT ticket_id, old_value, new_value FROM ticketevent WHERE field = 'assignee' ORDER BY id"
        ):
            assignee_events[t].append((old, new))
        status_events = Counter(
            (t, new, a)
            for t, new, a in con.execute(
                "SELECT ticket_id, new_value, agent_id FROM ticketevent WHERE field = 'status'"
            )
        )
    finally:
        con.close()
    acked = [r for r in records if r.get("ok")]
    lost: list[str] = []
    for r in acked:
        op = r["op"]
        if op == "create" and (r["t"] not in tickets or r["token"] not in tickets[r["t"]][1]):
            lost.append(f"ticket #{r['t']} ({r['token']})")
        elif op in ("reply", "note", "customer_msg"):
            row = messages.get(r["m"])
            if row is None or row[0] != r["t"] or r["token"] not in row[3]:
                lost.append(f"{op} message {r['m']} on #{r['t']} ({r['token']})")
            elif op != "customer_msg" and row[2] != agent_ids.get(r["who"]):
                lost.append(f"{op} message {r['m']} has the wrong author")
    acked_status = Counter((r["t"], r["to"], agent_ids.get(r["who"])) for r in acked if r["op"] == "status")
    for key, n in acked_status.items():
        if status_events[key] < n:
            lost.append(f"status {key[1]} of #{key[0]} by {key[2]} ({n} acked, {status_events[key]} stored)")
    claims: dict[int, set[str]] = defaultdict(set)
    for r in acked:
        if r["op"] in ("take", "take_next") and r.get("t") is not None:
            claims[r["t"]].add(r["who"])
    told_twice = sorted(t for t, who in claims.items() if len(who) > 1)
    wrong_first = sorted(
        t
        for t, who in claims.items()
        if not assignee_events.get(t) or assignee_events[t][0] != (None, next(iter(who)))
    )
    claimed_twice = sorted(
        t for t, ev in assignee_events.items() if sum(1 for old, _ in ev if old is None) > 1
    )
    inconsistent = sorted(
        t
        for t, (assignee, _) in tickets.items()
        if (assignee is not None) != bool(assignee_events.get(t))
        or (assignee is not None and assignee_events[t][-1][1] != logins.get(assignee))
    )
    errors = Counter(r["err"] for r in records if "err" in r)
    return {
        "integrity": integrity,
        "foreign_key_violations": fk,
        "acknowledged": len(acked),
        "lost": lost,
        "double_takes": sorted(set(told_twice) | set(wrong_first) | set(claimed_twice)),
        "claims": len(claims),
        "inconsistent": inconsistent,
        "lock_errors": errors.get("locked", 0),
        "other_errors": errors.get("error", 0),
        "conflicts": {k: errors.get(k, 0) for k in ("taken", "stale", "refused")},
        "error_samples": [r.get("detail") for r in records if r.get("err") in ("locked", "error")][:5],
    }


# --- reporting ------------------------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not sorted_values:
        return 0.0
    return sorted_values[max(0, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))) - 1)]


def latency_table(records: list[dict[str, Any]], seconds: float) -> list[dict[str, Any]]:
    by_op: dict[str, list[float]] = defaultdict(list)
    for r in records:
        if "ms" in r and (r.get("ok") or "err" in r):
            by_op[r["op"]].append(r["ms"])
    rows = []
    for op in sorted(by_op, key=lambda o: -len(by_op[o])):
        values = sorted(by_op[op])
        rows.append(
            {
                "op": op,
                "count": len(values),
                "per_s": round(len(values) / seconds, 1),
                "p50": percentile(values, 50),
                "p95": percentile(values, 95),
                "p99": percentile(values, 99),
                "max": values[-1],
            }
        )
    everything = sorted(v for vs in by_op.values() for v in vs)
    rows.append(
        {
            "op": "all",
            "count": len(everything),
            "per_s": round(len(everything) / seconds, 1),
            "p50": percentile(everything, 50),
            "p95": percentile(everything, 95),
            "p99": percentile(everything, 99),
            "max": everything[-1] if everything else 0.0,
        }
    )
    return rows


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    print(
        f"{'operation':<14}{'count':>9}{'per s':>9}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}"
    )
    for r in rows:
        print(
            f"{r['op']:<14}{r['count']:>9}{r['per_s']:>9}{r['p50']:>10.1f}{r['p95']:>10.1f}{r['p99']:>10.1f}{r['max']:>10.1f}"
        )


def run(
    agents: int = 30,
    seconds: float = 60,
    fault_seconds: float = 30,
    *,
    db: Path | str | None = None,
    workdir: Path | None = None,
    think_ms: float = 5.0,
    preload: int = PRELOAD,
    backup: bool = True,
    seed: int = 7,
    quiet: bool = False,
) -> dict[str, Any]:
    """Both phases; returns every figure and check (``ok`` says whether all held)."""
    own_dir = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="bokdesk-load-")) if workdir is None else workdir
    db = db or workdir / "load.db"
    backup = backup and not _is_url(db)  # `bokdesk db backup` copies files; a server has pg_dump
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    try:
        say(f"setting up {db}: {agents} agents, {preload} waiting tickets")
        logins = setup(db, agents, preload)
        results: dict[str, Any] = {
            "agents": agents,
            "seconds": seconds,
            "fault_seconds": fault_seconds,
            "db": str(db),
        }
        say(
            f"phase 1: {agents} agents + 1 importer for {seconds:g} s"
            + (", backup halfway" if backup else "")
        )
        load = run_phase(
            Phase("load", seconds),
            db,
            logins,
            workdir,
            think_ms=think_ms,
            kill=False,
            backup_at=seconds / 2 if backup else None,
            seed=seed,
        )
        records = read_logs(load.logs)
        results["load"] = {
            "latency": latency_table(records, load.ended - load.started),
            "backup": load.backup,
            "hung": load.hung,
            "wal_mb": load.wal_mb,
            **verify(db, records),
        }
        all_records = records
        if fault_seconds > 0:
            say(f"phase 2: the same for {fault_seconds:g} s, killing writers with SIGKILL at random moments")
            faults = run_phase(
                Phase("faults", fault_seconds),
                db,
                logins,
                workdir,
                think_ms=think_ms,
                kill=True,
                backup_at=None,
                seed=seed + 1,
            )
            fault_records = read_logs(faults.logs)
            all_records = records + fault_records
            results["faults"] = {
                "kills": faults.kills,
                "hung": faults.hung,
                "wal_mb": faults.wal_mb,
                "latency": latency_table(fault_records, faults.ended - faults.started),
                **verify(db, all_records),
            }
        results["ok"] = _all_ok(results)
        return results
    finally:
        if own_dir and not os.environ.get("BOKDESK_KEEP_LOAD"):
            shutil.rmtree(workdir, ignore_errors=True)


def _all_ok(results: dict[str, Any]) -> bool:
    for key in ("load", "faults"):
        part = results.get(key)
        if part is None:
            continue
        if (
            part["integrity"] != "ok"
            or part["foreign_key_violations"]
            or part["lost"]
            or part["double_takes"]
        ):
            return False
        if part["lock_errors"] or part["other_errors"] or part["inconsistent"] or part["hung"]:
            return False
    backup = results["load"].get("backup")
    return backup is None or bool(backup.get("ok"))


def report(results: dict[str, Any]) -> None:
    load = results["load"]
    where = "one PostgreSQL database" if _is_url(results["db"]) else "one SQLite file"
    print_table(
        f"Load: {results['agents']} agents + 1 importer, {results['seconds']:g} s, {where}", load["latency"]
    )
    _print_checks(load)
    if load.get("backup"):
        b = load["backup"]
        print(
            f"backup during load: {'ok' if b.get('ok') else 'FAILED'} in {b['seconds']} s; integrity "
            f"{b.get('integrity')}, {b.get('tickets')} tickets, {b.get('missing_acked')} acknowledged missing, "
            f"opens with bokdesk: {b.get('opens')} {b.get('stderr') or ''}".rstrip()
        )
    if "faults" in results:
        f = results["faults"]
        print_table(
            f"Faults: {results['fault_seconds']:g} s with {f['kills']} writers killed by SIGKILL",
            f["latency"],
        )
        _print_checks(f, after_kill=True)
    print(f"\n{'ALL CHECKS PASSED' if results['ok'] else 'CHECKS FAILED'}")


def _print_checks(part: dict[str, Any], after_kill: bool = False) -> None:
    scope = "all phases" if after_kill else "this phase"
    print(
        f"acknowledged writes ({scope}): {part['acknowledged']}, lost: {len(part['lost'])}"
        + (f" e.g. {part['lost'][:3]}" if part["lost"] else "")
    )
    print(
        f"tickets claimed: {part['claims']}, taken twice: {len(part['double_takes'])}"
        + (f" {part['double_takes'][:10]}" if part["double_takes"] else "")
    )
    print(
        f"'database is locked' reaching an agent: {part['lock_errors']}; other errors: {part['other_errors']}"
        + (f" e.g. {part['error_samples']}" if part["error_samples"] else "")
    )
    print(
        f"collisions reported to agents: already taken {part['conflicts']['taken']}, stale version "
        f"{part['conflicts']['stale']}, refused transition {part['conflicts']['refused']}"
    )
    print(
        f"integrity_check: {part['integrity']}; foreign key violations: {part['foreign_key_violations']}; "
        f"assignee without matching history: {len(part['inconsistent'])}; hung processes: {part['hung']}; "
        f"largest WAL: {part['wal_mb']} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--agents", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--fault-seconds", type=float, default=30, help="kill -9 phase; 0 skips it")
    parser.add_argument("--think-ms", type=float, default=5.0, help="mean pause between an agent's actions")
    parser.add_argument("--preload", type=int, default=PRELOAD, help="tickets waiting at the start")
    parser.add_argument("--no-backup", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run on a throwaway PostgreSQL server (tests/pgserver.py) instead of an SQLite file",
    )
    parser.add_argument("--worker", choices=["agent", "importer"], help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    parser.add_argument("--start-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return run_worker(args)
    server = None
    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from pgserver import PgServer

        server = PgServer.start()
    try:
        db = server.url(server.create_database(prefix="load")) if server else None
        results = run(
            args.agents,
            args.seconds,
            args.fault_seconds,
            db=db,
            think_ms=args.think_ms,
            preload=args.preload,
            backup=not args.no_backup,
            seed=args.seed,
        )
    finally:
        if server is not None:
            server.stop()
    report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
