"""The core's errors, and the texts the desk writes itself, in the agent's language.

An error of the core is a code and its values (``core/errors.py``); its English template is the
``msgid`` (``core/error_messages.py``), so the console says it from the catalog by its code, the
values carried over, statuses and roles named in the agent's language. The texts the desk stores
(``core/notices.py``) are said the same way. A few codes the console says in words of its own
(``OWN_WORDS``): shorter than the command line's line, or with the time in the desk's zone. A code
without a template is shown as the core wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from ..core import notices
from ..core.errors import CodedError, StaleWrite
from ..core.notices import Notice
from ..i18n import N_, _, format_datetime
from . import labels

# The console's own words for some codes (the same values; ``time`` in the desk's zone).
OWN_WORDS: dict[str, str] = {
    "stale_ticket": N_("Ticket #{number} was changed by {name} at {time} after you opened it."),
    "stale_canned": N_(
        "Canned response #{number} was changed by another agent at {time} after you opened it."
    ),
    "role_needed": N_("This needs the {needed} role; you are {role}."),
    # The rota's dialogs: the week or date the agent typed is on the screen
    "unknown_day": N_("Unknown day “{day}” in “{group}”; use mon..sun or pon..niedz."),
    "bad_hours": N_("Bad hours “{hours}” in “{group}”; write HH:MM-HH:MM, e.g. 08:00-16:00."),
    "same_time": N_("Hours “{hours}” in “{group}” start and end at the same time."),
    "days_after_hours": N_("Days after hours in “{group}”; write the days first."),
    "no_day": N_("No day in “{group}”; write e.g. mon-fri 08:00-16:00."),
    "off_and_hours": N_("“{group}” says both hours and off."),
    "no_hours": N_("No hours in “{group}”; write e.g. mon-fri 08:00-16:00."),
    "no_working_hours": N_("No working hours; to follow the desk's opening hours write “desk”."),
    "bad_date": N_("“{value}” is not a date; write e.g. 2026-11-23 or 23.11.2026."),
    "absence_overlap": N_("{name} is already away {first} – {last} (#{number}); cancel that absence first."),
    "absence_order": N_("An absence ends on or after its first day."),
    "absence_missing": N_("Absence #{number} is no longer recorded."),
}

# Values that name something of the domain, said in the agent's language.
_NAMED: dict[str, Callable[[str], str]] = {
    "current": labels.status,
    "target": labels.status,
    "needed": labels.role,
    "role": labels.role,
    "priority": labels.priority,  # an SLA policy's
    "category": labels.category,
}


def _value(name: str, raw: Any) -> Any:
    named = _NAMED.get(name)
    return named(raw) if named is not None and isinstance(raw, str) else raw


def say_notice(notice: Notice | None, stored: str) -> str:
    """A code and its values in the agent's language; ``stored`` (the English as written) when
    there is no code, the code is unknown or a value does not fit."""
    if notice is None:
        return stored
    text = notices.render(notice, _, _value, OWN_WORDS)
    return stored if text is None else text


def describe(error: CodedError, tz: tzinfo | None = None) -> str:
    """The error in the agent's language; times in ``tz`` (the desk's) when given."""
    notice = Notice(error.code, error.params)
    if isinstance(error, StaleWrite):
        when = (
            format_datetime(error.changed_at, tz)
            if error.changed_at is not None and tz is not None
            else error.at
        )
        notice = Notice(error.code, {**error.params, "time": when})
    return say_notice(notice, str(error))


__all__ = ["OWN_WORDS", "describe", "say_notice"]
