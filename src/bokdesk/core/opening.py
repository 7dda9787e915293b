"""Opening the configured desk: the database, the business calendar and the desk's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .settings import SettingError

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
    settings = config.settings
    try:
        calendar = BusinessCalendar.from_config(
            settings.calendar.as_table(), holiday_cache=holiday_cache_dir()
        )
    except CalendarConfigError as exc:
        with config.blame():  # names the file that set [calendar]
            raise SettingError(("calendar",), "calendar_invalid", error=exc.notice) from None
    return Desk(
        store=store, calendar=calendar, complaint_days=settings.complaints.days, settings=settings.desk
    )
