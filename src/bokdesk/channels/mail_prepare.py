"""A fetched e-mail before it is filed: parsed, keyed (its Message-ID, else a digest), an over-large
one cut to its headers with a note. No database here, so it runs anywhere, even in a worker."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..core import mail_ids as ids
from ..core.notices import Notice
from .email_parse import EmailParseError, ParsedEmail, parse_email


class Outcome(StrEnum):
    NEW_TICKET = "ticket"
    THREADED = "threaded"
    FOLLOW_UP = "follow_up"
    SURVEY = "survey"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


FILED = (Outcome.NEW_TICKET, Outcome.THREADED, Outcome.FOLLOW_UP)


@dataclass(frozen=True)
class RawMail:
    """One message as fetched; ``size`` is its full size when ``raw`` holds only the headers."""

    raw: bytes
    source: str
    size: int | None = None

    @property
    def truncated(self) -> bool:
        return self.size is not None and self.size > len(self.raw)


@dataclass(frozen=True)
class IngestResult:
    """What became of one message."""

    source: str
    outcome: Outcome
    key: str
    ticket_id: int | None = None
    detail: str = ""
    notice: Notice | None = None  # a quarantined message's reason, for the console


@dataclass(frozen=True)
class CursorUpdate:
    """Where an IMAP folder's reading stands once this batch is committed."""

    source: str
    uidvalidity: int
    last_uid: int


@dataclass
class Prepared:
    """A fetched message, parsed, with the key it is filed under (and how a release files it)."""

    item: RawMail
    parsed: ParsedEmail | None
    error: Notice | None
    key: str
    note: Notice | None = None  # replaces the body of an over-large message
    quarantine_id: int | None = None  # set when releasing from quarantine
    as_customer_message: bool = False  # releasing an ignored message: file it as a normal one
    kept_reason: Notice | None = (
        None  # set when an ignored message is to be kept (see ``Ingestor._keep_ignored``)
    )


def prepare(item: RawMail, max_message_bytes: int, max_attachment_bytes: int) -> Prepared:
    """Parse one message and work out its key (no database: runs anywhere, even in a worker)."""
    limit = max_message_bytes
    if item.truncated or len(item.raw) > limit:
        # Too large to import: the headers still say who wrote and about what, so the
        # message is filed like any other, with a note where the original is.
        size = item.size if item.size is not None else len(item.raw)
        headers = re.split(rb"\r?\n\r?\n", item.raw, maxsplit=1)[0]
        kept = RawMail(headers + b"\r\n\r\n", item.source, size)
        parsed = try_parse(kept.raw, max_attachment_bytes)
        note = Notice(
            "mail_too_large",
            {"size_mb": f"{size / 1e6:.1f}", "limit_mb": f"{limit / 1e6:.1f}", "source": item.source},
        )
        if parsed is None:
            return Prepared(
                kept, None, Notice("too_large_unreadable", {"size": f"{size:,}"}), ids.digest(kept.raw)
            )
        return Prepared(kept, parsed, None, key_of(parsed, kept.raw), note)
    try:
        parsed = parse_email(item.raw, max_attachment_bytes=max_attachment_bytes)
    except EmailParseError as exc:
        return Prepared(item, None, Notice("unreadable", {"error": exc.notice}), ids.digest(item.raw))
    return Prepared(item, parsed, None, key_of(parsed, item.raw))


def prepare_many(
    items: Sequence[RawMail], max_message_bytes: int, max_attachment_bytes: int
) -> list[Prepared]:
    return [prepare(item, max_message_bytes, max_attachment_bytes) for item in items]


def try_parse(raw: bytes, max_attachment_bytes: int) -> ParsedEmail | None:
    try:
        return parse_email(raw, max_attachment_bytes=max_attachment_bytes)
    except EmailParseError:
        return None


def key_of(parsed: ParsedEmail | None, raw: bytes) -> str:
    key = ids.normalize(parsed.message_id) if parsed is not None else None
    return key or ids.digest(raw)
