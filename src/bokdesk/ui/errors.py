"""The core's error messages in the agent's language.

The core (which never imports the console) says what went wrong in one English line, the same
line ``bokdesk`` prints in a shell. At the console's boundary each message the console can meet
is recognised by its shape and said again from the Polish catalog, with its values (ticket
numbers, names, statuses) carried over; statuses and roles are named in the agent's language.
A message not in the table is shown as the core wrote it (a test keeps the table in step with
the core's messages).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import tzinfo

from ..core.errors import AlreadyTaken, BokdeskError, StaleWrite
from ..i18n import N_, _, format_datetime
from . import labels

_QUOTED = r"(?P<value>'[^']*'|\"[^\"]*\")"

# (pattern of the core's English message, translatable message with the same {fields})
MESSAGES: list[tuple[str, str]] = [
    (r"Ticket #(?P<number>\d+) does not exist\.", N_("Ticket #{number} does not exist.")),
    (
        r"Ticket #(?P<number>\d+) is closed; open a follow-up instead\.",
        N_("Ticket #{number} is closed; open a follow-up instead."),
    ),
    (
        r"Ticket #(?P<number>\d+) is closed; closed is final\.",
        N_("Ticket #{number} is closed; closed is final."),
    ),
    (
        r"Ticket #(?P<number>\d+) is closed; merge into an open ticket\.",
        N_("Ticket #{number} is closed; merge into an open ticket."),
    ),
    (r"Ticket #(?P<number>\d+) is closed\.", N_("Ticket #{number} is closed.")),
    (
        r"Ticket #(?P<number>\d+) cannot go from (?P<current>\w+) to (?P<target>\w+)\.",
        N_("Ticket #{number} cannot go from {current} to {target}."),
    ),
    (r"Ticket #(?P<number>\d+) is not a complaint\.", N_("Ticket #{number} is not a complaint.")),
    (r"The subject must not be empty\.", N_("The subject must not be empty.")),
    (r"The message must not be empty\.", N_("The message must not be empty.")),
    (
        r"The message is longer than (?P<limit>[\d,]+) characters\.",
        N_("The message is longer than {limit} characters."),
    ),
    (
        r"Only an agent can solve a ticket on first contact\.",
        N_("Only an agent can solve a ticket on first contact."),
    ),
    (r"A ticket cannot be created in the future\.", N_("A ticket cannot be created in the future.")),
    (
        r"Choose an agent or a team to assign the ticket to\.",
        N_("Choose an agent or a team to assign the ticket to."),
    ),
    (r"(?P<name>.+) is not an active agent\.", N_("{name} is not an active agent.")),
    (
        r"A transfer needs a handover note, so nobody asks the customer again\.",
        N_("A transfer needs a handover note, so nobody asks the customer again."),
    ),
    (
        r"A rejected complaint needs the reason in the decision\.",
        N_("A rejected complaint needs the reason in the decision."),
    ),
    (r"A ticket cannot be merged into itself\.", N_("A ticket cannot be merged into itself.")),
    (
        r"Only tickets of the same customer can be merged\.",
        N_("Only tickets of the same customer can be merged."),
    ),
    (
        r"This action needs an agent; run it as a known agent\.",
        N_("This action needs an agent; run it as a known agent."),
    ),
    (rf"{_QUOTED} is not a valid e-mail address\.", N_("{value} is not a valid e-mail address.")),
    (
        rf"{_QUOTED}: addresses with non-ASCII letters before the @ are not supported\.",
        N_("{value}: addresses with non-ASCII letters before the @ are not supported."),
    ),
    (rf"{_QUOTED} is not a valid phone number\.", N_("{value} is not a valid phone number.")),
    (
        r"(?P<value>.+) already belongs to another customer \(#(?P<customer>\d+)\)\.",
        N_("{value} already belongs to another customer (#{customer})."),
    ),
    (r"Customer #(?P<number>\d+) does not exist\.", N_("Customer #{number} does not exist.")),
    (
        r"A ticket needs a customer: give a name, an e-mail address or a phone number\.",
        N_("A ticket needs a customer: give a name, an e-mail address or a phone number."),
    ),
    (r"A customer needs a name\.", N_("A customer needs a name.")),
    (r"A canned response needs a title\.", N_("A canned response needs a title.")),
    (r"A canned response needs a body\.", N_("A canned response needs a body.")),
    (
        r"The shortcut must be 1-40 characters of a-z, 0-9, - or _\.",
        N_("The shortcut must be 1-40 characters of a-z, 0-9, - or _."),
    ),
    (
        r"Unknown placeholder\(s\): (?P<unknown>.+); use (?P<known>.+)\.",
        N_("Unknown placeholder(s): {unknown}; use {known}."),
    ),
    (
        r"This personal canned response belongs to another agent\.",
        N_("This personal canned response belongs to another agent."),
    ),
    (r"Canned response #(?P<number>\d+) does not exist\.", N_("Canned response #{number} does not exist.")),
    (
        r"A survey answer needs an NPS score \(0-10\) or a CSAT score \(1-5\)\.",
        N_("A survey answer needs an NPS score (0-10) or a CSAT score (1-5)."),
    ),
    (r"NPS must be 0-10, not (?P<value>-?\d+)\.", N_("NPS must be 0-10, not {value}.")),
    (r"CSAT must be 1-5, not (?P<value>-?\d+)\.", N_("CSAT must be 1-5, not {value}.")),
    (
        r"(?P<action>.+) needs the (?P<needed>\w+) role; you are (?P<role>\w+)\.",
        N_("This needs the {needed} role; you are {role}."),
    ),
    (r"Agent #(?P<number>\d+) does not exist\.", N_("Agent #{number} does not exist.")),
    (r"Team #(?P<number>\d+) does not exist\.", N_("Team #{number} does not exist.")),
    (r"You are not an agent of this desk\.", N_("You are not an agent of this desk.")),
    (
        r"The database stayed busy for 30 s; nothing was changed\. Try again\.",
        N_("The database stayed busy for 30 s; nothing was changed. Try again."),
    ),
    (
        r"The database is read-only for you; ask the administrator for group write access\.",
        N_("The database is read-only for you; ask the administrator for group write access."),
    ),
]
_COMPILED = [(re.compile(pattern), message) for pattern, message in MESSAGES]
# Fields that name something of the domain, said in the agent's language.
_FIELDS: dict[str, Callable[[str], str]] = {
    "current": labels.status,
    "target": labels.status,
    "needed": labels.role,
    "role": labels.role,
}


def translate(message: str) -> str:
    """The core's one-line message in the agent's language (as it is if it is not in the table)."""
    for pattern, template in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            fields = {
                key: _FIELDS[key](value) if key in _FIELDS else value
                for key, value in match.groupdict().items()
            }
            return _(template).format(**fields)
    return message


def describe(error: BokdeskError, tz: tzinfo | None = None) -> str:
    """The error in the agent's language; times in ``tz`` (the desk's) when given."""
    if isinstance(error, AlreadyTaken):
        return _("Ticket #{number} is already taken by {name}.").format(
            number=error.ticket_id, name=error.by_name
        )
    if isinstance(error, StaleWrite):
        when = (
            format_datetime(error.changed_at, tz)
            if error.changed_at is not None and tz is not None
            else error.at
        )
        if error.what != "Ticket":
            return _(
                "Canned response #{number} was changed by another agent at {time} after you opened it."
            ).format(number=error.ticket_id, time=when)
        return _("Ticket #{number} was changed by {name} at {time} after you opened it.").format(
            number=error.ticket_id, name=error.by_name, time=when
        )
    return translate(str(error))
