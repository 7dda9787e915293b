"""Message-IDs: the keys that thread a conversation and keep every message stored once.

Stored ids are the bare ``id-left@id-right`` without angle brackets. An id longer than the
columns allow is replaced by a digest (``sha256:…``), and so is a message without any id: its
key is the digest of its raw bytes, so the same bytes fetched twice are still recognised.
Digest keys, and stored ids that are not a valid RFC 5322 msg-id (non-ASCII, spaces, no ``@``),
are never written into outgoing ``In-Reply-To`` / ``References`` headers (``for_header``).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import socket
import time

MAX_ID = 250
DIGEST_PREFIX = "sha256:"
# RFC 5322 msg-id: dot-atom-text "@" (dot-atom-text / no-fold-literal), printable ASCII only.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_VALID_ID = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@(?:{_ATEXT}(?:\.{_ATEXT})*|\[[\x21-\x5a\x5e-\x7e]*\])")
_OURS_IN_TEXT = re.compile(rb"<?(bokdesk\.\d{1,12}\.[0-9a-z]+(?:\.[a-z]+)?@[A-Za-z0-9.-]{1,200})>?", re.I)


def digest(data: bytes) -> str:
    return DIGEST_PREFIX + hashlib.sha256(data).hexdigest()


def normalize(message_id: str | None) -> str | None:
    """The storable form of a Message-ID (digest when too long), or None for none."""
    if message_id is None:
        return None
    value = message_id.strip().strip("<>").strip()
    if not value:
        return None
    if len(value) > MAX_ID or any(ch in value for ch in "\r\n\x00"):
        return digest(value.encode("utf-8", "surrogatepass"))
    return value


def is_digest(key: str) -> bool:
    return key.startswith(DIGEST_PREFIX)


def for_header(key: str | None) -> bool:
    """Whether a stored id may go into an outgoing threading header: a valid msg-id, no digest."""
    return bool(key) and not is_digest(key or "") and _VALID_ID.fullmatch(key or "") is not None


def domain_of(address: str | None) -> str:
    """The domain for our own Message-IDs: the desk address's domain, else this host's name."""
    if address and "@" in address:
        domain = address.rsplit("@", 1)[1].strip().strip(">").lower()
        if re.fullmatch(r"[a-z0-9.-]{1,200}", domain):
            return domain
    return _host_domain()


@functools.cache
def _host_domain() -> str:
    host = socket.getfqdn().lower()  # may ask DNS: once per process
    return host if re.fullmatch(r"[a-z0-9.-]{1,200}", host) and "." in host else "bokdesk.invalid"


def new_id(ticket_id: int, domain: str, kind: str = "") -> str:
    """A fresh, globally unique Message-ID for a message about ``ticket_id`` (bare form)."""
    token = f"{int(time.time() * 1000):x}{secrets.token_hex(6)}"
    suffix = f".{kind}" if kind else ""
    return f"bokdesk.{ticket_id}.{token}{suffix}@{domain}"


def our_ids_in(raw: bytes, limit: int = 200_000) -> list[str]:
    """Our own Message-IDs quoted anywhere in a message (a bounce carries the original's)."""
    found = (m.group(1).decode("ascii", "replace") for m in _OURS_IN_TEXT.finditer(raw[:limit]))
    return list(dict.fromkeys(found))


def angle(ids: list[str]) -> str:
    """``<a> <b>`` for a header, skipping digest keys and invalid ids."""
    return " ".join(f"<{i}>" for i in ids if for_header(i))
