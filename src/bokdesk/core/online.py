"""Who counts as online: the one definition, used by the KPI strip, automatic assignment, presence
and ``bokdesk who``.

An agent is *online* when their console was seen within the desk's online window: the desk
setting ``online_seconds`` (default 120 s, at least 10 s). Each console refreshes ``last_seen_at``
every ``HEARTBEAT_SECONDS`` (60 s), well inside the window, so an open console never drops out
between two heartbeats, and a console closed without a goodbye (a lost SSH session) drops out
within two minutes. What is counted on top of being online is each reader's own: the KPI strip's
"agents online" leaves out agents who are off shift; automatic assignment wants them *available*.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

ONLINE_SECONDS = 120
HEARTBEAT_SECONDS = 60


def online_window(desk: Any) -> timedelta:
    """How recently an agent must have been seen to count as online (``online_seconds``)."""
    return timedelta(seconds=max(desk.settings.online_seconds, 10))


def online_since(desk: Any, now: datetime) -> datetime:
    """Agents seen at or after this moment are online at ``now``."""
    return now - online_window(desk)
