"""Building the desk for a command: config, database, calendar and the acting agent."""

from __future__ import annotations

from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import identity
from ..core.config import Config, load_config
from ..core.errors import DatabaseError
from ..core.identity import acting_agent, unix_login
from ..core.opening import desk_from_config

if TYPE_CHECKING:  # the desk (SQLAlchemy, SQLModel) is imported when a command opens it, not to parse
    from ..core.desk import Actor, Desk

__all__ = ["Context", "context_for", "desk_from_config", "login_for", "require_file", "unix_login"]


@dataclass
class Context:
    config: Config
    desk: Desk

    def actor(self, args: Namespace) -> Actor:
        """The acting agent: the Unix login, or ``--as`` where the site config allows it."""
        return acting_agent(self.desk, self.config, getattr(args, "as_login", None))


def login_for(args: Namespace, config: Config) -> str:
    """The login a command acts as (``core.identity.login_for`` with the ``--as`` option)."""
    return identity.login_for(config, getattr(args, "as_login", None))


def context_for(args: Namespace, *, create: bool = False, upgrade: bool = False) -> Context:
    """The config and the desk; only the commands that make a desk pass ``create`` (a mistyped
    ``--db`` must not become a new empty desk)."""
    config = load_config(getattr(args, "config", None), getattr(args, "db", None))
    return Context(config, desk_from_config(config, create=create, upgrade=upgrade))


def require_file(path: str) -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        raise DatabaseError(f"{p} does not exist.")
    return p
