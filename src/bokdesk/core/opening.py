"""Opening the configured desk: the database, the business calendar and the desk's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:  # the desk (SQLAlchemy, SQLModel) is imported when it is opened, not before
    from .config import Config
    from .desk import Desk


def desk_from_config(
    config: Config, *, create: bool = True, upgrade: bool = False, synchronous: str | None = None
) -> Desk:
    """Open the configured database and build the desk around it."""
    from .calendar import BusinessCalendar, CalendarConfigError, holiday_cache_dir
    from .database import open_store, open_url
    from .desk import Desk

    if config.db_url:
        store = open_url(config.db_url, upgrade=upgrade)
    else:
        path = config.db_path
        if config.db_is_default:
            path.parent.mkdir(parents=True, exist_ok=True)
        store = open_store(path, create=create, upgrade=upgrade)
        if synchronous:
            store.dispose()
            from .store import Store, sqlite_url

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
