"""The settings of bokdesk: one table per config section, a docstring per key.

Each table is a dataclass whose constructor, ``repr`` and equality come from ``base.Section``.
``docs/configuration.md`` is generated from these classes (``scripts/settings_doc.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from .base import Bound, Section
from .mail import MailSettings

ViewName = Literal["mine", "unassigned", "open", "waiting", "sla", "complaints", "solved"]
KeyList = str | list[str]  # one key ("g") or several (["x", "ctrl+x"])
Ranges = str | list[str]  # "08:00-12:00, 13:00-16:00" or ["08:00-12:00", "13:00-16:00"]


@dataclass(init=False, repr=False, eq=False)
class DatabaseSettings(Section):
    """``[database]``: where the desk's data lives."""

    path: str | None = None
    """The SQLite file; ``--db`` and ``BOKDESK_DB`` win. Default: ``bokdesk.db`` in the user's data
    directory (``~/.local/share/bokdesk``)."""
    url: str | None = None
    """A PostgreSQL server instead, e.g. ``"postgresql+psycopg://bokdesk_app@db.example/bokdesk"``
    (``--db`` and ``BOKDESK_DB`` still open a file)."""


@dataclass(init=False, repr=False, eq=False)
class UiSettings(Section):
    """``[ui]``: the console."""

    language: Literal["en", "pl"] | None = None
    """The console's language; ``--lang`` wins; by default the locale's (English otherwise)."""
    theme: str | None = None
    """A Textual theme name (e.g. ``"nord"``); an unknown name keeps the default."""
    start_view: ViewName = "unassigned"
    """The queue view the console opens on."""
    poll_interval: Annotated[float, Bound(gt=0)] = 0.75
    """Seconds between two looks at the database for other agents' changes."""
    escape_delay_ms: Annotated[int, Bound(ge=1, le=1000)] = 25
    """How long a lone Escape waits for the rest of a key's sequence; the ``ESCDELAY`` environment
    variable wins. Raise it if arrow keys turn into Escape over a slow link."""


@dataclass(init=False, repr=False, eq=False)
class HoursSettings(Section):
    """``[calendar.hours]``: opening hours per weekday, e.g. ``"08:00-12:00, 13:00-16:00"`` or a
    list of ranges; ``""`` closes the day; a day left out keeps its default (Mon-Fri 08:00-16:00,
    Sat and Sun closed)."""

    mon: Ranges | None = None
    """Monday."""
    tue: Ranges | None = None
    """Tuesday."""
    wed: Ranges | None = None
    """Wednesday."""
    thu: Ranges | None = None
    """Thursday."""
    fri: Ranges | None = None
    """Friday."""
    sat: Ranges | None = None
    """Saturday."""
    sun: Ranges | None = None
    """Sunday."""


@dataclass(init=False, repr=False, eq=False)
class CalendarSettings(Section):
    """``[calendar]``: business time, for SLA clocks and complaint deadlines."""

    timezone: str = "Europe/Warsaw"
    """The desk's time zone (an IANA name)."""
    holidays: str | bool = field(default="PL", metadata={"expect": "a country code or false"})
    """The country whose public holidays close the desk (ISO code); ``""`` or ``false`` for none."""
    holiday_language: str | None = None
    """The language of holiday names (e.g. ``"en_US"``); by default the country's."""
    days_off: list[date | str] = field(default_factory=list)
    """The desk's own days off (``2026-12-31`` or ``"2026-12-31"``)."""
    working_days: list[date | str] = field(default_factory=list)
    """Days the desk opens although they are holidays."""
    hours: HoursSettings = field(default_factory=HoursSettings)
    """Opening hours per weekday."""

    def as_table(self) -> dict[str, object]:
        """The keys that were given, as the calendar reads them (``BusinessCalendar.from_config``)."""
        table: dict[str, object] = {
            "timezone": self.timezone,
            "holidays": self.holidays,
            "days_off": list(self.days_off),
            "working_days": list(self.working_days),
        }
        if self.holiday_language is not None:
            table["holiday_language"] = self.holiday_language
        hours = {day: getattr(self.hours, day) for day in _WEEKDAYS if getattr(self.hours, day) is not None}
        if hours:
            table["hours"] = hours
        return table


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(init=False, repr=False, eq=False)
class ComplaintsSettings(Section):
    """``[complaints]``: the statutory answer deadline."""

    days: Annotated[int, Bound(ge=1)] = 14
    """Calendar days from receipt to answer a complaint."""


@dataclass(init=False, repr=False, eq=False)
class DeskSettings(Section):
    """``[desk]``: the desk itself."""

    desk_name: str = "BOK"
    """The desk's name, in canned responses (``{desk_name}``) and surveys."""
    complaints_team: str | None = None
    """The team new complaints go to."""
    online_seconds: Annotated[int, Bound(ge=10)] = 120
    """An agent whose console was seen within this many seconds counts as online."""
    agents_work_others_tickets: bool = False
    """Whether an agent may reply to, call about, change the status, priority or category of a
    ticket assigned to a colleague (supervisors and admins always may; notes are always allowed)."""


@dataclass(init=False, repr=False, eq=False)
class SecuritySettings(Section):
    """``[security]``: settings that grant power, read from the site config only (an agent's own
    config cannot give them rights)."""

    allow_as: bool | list[str] = field(default=False, metadata={"expect": "true, false or a list of logins"})
    """Who may act as another agent with ``--as``: ``true`` for everyone, or a list of Unix logins
    (e.g. ``["bokdesk"]``, the service account of forced commands)."""


@dataclass(init=False, repr=False, eq=False)
class Settings(Section):
    """Everything the configuration files can say, merged from the site, user and ``--config`` files."""

    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    """Where the data lives."""
    ui: UiSettings = field(default_factory=UiSettings)
    """The console."""
    keys: dict[str, KeyList | dict[str, KeyList]] = field(default_factory=dict)
    """``[keys]``: the console's keys, remapped by binding id: ``"queue.take" = "g"``, a list of
    keys (``["x", "ctrl+x"]``), or per screen (``[keys.queue]`` / ``take = "g"``). An unknown id
    is shown as a warning in the console."""
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    """Business time."""
    complaints: ComplaintsSettings = field(default_factory=ComplaintsSettings)
    """Complaint deadlines."""
    desk: DeskSettings = field(default_factory=DeskSettings)
    """The desk."""
    mail: MailSettings = field(default_factory=MailSettings)
    """E-mail in and out."""
    security: SecuritySettings = field(default_factory=SecuritySettings)
    """Power, from the site config only."""
