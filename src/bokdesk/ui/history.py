"""A ticket's history (``h`` on the ticket screen) in the agent's language.

Each row says when, who, which field, from what to what, and why. Field names, statuses,
priorities, categories, channels and decisions come from ``labels``; the desk's own actors
(automatic assignment, imports) are named from the catalog; a note the desk wrote itself (schema
0008: a merge, "customer replied", an automatic assignment's reason, a failed e-mail) is said from
its code (``ui.notices``), an agent's or customer's own words are quoted as written, and rows from
before 0008 show their note as stored. Everything from the database goes through ``safe_text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from textual.content import Content

from ..core.models import TicketEvent
from ..i18n import _, format_datetime
from . import labels
from .notices import say
from .safe_text import assemble, safe_line

MUTED = "$text-muted"
AUTO_ASSIGNMENT = "bokdesk (auto-assignment)"  # core/services/assignment.py
IMPORT_SUFFIX = " (import)"  # core/survey_import.py
TICKET_FIELDS = ("merged", "parent_id", "follow_up")  # their values are ticket numbers


def actor(event: TicketEvent) -> str:
    """Who made the change: an agent's name as stored; the desk's own actors in the agent's language."""
    name = event.actor
    if event.agent_id is not None:
        return name
    if name == AUTO_ASSIGNMENT:
        return _("bokdesk (auto-assignment)")
    if name.endswith(IMPORT_SUFFIX):
        return _("{name} (import)").format(name=name[: -len(IMPORT_SUFFIX)])
    return name


def value(field: str, raw: str | None, tz: Any, names: Mapping[str, str] | None = None) -> str:
    """A changed value as the agent reads it (an assignee by name when ``names`` knows the login)."""
    if raw is None:
        return ""
    if field == "assignee" and names:
        return names.get(raw, raw)
    if field == "status":
        return labels.status(raw)
    if field == "priority":
        return labels.priority(raw)
    if field == "category":
        return labels.category(raw)
    if field == "created":
        return labels.channel(raw)
    if field == "complaint_decision":
        return labels.label("decision", raw)
    if field in TICKET_FIELDS:
        return f"#{raw}"
    if field.endswith("_at") or field == "due":
        try:
            return format_datetime(datetime.fromisoformat(raw), tz)
        except ValueError:
            return raw
    return raw


def line(
    event: TicketEvent, tz: Any, names: Mapping[str, str] | None = None, *, repeat_note: bool = True
) -> Content:
    parts: list[str | Content | tuple[str, str]] = [
        (format_datetime(event.at, tz) + "  ", MUTED),
        safe_line(actor(event), "bold", limit=40),
        "  ",
        (labels.label("field", event.field), "$text-accent"),
    ]
    old, new = value(event.field, event.old_value, tz, names), value(event.field, event.new_value, tz, names)
    if old and new:
        parts += [": ", safe_line(old, limit=60), " → ", safe_line(new, limit=60)]
    elif new:
        parts += [": ", safe_line(new, limit=60)]
    elif old:
        parts += [": ", (_("removed") + " ", MUTED), safe_line(old, limit=60)]
    if not repeat_note:  # said on the row before
        return assemble(*parts)
    if event.note_code:  # the desk's own words, in the agent's language
        parts += [
            "  ",
            safe_line(say(event.note_code, event.note_params, event.note or ""), MUTED, limit=200),
        ]
    elif event.note:  # someone's own words (or a row from before schema 0008), as written
        parts += ["  ", ("“", MUTED), safe_line(event.note, limit=200), ("”", MUTED)]
    return assemble(*parts)


def lines(events: Iterable[TicketEvent], tz: Any, names: Mapping[str, str] | None = None) -> list[Content]:
    """The history's title and one line per row, oldest first. A note written once for several rows
    of one change (a transfer's handover note on its team and assignee rows) is shown once."""
    result = [Content.styled(_("History (h closes)"), "bold")]
    previous: TicketEvent | None = None
    for event in events:
        same = (
            previous is not None
            and event.note is not None
            and (event.note, event.at, event.actor) == (previous.note, previous.at, previous.actor)
        )
        result.append(line(event, tz, names, repeat_note=not same))
        previous = event
    return result


__all__ = ["actor", "line", "lines", "value"]
