"""The RFC 5322 text of an outgoing e-mail (a reply or a survey), written directly."""

from __future__ import annotations

import binascii
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from typing import TYPE_CHECKING

from . import mail_ids as ids

if TYPE_CHECKING:
    from .services.outbox import Identity


def _address_header(value: str) -> str:
    """``Name <addr>`` with a non-ASCII name as an RFC 2047 word; raises on a header injection."""
    if any(ch in value for ch in "\r\n\x00"):
        raise ValueError("an address header must be one line")
    name, addr = parseaddr(value)
    if not addr:
        raise ValueError(f"{value!r} is not an e-mail address")
    return formataddr((name, addr), charset="utf-8")


def _text_header(name: str, value: str) -> str:
    if any(ch in value for ch in "\r\n\x00"):
        raise ValueError(f"the {name} header must be one line")
    if value.isascii() and len(value) + len(name) + 2 <= 78:
        return value
    return Header(value, "utf-8", maxlinelen=76, header_name=name).encode(linesep="\r\n")


def _id_list_header(values: list[str]) -> str:
    """``<a>`` on the header line, each further id on its own folded line."""
    return "\r\n ".join(f"<{v}>" for v in values if ids.for_header(v))


def build_mime(
    *,
    ident: Identity,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    ticket_id: int,
    at: datetime,
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    automatic: bool = False,
    cc: list[str] | None = None,
) -> bytes:
    """The complete RFC 5322 message: UTF-8 text, quoted-printable (7-bit clean, lines ≤ 76).

    Written directly rather than through ``email.message.EmailMessage``, which costs a few
    milliseconds per message inside the agent's reply transaction.
    """
    headers: list[tuple[str, str]] = []
    if ident.from_addr:
        headers.append(("From", _address_header(ident.from_addr)))
    headers.append(("To", _address_header(to)))
    if cc:
        headers.append(("Cc", ",\r\n ".join(_address_header(addr) for addr in cc)))
    if ident.reply_to:
        headers.append(("Reply-To", _address_header(ident.reply_to)))
    headers.append(("Subject", _text_header("Subject", subject)))
    headers.append(("Date", format_datetime(at)))
    headers.append(("Message-ID", f"<{message_id}>"))
    if in_reply_to and ids.for_header(in_reply_to):
        headers.append(("In-Reply-To", f"<{in_reply_to}>"))
    if references and _id_list_header(references):
        headers.append(("References", _id_list_header(references)))
    headers.append(("X-Bokdesk-Ticket", str(ticket_id)))
    if automatic:
        headers.append(("Auto-Submitted", "auto-generated"))  # RFC 3834: auto-responders must not answer
        headers.append(("X-Auto-Response-Suppress", "All"))
    headers += [
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ]
    text = body.encode("utf-8", "replace").decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode("ascii") + b"\r\n" + encoded
