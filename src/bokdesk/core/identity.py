"""Who is acting: the operating system's login of the process, and the agent it names.

Identity comes from the password database only, never from environment variables (``$USER``,
``$LOGNAME``): an agent could set those to a supervisor's login and act as them. ``--as`` (another
agent's login) is honoured only where the site config allows the real login to use it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:  # the desk (SQLAlchemy, SQLModel) is imported when an agent is looked up
    from .config import Config
    from .desk import Actor, Desk


def unix_login() -> str:
    """The login of the process's real user, from the password database."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def login_for(config: Config, as_login: str | None = None) -> str:
    """The login to act as: the OS login, or ``as_login`` where the site config allows it."""
    if as_login:
        if not config.allows_as(unix_login()):
            raise ConfigError("as_not_allowed")
        return str(as_login)
    return unix_login()


def acting_agent(desk: Desk, config: Config, as_login: str | None = None) -> Actor:
    """The acting agent (``login_for``); refuses a login that is not an active agent of the desk."""
    from .services.agents import require_agent

    return require_agent(desk, login_for(config, as_login))
