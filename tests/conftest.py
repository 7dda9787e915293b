"""Shared fixtures: a desk on a fresh database file with a clock the test controls."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bokdesk.core.database import open_store
from bokdesk.core.desk import Actor, Desk
from bokdesk.core.services import agents


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


@pytest.fixture
def desk(db_path: Path, clock: FakeClock) -> Iterator[Desk]:
    store = open_store(db_path)
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
    admin = agents.actor_of(agents.add_agent(desk, None, "admin", "Adam Admin", role="admin", team="BOK Warszawa"))
    boss = agents.actor_of(agents.add_agent(desk, admin, "marek", "Marek Wiśniewski", role="supervisor", team="BOK Warszawa"))
    ola = agents.actor_of(agents.add_agent(desk, admin, "ola", "Aleksandra Nowak", team="BOK Warszawa"))
    kasia = agents.actor_of(agents.add_agent(desk, admin, "kasia", "Katarzyna Zielińska", team="BOK Warszawa"))
    dev = agents.actor_of(agents.add_agent(desk, admin, "tomek", "Tomasz Lewandowski", team="Developers"))
    return Staff(admin, boss, ola, kasia, dev)
