"""Fixtures of the console tests: a deterministic demo desk on a fixed clock, and app helpers."""

from __future__ import annotations

import asyncio
import inspect
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_helpers import DESK_SETTINGS, NOW, FixedClock

from bokdesk import i18n
from bokdesk.core.database import open_store, open_url
from bokdesk.core.desk import Actor, Desk
from bokdesk.core.services.agents import require_agent
from pgserver import PgServer


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests (Pilot scenarios) on a fresh event loop."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames  # noqa: SLF001
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(scope="session")
def demo_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo desk (same seed, same clock: the same desk every time), built once and cached.

    The cache key is a hash of the core and the migrations, so a change there rebuilds it; a file
    lock keeps parallel test processes from building it twice at the same time.
    """
    import fcntl
    import hashlib

    import bokdesk

    package = Path(bokdesk.__file__).parent
    digest = hashlib.sha256(NOW.isoformat().encode())
    for source in sorted([*package.glob("core/**/*.py"), *package.glob("migrations/**/*.py")]):
        digest.update(source.read_bytes())
    cache = Path(request.config.cache.mkdir("bokdesk-ui-demo"))
    path = cache / f"demo-{digest.hexdigest()[:16]}.db"
    with open(cache / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            import time

            for old in cache.glob("demo-*.db"):  # other test processes may still use recent ones
                if time.time() - old.stat().st_mtime > 86400:
                    old.unlink(missing_ok=True)
            building = tmp_path_factory.mktemp("template") / "demo.db"
            _build_demo(building)
            shutil.copyfile(building, path)
    return path


def _build_demo(path: Path) -> None:
    from bokdesk.core.demo import build_demo

    store = open_store(path)
    desk = Desk(store=store, clock=FixedClock(NOW), settings=DESK_SETTINGS)
    build_demo(desk, me="ania", me_name="Anna Kierownik", seed=7, now=NOW)
    store.dispose()


@pytest.fixture
def db_file(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture(scope="session")
def pg_demo_template(
    demo_template: Path, pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The demo desk moved to PostgreSQL the way a desk moves (JSONL export, import), once a session."""
    from bokdesk.core import jsonl

    dump = tmp_path_factory.mktemp("pg-demo") / "demo.jsonl"
    source = open_store(demo_template, create=False)
    with dump.open("w", encoding="utf-8") as out:
        jsonl.export_jsonl(Desk(store=source, clock=FixedClock(NOW)), out)
    source.dispose()
    name = pg_server.create_database(template=pg_server.head_template(), prefix="bokdesk_demo")
    target = open_url(pg_server.url(name))
    jsonl.import_jsonl(Desk(store=target, clock=FixedClock(NOW), settings=DESK_SETTINGS), dump)
    target.dispose()
    pg_server.sql(f"ALTER DATABASE {name} WITH IS_TEMPLATE true")
    return name


@pytest.fixture
def desk(backend: str, request: pytest.FixtureRequest) -> Iterator[Desk]:
    """The demo desk: a copy of the SQLite file, or (tests marked ``postgres``) of its PostgreSQL twin."""
    name = None
    if backend == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        name = server.create_database(template=request.getfixturevalue("pg_demo_template"))
        store = open_url(server.url(name))
    else:
        store = open_store(request.getfixturevalue("db_file"))
    d = Desk(store=store, clock=FixedClock(NOW), settings=DESK_SETTINGS)
    yield d
    store.dispose()
    if name is not None:
        request.getfixturevalue("pg_server").drop_database(name)


@pytest.fixture
def ola(desk: Desk) -> Actor:
    """An agent of BOK Warszawa."""
    return require_agent(desk, "ola")


@pytest.fixture
def boss(desk: Desk) -> Actor:
    """The supervisor running the demo."""
    return require_agent(desk, "ania")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Every test starts in English and leaves the language as it found it."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")
