"""Command groups added by other parts of bokdesk (report, mail, admin); each has ``register``."""

from __future__ import annotations

from types import ModuleType

EXTRA_COMMANDS: tuple[ModuleType, ...] = ()
