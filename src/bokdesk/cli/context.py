"""Building the desk for a command: config, database, calendar and the acting agent."""

from __future__ import annotations

import os
from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.config import Config, load_config
from ..core.errors import ConfigError, DatabaseError

if TYPE_CHECKING:  # the desk (SQLAlchemy, SQLModel) is imported when a command opens it, not to parse
    from ..core.desk import Actor, Desk


@dataclass
class Context:
    config: Config
    desk: Desk

    def actor(self, args: Namespace) -> Actor:
        """The acting agent: the Unix login, or ``--as`` where the site config allows it."""
        from ..core.services.agents import require_agent

        return require_agent(self.desk, login_for(args, self.config))


def login_for(args: Namespace, config: Config) -> str:
    requested = getattr(args, "as_login", None)
    if requested:
        if not config.allows_as(unix_login()):
            raise ConfigError(
                "--as is not allowed here (the site config's [security] allow_as must be true "
                "or list your Unix login)."
            )
        return str(requested)
    return unix_login()


def unix_login() -> str:
    """The login of the process's real user, from the password database.

    Never from ``$USER``/``$LOGNAME`` (what ``getpass.getuser`` reads first): an agent could set
    those to a supervisor's name and act as them.
    """
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def desk_from_config(
    config: Config, *, create: bool = True, upgrade: bool = False, synchronous: str | None = None
) -> Desk:
    """Open the configured database and build the desk around it."""
    from ..core.calendar import BusinessCalendar, CalendarConfigError, holiday_cache_dir
    from ..core.database import open_store, open_url
    from ..core.desk import Desk

    if config.db_url:
        store = open_url(config.db_url, upgrade=upgrade)
    else:
        path = config.db_path
        if config.db_is_default:
            path.parent.mkdir(parents=True, exist_ok=True)
        store = open_store(path, create=create, upgrade=upgrade)
        if synchronous:
            store.dispose()
            from ..core.store import Store, sqlite_url

            store = Store(sqlite_url(path), synchronous=synchronous)
    try:
        calendar = BusinessCalendar.from_config(
            config.section("calendar") or None, holiday_cache=holiday_cache_dir()
        )
    except CalendarConfigError as exc:
        raise ConfigError(f"[calendar] {exc}") from None
    complaints = config.section("complaints")
    days = complaints.get("days", 14)
    if not isinstance(days, int) or days < 1:
        raise ConfigError(f"[complaints] days must be a positive whole number, not {days!r}.")
    settings = dict(config.section("desk"))
    return Desk(store=store, calendar=calendar, complaint_days=days, settings=settings)


def context_for(args: Namespace, *, create: bool = True, upgrade: bool = False) -> Context:
    config = load_config(getattr(args, "config", None), getattr(args, "db", None))
    return Context(config, desk_from_config(config, create=create, upgrade=upgrade))


def require_file(path: str) -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        raise DatabaseError(f"{p} does not exist.")
    return p
