"""Reading an IMAP folder by UID, without marking anything before the desk has committed.

The folder is opened read-only (``EXAMINE``) unless ``after = "seen"``. What has been read is the
folder's cursor (``mailcursor``: UIDVALIDITY and the last UID filed), stored in the same
transaction as the messages, so a crash re-reads at most one uncommitted batch. UIDs only grow
within one UIDVALIDITY; when the server changes UIDVALIDITY (a rebuilt mailbox) the whole folder
is read again and the Message-IDs already seen are skipped.
"""

from __future__ import annotations

import base64
import imaplib
import re
import select
import ssl
import threading
import time
from collections.abc import Iterable
from io import BufferedReader
from typing import Any, cast

from ..core.errors import BokdeskError
from .mailconfig import ImapConfig

_UID = re.compile(rb"UID (\d+)")
_NEW_MAIL = re.compile(rb"^\* \d+ (EXISTS|RECENT)\b", re.I)
IDLE_MAX_SECONDS = 29 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(BokdeskError):
    """The mail server refused or failed; nothing was marked read."""


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3): ``Zgłoszenia`` → ``Zg&AUI-oszenia``."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def quote(name: str) -> str:
    return '"' + imap_utf7(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uid_set(uids: Iterable[int]) -> str:
    return ",".join(str(u) for u in uids)


class ImapFolder:
    """A logged-in connection with the configured folder selected."""

    def __init__(self, cfg: ImapConfig) -> None:
        self.cfg = cfg
        self.conn: imaplib.IMAP4 | None = None
        self.uidvalidity = 0

    def __enter__(self) -> ImapFolder:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        cfg = self.cfg
        try:
            context = ssl.create_default_context(cafile=cfg.ca_file) if cfg.security != "none" else None
            if cfg.security == "ssl":
                conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    cfg.host, cfg.port, ssl_context=context, timeout=cfg.timeout
                )
            else:
                conn = imaplib.IMAP4(cfg.host, cfg.port, timeout=cfg.timeout)
                if cfg.security == "starttls":
                    conn.starttls(ssl_context=context)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError("imap_connect", host=cfg.host, port=cfg.port, detail=_why(exc)) from None
        self.conn = conn
        try:
            if cfg.user:
                password = cfg.password.reveal() if cfg.password else ""
                if (cfg.user + password).isascii():
                    conn.login(cfg.user, password)
                else:
                    token = b"\0" + cfg.user.encode() + b"\0" + password.encode()
                    conn.authenticate("PLAIN", lambda _challenge: token)
            typ, data = conn.select(quote(cfg.folder), readonly=cfg.after == "keep")
            if typ != "OK":
                raise MailboxError("imap_folder", folder=cfg.folder, detail=_text(data))
            _, values = conn.response("UIDVALIDITY")
            if not values or values[0] is None:
                raise MailboxError("imap_no_uidvalidity")
            self.uidvalidity = int(values[0])
        except imaplib.IMAP4.error as exc:
            self.close()
            raise MailboxError("imap_refused", host=cfg.host, detail=_why(exc)) from None
        except (OSError, ValueError) as exc:
            self.close()
            raise MailboxError("imap_failed", host=cfg.host, detail=_why(exc)) from None

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            if conn.state == "SELECTED":
                conn.close()
            conn.logout()
        except Exception:  # noqa: BLE001 - closing a broken connection
            try:
                conn.shutdown()
            except Exception:  # noqa: BLE001
                pass

    def _cmd(self, *args: str) -> list[Any]:
        assert self.conn is not None
        try:
            typ, data = self.conn.uid(*args)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise MailboxError("imap_command", command=args[0], detail=_why(exc)) from None
        if typ != "OK":
            raise MailboxError("imap_command", command=args[0], detail=_text(data))
        return data

    def uids_after(self, last_uid: int) -> list[int]:
        data = self._cmd("SEARCH", f"UID {last_uid + 1}:*")
        uids = {int(x) for chunk in data if chunk for x in chunk.split()}
        return sorted(u for u in uids if u > last_uid)

    def sizes(self, uids: list[int]) -> dict[int, int]:
        result: dict[int, int] = {}
        for item in self._cmd("FETCH", _uid_set(uids), "(UID RFC822.SIZE)"):
            meta = item[0] if isinstance(item, tuple) else item
            if not isinstance(meta, bytes):
                continue
            uid, size = _UID.search(meta), _SIZE.search(meta)
            if uid and size:
                result[int(uid.group(1))] = int(size.group(1))
        return result

    def fetch(self, uids: list[int], part: str = "BODY.PEEK[]") -> dict[int, bytes]:
        """Raw messages (or ``BODY.PEEK[HEADER]``) by UID; PEEK never sets ``\\Seen``."""
        if not uids:
            return {}
        data = self._cmd("FETCH", _uid_set(uids), f"(UID {part})")
        result: dict[int, bytes] = {}
        pending: bytes | None = None
        for item in data:
            if isinstance(item, tuple):
                meta, literal = item[0], item[1]
                m = _UID.search(meta)
                if m:
                    result[int(m.group(1))] = literal
                    pending = None
                else:
                    pending = literal  # the UID may follow the literal
            elif isinstance(item, bytes) and pending is not None:
                m = _UID.search(item)
                if m:
                    result[int(m.group(1))] = pending
                pending = None
        return result

    def still_there(self, uids: list[int]) -> list[int]:
        if not uids:
            return []
        data = self._cmd("SEARCH", f"UID {_uid_set(uids)}")
        present = {int(x) for chunk in data if chunk for x in chunk.split()}
        return sorted(present & set(uids))

    def mark_seen(self, uids: list[int]) -> None:
        if uids:
            self._cmd("STORE", _uid_set(uids), "+FLAGS.SILENT", "(\\Seen)")

    # --- IDLE (RFC 2177) -----------------------------------------------------------------------

    @property
    def supports_idle(self) -> bool:
        """Whether the server offers IDLE (asked after login: some servers list it only then)."""
        assert self.conn is not None
        try:
            typ, data = self.conn.capability()
        except (imaplib.IMAP4.error, OSError) as exc:
            raise MailboxError("imap_command", command="CAPABILITY", detail=_why(exc)) from None
        words = b" ".join(d for d in data if isinstance(d, bytes)).upper().split() if typ == "OK" else []
        return b"IDLE" in words

    def idle(self, seconds: float, stop: threading.Event | None = None) -> bool:
        """Wait in IDLE until the server announces new mail (True), ``seconds`` pass, or ``stop``
        is set (False). The command is always ended with DONE, so the connection stays usable."""
        conn = self.conn
        assert conn is not None
        seconds = max(0.0, min(seconds, IDLE_MAX_SECONDS))
        tag = conn._new_tag()  # noqa: SLF001 - imaplib before 3.14 has no IDLE
        news = False
        try:
            conn.send(tag + b" IDLE\r\n")
            while True:  # until the continuation; a change may be announced before it
                line = conn.readline()
                if not line:
                    raise MailboxError("imap_closed")
                if line.startswith(b"+"):
                    break
                if line.startswith(tag):
                    raise MailboxError("imap_idle_refused", detail=_text([line.strip()]))
                news = news or bool(_NEW_MAIL.match(line))
            deadline = time.monotonic() + seconds
            while not news and not (stop is not None and stop.is_set()):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                within = self._line_within(min(left, 1.0))
                if within is None:
                    continue
                line = within
                if not line:
                    raise MailboxError("imap_closed")
                if line.startswith(b"* BYE"):
                    raise MailboxError("imap_bye", detail=_text([line.strip()]))
                news = bool(_NEW_MAIL.match(line))
            conn.send(b"DONE\r\n")
            while True:
                line = conn.readline()
                if not line:
                    raise MailboxError("imap_closed")
                if line.startswith(tag):
                    break
                news = news or bool(_NEW_MAIL.match(line))
        except (imaplib.IMAP4.error, OSError) as exc:
            raise MailboxError("imap_command", command="IDLE", detail=_why(exc)) from None
        return news

    def _line_within(self, seconds: float) -> bytes | None:
        """The next line from the server if one starts arriving within ``seconds``, else None."""
        conn = self.conn
        assert conn is not None
        if not self._buffered():
            readable, _, _ = select.select([conn.sock], [], [], seconds)
            if not readable:
                return None
        return conn.readline()  # a line has begun: the rest follows (the connection's own timeout)

    def _buffered(self) -> bool:
        """Whether a reply already waits in imaplib's reader or the TLS layer (select cannot see it)."""
        conn = self.conn
        assert conn is not None
        sock = conn.sock
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True
        timeout = sock.gettimeout()
        sock.setblocking(False)
        try:
            return bool(
                cast("BufferedReader", conn.file).peek(1)
            )  # never blocks now: the buffer, or one non-blocking read
        except (BlockingIOError, ssl.SSLWantReadError):
            return False
        finally:
            sock.settimeout(timeout)


def _why(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return f"TLS error ({exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = exc.args[0] if exc.args else exc
    return _text([text])


def _text(data: object) -> str:
    if isinstance(data, list | tuple):
        parts = [
            d.decode("utf-8", "replace") if isinstance(d, bytes) else str(d) for d in data if d is not None
        ]
        return " ".join(parts)[:300] or "no reason given"
    return str(data)[:300]


__all__ = ["ImapFolder", "MailboxError", "imap_utf7", "quote"]
