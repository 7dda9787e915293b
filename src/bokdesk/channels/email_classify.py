"""What kind of e-mail this is, for routing: a customer's message, an auto reply, a bounce or a
mailing list's (auto replies and bounces open no tickets)."""

from __future__ import annotations

import re
from email.message import Message
from enum import StrEnum

from .email_headers import header_value
from .email_mime import mime_param, mime_type


class Classification(StrEnum):
    """What kind of message this is, for routing (auto replies and bounces open no tickets)."""

    NORMAL = "normal"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    LIST = "list"


_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto-?reply|odpowiedź automatyczna|automatyczna odpowiedź)\s*:",
    re.I,
)
_OUT_OF_OFFICE = re.compile(  # only used together with a weak header hint
    r"out of (?:the )?office|nieobecn|poza biurem|na urlopie|vacation|away from (?:the )?office"
    r"|abwesen|absence|automatic reply|auto-?reply|odpowied[źz] automatyczna",
    re.I,
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|delivery (?:failure|has failed)|mail delivery failed"
    r"|returned mail|failure notice|niedostarcz|nie dostarczono|nie można dostarczyć",
    re.I,
)


def _token(msg: Message, name: str) -> str | None:
    """A header's first token, lowercased (``"auto-replied; owner=x"`` → ``"auto-replied"``)."""
    value = header_value(msg, name)
    if value is None:
        return None
    return re.split(r"[;(\s]", value.strip(), maxsplit=1)[0].lower()


def classify(msg: Message, from_addr: str, subject: str, has_dsn: bool) -> Classification:
    ctype = mime_type(msg)
    report = (mime_param(msg, "report-type") or "").strip().lower()
    if ctype == "multipart/report" and (report == "delivery-status" or (not report and has_dsn)):
        return Classification.BOUNCE
    if from_addr.split("@", 1)[0] in ("mailer-daemon", "postmaster") and (
        has_dsn or header_value(msg, "x-failed-recipients") is not None or _BOUNCE_SUBJECT.search(subject)
    ):
        return Classification.BOUNCE
    if _is_auto_reply(msg, subject) or (ctype == "multipart/report" and report == "disposition-notification"):
        return Classification.AUTO_REPLY
    precedence = _token(msg, "precedence")
    if precedence in ("bulk", "list", "junk") or any(
        header_value(msg, h) is not None for h in ("list-id", "list-unsubscribe")
    ):
        return Classification.LIST
    return Classification.NORMAL


def _is_auto_reply(msg: Message, subject: str) -> bool:
    auto_submitted = _token(msg, "auto-submitted")
    if auto_submitted is not None and auto_submitted != "no":
        return True
    if any(header_value(msg, h) is not None for h in ("x-autoreply", "x-autorespond")):
        return True
    precedence = _token(msg, "precedence")
    if precedence == "auto_reply" or _AUTO_SUBJECT.match(subject):
        return True
    weak_hint = precedence in ("bulk", "junk", "list") or (
        header_value(msg, "x-auto-response-suppress") is not None
    )
    return weak_hint and bool(_OUT_OF_OFFICE.search(subject))
