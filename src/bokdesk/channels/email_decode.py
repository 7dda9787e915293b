"""Decoding what an e-mail carries as bytes: body and header charsets (declared, wrong or missing)
and RFC 2047 encoded words in headers. Lenient: nothing here raises on any input."""

from __future__ import annotations

import binascii
import codecs
import re

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


def to_bytes(text: str, encoding: str = "utf-8") -> bytes:
    """The original bytes of parsed text, whose 8-bit bytes are carried as surrogate escapes."""
    try:
        return text.encode(encoding, "surrogateescape")
    except UnicodeEncodeError:  # only for str not produced by the parser
        return text.encode("utf-8", "replace")


def unsurrogate(value: str) -> str:
    """Decode raw 8-bit header bytes (carried as surrogate escapes) by guessing the charset."""
    if not _SURROGATE.search(value):
        return value
    return _guess(to_bytes(value))


# --------------------------------------------------------------------------------------------
# headers: RFC 2047 encoded words

ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([QqBb])\?([^?]*)\?=")
_B64_OK = re.compile(r"^[A-Za-z0-9+/=\s]*$")
FOLD = re.compile(r"\r?\n|\r")
_WS = re.compile(r"[ \t\r\n\f\v]+")


def normalize_ws(text: str) -> str:
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
    return binascii.a2b_qp(to_bytes(payload), header=True)


def decode_encoded_words(text: str) -> str:
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

    for m in ENCODED_WORD.finditer(text):
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
    text = FOLD.sub("", unsurrogate(value))
    return decode_encoded_words(text).replace("\x00", "")


def display_header(value: str | None) -> str:
    return normalize_ws(decode_header_value(value)) if value else ""
