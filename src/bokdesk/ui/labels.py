"""Translated names of the domain's closed vocabularies (status, priority, channel, ...)."""

from __future__ import annotations

from functools import lru_cache

from ..i18n import _, language, pgettext


@lru_cache(maxsize=64)
def _labels(kind: str, lang: str) -> dict[str, str]:
    if kind == "status":
        return {
            "new": pgettext("status", "new"),
            "open": pgettext("status", "open"),
            "pending": pgettext("status", "pending"),
            "on_hold": pgettext("status", "on hold"),
            "solved": pgettext("status", "solved"),
            "closed": pgettext("status", "closed"),
        }
    if kind == "status_short":
        return {
            "new": pgettext("status, max 8 characters", "new"),
            "open": pgettext("status, max 8 characters", "open"),
            "pending": pgettext("status, max 8 characters", "pending"),
            "on_hold": pgettext("status, max 8 characters", "on hold"),
            "solved": pgettext("status, max 8 characters", "solved"),
            "closed": pgettext("status, max 8 characters", "closed"),
        }
    if kind == "priority":
        return {
            "low": pgettext("priority", "low"),
            "normal": pgettext("priority", "normal"),
            "high": pgettext("priority", "high"),
            "urgent": pgettext("priority", "urgent"),
        }
    if kind == "priority_short":
        return {
            "low": pgettext("priority, max 6 characters", "low"),
            "normal": pgettext("priority, max 6 characters", "normal"),
            "high": pgettext("priority, max 6 characters", "high"),
            "urgent": pgettext("priority, max 6 characters", "urgent"),
        }
    if kind == "channel":
        return {
            "email": pgettext("channel", "e-mail"),
            "phone": pgettext("channel", "phone"),
            "chat": pgettext("channel", "chat"),
            "web": pgettext("channel", "web form"),
            "walk_in": pgettext("channel", "walk-in"),
            "social": pgettext("channel", "social media"),
        }
    if kind == "channel_short":
        return {
            "email": pgettext("channel, max 7 characters", "e-mail"),
            "phone": pgettext("channel, max 7 characters", "phone"),
            "chat": pgettext("channel, max 7 characters", "chat"),
            "web": pgettext("channel, max 7 characters", "web"),
            "walk_in": pgettext("channel, max 7 characters", "walk-in"),
            "social": pgettext("channel, max 7 characters", "social"),
        }
    if kind == "category":
        return {
            "question": pgettext("category", "question"),
            "problem": pgettext("category", "problem"),
            "complaint": pgettext("category", "complaint"),
            "request": pgettext("category", "request"),
            "incident": pgettext("category", "incident"),
            "feedback": pgettext("category", "feedback"),
        }
    if kind == "view":
        return {
            "mine": pgettext("view", "Mine"),
            "unassigned": pgettext("view", "Unassigned"),
            "open": pgettext("view", "All open"),
            "waiting": pgettext("view", "Waiting"),
            "sla": pgettext("view", "SLA"),
            "complaints": pgettext("view", "Complaints"),
            "solved": pgettext("view", "Solved"),
        }
    if kind == "view_short":
        return {
            "mine": pgettext("view, max 6 characters", "Mine"),
            "unassigned": pgettext("view, max 6 characters", "Unass."),
            "open": pgettext("view, max 6 characters", "Open"),
            "waiting": pgettext("view, max 6 characters", "Wait."),
            "sla": pgettext("view, max 6 characters", "SLA"),
            "complaints": pgettext("view, max 6 characters", "Compl."),
            "solved": pgettext("view, max 6 characters", "Solved"),
        }
    if kind == "role":
        return {
            "agent": pgettext("role", "agent"),
            "supervisor": pgettext("role", "supervisor"),
            "admin": pgettext("role", "admin"),
        }
    if kind == "message":
        return {
            "customer": pgettext("message kind", "Customer"),
            "reply": pgettext("message kind", "Reply"),
            "note": pgettext("message kind", "Internal note"),
            "handover": pgettext("message kind", "Handover note"),
            "call": pgettext("message kind", "Call log"),
            "system": pgettext("message kind", "System"),
        }
    if kind == "decision":
        return {
            "accepted": pgettext("complaint decision", "accepted"),
            "rejected": pgettext("complaint decision", "rejected"),
        }
    if kind == "language":
        return {"pl": pgettext("language", "Polish"), "en": pgettext("language", "English")}
    if kind == "field":
        return {
            "created": pgettext("history field", "created"),
            "status": pgettext("history field", "status"),
            "priority": pgettext("history field", "priority"),
            "category": pgettext("history field", "category"),
            "assignee": pgettext("history field", "assignee"),
            "team": pgettext("history field", "team"),
            "reply": pgettext("history field", "reply"),
            "call": pgettext("history field", "call logged"),
            "note": pgettext("history field", "note"),
            "customer_message": pgettext("history field", "customer message"),
            "picked_up_at": pgettext("history field", "picked up"),
            "first_response_at": pgettext("history field", "first response"),
            "solved_at": pgettext("history field", "solved"),
            "due": pgettext("history field", "due time"),
            "tag": pgettext("history field", "tag"),
            "merged": pgettext("history field", "merged"),
            "parent_id": pgettext("history field", "merged into"),
            "follow_up": pgettext("history field", "follow-up"),
            "complaint_decision": pgettext("history field", "complaint decision"),
            "survey": pgettext("history field", "survey"),
            "subject": pgettext("history field", "subject"),
            "mail_failed": pgettext("history field", "e-mail not sent"),
            "mail_bounced": pgettext("history field", "e-mail bounced"),
            "mail_retry": pgettext("history field", "e-mail sent again"),
            "survey_sent": pgettext("history field", "survey sent"),
        }
    raise KeyError(kind)


def label(kind: str, value: str | None) -> str:
    """The translated name of ``value`` in vocabulary ``kind``; unknown values are shown as they are."""
    if value is None:
        return "—"
    return _labels(kind, language()).get(value, value)


def status(value: str | None) -> str:
    return label("status", value)


def priority(value: str | None) -> str:
    return label("priority", value)


def channel(value: str | None) -> str:
    return label("channel", value)


def category(value: str | None) -> str:
    return label("category", value)


def view(value: str) -> str:
    return label("view", value)


def role(value: str) -> str:
    return label("role", value)


def subject(value: str | None) -> str:
    """A ticket's subject, or "(no subject)" in the agent's language when its e-mail had none."""
    from ..core.subjects import missing

    return _("(no subject)") if missing(value) else str(value)
