"""Shared fixtures: a desk on a fresh database with a clock the test controls.

The desk is an SQLite file; a test module or test marked ``@pytest.mark.postgres`` runs twice,
once on SQLite and once on a fresh database of a throwaway PostgreSQL server (tests/pgserver.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bokdesk.core.database import open_store, open_url
from bokdesk.core.desk import Actor, Desk
from bokdesk.core.services import agents
from bokdesk.core.store import sqlite_url
from pgserver import PgServer


@dataclass
class FakeClock:
    """A settable clock: ``clock.now`` is what the desk sees; ``advance`` moves it."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


# Tuesday 2026-11-17 09:00 in Warsaw (08:00 UTC): inside business hours.
START = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``postgres`` that use a desk run on both backends (ids ``[sqlite]``, ``[postgres]``)."""
    if "backend" not in metafunc.fixturenames or not metafunc.definition.get_closest_marker("postgres"):
        return
    chosen = any("backend" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if (
        not chosen
    ):  # a test may name its backend itself: @pytest.mark.parametrize("backend", ["postgres"], ...)
        metafunc.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the desk is on: "sqlite" unless the test is marked ``postgres``."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway PostgreSQL cluster per test process (skips when the server is not installed)."""
    server = PgServer.start()
    yield server
    server.stop()


@pytest.fixture
def store_url(backend: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of the test's own database at the head schema; another Store(url) is another agent."""
    if backend == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.fresh_desk_url()
        yield url
        server.drop_database(url.rsplit("/", 1)[1])
    else:
        open_store(db_path).dispose()  # created at the head if the desk fixture has not yet
        yield sqlite_url(db_path)


@pytest.fixture
def new_store_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """Makes further empty desks at the head schema on the test's backend (import targets)."""
    made: list[str] = []

    def make() -> str:
        if backend == "postgres":
            url = request.getfixturevalue("pg_server").fresh_desk_url()
        else:
            path = tmp_path / f"other-{len(made)}.db"
            open_store(path).dispose()
            url = sqlite_url(path)
        made.append(url)
        return url

    yield make
    if backend == "postgres":
        for url in made:
            request.getfixturevalue("pg_server").drop_database(url.rsplit("/", 1)[1])


@pytest.fixture
def desk(backend: str, db_path: Path, clock: FakeClock, request: pytest.FixtureRequest) -> Iterator[Desk]:
    store = open_url(request.getfixturevalue("store_url")) if backend == "postgres" else open_store(db_path)
    d = Desk(store=store, clock=clock)
    yield d
    store.dispose()


@dataclass
class Staff:
    """A small desk: an admin, a supervisor and two agents in BOK, one developer."""

    admin: Actor
    boss: Actor
    ola: Actor
    kasia: Actor
    dev: Actor


@pytest.fixture
def staff(desk: Desk) -> Staff:
    admin = agents.actor_of(
        agents.add_agent(desk, None, "admin", "Adam Admin", role="admin", team="BOK Warszawa")
    )
    boss = agents.actor_of(
        agents.add_agent(desk, admin, "marek", "Marek Wiśniewski", role="supervisor", team="BOK Warszawa")
    )
    ola = agents.actor_of(agents.add_agent(desk, admin, "ola", "Aleksandra Nowak", team="BOK Warszawa"))
    kasia = agents.actor_of(
        agents.add_agent(desk, admin, "kasia", "Katarzyna Zielińska", team="BOK Warszawa")
    )
    dev = agents.actor_of(agents.add_agent(desk, admin, "tomek", "Tomasz Lewandowski", team="Developers"))
    return Staff(admin, boss, ola, kasia, dev)
