"""Where the console's memory goes: import and run its parts in the console's order, one
interpreter, and read ``VmRSS`` / ``VmHWM`` (``/proc/self/status``) after each step.

    .venv/bin/python bench/rss_stages.py [--db bench/.cache/console-100000.db] [--lang pl]

Only reads the database (the steps that touch it read; nothing is written). Prints one row per
step: what it added to the resident set, the total, and the peak so far. The harness itself uses
the standard library only (its own cost is in the first row). Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def status() -> tuple[float, float]:
    """(VmRSS, VmHWM) in MiB."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=HERE / ".cache" / "console-100000.db")
    parser.add_argument("--lang", default="en", choices=("en", "pl"))
    args = parser.parse_args()
    if not args.db.is_file():
        parser.error(f"{args.db} does not exist (bench/bench_console.py builds it)")
    db = args.db.resolve()

    rows: list[tuple[str, float, float, float, float]] = []
    last = status()[0]
    rows.append(("Python itself (and this harness)", 0.0, last, status()[1], 0.0))
    state: dict[str, object] = {}

    def step(label: str, fn: Callable[[], object]) -> None:
        nonlocal last
        started = time.perf_counter()
        fn()
        ms = (time.perf_counter() - started) * 1000
        rss, hwm = status()
        rows.append((label, rss - last, rss, hwm, ms))
        last = rss

    def cli() -> None:
        from bokdesk.cli import main as _main  # noqa: F401  (the fast path's parser)
        from bokdesk.core.config import load_config

        state["config"] = load_config(None, str(db))

    def textual_app() -> None:
        import textual.app  # noqa: F401
        import textual.widgets  # noqa: F401

    def console_modules() -> None:
        from bokdesk.ui import app  # noqa: F401
        from bokdesk.ui.screens import queue  # noqa: F401

    def preview() -> None:
        from argparse import Namespace
        from datetime import UTC, datetime

        from bokdesk.core.enums import View
        from bokdesk.ui import boot

        found = boot.probe(Namespace(db=str(db), config=None, as_login=None, lang=None))
        if found is None:
            raise SystemExit("the fast start does not apply to this database (is your login an agent?)")
        state["boot"] = found
        boot.first_page(found.connection, View.OPEN, found.actor.id, datetime.now(UTC), 40)

    def sqlalchemy_core() -> None:
        import sqlalchemy  # noqa: F401
        import sqlalchemy.dialects.sqlite  # noqa: F401

    def sqlalchemy_orm() -> None:
        import sqlalchemy.orm  # noqa: F401

    def pydantic() -> None:
        import pydantic  # noqa: F401

    def sqlmodel() -> None:
        import sqlmodel  # noqa: F401

    def models() -> None:
        import bokdesk.core.models  # noqa: F401

    def core_modules() -> None:
        import bokdesk.core.desk  # noqa: F401
        import bokdesk.core.kpi  # noqa: F401
        import bokdesk.core.paging  # noqa: F401
        import bokdesk.core.queries  # noqa: F401
        import bokdesk.core.services.tickets  # noqa: F401
        import bokdesk.core.store  # noqa: F401

    def calendar_module() -> None:
        import bokdesk.core.calendar  # noqa: F401

    def open_desk() -> None:
        boot = state["boot"]
        desk, actor = boot.open()  # type: ignore[attr-defined]
        state["desk"], state["actor"] = desk, actor

    def holiday_table() -> None:
        from datetime import date

        desk = state["desk"]
        calendar = desk.calendar  # type: ignore[attr-defined]
        year = date.today().year
        for y in (year - 1, year, year + 1):
            calendar.is_holiday(date(y, 1, 1))

    def queue_reads() -> None:
        from datetime import UTC, datetime

        from bokdesk.core import kpi, paging
        from bokdesk.core.enums import View

        desk, actor = state["desk"], state["actor"]
        now = datetime.now(UTC)
        for view in View:
            paging.page(desk, actor, view, now, limit=40)  # type: ignore[arg-type]
        paging.counts(desk, actor, now)  # type: ignore[arg-type]
        kpi.compute(desk, actor, now)  # type: ignore[arg-type]

    def babel() -> None:
        from bokdesk import i18n

        i18n.set_language(args.lang)
        i18n.warm_up()

    def ticket_modules() -> None:
        from bokdesk.ui.screens import ticket  # noqa: F401

    def ticket_and_search() -> None:
        from sqlalchemy import func, select

        from bokdesk.core import search
        from bokdesk.core.models import Ticket
        from bokdesk.core.queries import ticket_detail

        desk = state["desk"]
        with desk.store.read() as session:  # type: ignore[attr-defined]
            newest = session.exec(select(func.max(Ticket.id))).one()[0]
        ticket_detail(desk, newest)  # type: ignore[arg-type]
        search.search(desk, "fa")  # type: ignore[arg-type]

    step("the CLI's fast path and the config", cli)
    step("Textual (app, widgets)", textual_app)
    step("the console's modules (app, queue screen, fast start)", console_modules)
    step("fast start: the first page read with sqlite3", preview)
    step("SQLAlchemy core (+ its SQLite dialect)", sqlalchemy_core)
    step("SQLAlchemy ORM", sqlalchemy_orm)
    step("pydantic", pydantic)
    step("SQLModel", sqlmodel)
    step("bokdesk's models (SQLModel tables)", models)
    step("store, services, queries, paging, KPI modules", core_modules)
    step("the business calendar's module", calendar_module)
    step("opening the desk (engine, schema check, calendar, agent)", open_desk)
    step("public holidays of three years", holiday_table)
    step("every view's first page, the view counts, the KPI strip", queue_reads)
    step(f"Babel (dates and relative times, {args.lang})", babel)
    step("the ticket screen's modules (and the e-mail view)", ticket_modules)
    step("a ticket's details and one search", ticket_and_search)

    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'added':>8}  {'VmRSS':>8}  {'VmHWM':>8}  {'time':>8}")
    for label, added, rss, hwm, ms in rows:
        add = f"+{added:.1f}" if label != rows[0][0] else ""
        print(f"{label:<{width}}  {add:>8}  {rss:8.1f}  {hwm:8.1f}  {ms:6.0f} ms")
    print(f"(MiB; {sys.version.split()[0]}; {db.name}; pid {os.getpid()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
