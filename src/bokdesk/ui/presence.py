"""Hook for presence ("Ania has this ticket open", "Ania is replying").

The console reports what the agent does on a ticket and shows who else is on it. The shared-box
work provides the service as ``bokdesk.core.services.presence``; the hook uses its
``touch(desk, actor, ticket_id, activity)``, ``leave(desk, actor, ticket_id)`` and
``others(desk, actor, ticket_id)`` (viewers with ``name`` and ``activity``) and refreshes the
entry every ``REFRESH_SECONDS``. When the module is not installed presence is absent: nothing is
written and nobody is shown. Every call is made from a thread worker, never on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.desk import Actor, Desk

# The editor kinds map to the service's activities.
ACTIVITY = {"reply": "replying", "call": "replying", "note": "noting", None: "viewing"}


@dataclass
class NoPresence:
    """Presence is not installed: nothing to report, nobody else to show."""

    available: bool = False
    refresh_seconds: float = 0

    def touch(self, ticket_id: int, activity: str = "viewing") -> None:
        return None

    def leave(self, ticket_id: int | None) -> None:
        return None

    def others(self, ticket_id: int) -> list[tuple[str, str]]:
        return []


@dataclass
class ServicePresence:
    """Presence backed by ``bokdesk.core.services.presence``."""

    desk: Desk
    actor: Actor
    service: Any
    available: bool = True
    refresh_seconds: float = 15

    def touch(self, ticket_id: int, activity: str = "viewing") -> None:
        self.service.touch(self.desk, self.actor, ticket_id, activity)

    def leave(self, ticket_id: int | None) -> None:
        self.service.leave(self.desk, self.actor, ticket_id)

    def others(self, ticket_id: int) -> list[tuple[str, str]]:
        return [(v.name, v.activity) for v in self.service.others(self.desk, self.actor, ticket_id)]


Presence = NoPresence | ServicePresence
"""What the console asks about presence (``NoPresence`` when the service is not installed)."""


def presence_for(desk: Desk, actor: Actor) -> Presence:
    try:
        from ..core.services import presence as service
    except ImportError:
        return NoPresence()
    if not all(hasattr(service, name) for name in ("touch", "leave", "others")):
        return NoPresence()
    refresh = float(getattr(service, "REFRESH_SECONDS", 15))
    return ServicePresence(desk, actor, service, refresh_seconds=refresh)
