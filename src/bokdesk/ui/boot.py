"""Fast start: the queue on screen before the database layer has even been imported.

Opening the desk the normal way (SQLAlchemy, SQLModel, the business calendar with its holidays,
the schema check) costs several times what Textual needs for its first frame. So ``launch``
reads the first page of the start view, and the agent, with the standard library's ``sqlite3``
on a read-only connection, starts the console on that, and builds the real desk in a thread
once the first frame is painted. When the desk is ready the queue reloads from it, keeping the
cursor; until then keys that need the desk wait for it. Any problem the normal path would report
(missing file, foreign or old database, unknown agent, server database, ``--as``) makes
``launch`` step aside, and the normal path reports it.

The first page and the count of each view are read with the statements ``core.queue_views``
renders for every reader of the queue (``core.paging`` runs the same ones through SQLAlchemy); a
test keeps the two equal row for row.
"""

from __future__ import annotations

import sqlite3
from argparse import Namespace
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core import queue_views
from ..core.enums import Role, View
from ..core.queue_rows import QueueItem
from ..core.settings import UiSettings

APPLICATION_ID = 0x626F6B64  # "bokd", as stamped by the core (bokdesk.core.store)


def _stored(moment: datetime) -> str:
    """A UTC instant as SQLAlchemy stores it in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


@dataclass(frozen=True)
class BootActor:
    """The agent as read at start (the real ``Actor`` replaces it when the desk is open)."""

    id: int
    login: str
    name: str
    role: Role
    team_id: int | None


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=5)


def _params(me: int | None, now: datetime) -> dict[str, Any]:
    return {"now": _stored(now), "me": me, "solved_since": _stored(now - queue_views.SOLVED_RECENTLY)}


def first_page(
    connection: sqlite3.Connection, view: View, me: int | None, now: datetime, limit: int
) -> list[QueueItem]:
    """The first ``limit`` rows of a view, in the queue's order (bucket by bucket, no sort)."""
    params = _params(me, now)
    rows: list[QueueItem] = []
    for bucket, mode in queue_views.bucket_walk(view, "first", None):
        sql = queue_views.select_sql(view, bucket, mode)
        for r in connection.execute(sql, {**params, "limit": limit - len(rows)}):
            rows.append(
                QueueItem(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    _instant(r[9]),  # type: ignore[arg-type]  # created_at is never NULL
                    _instant(r[10]),
                    _instant(r[11]),
                    _instant(r[12]),
                    r[13],
                    _instant(r[14]),
                    bool(r[15]),
                )
            )
        if len(rows) >= limit:
            break
    return rows


def view_count(connection: sqlite3.Connection, view: View, me: int | None, now: datetime) -> int:
    return int(connection.execute(queue_views.count_sql(view), _params(me, now)).fetchone()[0])


@dataclass
class PreviewSource:
    """The first page of a view before the desk is open; it does not page (the desk does)."""

    connection: sqlite3.Connection
    view: View
    me: int | None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    label: str = ""

    def key(self, row: Any) -> tuple[Any, ...]:
        return (row.id,)

    def first(self, limit: int) -> list[QueueItem]:
        return first_page(self.connection, self.view, self.me, self.now, limit)

    def last(self, limit: int) -> list[QueueItem]:
        return []

    def after(self, key: Any, limit: int, include: bool = False) -> list[QueueItem]:
        return []

    def before(self, key: Any, limit: int) -> list[QueueItem]:
        return []

    def find(self, ticket_id: int) -> QueueItem | None:
        return None

    def count(self) -> int:
        return view_count(self.connection, self.view, self.me, self.now)

    def rank(self, key: Any) -> int:
        return 0

    def refreshed(self) -> PreviewSource:
        return PreviewSource(self.connection, self.view, self.me, label=self.label)


@dataclass
class Boot:
    """What ``launch`` found, and how to open the real desk later (in a thread)."""

    args: Namespace
    config: Any
    path: Path
    actor: BootActor
    connection: sqlite3.Connection

    def preview(self, view: View) -> PreviewSource:
        return PreviewSource(self.connection, view, self.actor.id)

    def open(self) -> tuple[Any, Any]:
        """Build the desk and the actor the normal way; raises what the normal path would raise."""
        from ..core.identity import acting_agent
        from ..core.opening import desk_from_config

        desk = desk_from_config(self.config)
        return desk, acting_agent(desk, self.config, getattr(self.args, "as_login", None))

    def close(self) -> None:
        self.connection.close()


def probe(args: Namespace) -> Boot | None:
    """A ``Boot`` when the fast start applies; None sends the caller down the normal path."""
    from ..core.config import load_config
    from ..core.identity import login_for

    # Unknown keys are refused here; the values are checked in the desk's thread (``Boot.open``
    # reads ``config.settings``): checking imports pydantic, too slow before the first frame.
    config = load_config(getattr(args, "config", None), getattr(args, "db", None), check=False)
    if config.db_url or getattr(args, "as_login", None) or not _plain(config.unchecked.ui):
        return None
    path = config.db_path.expanduser()
    if not path.is_file():
        return None
    try:
        connection = connect(path)
    except sqlite3.Error:
        return None
    try:
        if int(connection.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
            raise LookupError
        row = connection.execute(
            "SELECT id, login, name, role, team_id, active FROM agent WHERE login = ?",
            (login_for(config, getattr(args, "as_login", None)),),
        ).fetchone()
        if row is None or not row[5]:
            raise LookupError
        actor = BootActor(int(row[0]), row[1], row[2], Role(row[3]), row[4])
        connection.execute("SELECT id FROM ticket LIMIT 1").fetchall()
        named = sorted({v.index for v in queue_views.VIEWS.values() if v.index})
        indexes = connection.execute(
            f"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ({', '.join('?' * len(named))})",
            named,
        ).fetchone()[0]
        if indexes != len(named):  # an older schema: the normal path says to run `bokdesk db upgrade`
            raise LookupError
    except (sqlite3.Error, LookupError, ValueError):
        connection.close()
        return None
    return Boot(args, config, path, actor, connection)


def _plain(ui: UiSettings) -> bool:
    """Whether the ``[ui]`` values the first frame uses have their types (else the normal path,
    which checks them, says what is wrong)."""
    texts = (ui.language, ui.theme, ui.start_view)
    return all(isinstance(v, str | None) for v in texts) and isinstance(ui.poll_interval, int | float)


def launch(args: Namespace) -> int | None:
    """Start the console the fast way; None when the normal path must do it."""
    boot = probe(args)
    if boot is None:
        return None
    from .. import i18n
    from .app import BokdeskApp, log_to_file

    settings = boot.config.unchecked  # checked in the desk's thread (``Boot.open``)
    i18n.set_language(i18n.resolve_language(getattr(args, "lang", None), settings.ui.language))
    log_to_file()
    app = BokdeskApp(None, boot.actor, ui=settings.ui, keys=settings.keys, boot=boot)
    try:
        result = app.run()
    finally:
        boot.close()
    if app.boot_error is not None:
        raise app.boot_error
    return int(result or app.return_code or 0)
