"""Console benchmark: start, key actions, KPI refresh and peak RSS at 1k / 100k / 1M tickets.

    .venv/bin/python bench/bench_console.py [--sizes 1000,100000,1000000] [--repeat 5]

Each size gets a cached database under ``bench/.cache/`` (built once with ``bokdesk seed``). The
console runs for real in a pseudo-terminal (120x40), exactly as an agent starts it; the script
types keys and times how long the screen takes to settle. Floors are measured in the same run: a
hello-world Textual app started the same way (start time, peak RSS) and the bare SQL query
behind each figure. Prints one table of medians.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
PYTHON = sys.executable
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=$ ]*[A-Za-z~@]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>78]")
HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello bench")

Hello().run()
"""


def login() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


class Terminal:
    """A program in a pseudo-terminal: send keys, wait for text, wait for the screen to settle."""

    def __init__(self, argv: list[str], cols: int = 120, rows: int = 40) -> None:
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", TEXTUAL_ANIMATIONS="none")
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

    def text(self) -> str:
        return ESCAPES.sub(b"", self.screen).decode("utf-8", "replace")

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

    def key(self, data: bytes, quiet: float = 0.2, timeout: float = 10.0) -> float:
        """Seconds from a key until the last byte of the screen's answer (0 if nothing changed)."""
        self.settle(quiet=0.1)
        sent = time.perf_counter()
        os.write(self.fd, data)
        last = sent
        deadline = sent + timeout
        while time.perf_counter() < deadline:
            at = self._read(quiet)
            if at is None:
                break
            last = at
        return last - sent

    def quit(self) -> int:
        """Quit with ctrl+q; returns the process's peak RSS in KiB."""
        try:
            os.write(self.fd, b"\x11")
        except OSError:
            pass
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            pid, _status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return int(usage.ru_maxrss)
            self._read(0.05)
        os.kill(self.pid, 9)
        _, _, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return int(usage.ru_maxrss)


def database(size: int) -> Path:
    """The cached benchmark database with ``size`` tickets and the current user as supervisor."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"console-{size}.db"
    if not path.exists():
        print(f"building {path.name} ({size:,} tickets, once)…", file=sys.stderr)
        subprocess.run([PYTHON, "-m", "bokdesk", "seed", "--tickets", str(size), "--db", str(path)], check=True)
    subprocess.run([PYTHON, "-m", "bokdesk", "agent", "add", login(), "--name", "Bench", "--role", "supervisor",
                    "--db", str(path)], capture_output=True)
    return path


def first_row(path: Path) -> str:
    """What the first painted queue row shows: its ticket number and priority."""
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk
    from bokdesk.core.queries import View, list_view
    from bokdesk.core.services.agents import require_agent

    desk = Desk(store=open_store(path))
    try:
        rows = list_view(desk, require_agent(desk, login()), View.UNASSIGNED, limit=1)
    finally:
        desk.store.dispose()
    return f"{rows[0].id} {rows[0].priority}"


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def hello_floor(repeat: int) -> tuple[float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(HELLO)
    starts, rss = [], []
    for _ in range(repeat):
        term = Terminal([PYTHON, fh.name])
        starts.append(term.wait_for("hello bench"))
        term.settle()
        rss.append(term.quit())
    os.unlink(fh.name)
    return statistics.median(starts), int(statistics.median(rss))


KEYS = {
    "move": b"\x1b[B",
    "page down": b"\x1b[6~",
    "switch view": b"3",
    "open ticket": b"\r",
    "search keystroke": b"k",
}


def console_run(path: Path, repeat: int) -> dict[str, float]:
    marker = first_row(path)
    starts, rss = [], []
    actions: dict[str, list[float]] = {name: [] for name in KEYS}
    for _ in range(repeat):
        term = Terminal([PYTHON, "-m", "bokdesk", "--db", str(path), "--lang", "en"])
        starts.append(term.wait_for(marker))
        term.settle(quiet=0.5)
        for _ in range(3):
            actions["move"].append(term.key(KEYS["move"]))
        actions["page down"].append(term.key(KEYS["page down"]))
        actions["switch view"].append(term.key(KEYS["switch view"]))
        actions["open ticket"].append(term.key(KEYS["open ticket"]))
        term.key(b"\x1b", quiet=0.4)  # back to the queue
        term.key(b"/")
        actions["search keystroke"].append(term.key(KEYS["search keystroke"], quiet=0.4))
        term.key(b"\x1b", quiet=0.4)
        rss.append(term.quit())
    result = {"start": statistics.median(starts), "peak RSS MiB": statistics.median(rss) / 1024}
    result.update({name: statistics.median(values) for name, values in actions.items()})
    return result


def sql_floors(path: Path, repeat: int) -> dict[str, float]:
    """The core calls behind the screen, and the bare SQL they stand on."""
    from sqlalchemy import text

    from bokdesk.core import kpi, paging
    from bokdesk.core.clock import utcnow
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk
    from bokdesk.core.queries import View
    from bokdesk.core.services.agents import require_agent

    desk = Desk(store=open_store(path))
    actor = require_agent(desk, login())
    now = utcnow()

    def bare_count() -> None:
        with desk.store.read() as s:
            s.execute(text("SELECT count(*) FROM ticket WHERE status IN ('new','open','pending','on_hold') "
                           "AND assignee_id IS NULL")).scalar()

    def bare_page() -> None:
        with desk.store.read() as s:
            s.execute(text("SELECT id FROM ticket WHERE status = 'open' ORDER BY next_due_at LIMIT 50")).all()

    try:
        return {
            "KPI refresh": timed(lambda: kpi.compute(desk, actor), repeat * 2),
            "KPI floor (bare count)": timed(bare_count, repeat * 2),
            "queue page query": timed(lambda: paging.page(desk, actor, View.OPEN, now, limit=60), repeat * 2),
            "page floor (bare SQL)": timed(bare_page, repeat * 2),
        }
    finally:
        desk.store.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    paths = {size: database(size) for size in sizes}
    hello_start, hello_rss = hello_floor(args.repeat)
    columns: dict[int, dict[str, float]] = {}
    for size in sizes:
        columns[size] = console_run(paths[size], args.repeat) | sql_floors(paths[size], args.repeat)
    names = list(next(iter(columns.values())))
    header = ["measure (median)"] + [f"{s:,} tickets" for s in sizes] + ["floor", "ratio at largest"]
    floors = {"start": hello_start, "peak RSS MiB": hello_rss / 1024}
    rows = []
    for name in names:
        values = [columns[s][name] for s in sizes]
        unit = (lambda v: f"{v:.1f}") if "MiB" in name else (lambda v: f"{v * 1000:.1f} ms")
        floor = floors.get(name)
        rows.append([name] + [unit(v) for v in values]
                    + ([unit(floor), f"{values[-1] / floor:.2f}x"] if floor else ["", ""]))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print(f"\nfloors: hello-world Textual start {hello_start * 1000:.0f} ms, peak RSS {hello_rss / 1024:.1f} MiB; "
          "key actions are the time until the screen settles after the key (last byte drawn).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
