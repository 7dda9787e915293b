"""Command groups added by other parts of bokdesk (report, mail, admin); each has ``register``."""

from __future__ import annotations

from types import ModuleType

from . import admin_cmd, mail_cmd, report_cmd

EXTRA_COMMANDS: tuple[ModuleType, ...] = (admin_cmd, mail_cmd, report_cmd)
