"""The MIME structure of an e-mail: the body text (the chosen alternative, decoded, HTML rendered as
text) and the attachments, walked with a bounded depth and part count."""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from email.message import Message
from enum import StrEnum

from .email_decode import (
    decode_bytes,
    decode_header_value,
    display_header,
    normalize_ws,
    to_bytes,
    unsurrogate,
)
from .email_headers import POLICY, header_value
from .email_text import TRUNCATION_NOTE, html_to_text, normalize_newlines, truncate_text, unflow

MAX_TEXT_CHARS = 1_000_000
_MAX_HTML_BYTES = 5_000_000  # HTML beyond this is not rendered (keeps a tag-only body fast)
_MAX_PARTS = 1_000
_MAX_DEPTH = 40


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


def mime_type(part: Message) -> str:
    return re.sub(r"\s+", "", part.get_content_type().lower())


def mime_param(part: Message, name: str, header: str = "content-type") -> str | None:
    """A decoded header parameter (RFC 2231 and raw 8-bit aware), or None."""
    try:
        value = part.get_param(name, header=header)
    except Exception:  # noqa: BLE001 - malformed parameters or continuations
        return None
    if value is None:
        return None
    if isinstance(value, tuple):
        charset, _, text = value
        return decode_bytes(to_bytes(str(text), "latin-1"), str(charset or "utf-8"))
    return unsurrogate(str(value))


def _disposition(part: Message) -> str:
    value = header_value(part, "content-disposition") or ""
    return value.split(";", 1)[0].strip().lower()


def _filename(part: Message) -> str:
    raw = mime_param(part, "filename", "content-disposition") or mime_param(part, "name") or ""
    return safe_filename(normalize_ws(decode_header_value(raw)))


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
    value = (header_value(part, "content-transfer-encoding") or "").strip().lower()
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
    data = to_bytes(payload)
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
            chunks.append(sub.as_bytes(policy=POLICY))
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
        ctype = mime_type(part)
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
            ctype = mime_type(child)
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
        charset = mime_param(part, "charset")
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
            if (mime_param(part, "format") or "").strip().lower() == "flowed":
                delsp = (mime_param(part, "delsp") or "").strip().lower() == "yes"
                text = unflow(text, delsp=delsp)
        text = text.replace("\x00", "").strip("\n").rstrip()
        if text.strip():
            self.texts.append(text)
            self.text_chars += len(text)

    def add_attachment(self, part: Message, ctype: str) -> None:
        data = _flatten(part) if ctype.startswith("message/") else _payload_bytes(part)
        name = _filename(part) or self.default_name(part, ctype)
        cid = normalize_ws(unsurrogate(header_value(part, "content-id") or "")).strip("<> ")
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
                subject = display_header(header_value(inner[0], "subject"))
                subject = re.sub(r"[/\\\x00-\x1f]+", " ", subject).strip()[:80]
                if subject:
                    return subject + ".eml"
        stem = "delivery-status" if ctype == "message/delivery-status" else "attachment"
        return f"{stem}-{len(self.attachments) + 1}{_EXTENSIONS.get(ctype, '.bin')}"


def _related_root(part: Message, children: list[Message]) -> Message:
    start = (mime_param(part, "start") or "").strip().strip("<>")
    if start:
        for child in children:
            if (header_value(child, "content-id") or "").strip().strip("<>") == start:
                return child
    return children[0]


def read_body(msg: Message, max_attachment_bytes: int) -> _Body:
    """The message's body text and attachments (``text()``, ``attachments``, ``has_dsn``)."""
    body = _Body(max_attachment_bytes)
    body.walk(msg, _Mode.BODY, 0)
    return body
