"""The running console's memory at each stage of an agent's first minute.

    .venv/bin/python bench/rss_console.py [--size 100000] [--lang en] [--keep]

Copies the cached desk of ``bench_console.py`` (``bench/.cache/console-<N>.db``, which it never
writes) to a temporary file (brought to this tree's schema), starts the console on the copy in a pseudo-terminal (120x40) as
``bench_console.py`` does, and reads ``/proc/<pid>/status`` after each stage: the first frame,
the desk open and warm (warm-up imports, the ticket screen built), a ticket opened, a second
ticket and a search, ``f3`` and ``n`` opened and closed, and a few idle seconds (each once the
screen is quiet, but the first, read as soon as the queue's first rows are drawn). Prints VmRSS,
VmHWM (the peak so far), its anonymous and file-backed parts, and the number of threads.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_console import PYTHON, Terminal  # noqa: E402


def status(pid: int) -> dict[str, str]:
    wanted = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads")
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            out[key] = value.split()[0]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--lang", default="en", choices=("en", "pl"))
    parser.add_argument("--keep", action="store_true", help="keep the copy of the desk (its path is printed)")
    args = parser.parse_args()
    source = HERE / ".cache" / f"console-{args.size}.db"
    if not source.is_file():
        parser.error(f"{source} does not exist (bench/bench_console.py --sizes {args.size} builds it)")
    workdir = Path(tempfile.mkdtemp(prefix="bokdesk-rss-"))
    copy = workdir / "desk.db"
    src, dst = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    # The cached desk may be at an older schema than this tree: the copy is brought up, as bench_console does.
    subprocess.run(
        [PYTHON, "-m", "bokdesk", "db", "upgrade", "--db", str(copy)], check=True, capture_output=True
    )

    from bokdesk import i18n

    i18n.set_language(args.lang)  # what the screen says, in the console's language
    unassigned, all_open = i18n.pgettext("view", "Unassigned"), i18n.pgettext("view", "All open")
    priority, search = i18n._("Priority"), i18n._("Search:")
    term = Terminal([PYTHON, "-m", "bokdesk", "--db", str(copy), "--lang", args.lang])
    rows: list[tuple[str, dict[str, str]]] = []

    def stage(label: str, settle: bool = True) -> None:
        if settle:
            term.settle(quiet=0.3)
        rows.append((label, status(term.pid)))

    term.wait_for(unassigned)
    stage("first frame (the desk is then opened in a thread)", settle=False)
    time.sleep(4.0)
    stage("desk open and warm (ticket screen built)")
    term.key(b"3", lambda t: all_open in t)
    term.key(b"\r", lambda t: priority in t)
    stage("a ticket open")
    term.key(b"\x1b", lambda t: all_open in t)
    term.key(b"\x1b[B", lambda t: True)
    term.key(b"\r", lambda t: priority in t)
    term.key(b"\x1b", lambda t: all_open in t)
    term.key(b"/", lambda t: search in t)
    term.key(b"k", lambda t: True)
    term.key(b"o", lambda t: True, quiet=0.6)
    term.key(b"\x1b", lambda t: True, quiet=0.5)
    stage("a second ticket, a search")
    term.key(b"\x1bOR", lambda t: True, quiet=0.8)  # f3: canned responses
    term.key(b"\x1b", lambda t: True, quiet=0.5)
    term.key(b"n", lambda t: True, quiet=0.8)  # new ticket
    term.key(b"\x1b", lambda t: True, quiet=0.5)
    stage("f3 and n opened and closed")
    time.sleep(3.0)
    stage("3 s idle")
    peak = term.quit() / 1024

    width = max(len(label) for label, _ in rows)
    print(f"{'stage':<{width}}  {'VmRSS':>7}  {'VmHWM':>7}  {'anon':>7}  {'file':>6}  threads")
    for label, st in rows:
        mib = {k: int(v) / 1024 for k, v in st.items() if k != "Threads"}
        print(
            f"{label:<{width}}  {mib['VmRSS']:7.1f}  {mib['VmHWM']:7.1f}  {mib['RssAnon']:7.1f}  "
            f"{mib['RssFile']:6.1f}  {st['Threads']:>7}"
        )
    print(f"peak RSS {peak:.1f} MiB (MiB; {args.size:,}-ticket desk, --lang {args.lang})")
    if args.keep:
        print(f"the copy: {copy}")
    else:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
