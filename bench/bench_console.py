"""Console benchmark: start, key actions, KPI refresh and peak RSS at 1k / 100k / 1M tickets.

    .venv/bin/python bench/bench_console.py [--sizes 1000,100000,1000000] [--repeat 5] [--role agent]

Each size gets a cached database under ``bench/.cache/console-<N>.db`` (built once with ``bokdesk
seed``; brought to the current schema with ``bokdesk db upgrade`` on every run). The console runs
for real in a pseudo-terminal (120x40), exactly as an agent starts it; the script types keys and
times each action **to the frame that shows its result** (a marker the action must paint: the new
cursor position in the top bar, the first row of the new view, the opened ticket's header and
customer panel, the first search hit), read from the terminal's output as it arrives. Moves are
also timed while the console warms up (from ``WARM_UP_FROM`` to ``WARM_UP_WINDOW`` seconds after
its first frame, with an agent's irregular pauses between keys): the median and the slowest.

Floors are measured in the same run:

- start, peak RSS: a hello-world Textual app started the same way (to its first frame), started
  right before each console start so both see the same load;
- key actions: a hello-world Textual app repainting a line on a key (what any Textual key costs),
  and, separately, the bare SQL of the action with the standard library's ``sqlite3`` (no ORM,
  no UI) on the same file;
- KPI refresh: the core call, and a bare count as its floor.

Prints one table of medians, with the machine's load average before and after.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import random
import re
import select
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
PYTHON = sys.executable
ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=$ ]*[A-Za-z~@]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>78]"
)
HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    BINDINGS = [("x", "bump", "bump")]
    count = 0

    def compose(self):
        yield Static("hello bench", id="line")

    def action_bump(self):
        self.count += 1
        self.query_one("#line", Static).update(f"count {self.count} done")

Hello().run()
"""


def login() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


class Terminal:
    """A program in a pseudo-terminal: send keys, wait for what it paints."""

    def __init__(self, argv: list[str], cols: int = 120, rows: int = 40) -> None:
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", TEXTUAL_ANIMATIONS="none")
        # As installed (pip writes bytecode): modules are compiled once, into the bench's cache, not
        # at every start (this box sets PYTHONDONTWRITEBYTECODE, which would make each start
        # compile every bokdesk module while the hello-world floor compiles nothing of its own).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.screen = b""

    def _read(self, timeout: float) -> float | None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return None
        self.screen += chunk
        return time.perf_counter()

    def text(self, since: int = 0) -> str:
        return ESCAPES.sub(b"", self.screen[since:]).decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = 30.0) -> float:
        """Seconds from start until ``needle`` has been drawn."""
        deadline = time.perf_counter() + timeout
        while needle not in self.text():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{needle!r} never appeared")
            self._read(0.05)
        return time.perf_counter() - self.started

    def settle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:
        """Read until nothing arrives for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and self._read(quiet) is not None:
            pass

    def key(
        self, data: bytes, painted: Callable[[str], bool], timeout: float = 15.0, quiet: float = 0.3
    ) -> float:
        """Seconds from a key until the output since the key satisfies ``painted``."""
        self.settle(quiet=quiet)
        mark = len(self.screen)
        sent = time.perf_counter()
        os.write(self.fd, data)
        deadline = sent + timeout
        while True:
            at = self._read(0.5)
            if at is not None and painted(self.text(mark)):
                return at - sent
            if time.perf_counter() > deadline:
                tail = self.text(mark)[-300:]
                raise TimeoutError(f"after {data!r} the expected frame never came; last output: {tail!r}")

    def ensure(self, data: bytes, painted: Callable[[str], bool], tries: int = 3) -> None:
        """An unmeasured key (Home, back to row 1) whose frame must come: sent again when it does not.
        The queue undoes a move made while it reloads its page (a reload keeps the row that was
        current when it began), which happens on a busy machine after a return to the queue."""
        for attempt in range(tries):
            try:
                self.key(data, painted, timeout=5.0)
                return
            except TimeoutError:
                if attempt == tries - 1:
                    raise

    def go_to(self, row: int, total: int) -> None:
        """Move the queue's cursor to ``row`` (unmeasured), whatever moves the queue undid."""
        for _ in range(4 * row + 4):
            at = (position(self.text(), total) or [1])[-1]
            if at == row:
                return
            step = 1 if row > at else -1
            try:
                self.key(
                    b"\x1b[B" if step > 0 else b"\x1b[A",
                    lambda t, w=at + step: position(t, total)[-1:] == [w],
                    timeout=5.0,
                )
            except TimeoutError:
                pass
        raise TimeoutError(f"the cursor never reached row {row}")

    def peak_rss(self) -> int:
        """The program's peak RSS in KiB (VmHWM: since its exec; ``ru_maxrss`` of a forked child
        would also count the bench's own pages from before the exec)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def quit(self) -> int:
        """Quit with ctrl+q; returns the process's peak RSS in KiB."""
        try:
            peak = self.peak_rss()
        except OSError:
            peak = 0
        try:
            os.write(self.fd, b"\x11")
        except OSError:
            pass
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            pid, _status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return peak or int(usage.ru_maxrss)
            self._read(0.05)
        os.kill(self.pid, 9)
        _, _, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return peak or int(usage.ru_maxrss)


def database(size: int, role: str) -> Path:
    """The cached benchmark database with ``size`` tickets, at the current schema, with the
    current Unix user as an agent of the given role."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"console-{size}.db"
    if not path.exists():
        print(f"building {path.name} ({size:,} tickets, once)…", file=sys.stderr)
        subprocess.run(
            [PYTHON, "-m", "bokdesk", "seed", "--tickets", str(size), "--db", str(path)], check=True
        )
    upgrade = subprocess.run(
        [PYTHON, "-m", "bokdesk", "db", "upgrade", "--db", str(path)], capture_output=True, text=True
    )
    if upgrade.returncode:
        sys.exit(
            f"{path} cannot be brought to this schema ({upgrade.stderr.strip()}); delete it to rebuild it."
        )
    with sqlite3.connect(path) as con:  # a seeded desk has agents and no admin: nobody may add one
        con.execute(
            "INSERT OR IGNORE INTO agent (login, name, role, active, status, created_at) "
            "VALUES (?, 'Bench', ?, 1, 'available', ?)",
            (login(), role, stored(datetime.now(UTC))),
        )
    with sqlite3.connect(path) as con:  # the bench's own cache: the role asked for, whatever it was, in the
        # team with the most unassigned tickets (an agent's view 2 shows their team's and no team's)
        con.execute(
            "UPDATE agent SET role = ?, active = 1, team_id = (SELECT team_id FROM ticket WHERE status IN "
            "('new', 'open', 'pending', 'on_hold') AND assignee_id IS NULL AND team_id IS NOT NULL "
            "GROUP BY team_id ORDER BY count(*) DESC, team_id LIMIT 1) WHERE login = ?",
            (role, login()),
        )
    return path


def stored(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class Facts:
    """What the screen must show after each action, read from the database with the core."""

    def __init__(self, path: Path) -> None:
        from bokdesk.core import paging, search
        from bokdesk.core.database import open_store
        from bokdesk.core.desk import Desk
        from bokdesk.core.queries import View, ticket_detail
        from bokdesk.core.services.agents import require_agent

        desk = Desk(store=open_store(path))
        try:
            actor = require_agent(desk, login())
            now = desk.now()
            first = paging.page(desk, actor, View.UNASSIGNED, now, limit=1)[0]
            self.start_marker = f"{first.id} "
            self.unassigned = paging.count(desk, actor, View.UNASSIGNED, now)
            self.open_total = paging.count(desk, actor, View.OPEN, now)
            top = paging.page(desk, actor, View.OPEN, now, limit=2)
            self.open_id = top[0].id
            self.open_customer = ticket_detail(desk, top[0].id).customer.name
            self.second = (top[1].id, ticket_detail(desk, top[1].id).customer.name) if len(top) > 1 else None
            # A two-letter search whose first hit is not among the first rows after its first
            # letter, so the frame that shows it can only be the second keystroke's result.
            self.search_text, self.search_first = "ko", None
            for text in ("ko", "no", "wi", "ma", "pa", "ja", "an", "fa", "re", "ze", "pr", "do"):
                hits = search.search(desk, text).items
                before = {row.id for row in search.search(desk, text[0]).items[:60]}
                if hits and hits[0].id not in before:
                    self.search_text, self.search_first = text, hits[0].id
                    break
            self.me = actor.id
        finally:
            desk.store.dispose()


def position(text: str, total: int) -> list[int]:
    """Cursor positions the top bar showed in ``text`` ("12/640")."""
    return [int(m.replace(",", "")) for m in re.findall(rf"(\d[\d,]*)/{total:,}\b", text)]


def hello_floor(repeat: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(HELLO)
    starts, rss, keys = [], [], []
    for _ in range(repeat):
        term = Terminal([PYTHON, fh.name])
        starts.append(term.wait_for("hello bench"))
        term.settle()
        for n in range(1, 4):
            keys.append(term.key(b"x", lambda text, n=n: f"count {n} done" in text))
        rss.append(term.quit())
    os.unlink(fh.name)
    return {
        "start": statistics.median(starts),
        "peak RSS MiB": statistics.median(rss) / 1024,
        "key": statistics.median(keys),
    }


WARM_UP_FROM, WARM_UP_WINDOW = (
    0.25,
    4.0,
)  # seconds after the first frame: the desk opens, the warm-up runs, the
# ticket screen is built (a key in the first moments after the first frame is the start's, not the warm-up's)
ACTIONS = [
    "move",
    "move during the warm-up",
    "move during the warm-up, slowest",
    "page down",
    "switch view",
    "open first ticket",
    "open ticket",
    "back to queue",
    "back to queue (kitty Esc)",
    "search keystroke",
]


def hello_start(script: str) -> float:
    term = Terminal([PYTHON, script])
    started = term.wait_for("hello bench")
    term.settle(quiet=0.1)
    term.quit()
    return started


def console_run(path: Path, repeat: int, hello_script: str) -> dict[str, float]:
    facts = Facts(path)
    starts, hellos, rss, warm_moves = [], [], [], []
    pauses = random.Random(3)
    undone = 0
    actions: dict[str, list[float]] = {name: [] for name in ACTIONS}
    for _ in range(repeat):
        hellos.append(hello_start(hello_script))  # the floor, started right before, on the same load
        term = Terminal([PYTHON, "-m", "bokdesk", "--db", str(path), "--lang", "en"])
        starts.append(term.wait_for(facts.start_marker))
        painted = time.perf_counter()
        time.sleep(WARM_UP_FROM)
        if facts.unassigned >= 2:  # moves while the console warms up (desk attach, warm-up, ticket screen)
            while time.perf_counter() - painted < WARM_UP_WINDOW:
                at = position(term.text(), facts.unassigned)[-1]
                want = 2 if at == 1 else at - 1
                try:
                    warm_moves.append(
                        term.key(
                            b"\x1b[B" if want > at else b"\x1b[A",
                            lambda t, w=want: position(t, facts.unassigned)[-1:] == [w],
                            quiet=0.02,
                            timeout=2.0,
                        )
                    )
                except TimeoutError:  # the cursor went back (a page load that began before the move)
                    undone += 1
                time.sleep(pauses.uniform(0.03, 1.5))  # an agent reading the rows: short and longer pauses
        term.settle(quiet=1.0)
        time.sleep(2.0)  # the agent reads for a moment: the warm-up runs in such a pause (1 s without a key)
        actions["switch view"].append(
            term.key(b"3", lambda t: re.search(rf"All open\s+1/{facts.open_total:,}\b", t) is not None)
        )
        if facts.open_total >= 4:
            for step in range(2, 5):  # the top bar shows the new position ("2/640") with the moved cursor
                actions["move"].append(
                    term.key(b"\x1b[B", lambda t, s=step: s in position(t, facts.open_total))
                )
            term.go_to(1, facts.open_total)
        if facts.open_total > 60:
            actions["page down"].append(
                term.key(b"\x1b[6~", lambda t: any(p > 10 for p in position(t, facts.open_total)))
            )
            term.ensure(b"\x1b[H", lambda t: position(t, facts.open_total)[-1:] == [1])
        actions["open first ticket"].append(
            term.key(
                b"\r", lambda t: "Priority" in t and facts.open_customer in t and f"#{facts.open_id}" in t
            )
        )
        term.key(b"\x1b", lambda t: re.search(rf"All open\s+1/{facts.open_total:,}\b", t) is not None)
        if facts.second is not None:  # the screen is reused from now on: what every later ticket costs
            term.go_to(2, facts.open_total)
            second_id, second_customer = facts.second
            actions["open ticket"].append(
                term.key(b"\r", lambda t: "Priority" in t and second_customer in t and f"#{second_id}" in t)
            )
            actions["back to queue"].append(
                term.key(b"\x1b", lambda t: re.search(rf"All open\s+2/{facts.open_total:,}\b", t) is not None)
            )
            # the same with a terminal that speaks the kitty keyboard protocol (Escape is unambiguous)
            term.key(b"\r", lambda t: "Priority" in t and second_customer in t)
            actions["back to queue (kitty Esc)"].append(
                term.key(
                    b"\x1b[27u", lambda t: re.search(rf"All open\s+2/{facts.open_total:,}\b", t) is not None
                )
            )
            term.go_to(1, facts.open_total)
        term.key(b"/", lambda t: "Search:" in t)
        term.key(facts.search_text[0].encode(), lambda t: True)
        if facts.search_first is not None:
            first = f" {facts.search_first} "
            actions["search keystroke"].append(
                term.key(facts.search_text[1].encode(), lambda t: first in t, quiet=0.6)
            )
        term.key(b"\x1b", lambda t: True, quiet=0.5)
        rss.append(term.quit())
    result = {
        "start": statistics.median(starts),
        "hello start": statistics.median(hellos),
        "peak RSS MiB": statistics.median(rss) / 1024,
    }
    result.update({name: statistics.median(values) for name, values in actions.items() if values})
    if warm_moves:
        result["move during the warm-up"] = statistics.median(warm_moves)
        result["move during the warm-up, slowest"] = max(warm_moves)
        result["moves during the warm-up"] = len(warm_moves)
        result["moves undone during the warm-up"] = undone
    return result


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in seconds (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def sql_floors(path: Path, repeat: int) -> dict[str, float]:
    """The bare SQL behind each action (standard ``sqlite3``, no ORM, no UI), and the KPI call."""
    from bokdesk.core import kpi
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk
    from bokdesk.core.enums import View
    from bokdesk.core.search import RANK_LIMIT, match_expression
    from bokdesk.core.services.agents import require_agent
    from bokdesk.ui import boot

    facts = Facts(path)
    desk = Desk(store=open_store(path))
    actor = require_agent(desk, login())
    now = datetime.now(UTC)
    con = boot.connect(path)
    expression = match_expression(facts.search_text)

    def page() -> None:  # the queue's first page, as the fast start reads it
        boot.first_page(con, View.OPEN, facts.me, now, 80)

    def switch() -> None:  # a view's count and first page
        boot.view_count(con, View.OPEN, facts.me, now)
        boot.first_page(con, View.OPEN, facts.me, now, 80)

    def ticket() -> None:  # the rows the detail shows
        t = con.execute("SELECT * FROM ticket WHERE id = ?", (facts.open_id,)).fetchone()
        customer = t[
            [d[0] for d in con.execute("SELECT * FROM ticket LIMIT 0").description].index("customer_id")
        ]
        con.execute("SELECT * FROM customer WHERE id = ?", (customer,)).fetchall()
        con.execute("SELECT * FROM customercontact WHERE customer_id = ?", (customer,)).fetchall()
        con.execute(
            "SELECT * FROM message WHERE ticket_id = ? ORDER BY created_at, id", (facts.open_id,)
        ).fetchall()
        con.execute("SELECT * FROM ticketevent WHERE ticket_id = ? ORDER BY id", (facts.open_id,)).fetchall()
        con.execute(
            "SELECT id, subject, status, created_at FROM ticket WHERE customer_id = ? AND id != ? "
            "ORDER BY created_at DESC LIMIT 20",
            (customer, facts.open_id),
        ).fetchall()

    def fts() -> None:
        ids = [
            r[0]
            for r in con.execute(
                "SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? ORDER BY rowid DESC LIMIT ?",
                (expression, RANK_LIMIT + 1),
            )
        ]
        if len(ids) <= RANK_LIMIT:
            con.execute(
                "SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? ORDER BY rank LIMIT 200",
                (expression,),
            ).fetchall()

    def bare_count() -> None:
        con.execute(
            "SELECT count(*) FROM ticket WHERE status IN ('new','open','pending','on_hold') "
            "AND assignee_id IS NULL"
        ).fetchone()

    try:
        return {
            "page down": timed(page, repeat * 3),
            "switch view": timed(switch, repeat * 3),
            "open ticket": timed(ticket, repeat * 3),
            "search keystroke": timed(fts, repeat * 3),
            "KPI refresh": timed(lambda: kpi.compute(desk, actor), repeat * 3),
            "KPI floor": timed(bare_count, repeat * 3),
        }
    finally:
        con.close()
        desk.store.dispose()


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--role",
        default="agent",
        choices=["agent", "supervisor"],
        help="the role the console runs as (a supervisor's console also warms up the stats screen)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    paths = {size: database(size, args.role) for size in sizes}
    load_before = load_average()
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as warm:
        warm.write(HELLO)
    hello_start(warm.name)  # one unmeasured start of each, so the bytecode cache is written first
    console_run(paths[sizes[0]], 1, warm.name)
    os.unlink(warm.name)
    hello = hello_floor(args.repeat)
    ui: dict[int, dict[str, float]] = {}
    sql: dict[int, dict[str, float]] = {}
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(HELLO)
    for size in sizes:
        ui[size] = console_run(paths[size], args.repeat, fh.name)
        sql[size] = sql_floors(paths[size], args.repeat)
    os.unlink(fh.name)
    largest = sizes[-1]

    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value * 1000:.1f} ms"

    header = [
        "measure (median)",
        *[f"{s:,} tickets" for s in sizes],
        "floor (same run)",
        "ratio at largest",
        "target at largest",
    ]
    rows: list[list[str]] = []
    rows.append(["start to first painted queue", *[ms(ui[s]["start"]) for s in sizes], "", "", ""])
    rows.append(["  hello-world start, same runs", *[ms(ui[s]["hello start"]) for s in sizes], "", "", ""])
    rows.append(
        [
            "  ratio to hello-world",
            *[f"{ui[s]['start'] / ui[s]['hello start']:.2f}x" for s in sizes],
            "",
            f"{ui[largest]['start'] / ui[largest]['hello start']:.2f}x",
            "≤ 1.5x",
        ]
    )
    rows.append(
        [
            "peak RSS",
            *[f"{ui[s]['peak RSS MiB']:.1f} MiB" for s in sizes],
            f"{hello['peak RSS MiB']:.1f} MiB hello",
            f"{ui[largest]['peak RSS MiB'] / hello['peak RSS MiB']:.2f}x",
            "< 60 MiB",
        ]
    )
    for name in ACTIONS:
        if name not in ui[largest]:
            continue
        label = name
        values = [ms(ui[s].get(name)) for s in sizes]
        rows.append(
            [
                label,
                *values,
                ms(hello["key"]) + " hello key",
                f"{ui[largest][name] / hello['key']:.1f}x",
                "< 50 ms",
            ]
        )
        if name.replace("first ", "") in sql[largest] and name != "open first ticket":
            rows.append(["  its bare SQL (sqlite3)", *[ms(sql[s][name]) for s in sizes], "", "", ""])
    rows.append(
        [
            "KPI refresh (core call)",
            *[ms(sql[s]["KPI refresh"]) for s in sizes],
            ms(sql[largest]["KPI floor"]) + " bare count",
            f"{sql[largest]['KPI refresh'] / sql[largest]['KPI floor']:.1f}x",
            "< 50 ms",
        ]
    )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    print(
        f"\nconsole run as a{'n' if args.role == 'agent' else ''} {args.role}; 120x40 pty; {args.repeat} runs; "
        f"load average before {load_before}, after {load_average()}."
    )
    warm = [
        f"{ui[s]['moves during the warm-up']:.0f}"
        + (
            f" ({ui[s]['moves undone during the warm-up']:.0f} undone)"
            if ui[s]["moves undone during the warm-up"]
            else ""
        )
        for s in sizes
        if "moves during the warm-up" in ui[s]
    ]
    print(
        "Key actions are timed from the key to the frame that shows the result (not to the last byte). "
        "A plain Escape also waits for the console's escape delay (25 ms: is it the start of an escape "
        "sequence?); the kitty keyboard protocol's Escape does not. "
        f"Moves during the warm-up: Down/Up in the start view from {WARM_UP_FROM} s to {WARM_UP_WINDOW:.0f} s "
        f"after the first frame, 0.03-1.5 s apart ({' / '.join(warm) or 'no'} moves per size, all runs)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
