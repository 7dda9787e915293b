"""Pure parser for inbound e-mail: raw RFC 5322 bytes in, a :class:`ParsedEmail` out.

Standard library only; no I/O and no UI imports. Parsing is lenient: MIME defects, wrong charset
labels and broken encodings are tolerated. Only a message that cannot be understood at all (empty,
no headers, no From address) raises :class:`EmailParseError`, and no other exception escapes
:func:`parse_email` for any input bytes. Text is returned literally (markup, escape sequences);
the UI sanitizes it for display.
"""

from __future__ import annotations

import binascii
import codecs
import email
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email._policybase import Compat32
from email.message import Message
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any

from bokdesk.channels.email_text import (
    TRUNCATION_NOTE,
    html_to_text,
    normalize_newlines,
    split_quoted,
    truncate_text,
    unflow,
)
from bokdesk.core.notices import Notice, verbatim

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
    "split_quoted",
    "ticket_number_from_subject",
]

MAX_TEXT_CHARS = 1_000_000
_MAX_HEADER_CHARS = 65_536  # any single header value, as fetched
_MAX_PARAM_HEADER_CHARS = 8_192  # Content-* headers: stdlib parameter parsing is O(n²)
_MAX_ADDRESS_CHARS = 16_384
_MAX_HTML_BYTES = 5_000_000  # HTML beyond this is not rendered (keeps a tag-only body fast)
_MAX_PARTS = 1_000
_MAX_DEPTH = 40


class Classification(StrEnum):
    """What kind of message this is, for routing (auto replies and bounces open no tickets)."""

    NORMAL = "normal"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    LIST = "list"


@dataclass(frozen=True)
class ParsedAttachment:
    """One attachment; ``data`` is empty and ``too_large`` set when over the size limit."""

    filename: str
    content_type: str
    data: bytes
    size: int = -1  # decoded size in bytes; defaults to len(data)
    too_large: bool = False
    content_id: str | None = None  # without angle brackets (inline images: "cid:" targets)
    inline: bool = False

    def __post_init__(self) -> None:
        if self.size < 0:
            object.__setattr__(self, "size", len(self.data))


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
    msg = email.message_from_bytes(data, policy=_POLICY)
    if not msg.keys():
        raise EmailParseError("no e-mail headers found", "parse_no_headers")
    from_name, from_addr = _sender(msg)
    subject = _normalize_ws(decode_header_value(_header(msg, "subject") or ""))
    body = _Body(max_attachment_bytes)
    body.walk(msg, _Mode.BODY, 0)
    reply_to = _addresses(_header(msg, "reply-to") or "")
    return ParsedEmail(
        message_id=_message_id(_header(msg, "message-id")),
        in_reply_to=_id_list(" ".join(_header_all(msg, "in-reply-to"))),
        references=_id_list(" ".join(_header_all(msg, "references"))),
        from_name=from_name,
        from_addr=from_addr,
        reply_to_addr=reply_to[0][1] if reply_to else None,
        to_addrs=_address_list(_header_all(msg, "to")),
        subject=subject,
        date=_parse_date(_header(msg, "date")),
        text=body.text(),
        attachments=body.attachments,
        classification=_classify(msg, from_addr, subject, body.has_dsn),
        ticket_number=ticket_number_from_subject(subject),
        headers_summary=_summary(msg, subject),
        cc_addrs=_address_list(_header_all(msg, "cc")),
    )


def _sender(msg: Message) -> tuple[str, str]:
    """``(name, addr)`` of From (or Sender); raises EmailParseError when there is none."""
    value = _header(msg, "from") or _header(msg, "sender")
    if value is None:
        raise EmailParseError("no From header", "parse_no_from")
    senders = _addresses(value, allow_local=True)
    if not senders:
        raise EmailParseError("From header has no e-mail address", "parse_from_no_address")
    return senders[0]


def _summary(msg: Message, subject: str) -> dict[str, str]:
    """Decoded From/To/Subject/Date (and Cc when present) for display."""
    summary = {
        "From": _display(_header(msg, "from") or _header(msg, "sender")),
        "To": _display(_header(msg, "to")),
        "Subject": subject,
        "Date": _display(_header(msg, "date")),
    }
    if _header(msg, "cc") is not None:
        summary["Cc"] = _display(_header(msg, "cc"))
    return summary


class _SafeMessage(Message):
    """A Message whose parameter look-ups never raise.

    The stdlib raises UnicodeError for RFC 2231 values in codecs such as ``idna`` or
    ``undefined`` (``boundary*=idna''x``), even from inside the parser.
    """

    def get_param(
        self, param: str, failobj: Any = None, header: str = "content-type", unquote: bool = True
    ) -> Any:
        try:
            return super().get_param(param, failobj, header, unquote)
        except Exception:  # noqa: BLE001 - malformed parameters: as if absent
            return failobj

    def get_boundary(self, failobj: Any = None) -> Any:
        try:
            return super().get_boundary(failobj)
        except Exception:  # noqa: BLE001 - a malformed boundary: as if absent
            return failobj


class _Policy(Compat32):
    """compat32 that hands back raw header strings (8-bit bytes as surrogate escapes), capped."""

    message_factory = _SafeMessage

    def header_fetch_parse(self, name: str, value: str) -> str:  # type: ignore[override]
        low = name.lower()
        cap = _MAX_PARAM_HEADER_CHARS if low.startswith("content-") else _MAX_HEADER_CHARS
        return value[:cap]


_POLICY = _Policy()


def _header(msg: Message, name: str) -> str | None:
    value = msg.get(name)
    return None if value is None else str(value)


def _header_all(msg: Message, name: str) -> list[str]:
    return [str(v) for v in msg.get_all(name, [])]


# --------------------------------------------------------------------------------------------
# charsets

_SURROGATE = re.compile("[\udc80-\udcff]")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_REAL_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_POLISH_LETTERS = "ąćęłńśźżĄĆĘŁŃŚŹŻ"
_SINGLE_BYTE = re.compile(r"^(?:iso8859-\d+|cp125\d|latin_1)$")
_UNSAFE_CODECS = frozenset(
    {"idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape", "mbcs", "oem"}
)


def _codec(charset: str | None) -> str | None:
    """Python codec name for a MIME charset label, or None if absent/unknown/unsafe."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    if not label or len(label) > 40 or _SURROGATE.search(label):
        return None
    try:
        info = codecs.lookup(label)
    except Exception:  # noqa: BLE001 - LookupError, or ValueError/TypeError for odd labels
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _UNSAFE_CODECS:
        return None
    return info.name


def _polish_score(text: str) -> int:
    sample = text[:262_144]
    return sum(sample.count(ch) for ch in _POLISH_LETTERS)


def _guess_legacy(data: bytes) -> str:
    """Decode non-UTF-8 8-bit bytes as windows-1250 or ISO-8859-2, whichever reads as Polish."""
    if _C1_BYTES.search(data):  # C1 controls never occur in ISO-8859-2 text
        return data.decode("cp1250", "replace")
    latin2 = data.decode("iso8859-2")
    win = data.decode("cp1250", "replace")
    return win if _polish_score(win) > _polish_score(latin2) else latin2


def _guess(data: bytes) -> str:
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _guess_legacy(data)


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode body or header bytes leniently; never raises.

    The declared *charset* is trusted unless it is clearly wrong: 8-bit data labelled US-ASCII
    or UTF-8 that is not UTF-8, valid UTF-8 labelled with a single-byte charset, and C1 bytes
    labelled ISO-8859-2 (really windows-1250). Missing or unknown labels are guessed
    (UTF-8, then windows-1250 / ISO-8859-2).
    """
    if not data:
        return ""
    codec = _codec(charset)
    if codec is None or codec == "ascii":
        return _guess(data)
    if codec == "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            return text if _REAL_NON_ASCII.search(text) else _guess_legacy(data)
    if _SINGLE_BYTE.match(codec) and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if codec == "iso8859-2" and _C1_BYTES.search(data):
            return data.decode("cp1250", "replace")
    try:
        return data.decode(codec, "replace")
    except Exception:  # noqa: BLE001 - exotic codecs may reject errors="replace" or the data itself
        return _guess(data)


def _to_bytes(text: str, encoding: str = "utf-8") -> bytes:
    """The original bytes of parsed text, whose 8-bit bytes are carried as surrogate escapes."""
    try:
        return text.encode(encoding, "surrogateescape")
    except UnicodeEncodeError:  # only for str not produced by the parser
        return text.encode("utf-8", "replace")


def _unsurrogate(value: str) -> str:
    """Decode raw 8-bit header bytes (carried as surrogate escapes) by guessing the charset."""
    if not _SURROGATE.search(value):
        return value
    return _guess(_to_bytes(value))


# --------------------------------------------------------------------------------------------
# headers: RFC 2047 encoded words

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([QqBb])\?([^?]*)\?=")
_B64_OK = re.compile(r"^[A-Za-z0-9+/=\s]*$")
_FOLD = re.compile(r"\r?\n|\r")
_WS = re.compile(r"[ \t\r\n\f\v]+")


def _normalize_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    """Bytes of one encoded word's payload, or None if it cannot be decoded."""
    if encoding in "Bb":
        if not _B64_OK.match(payload):
            return None
        clean = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        if len(clean) % 4 == 1:
            clean = clean[:-1]
        clean += "=" * (-len(clean) % 4)
        try:
            return binascii.a2b_base64(clean)
        except binascii.Error:
            return None
    return binascii.a2b_qp(_to_bytes(payload), header=True)


def _decode_encoded_words(text: str) -> str:
    """Decode RFC 2047 words anywhere in *text*; broken words are left as they are."""
    out: list[str] = []
    pending = bytearray()
    pending_charset: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending_charset is not None:
            out.append(decode_bytes(bytes(pending), pending_charset))
        pending, pending_charset = bytearray(), None

    for m in _ENCODED_WORD.finditer(text):
        between = text[pos : m.start()]
        word = _word_bytes(m.group(2), m.group(3))
        pos = m.end()
        if word is None:
            flush()
            out.append(between + m.group(0))
            continue
        charset = m.group(1).split("*", 1)[0].lower()
        if pending_charset is not None and not between.strip():
            if charset != pending_charset:  # adjacent words: the whitespace between is dropped
                flush()
        else:
            flush()
            out.append(between)
        pending += word
        pending_charset = charset
    flush()
    out.append(text[pos:])
    return "".join(out)


def decode_header_value(value: str) -> str:
    """Decode a raw header value: unfold, raw 8-bit bytes, RFC 2047 words (any charset)."""
    text = _FOLD.sub("", _unsurrogate(value))
    return _decode_encoded_words(text).replace("\x00", "")


def _display(value: str | None) -> str:
    return _normalize_ws(decode_header_value(value)) if value else ""


# --------------------------------------------------------------------------------------------
# addresses

_ADDR_OK = re.compile(r"^[^\s@<>,;]+@[^\s@<>,;]+$")
_LOCAL_ONLY_OK = re.compile(r"^(?:mailer-daemon|postmaster)$", re.I)


def parse_address_list(value: str) -> list[tuple[str, str]]:
    """Split an address header into ``(raw display name, addr-spec)`` pairs.

    Linear and lenient (the stdlib parser recurses on nested comments): accepts ``;`` as a
    separator, bare ``Name addr@host`` entries, groups, comments and encoded words with commas.
    """
    entries: list[tuple[str, str]] = []
    buf: list[str] = []
    comments: list[str] = []
    angle: str | None = None
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if ch == "=" and value.startswith("=?", i):
            m = _ENCODED_WORD.match(value, i)
            if m:
                buf.append(m.group(0))
                i = m.end()
                continue
        if ch == '"':
            i = _scan_quoted(value, i + 1, buf)
        elif ch == "(":
            i = _scan_comment(value, i + 1, comments)
        elif ch == "<":
            end = value.find(">", i + 1)
            end = n if end < 0 else end
            angle = value[i + 1 : end]
            i = end + 1
        elif ch in ",;":
            _finish_entry(buf, comments, angle, entries)
            buf, comments, angle = [], [], None
            i += 1
        elif ch == ":" and angle is None:
            buf = []  # group display name ("undisclosed-recipients:")
            i += 1
        else:
            buf.append(ch)
            i += 1
    _finish_entry(buf, comments, angle, entries)
    return entries


def _scan_quoted(value: str, i: int, buf: list[str]) -> int:
    n = len(value)
    while i < n and value[i] != '"':
        if value[i] == "\\" and i + 1 < n:
            i += 1
        buf.append(value[i])
        i += 1
    return i + 1


def _scan_comment(value: str, i: int, comments: list[str]) -> int:
    depth, n, chars = 1, len(value), []
    while i < n:
        ch = value[i]
        if ch == "\\" and i + 1 < n:
            chars.append(value[i + 1])
            i += 2
            continue
        depth += (ch == "(") - (ch == ")")
        i += 1
        if depth == 0:
            break
        chars.append(ch)
    comments.append("".join(chars))
    return i


def _finish_entry(
    buf: list[str], comments: list[str], angle: str | None, entries: list[tuple[str, str]]
) -> None:
    text = "".join(buf).strip()
    if angle is not None:
        addr = angle.strip().rsplit(":", 1)[-1].strip()  # drop an obsolete source route
        name = text
    else:
        tokens = text.split()
        at = [k for k, tok in enumerate(tokens) if "@" in tok]
        if at:
            addr = tokens.pop(at[-1])
            name = " ".join(tokens)
        else:
            addr, name = text, ""
    if not name and comments:
        name = " ".join(comments)
    if addr or name:
        entries.append((name.strip().strip("'").strip(), addr.strip().strip("\"'<>")))


def _addresses(value: str, *, allow_local: bool = False) -> list[tuple[str, str]]:
    """Valid ``(decoded name, lowercased addr)`` pairs of one header value."""
    text = _FOLD.sub("", _unsurrogate(value[:_MAX_ADDRESS_CHARS])).replace("\x00", "")
    out = []
    for name, addr in parse_address_list(text):
        addr = addr.lower()
        if _ADDR_OK.match(addr) or (allow_local and _LOCAL_ONLY_OK.match(addr)):
            out.append((_normalize_ws(_decode_encoded_words(name)), addr))
    return out


def _address_list(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        for _, addr in _addresses(value):
            seen.setdefault(addr, None)
    return list(seen)


# --------------------------------------------------------------------------------------------
# ids, dates, subject

_MSG_ID = re.compile(r"<\s*([^<>\s]+)\s*>")
_TICKET = re.compile(r"\[\s*#\s*(\d{1,12})\s*\]")


def _message_id(value: str | None) -> str | None:
    if value is None:
        return None
    text = _normalize_ws(decode_header_value(value))
    m = _MSG_ID.search(text)
    if m:
        return m.group(1)
    token = text.strip("<> ").split(" ", 1)[0].strip("<>")
    return token or None


def _id_list(value: str) -> list[str]:
    text = decode_header_value(value)
    ids = _MSG_ID.findall(text) or [t.strip("<>,;") for t in text.split() if "@" in t]
    return list(dict.fromkeys(i for i in ids if i))


def _parse_date(value: str | None) -> datetime | None:
    """Naive UTC datetime of a Date header; None if missing or unparseable."""
    if not value:
        return None
    text = _normalize_ws(decode_header_value(value))[:256]
    try:
        dt = parsedate_to_datetime(text)
    except Exception:  # noqa: BLE001 - the stdlib raises ValueError, TypeError or IndexError on garbage
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    if dt.tzinfo is not None:
        try:
            dt = dt.astimezone(UTC).replace(tzinfo=None)
        except (OverflowError, ValueError):
            return None
    return dt


def ticket_number_from_subject(subject: str) -> int | None:
    """The ticket number of a ``[#123]`` tag anywhere in the subject (after Re:/Fwd: etc.)."""
    m = _TICKET.search(subject)
    if m is None:
        return None
    number = int(m.group(1))
    return number or None


# --------------------------------------------------------------------------------------------
# classification

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
    value = _header(msg, name)
    if value is None:
        return None
    return re.split(r"[;(\s]", value.strip(), maxsplit=1)[0].lower()


def _classify(msg: Message, from_addr: str, subject: str, has_dsn: bool) -> Classification:
    ctype = _content_type(msg)
    report = (_param(msg, "report-type") or "").strip().lower()
    if ctype == "multipart/report" and (report == "delivery-status" or (not report and has_dsn)):
        return Classification.BOUNCE
    if from_addr.split("@", 1)[0] in ("mailer-daemon", "postmaster") and (
        has_dsn or _header(msg, "x-failed-recipients") is not None or _BOUNCE_SUBJECT.search(subject)
    ):
        return Classification.BOUNCE
    if _is_auto_reply(msg, subject) or (ctype == "multipart/report" and report == "disposition-notification"):
        return Classification.AUTO_REPLY
    precedence = _token(msg, "precedence")
    if precedence in ("bulk", "list", "junk") or any(
        _header(msg, h) is not None for h in ("list-id", "list-unsubscribe")
    ):
        return Classification.LIST
    return Classification.NORMAL


def _is_auto_reply(msg: Message, subject: str) -> bool:
    auto_submitted = _token(msg, "auto-submitted")
    if auto_submitted is not None and auto_submitted != "no":
        return True
    if any(_header(msg, h) is not None for h in ("x-autoreply", "x-autorespond")):
        return True
    precedence = _token(msg, "precedence")
    if precedence == "auto_reply" or _AUTO_SUBJECT.match(subject):
        return True
    weak_hint = precedence in ("bulk", "junk", "list") or (
        _header(msg, "x-auto-response-suppress") is not None
    )
    return weak_hint and bool(_OUT_OF_OFFICE.search(subject))


# --------------------------------------------------------------------------------------------
# MIME structure: body text and attachments

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_BASE64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "application/msword": ".doc",
    "application/pgp-signature": ".asc",
    "application/pkcs7-signature": ".p7s",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/rfc822-headers": ".txt",
    "message/delivery-status": ".txt",
    "message/rfc822": ".eml",
}


class _Mode(StrEnum):
    BODY = "body"  # text parts become the body
    SKIP_TEXT = "skip_text"  # an alternative not chosen: text dropped, other parts attached
    ATTACH = "attach"  # everything is an attachment


def _content_type(part: Message) -> str:
    return re.sub(r"\s+", "", part.get_content_type().lower())


def _param(part: Message, name: str, header: str = "content-type") -> str | None:
    """A decoded header parameter (RFC 2231 and raw 8-bit aware), or None."""
    try:
        value = part.get_param(name, header=header)
    except Exception:  # noqa: BLE001 - malformed parameters or continuations
        return None
    if value is None:
        return None
    if isinstance(value, tuple):
        charset, _, text = value
        return decode_bytes(_to_bytes(str(text), "latin-1"), str(charset or "utf-8"))
    return _unsurrogate(str(value))


def _disposition(part: Message) -> str:
    value = _header(part, "content-disposition") or ""
    return value.split(";", 1)[0].strip().lower()


def _filename(part: Message) -> str:
    raw = _param(part, "filename", "content-disposition") or _param(part, "name") or ""
    return safe_filename(_normalize_ws(decode_header_value(raw)))


# Path separators, C0/C1 control characters and DEL, and the bidirectional overrides and isolates
# (which make "invoice\u202efdp.exe" read as "invoiceexe.pdf").
_FILENAME_BAD = re.compile("[\x00-\x1f\x7f-\x9f/\\\\\u202a-\u202e\u2066-\u2069]")
MAX_FILENAME = 255


def safe_filename(name: str) -> str:
    """An attachment's whole name made safe to store and save: a slash in a MIME filename is part of
    the name ("faktura 2026/11.pdf" -> "faktura 2026_11.pdf"), never a path, so separators and
    control characters become ``_``; leading (and trailing) dots and spaces go, so it can be neither
    hidden nor ``..``; at most ``MAX_FILENAME`` characters, keeping a short extension. "" when
    nothing is left (the caller names it)."""
    text = _FILENAME_BAD.sub("_", name or "").strip(" .")
    if len(text) > MAX_FILENAME:
        stem, dot, ext = text.rpartition(".")
        keep = dot and 0 < len(ext) <= 10
        text = (stem[: MAX_FILENAME - 1 - len(ext)].rstrip(" .") + "." + ext) if keep else text[:MAX_FILENAME]
    return text


def _transfer_encoding(part: Message) -> str:
    value = (_header(part, "content-transfer-encoding") or "").strip().lower()
    m = re.match(r"[a-z0-9-]+", value.strip("\"'"))
    return m.group(0) if m else ""


def _b64decode(data: bytes) -> bytes:
    try:
        return binascii.a2b_base64(data)  # non-strict: skips characters outside the alphabet
    except binascii.Error:
        clean = _BASE64_JUNK.sub(b"", data)
        if len(clean) % 4 == 1:
            clean = clean[:-1]
        try:
            return binascii.a2b_base64(clean + b"=" * (-len(clean) % 4))
        except binascii.Error:
            return b""


def _raw_payload(part: Message) -> object:
    """The payload as parsed: a list of sub-messages, or a str carrying 8-bit bytes as surrogates.

    ``Message.get_payload()`` would decode 8-bit text with the declared charset, lossily, and
    raises for some charsets (e.g. ``idna``); we decode ourselves.
    """
    return getattr(part, "_payload", None)


def _payload_bytes(part: Message) -> bytes:
    """The decoded content of a leaf part (base64 / quoted-printable / uuencode / raw)."""
    payload = _raw_payload(part)
    if not isinstance(payload, str):
        return b""
    data = _to_bytes(payload)
    cte = _transfer_encoding(part)
    if cte == "base64":
        return _b64decode(data)
    if cte == "quoted-printable":
        return binascii.a2b_qp(data)
    if cte in ("x-uuencode", "uuencode", "uue", "x-uue"):
        decoded = part.get_payload(decode=True)
        return decoded if isinstance(decoded, bytes) else data
    return data


def _flatten(part: Message) -> bytes:
    """Bytes of a message/* part's payload (the embedded message or status blocks)."""
    payload = _raw_payload(part)
    if isinstance(payload, str):
        return _payload_bytes(part)
    chunks = []
    for sub in payload if isinstance(payload, list) else []:
        try:
            chunks.append(sub.as_bytes(policy=_POLICY))
        except Exception:  # noqa: BLE001 - the generator chokes on some broken structures; keep the rest
            continue
    return b"".join(chunks)


def _has_text(part: Message) -> bool:
    return bool(_payload_bytes(part).strip())


class _Body:
    """Walks the MIME tree collecting body text and attachments (bounded depth and part count)."""

    def __init__(self, max_attachment_bytes: int) -> None:
        self.max_attachment_bytes = max_attachment_bytes
        self.texts: list[str] = []
        self.text_chars = 0
        self.attachments: list[ParsedAttachment] = []
        self.parts = 0
        self.has_dsn = False

    def text(self) -> str:
        return truncate_text("\n\n".join(self.texts), MAX_TEXT_CHARS)

    def walk(self, part: Message, mode: _Mode, depth: int) -> None:
        self.parts += 1
        if self.parts > _MAX_PARTS or depth > _MAX_DEPTH:
            return
        ctype = _content_type(part)
        if ctype == "message/delivery-status":
            self.has_dsn = True
        payload = _raw_payload(part)
        if isinstance(payload, list) and ctype.startswith("multipart/"):
            children = [p for p in payload if isinstance(p, Message)]
            self.walk_multipart(part, ctype, children, mode, depth)
        elif isinstance(payload, list):
            self.add_attachment(part, ctype)  # message/rfc822, message/delivery-status, ...
        elif mode is not _Mode.ATTACH and self.is_body_text(part, ctype, depth):
            if mode is _Mode.BODY:
                self.add_text(part, ctype)
        else:
            self.add_attachment(part, ctype)

    def walk_multipart(
        self, part: Message, ctype: str, children: list[Message], mode: _Mode, depth: int
    ) -> None:
        chosen: Message | None = None
        if mode is _Mode.BODY and ctype == "multipart/alternative":
            chosen = self.choose_alternative(children)
        elif mode is _Mode.BODY and ctype == "multipart/related" and children:
            chosen = _related_root(part, children)
        for index, child in enumerate(children):
            child_mode = mode
            if chosen is not None:
                child_mode = (
                    mode
                    if child is chosen
                    else (_Mode.SKIP_TEXT if ctype == "multipart/alternative" else _Mode.ATTACH)
                )
            elif ctype == "multipart/report" and index > 0:
                child_mode = _Mode.ATTACH
            self.walk(child, child_mode, depth + 1)

    def choose_alternative(self, children: list[Message]) -> Message | None:
        """text/plain with content, else text/html, else a nested multipart."""
        plain = html = nested = None
        for child in children:
            ctype = _content_type(child)
            if ctype == "text/plain" and plain is None and self.is_body_text(child, ctype, 1):
                if _has_text(child):
                    plain = child
            elif ctype == "text/html" and html is None and self.is_body_text(child, ctype, 1):
                html = child
            elif ctype.startswith("multipart/") and nested is None:
                nested = child
        return plain or html or nested

    @staticmethod
    def is_body_text(part: Message, ctype: str, depth: int) -> bool:
        disposition = _disposition(part)
        if disposition == "attachment":
            return False
        if disposition != "inline" and _filename(part):
            return False
        if ctype in ("text/plain", "text/html") or ctype.startswith("multipart/"):
            return True  # a multipart without usable boundary is read as text
        return depth == 0 and ctype.startswith("text/")  # lone odd text type: still the body

    def add_text(self, part: Message, ctype: str) -> None:
        if self.text_chars > MAX_TEXT_CHARS:
            return
        data = _payload_bytes(part)
        charset = _param(part, "charset")
        if "html" in ctype:
            if not charset:
                m = _META_CHARSET.search(data[:8192])
                charset = m.group(1).decode("ascii") if m else None
            doc = decode_bytes(data[:_MAX_HTML_BYTES], charset)
            text = html_to_text(doc, max_chars=MAX_TEXT_CHARS)
            if len(data) > _MAX_HTML_BYTES:
                text += "\n" + TRUNCATION_NOTE
        else:
            text = normalize_newlines(decode_bytes(data[: MAX_TEXT_CHARS * 4 + 4], charset))
            if (_param(part, "format") or "").strip().lower() == "flowed":
                delsp = (_param(part, "delsp") or "").strip().lower() == "yes"
                text = unflow(text, delsp=delsp)
        text = text.replace("\x00", "").strip("\n").rstrip()
        if text.strip():
            self.texts.append(text)
            self.text_chars += len(text)

    def add_attachment(self, part: Message, ctype: str) -> None:
        data = _flatten(part) if ctype.startswith("message/") else _payload_bytes(part)
        name = _filename(part) or self.default_name(part, ctype)
        cid = _normalize_ws(_unsurrogate(_header(part, "content-id") or "")).strip("<> ")
        content_id = cid or None
        disposition = _disposition(part)
        too_large = len(data) > self.max_attachment_bytes
        self.attachments.append(
            ParsedAttachment(
                filename=name,
                content_type=ctype,
                data=b"" if too_large else data,
                size=len(data),
                too_large=too_large,
                content_id=content_id,
                inline=disposition == "inline" or (content_id is not None and disposition == ""),
            )
        )

    def default_name(self, part: Message, ctype: str) -> str:
        if ctype == "message/rfc822":
            inner = _raw_payload(part)
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                subject = _display(_header(inner[0], "subject"))
                subject = re.sub(r"[/\\\x00-\x1f]+", " ", subject).strip()[:80]
                if subject:
                    return subject + ".eml"
        stem = "delivery-status" if ctype == "message/delivery-status" else "attachment"
        return f"{stem}-{len(self.attachments) + 1}{_EXTENSIONS.get(ctype, '.bin')}"


def _related_root(part: Message, children: list[Message]) -> Message:
    start = (_param(part, "start") or "").strip().strip("<>")
    if start:
        for child in children:
            if (_header(child, "content-id") or "").strip().strip("<>") == start:
                return child
    return children[0]
