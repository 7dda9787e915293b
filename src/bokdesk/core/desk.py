"""The context every service works in: the store, the business calendar, the clock, the actor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .clock import utcnow
from .enums import Role
from .errors import PermissionDenied
from .notices import Notice
from .settings import DeskSettings
from .store import Store

if TYPE_CHECKING:
    from .calendar import BusinessCalendar


@dataclass(frozen=True)
class Actor:
    """Who is acting: an agent, or the system (mail importer, imports) with ``id`` None."""

    id: int | None
    login: str
    name: str
    role: Role = Role.AGENT
    team_id: int | None = None

    def require(self, role: Role, action: str) -> None:
        """Refuse ``action`` (the code of its words) unless the actor has at least ``role``."""
        if self.role.level < role.level:
            raise PermissionDenied(
                "role_needed", action=Notice(action), needed=role.value, role=self.role.value
            )


SYSTEM = Actor(id=None, login="bokdesk", name="bokdesk", role=Role.ADMIN)


@dataclass
class Desk:
    """One desk: its database, calendar and settings. Pass it to every service function."""

    store: Store
    calendar: BusinessCalendar = field(default=None)  # type: ignore[assignment]  # None: __post_init__ builds the default
    complaint_days: int = 14
    settings: DeskSettings = field(default_factory=DeskSettings)
    clock: Callable[[], datetime] = utcnow

    def __post_init__(self) -> None:
        if self.calendar is None:
            from .calendar import BusinessCalendar

            self.calendar = BusinessCalendar.from_config(None)

    def now(self) -> datetime:
        return self.clock()
