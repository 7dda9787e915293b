"""The settings: one typed, documented table per config section (see ``model``).

``base.build`` makes them from the merged TOML (unknown keys refused) with the standard library
only; ``check.check`` validates them with pydantic. ``core.config`` does both and names the file a
wrong setting came from.
"""

from __future__ import annotations

from .base import Bound, Section, SettingError, build
from .mail import ImapSettings, MaildirSettings, MailSettings, ServerSettings, SmtpSettings
from .model import (
    CalendarSettings,
    ComplaintsSettings,
    DatabaseSettings,
    DeskSettings,
    HoursSettings,
    SecuritySettings,
    Settings,
    UiSettings,
)

__all__ = [
    "Bound",
    "CalendarSettings",
    "ComplaintsSettings",
    "DatabaseSettings",
    "DeskSettings",
    "HoursSettings",
    "ImapSettings",
    "MailSettings",
    "MaildirSettings",
    "Section",
    "SecuritySettings",
    "ServerSettings",
    "SettingError",
    "Settings",
    "SmtpSettings",
    "UiSettings",
    "build",
]
