#!/usr/bin/env python3
"""Regenerate ``screenshots/*.svg`` (one per console screen) for the README.

    python scripts/screenshots.py [--lang en|pl] [--size 120x40] [--out screenshots] [--only NAME ...]

The pictures come from the deterministic demo desk on a fixed clock (the same desk the snapshot
tests use), driven headless through Textual's pilot, so running it twice gives the same files.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)  # a Tuesday afternoon in Warsaw
SETTINGS = {"complaints_team": "BOK Warszawa", "desk_name": "BOK"}


def open_desk(directory: Path) -> Any:
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk

    return Desk(store=open_store(directory / "demo.db"), clock=lambda: NOW, settings=dict(SETTINGS))


def build_desk(directory: Path) -> Any:
    from bokdesk.core.demo import build_demo

    desk = open_desk(directory)
    build_demo(desk, me="ania", me_name="Anna Kierownik", seed=7, now=NOW)
    return desk


async def settle(pilot: Any) -> None:
    from textual.worker import WorkerState

    calm = 0
    for _ in range(400):
        await pilot.pause(0.02)
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in pilot.app.workers)
        calm = 0 if busy else calm + 1
        if calm >= 3:
            return


Step = Callable[[Any, Any], Awaitable[None]]


async def shoot(desk: Any, login: str, name: str, steps: Step, out: Path, size: tuple[int, int]) -> None:
    from bokdesk.core.services.agents import require_agent
    from bokdesk.ui.app import BokdeskApp
    from bokdesk.ui.presence import NoPresence

    actor = require_agent(desk, login)
    app = BokdeskApp(desk, actor, live=False, cursor_blink=False, presence=NoPresence())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await steps(pilot, desk)
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause(0.1)
        svg = app.export_screenshot(title=f"bokdesk — {name}")
    (out / f"{name}.svg").write_text(svg, encoding="utf-8")
    print(f"{out / name}.svg")


def first_waiting(desk: Any) -> int:
    from bokdesk.core.queries import View, list_view
    from bokdesk.core.services.agents import require_agent

    return list_view(desk, require_agent(desk, "ania"), View.WAITING, limit=1)[0].id


async def queue(pilot: Any, desk: Any) -> None:
    await pilot.press("3", "down", "down")


async def ticket(pilot: Any, desk: Any) -> None:
    pilot.app.screen.open_ticket(first_waiting(desk))


async def editor(pilot: Any, desk: Any) -> None:
    from bokdesk.core.queries import View, list_view
    from bokdesk.core.services import tickets

    row = list_view(desk, pilot.app.actor, View.UNASSIGNED, limit=1)[0]
    tickets.take(desk, pilot.app.actor, row.id)
    pilot.app.screen.open_ticket(row.id)
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)
    await pilot.press("r", "e", "s", "e", "t")


async def history(pilot: Any, desk: Any) -> None:
    pilot.app.screen.open_ticket(first_waiting(desk))
    await settle(pilot)
    await pilot.press("h")


async def new_ticket(pilot: Any, desk: Any) -> None:
    await pilot.press("n")
    await settle(pilot)
    await pilot.press("k", "o", "w", "a", "l")
    await pilot.pause(0.3)


async def canned(pilot: Any, desk: Any) -> None:
    await pilot.press("f3")


async def help_screen(pilot: Any, desk: Any) -> None:
    await pilot.press("question_mark")


async def search(pilot: Any, desk: Any) -> None:
    await pilot.press("slash", "f", "a", "k", "t", "u", "r")
    await pilot.pause(0.3)


async def stats(pilot: Any, desk: Any) -> None:
    await pilot.press("f4")
    await pilot.pause(0.5)


async def rota(pilot: Any, desk: Any) -> None:
    from bokdesk.core.services import agents, presence

    for login in ("ola", "kasia", "marek", "piotr", "tomek"):  # a few consoles open, one agent away
        presence.heartbeat(desk, agents.require_agent(desk, login))
    agents.set_status(desk, agents.require_agent(desk, "piotr"), "away")
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("down", "down", "down", "down")  # Kasia: her leave from Wednesday


SCREENS: list[tuple[str, str, Step]] = [
    ("queue", "ania", queue),
    ("search", "ola", search),
    ("ticket", "ania", ticket),
    ("history", "ania", history),
    ("editor", "ola", editor),
    ("new-ticket", "ola", new_ticket),
    ("canned", "ania", canned),
    ("help", "ola", help_screen),
    ("stats", "ania", stats),
    ("rota", "ania", rota),
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["en", "pl"], default="en")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        choices=[name for name, _, _ in SCREENS],
        help="only this screen (repeatable); default: every screen",
    )
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from bokdesk import i18n

    i18n.set_language(args.lang)
    suffix = "" if args.lang == "en" else f"-{args.lang}"
    with tempfile.TemporaryDirectory() as directory:
        template = Path(directory) / "template"
        template.mkdir()
        build_desk(template).store.dispose()
        for name, login, steps in SCREENS:  # each screen on a fresh copy: some of them change the desk
            if args.only and name not in args.only:
                continue
            path = Path(directory) / name
            path.mkdir()
            shutil.copyfile(template / "demo.db", path / "demo.db")
            desk = open_desk(path)
            try:
                asyncio.run(shoot(desk, login, name + suffix, steps, out, (width, height)))
            finally:
                desk.store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
