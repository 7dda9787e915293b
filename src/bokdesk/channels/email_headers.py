"""Reading an e-mail's header fields: the parser's lenient message class and policy, address lists,
Message-IDs, dates and the ticket number in a subject."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email._policybase import Compat32
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from .email_decode import (
    ENCODED_WORD,
    FOLD,
    decode_encoded_words,
    decode_header_value,
    normalize_ws,
    unsurrogate,
)

MAX_HEADER_CHARS = 65_536  # any single header value, as fetched
MAX_PARAM_HEADER_CHARS = 8_192  # Content-* headers: stdlib parameter parsing is O(n²)
MAX_ADDRESS_CHARS = 16_384


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

    def header_fetch_parse(self, name: str, value: str) -> str:
        low = name.lower()
        cap = MAX_PARAM_HEADER_CHARS if low.startswith("content-") else MAX_HEADER_CHARS
        return value[:cap]


POLICY = _Policy()


def header_value(msg: Message, name: str) -> str | None:
    value = msg.get(name)
    return None if value is None else str(value)


def header_values(msg: Message, name: str) -> list[str]:
    return [str(v) for v in msg.get_all(name, [])]


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
            m = ENCODED_WORD.match(value, i)
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


def addresses_in(value: str, *, allow_local: bool = False) -> list[tuple[str, str]]:
    """Valid ``(decoded name, lowercased addr)`` pairs of one header value."""
    text = FOLD.sub("", unsurrogate(value[:MAX_ADDRESS_CHARS])).replace("\x00", "")
    out = []
    for name, addr in parse_address_list(text):
        addr = addr.lower()
        if _ADDR_OK.match(addr) or (allow_local and _LOCAL_ONLY_OK.match(addr)):
            out.append((normalize_ws(decode_encoded_words(name)), addr))
    return out


def address_list(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        for _, addr in addresses_in(value):
            seen.setdefault(addr, None)
    return list(seen)


# --------------------------------------------------------------------------------------------
# ids, dates, subject

_MSG_ID = re.compile(r"<\s*([^<>\s]+)\s*>")
_TICKET = re.compile(r"\[\s*#\s*(\d{1,12})\s*\]")


def parse_message_id(value: str | None) -> str | None:
    if value is None:
        return None
    text = normalize_ws(decode_header_value(value))
    m = _MSG_ID.search(text)
    if m:
        return m.group(1)
    token = text.strip("<> ").split(" ", 1)[0].strip("<>")
    return token or None


def parse_id_list(value: str) -> list[str]:
    text = decode_header_value(value)
    ids = _MSG_ID.findall(text) or [t.strip("<>,;") for t in text.split() if "@" in t]
    return list(dict.fromkeys(i for i in ids if i))


def parse_date(value: str | None) -> datetime | None:
    """Naive UTC datetime of a Date header; None if missing or unparseable."""
    if not value:
        return None
    text = normalize_ws(decode_header_value(value))[:256]
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
