"""Time helpers. Every datetime in the core is timezone-aware UTC (SQLModel stores it as such)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def to_utc(value: datetime) -> datetime:
    """Convert to aware UTC; a naive datetime is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a trailing ``Z`` for JSON output (None stays None)."""
    if value is None:
        return None
    return to_utc(value).replace(tzinfo=None).isoformat() + "Z"


def parse_iso(value: str | None) -> datetime | None:
    """Parse an ISO 8601 timestamp (with ``Z``, an offset, or naive meaning UTC) into aware UTC."""
    if value is None or value == "":
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return to_utc(datetime.fromisoformat(text))
