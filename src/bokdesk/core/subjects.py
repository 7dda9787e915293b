"""A ticket's subject as people read it.

An e-mail may come without a subject; its ticket then stores an empty one (schema 0008 turned the
English placeholder the mail channel used to store into empty). Every place that shows a subject
says the missing one in its own words through ``shown``: the command line and exports' text in
English, the console from its catalog (``ui.labels.subject``). JSON keeps the stored value.
"""

from __future__ import annotations

NO_SUBJECT = "(no subject)"
LEGACY_PLACEHOLDER = NO_SUBJECT  # what the mail channel stored as the subject before schema 0008


def missing(subject: str | None) -> bool:
    """True when there is no subject to show (empty, or the placeholder of a desk not yet upgraded)."""
    text = (subject or "").strip()
    return not text or text == LEGACY_PLACEHOLDER


def shown(subject: str | None, placeholder: str = NO_SUBJECT) -> str:
    """The subject, or ``placeholder`` when there is none."""
    return placeholder if missing(subject) else str(subject)


__all__ = ["LEGACY_PLACEHOLDER", "NO_SUBJECT", "missing", "shown"]
