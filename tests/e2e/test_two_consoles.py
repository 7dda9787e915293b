"""Two real consoles at once in tmux, as two agents on one database file.

Ola takes the most urgent ticket from her unassigned view (key `2`, then `t`); it must leave
Kasia's unassigned view, in her own process and terminal, within 2 s. Both run as `--as NAME`,
which a site config allows: the test points the site config directory (``XDG_CONFIG_DIRS``, which
platformdirs reads) at a directory of its own, as an administrator's /etc/xdg would be.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bokdesk.core.database import open_store
from bokdesk.core.desk import SYSTEM, Desk
from bokdesk.core.models import Agent, Ticket
from bokdesk.core.services import agents, tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
]

URGENT = "Awaria logowania PILNE"
OTHERS = ("Faktura korekta", "Zwrot towaru")
LIMIT = 2.0


class Tmux:
    """A tmux server of the test's own (its own socket, no user config)."""

    def __init__(self, socket: str) -> None:
        self.base = ["tmux", "-L", socket, "-f", "/dev/null"]

    def __call__(self, *args: str) -> str:
        return subprocess.run(
            [*self.base, *args], check=True, capture_output=True, text=True, timeout=30
        ).stdout

    def start(self, name: str, command: list[str]) -> None:
        self("new-session", "-d", "-s", name, "-x", "150", "-y", "40", " ".join(command))

    def screen(self, name: str) -> str:
        return self("capture-pane", "-p", "-t", name)

    def keys(self, name: str, *keys: str) -> None:
        self("send-keys", "-t", name, *keys)

    def wait_for(self, name: str, predicate, what: str, timeout: float = 60) -> float:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if predicate(self.screen(name)):
                return time.perf_counter() - started
            time.sleep(0.05)
        raise AssertionError(
            f"{name}: {what} not seen within {timeout} s; the screen shows:\n{self.screen(name)}"
        )

    def kill(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=30, check=False)


@pytest.fixture
def desk_files(tmp_path: Path) -> Path:
    site = tmp_path / "site" / "bokdesk"
    site.mkdir(parents=True)
    (site / "config.toml").write_text("[security]\nallow_as = true\n")
    db = tmp_path / "desk.db"
    store = open_store(db)
    desk = Desk(store=store)
    agents.add_agent(desk, SYSTEM, "ola", "Aleksandra Nowak", team="BOK Warszawa")
    agents.add_agent(desk, SYSTEM, "kasia", "Katarzyna Zielińska", team="BOK Warszawa")
    for n, (subject, priority) in enumerate(((URGENT, "urgent"), (OTHERS[0], "normal"), (OTHERS[1], "low"))):
        tickets.create_ticket(
            desk,
            SYSTEM,
            tickets.NewTicket(
                subject=subject,
                customer=CustomerSpec(name=f"Klient {n}", email=f"klient{n}@example.pl"),
                body="Treść zgłoszenia.",
                priority=priority,
            ),
        )
    store.dispose()
    return tmp_path


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux(f"bokdesk-test-{os.getpid()}-{time.monotonic_ns()}")
    try:
        yield server
    finally:
        server.kill()


def console(base: Path, login: str) -> list[str]:
    env = {
        "XDG_CONFIG_DIRS": base / "site",
        "XDG_CONFIG_HOME": base / f"cfg-{login}",
        "XDG_DATA_HOME": base / f"data-{login}",
        "XDG_STATE_HOME": base / f"state-{login}",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    return [
        "env",
        *(f"{k}={v}" for k, v in env.items()),
        sys.executable,
        "-m",
        "bokdesk",
        "--as",
        login,
        "--lang",
        "en",
        "--db",
        str(base / "desk.db"),
    ]


def test_a_ticket_taken_in_one_console_leaves_the_others_unassigned_view(
    desk_files: Path, tmux: Tmux
) -> None:
    tmux.start("ola", console(desk_files, "ola"))
    tmux.start("kasia", console(desk_files, "kasia"))
    for name in ("ola", "kasia"):
        tmux.wait_for(name, lambda s: URGENT in s, "the queue")
        tmux.keys(name, "2")  # the unassigned view
        tmux.wait_for(name, lambda s: URGENT in s and all(o in s for o in OTHERS), "the unassigned view")
    time.sleep(1.0)  # both consoles idle, polling as they do all day

    tmux.keys("ola", "t")  # take the selected (most urgent) ticket
    gone = tmux.wait_for(
        "kasia", lambda s: URGENT not in s and OTHERS[0] in s, "the ticket leaving", timeout=30
    )
    assert gone < LIMIT, f"it took {gone:.2f} s to leave the other console's unassigned view"
    tmux.wait_for(
        "ola", lambda s: URGENT not in s and OTHERS[0] in s, "the ticket leaving her own view", timeout=10
    )

    store = open_store(desk_files / "desk.db", create=False)
    try:
        with store.read() as session:
            ticket = session.get(Ticket, 1)
            assert ticket is not None and ticket.subject == URGENT
            owner = session.get(Agent, ticket.assignee_id)
            assert owner is not None and owner.login == "ola"
    finally:
        store.dispose()
    print(f"\nthe taken ticket left the other console's unassigned view after {gone:.2f} s")
