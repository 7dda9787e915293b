"""What a filed e-mail stores: its text (or the channel's note in its place), its header fields as
the message keeps them, the survey answer's external id, and the attachments' stored names."""

from __future__ import annotations

from ..core import mail_ids as ids
from ..core.models import Message
from ..core.notices import Notice
from .email_parse import ParsedEmail, safe_filename

NO_TEXT = "(no text)"


def external_id(key: str) -> str:
    value = f"email:{key}"
    return value if len(value) <= 120 else ids.digest(key.encode())[:120]


def body_text(parsed: ParsedEmail, note: Notice | None = None) -> str:
    if note:
        return note.english()
    return parsed.text if parsed.text.strip() else NO_TEXT


def body_notice(parsed: ParsedEmail, note: Notice | None) -> Notice | None:
    """The code of a body the channel wrote in place of the customer's text (None: their own text)."""
    if note is not None:
        return note
    return None if parsed.text.strip() else Notice("mail_no_text")


def set_notice(message: Message, notice: Notice | None) -> None:
    if notice is not None:
        message.notice_code, message.notice_params = notice.code, notice.dumps()


def in_reply_to_header(parsed: ParsedEmail) -> str | None:
    return ids.normalize(parsed.in_reply_to[0]) if parsed.in_reply_to else None


def references_header(parsed: ParsedEmail) -> str | None:
    return ids.angle([i for i in (ids.normalize(r) for r in parsed.references) if i])[:20_000] or None


def to_header(parsed: ParsedEmail) -> str | None:
    return ", ".join(parsed.to_addrs)[:10_000] or None


def cc_header(parsed: ParsedEmail) -> str | None:
    return ", ".join(parsed.cc_addrs)[:10_000] or None


def from_header(parsed: ParsedEmail) -> str:
    name = parsed.from_name.replace('"', "'")[:200]
    return f"{name} <{parsed.from_addr}>" if name and name != parsed.from_addr else parsed.from_addr


def clean_filename(name: str, n: int) -> str:
    """The attachment's name as stored (``email_parse.safe_filename``), or ``attachment-N``."""
    return safe_filename(name) or f"attachment-{n}"
