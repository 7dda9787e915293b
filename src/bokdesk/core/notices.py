"""Text the desk writes itself, kept as a stable code and its values (schema 0005).

System messages on a ticket (an e-mail that bounced or could not be sent, a merge), the notes of
the ticket's history rows the desk writes itself (schema 0008), the notes the e-mail channel writes
in place of a customer's text, the reasons of quarantined e-mail and our own
delivery errors are stored twice: in English in their text column (what the command line,
exports and search read) and as a ``Notice``, a code with its values in JSON, from which the
console says them again in the agent's language (``ui/notices.py``). Rows written before 0005
have no code and are shown as they are.

The templates are English ``msgid``s marked with ``N_`` (``scripts/i18n.py`` extracts this file),
with ``str.format`` fields. A value may itself be a notice (``{"code": ..., "params": ...}``), said
in the same language; a ``note`` value (an agent's own words) is added after the text as written.
Values are data (addresses, servers' answers, file names): never markup.

The errors a user may see (``core/errors.py``) are codes and values too; their templates
(``core/error_messages.py``) are rendered by the same ``render``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..i18n import N_
from .error_messages import MESSAGES as ERROR_MESSAGES

VERBATIM = "verbatim"  # a value shown as it is in every language (a server's own answer)

TEMPLATES: dict[str, str] = {
    # System messages on a ticket
    "reply_bounced": N_(
        "The e-mail reply to {to} bounced: {diagnostic}. Check the address with the customer."
    ),
    "survey_bounced": N_(
        "The e-mail survey to {to} bounced: {diagnostic}. Check the address with the customer."
    ),
    "reply_failed": N_(
        "The e-mail reply to {to} could not be sent ({tries}): {error}. "
        "It is kept; `bokdesk mail outbox retry {outbox}` sends it again."
    ),
    "survey_failed": N_(
        "The e-mail survey to {to} could not be sent ({tries}): {error}. "
        "It is kept; `bokdesk mail outbox retry {outbox}` sends it again."
    ),
    "tries_once": N_("at once"),
    "tries_many": N_("after {n} attempts"),
    "merged_into": N_("Merged into #{ticket}."),
    "merged_from": N_("#{ticket} was merged into this ticket."),
    # Notes of history rows (the English is what was stored before schema 0008)
    "history_merged_into": N_("merged into #{ticket}"),
    "follow_up_of": N_("follow-up of #{ticket}"),
    "customer_replied": N_("customer replied"),
    "solved_on_first_contact": N_("solved on first contact"),
    "due_for_priority": N_("recomputed for the new priority"),
    "due_for_policy": N_("recomputed for the changed SLA policy {priority}"),
    "due_for_policy_category": N_("recomputed for the changed SLA policy {priority}/{category}"),
    "round_robin": N_("round robin among {available} available"),
    "least_loaded": N_("least loaded ({load} in work) among {available} available"),
    # Written by the e-mail channel in place of a customer's text
    "mail_too_large": N_(
        "(This e-mail is {size_mb} MB, over the desk's {limit_mb} MB limit ([mail] "
        "max_message_bytes); only its headers were imported. The original is in the mailbox: "
        "{source})"
    ),
    "mail_no_text": N_("(no text)"),
    # Why an e-mail is in the quarantine
    "not_filed": N_("could not be filed: {error}"),
    "unreadable": N_("cannot be read as e-mail: {error}"),
    "unreadable_plain": N_("cannot be read as e-mail"),
    "parse_nested": N_("message structure is nested too deeply"),
    "parse_failed": N_("could not parse message ({error})"),
    "parse_empty": N_("empty message"),
    "parse_no_headers": N_("no e-mail headers found"),
    "parse_no_from": N_("no From header"),
    "parse_from_no_address": N_("From header has no e-mail address"),
    "too_large_unreadable": N_("too large ({size} bytes) and its headers cannot be read"),
    "ignored": N_(
        "Ignored: {what}; no ticket, no reply. If it was a customer's message after all, "
        "`bokdesk mail quarantine release N` files it as one."
    ),
    "released": N_(
        "Released by {login}: {what}; no ticket, no reply. If it was a customer's message after all, "
        "`bokdesk mail quarantine release N` files it as one."
    ),
    "what_bounce": N_("a delivery-failure report (bounce)"),
    "what_auto_reply": N_("an auto-reply or out-of-office answer"),
    "what_list": N_("list or bulk mail"),
    # Our own account of a delivery error (the server's answer inside stays as the server wrote it)
    "bounced": N_("bounced: {diagnostic}"),
    "recipient_refused": N_("recipient refused ({detail})"),
    "tls_error": N_("TLS error: {detail}"),
    "disconnected": N_("the mail server closed the connection: {detail}"),
    "smtp_error": N_("SMTP error: {detail}"),
    "unreachable": N_("cannot reach the mail server: {detail}"),
    "cc_refused": N_("sent; Cc {detail}"),
    "returned": N_("returned as undeliverable"),
}


# Every code the desk can say: its stored texts and its errors (a test keeps the codes apart).
CATALOG: dict[str, str] = {**ERROR_MESSAGES, **TEMPLATES}


@dataclass(frozen=True)
class Notice:
    """A text of the desk's own: its code and values (str, int, or nested notices).

    ``clause``: said inside another text, without its final full stop."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    clause: bool = False

    def english(self) -> str:
        """The text as stored for the command line and exports."""
        text = render(self, lambda message: message)
        return text if text is not None else self.code

    def dumps(self) -> str | None:
        """The values as stored (JSON), None when there are none."""
        return (
            json.dumps(_plain(self.params), ensure_ascii=False, sort_keys=True, default=str)
            if self.params
            else None
        )

    def as_value(self) -> dict[str, Any]:
        """This notice as the value of another one."""
        value = {"code": self.code, "params": _plain(self.params)}
        return {**value, "clause": True} if self.clause else value

    def as_clause(self) -> Notice:
        """This notice said inside another text (without its final full stop)."""
        return Notice(self.code, self.params, clause=True)


def verbatim(text: str) -> Notice:
    """Text shown as it is in every language (a server's answer, an exception of unknown shape)."""
    return Notice(VERBATIM, {"text": text})


def load(code: str | None, params: str | None) -> Notice | None:
    """The notice stored in a row's code and values columns; None for rows without a code (or
    with values that cannot be read: the row's text is shown instead)."""
    if not code:
        return None
    try:
        values = json.loads(params) if params else {}
    except ValueError:
        return None
    return Notice(code, values) if isinstance(values, dict) else None


def render(
    notice: Notice,
    translate: Callable[[str], str],
    value: Callable[[str, Any], Any] | None = None,
    own: Mapping[str, str] | None = None,
) -> str | None:
    """The notice's text through ``translate`` (``_`` in the console, identity for English);
    ``value(name, raw)`` may say a plain value differently (the console names statuses and roles
    in the agent's language); ``own`` holds a caller's own template for some codes (the console's
    shorter words). None when the code is unknown or a value is missing (show the stored text)."""
    if notice.code == VERBATIM:
        text = str(notice.params.get("text", ""))
        return text.rstrip(".") if notice.clause else text
    template = (own or {}).get(notice.code) or CATALOG.get(notice.code)
    if template is None:
        return None
    fields: dict[str, Any] = {}
    for name, raw in notice.params.items():
        nested, listed = _nested(raw), _listed(raw)
        if nested is not None:
            inner = render(nested, translate, value, own)
            if inner is None:
                return None
            fields[name] = inner
        elif listed is not None:
            said = [render(item, translate, value, own) for item in listed]
            if any(text is None for text in said):
                return None
            fields[name] = "; ".join(text for text in said if text is not None)
        else:
            fields[name] = value(name, raw) if value is not None else raw
    try:
        text = translate(template).format(**fields)
    except (KeyError, IndexError, ValueError):
        return None
    note = notice.params.get("note")
    text = f"{text} {note}" if note else text
    return text.rstrip(".") if notice.clause else text


def _listed(raw: Any) -> list[Notice] | None:
    """A value that is a list of notices (said one after another, ``; `` between them)."""
    if not isinstance(raw, list | tuple) or not raw:
        return None
    items = []
    for item in raw:
        nested = _nested(item)
        if nested is None:
            return None
        items.append(nested)
    return items


def _nested(raw: Any) -> Notice | None:
    if isinstance(raw, Notice):
        return raw
    if isinstance(raw, dict) and "code" in raw:
        return Notice(str(raw["code"]), raw.get("params") or {}, bool(raw.get("clause")))
    return None


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain_value(v) for k, v in params.items()}


def _plain_value(value: Any) -> Any:
    if isinstance(value, Notice):
        return value.as_value()
    if isinstance(value, list | tuple) and any(isinstance(item, Notice) for item in value):
        return [_plain_value(item) for item in value]
    return value


__all__ = ["CATALOG", "TEMPLATES", "VERBATIM", "Notice", "load", "render", "verbatim"]
