"""The type and range of every field an import stores, as the services would accept it.

A record's field of the wrong type or past a service's limit refuses the whole file with
``line N: …``, rather than storing text in an integer column or failing in the database.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from ..enums import AssignmentMode, ComplaintDecision, Direction, LinkKind, SurveySource, TeamKind
from ..errors import ValidationError
from ..services.ticket_write import MAX_BODY, MAX_SUBJECT
from .checks import fail, fail_because

SHORTCUT = re.compile(r"[a-z0-9_-]{1,40}")  # as services.canned

BIGGEST = 2**63 - 1  # the largest integer a database column holds
MAX_TEXT = MAX_BODY  # any other text field: no longer than a message body
MAX_NAME = 500  # names, logins, titles, e-mail headers that are one line
MAX_TAG = 60  # as tickets.set_tags

# Per record type: the fields that must be whole numbers, true/false, or text (with its limit).
WHOLE = {
    "customer": ("id",),
    "canned": ("usage_count",),
    "ticket": (
        "number",
        "customer",
        "parent",
        "paused_seconds",
        "reopen_count",
        "transfer_count",
        "public_response_count",
        "version",
    ),
}
FLAGS = {
    "agent": ("active",),
    "customer": ("vip",),
    "ticket": ("frt_breached", "resolution_breached"),
}
TEXT = {
    "team": {"name": MAX_NAME},
    "agent": {"login": 32, "name": MAX_NAME, "email": MAX_NAME, "team": MAX_NAME},
    "customer": {"name": MAX_NAME, "company": MAX_NAME, "language": 10, "notes": MAX_TEXT},
    "canned": {
        "title": MAX_NAME,
        "shortcut": 40,
        "body": MAX_BODY,
        "category": MAX_NAME,
        "language": 10,
        "owner": 32,
    },
    "ticket": {
        "subject": MAX_SUBJECT,
        "assignee": 32,
        "team": MAX_NAME,
        "email_thread_id": MAX_TEXT,
    },
}
CHOICES: dict[str, dict[str, type[StrEnum]]] = {
    "team": {"kind": TeamKind, "assignment_mode": AssignmentMode},
    "ticket": {"direction": Direction, "link_kind": LinkKind, "complaint_decision": ComplaintDecision},
}
MESSAGE_TEXT = {
    "author": 32,
    "body": MAX_BODY,
    "email_message_id": MAX_TEXT,
    "email_in_reply_to": MAX_TEXT,
    "email_references": MAX_TEXT,
    "email_from": MAX_TEXT,
    "email_to": MAX_TEXT,
    "email_cc": MAX_TEXT,
    "email_subject": MAX_TEXT,
    "notice_code": MAX_NAME,
    "notice_params": MAX_TEXT,
}
HISTORY_TEXT = {
    "agent": 32,
    "actor": MAX_NAME,
    "field": MAX_NAME,
    "from": MAX_TEXT,
    "to": MAX_TEXT,
    "note": MAX_TEXT,
    "note_code": MAX_NAME,
    "note_params": MAX_TEXT,
}
SURVEY_TEXT = {"comment": MAX_TEXT, "agent": 32, "external_id": MAX_NAME}


def check_fields(line: int, record: dict[str, Any]) -> None:
    """Refuse a field of the wrong type or past its limit (``line N: …``)."""
    kind = record.get("type")
    if not isinstance(kind, str):
        return
    for key in WHOLE.get(kind, ()):
        whole(line, record, key)
    for key in FLAGS.get(kind, ()):
        flag(line, record, key)
    texts(line, record, TEXT.get(kind, {}), "")
    for key, choices in CHOICES.get(kind, {}).items():
        value = record.get(key)
        if value is not None and value not in {c.value for c in choices}:
            raise fail(line, "jsonl_bad_choice", key=key, value=str(value)[:40])
    if kind == "ticket":
        _ticket_lists(line, record)
    if kind == "canned":
        _canned(line, record)
    if kind == "customer":
        for key in ("emails", "phones"):
            values = record.get(key)
            if values is not None and (
                not isinstance(values, list)
                or not all(isinstance(v, str) and len(v) <= MAX_NAME for v in values)
            ):
                raise fail(line, "jsonl_not_list", key=key)


def _ticket_lists(line: int, r: dict[str, Any]) -> None:
    for key in ("tags", "messages", "history", "surveys"):
        if r.get(key) is not None and not isinstance(r[key], list):
            raise fail(line, "jsonl_not_list", key=key)
    for tag in r.get("tags") or []:
        if not isinstance(tag, str) or not tag.strip():
            raise fail(line, "jsonl_bad_tag")
        if len(tag) > MAX_TAG:
            raise fail(line, "jsonl_too_long", key="tags", limit=MAX_TAG)
    for m in r.get("messages") or []:
        if isinstance(m, dict):
            texts(line, m, MESSAGE_TEXT, "messages.")
            flag(line, m, "from_customer")
    for e in r.get("history") or []:
        if isinstance(e, dict):
            texts(line, e, HISTORY_TEXT, "history.")
    for s in r.get("surveys") or []:
        if isinstance(s, dict):
            texts(line, s, SURVEY_TEXT, "surveys.")
            source = s.get("source")
            if source is not None and source not in {c.value for c in SurveySource}:
                raise fail(line, "jsonl_bad_choice", key="surveys.source", value=str(source)[:40])


def _canned(line: int, r: dict[str, Any]) -> None:
    """Title, shortcut and body as ``services.canned`` accepts them."""
    if not str(r.get("title") or "").strip():
        raise fail_because(line, ValidationError("canned_needs_title"))
    if not SHORTCUT.fullmatch(str(r.get("shortcut") or "").strip()):
        raise fail_because(line, ValidationError("canned_bad_shortcut"))
    if not str(r.get("body") or "").strip():
        raise fail_because(line, ValidationError("canned_needs_body"))


def whole(line: int, record: dict[str, Any], key: str) -> None:
    """A whole number from 0 to the largest a column holds, or absent."""
    value = record.get(key)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BIGGEST:
        raise fail(line, "jsonl_not_whole", key=key, limit=BIGGEST)


def flag(line: int, record: dict[str, Any], key: str) -> None:
    value = record.get(key)
    if value is not None and not isinstance(value, bool):
        raise fail(line, "jsonl_not_flag", key=key)


def texts(line: int, record: dict[str, Any], limits: dict[str, int], prefix: str) -> None:
    """Each of ``limits``' keys: text of at most its limit, or absent."""
    for key, limit in limits.items():
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise fail(line, "jsonl_not_text", key=prefix + key)
        if len(value) > limit:
            raise fail(line, "jsonl_too_long", key=prefix + key, limit=limit)
