"""Pure parser for inbound e-mail: raw RFC 5322 bytes in, a :class:`ParsedEmail` out.

Standard library only; no I/O and no UI imports. Parsing is lenient: MIME defects, wrong charset
labels and broken encodings are tolerated. Only a message that cannot be understood at all (empty,
no headers, no From address) raises :class:`EmailParseError`, and no other exception escapes
:func:`parse_email` for any input bytes. Text is returned literally (markup, escape sequences);
the UI sanitizes it for display.

The work is done by ``email_decode`` (charsets, encoded words), ``email_headers`` (addresses,
ids, dates), ``email_mime`` (body text and attachments) and ``email_classify``; their public
names are re-exported here.
"""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

from bokdesk.core.notices import Notice, verbatim

from .email_classify import Classification, classify
from .email_decode import decode_bytes, decode_header_value, display_header, normalize_ws
from .email_headers import (
    POLICY,
    address_list,
    addresses_in,
    header_value,
    header_values,
    parse_address_list,
    parse_date,
    parse_id_list,
    parse_message_id,
    ticket_number_from_subject,
)
from .email_mime import MAX_TEXT_CHARS, ParsedAttachment, read_body, safe_filename
from .email_text import TRUNCATION_NOTE, split_quoted

__all__ = [
    "MAX_TEXT_CHARS",
    "TRUNCATION_NOTE",
    "Classification",
    "EmailParseError",
    "ParsedAttachment",
    "ParsedEmail",
    "decode_bytes",
    "decode_header_value",
    "parse_address_list",
    "parse_email",
    "safe_filename",
    "split_quoted",
    "ticket_number_from_subject",
]


@dataclass(frozen=True)
class ParsedEmail:
    """A decoded inbound message, ready for ticket creation and threading."""

    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    from_name: str
    from_addr: str
    reply_to_addr: str | None
    to_addrs: list[str]
    subject: str
    date: datetime | None
    text: str
    attachments: list[ParsedAttachment]
    classification: Classification
    ticket_number: int | None
    headers_summary: dict[str, str]
    cc_addrs: list[str] = field(default_factory=list)


class EmailParseError(ValueError):
    """The bytes are not an e-mail message we can use; the message says why, in one line (and
    ``notice`` by code, for the console: ``core/notices.py``)."""

    def __init__(self, message: str, code: str | None = None, params: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code, self.params = code, params or {}

    @property
    def notice(self) -> Notice:
        return Notice(self.code, self.params) if self.code else verbatim(str(self))


# --------------------------------------------------------------------------------------------
# entry point


def parse_email(raw: bytes, *, max_attachment_bytes: int = 10_000_000) -> ParsedEmail:
    """Parse one raw message. Raises :class:`EmailParseError` (and nothing else) on failure."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError(f"parse_email() needs bytes, not {type(raw).__name__}")
    try:
        return _parse(bytes(raw), max_attachment_bytes)
    except EmailParseError:
        raise
    except RecursionError:
        raise EmailParseError("message structure is nested too deeply", "parse_nested") from None
    except Exception as exc:  # last line of defence; the fuzz tests keep this unreachable
        raise EmailParseError(
            f"could not parse message ({type(exc).__name__})", "parse_failed", {"error": type(exc).__name__}
        ) from exc


def _parse(raw: bytes, max_attachment_bytes: int) -> ParsedEmail:
    data = raw.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not data:
        raise EmailParseError("empty message", "parse_empty")
    msg = email.message_from_bytes(data, policy=POLICY)
    if not msg.keys():
        raise EmailParseError("no e-mail headers found", "parse_no_headers")
    from_name, from_addr = _sender(msg)
    subject = normalize_ws(decode_header_value(header_value(msg, "subject") or ""))
    body = read_body(msg, max_attachment_bytes)
    reply_to = addresses_in(header_value(msg, "reply-to") or "")
    return ParsedEmail(
        message_id=parse_message_id(header_value(msg, "message-id")),
        in_reply_to=parse_id_list(" ".join(header_values(msg, "in-reply-to"))),
        references=parse_id_list(" ".join(header_values(msg, "references"))),
        from_name=from_name,
        from_addr=from_addr,
        reply_to_addr=reply_to[0][1] if reply_to else None,
        to_addrs=address_list(header_values(msg, "to")),
        subject=subject,
        date=parse_date(header_value(msg, "date")),
        text=body.text(),
        attachments=body.attachments,
        classification=classify(msg, from_addr, subject, body.has_dsn),
        ticket_number=ticket_number_from_subject(subject),
        headers_summary=_summary(msg, subject),
        cc_addrs=address_list(header_values(msg, "cc")),
    )


def _sender(msg: Message) -> tuple[str, str]:
    """``(name, addr)`` of From (or Sender); raises EmailParseError when there is none."""
    value = header_value(msg, "from") or header_value(msg, "sender")
    if value is None:
        raise EmailParseError("no From header", "parse_no_from")
    senders = addresses_in(value, allow_local=True)
    if not senders:
        raise EmailParseError("From header has no e-mail address", "parse_from_no_address")
    return senders[0]


def _summary(msg: Message, subject: str) -> dict[str, str]:
    """Decoded From/To/Subject/Date (and Cc when present) for display."""
    summary = {
        "From": display_header(header_value(msg, "from") or header_value(msg, "sender")),
        "To": display_header(header_value(msg, "to")),
        "Subject": subject,
        "Date": display_header(header_value(msg, "date")),
    }
    if header_value(msg, "cc") is not None:
        summary["Cc"] = display_header(header_value(msg, "cc"))
    return summary
