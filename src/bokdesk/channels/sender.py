"""Sending the outbox over SMTP (``bokdesk mail run`` / ``mail send``; never the console).

``send_due`` claims due rows with a lease, sends them, and records the outcome row by row:
``sent``; a temporary failure is retried with exponential backoff (1, 2, 4 … minutes, at most
6 hours apart); a permanent one (5xx), or running out of attempts, marks the row ``failed`` and
puts a system message on the ticket. Delivery is at least once: a crash between the server's
"250 OK" and our commit sends that one message again.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formataddr, getaddresses, parseaddr

from sqlalchemy import or_
from sqlmodel import col, select

from ..core.desk import Desk
from ..core.errors import ValidationError
from ..core.models import OutboxMessage
from ..core.notices import Notice, verbatim
from ..core.services.outbox import FAILED, KIND_SURVEY, QUEUED, SENDING, SENT
from .mailconfig import MailConfig, SmtpConfig
from .outbox import problem_on_ticket, set_error

LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


Connector = Callable[[SmtpConfig], smtplib.SMTP]


def connect_smtp(cfg: SmtpConfig) -> smtplib.SMTP:
    """An authenticated SMTP connection (SSL or STARTTLS with certificate checks)."""
    context = ssl.create_default_context(cafile=cfg.ca_file) if cfg.security != "none" else None
    conn: smtplib.SMTP
    if cfg.security == "ssl":
        conn = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
    else:
        conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        try:
            conn.ehlo()
            if cfg.security == "starttls":
                conn.starttls(context=context)
                conn.ehlo()
        except BaseException:
            conn.close()
            raise
    try:
        if cfg.user and cfg.password:
            _login(conn, cfg.user, cfg.password.reveal())
    except BaseException:
        conn.close()
        raise
    return conn


def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH; smtplib only speaks ASCII credentials, so UTF-8 ones go as AUTH PLAIN by hand."""
    if (user + password).isascii():
        conn.login(user, password)
        return
    conn.ehlo_or_helo_if_needed()
    if not conn.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, resp = conn.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim_due(desk: Desk, limit: int = 50) -> list[OutboxMessage]:
    """Take due rows for sending (queued, or a lease that ran out after a crash)."""
    with desk.store.write() as session:
        now = desk.now()
        rows = session.exec(
            select(OutboxMessage)
            .where(
                or_(col(OutboxMessage.status) == QUEUED, col(OutboxMessage.status) == SENDING),
                col(OutboxMessage.next_attempt_at) <= now,
            )
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
        ).all()
        for row in rows:
            row.status = SENDING
            row.next_attempt_at = now + LEASE
            session.add(row)
        return list(rows)


def _finalize(raw: bytes, cfg: MailConfig) -> EmailMessage:
    msg = BytesParser(policy=email_policy.SMTP).parsebytes(raw)
    if msg.get("From") is None:
        if not cfg.from_addr:
            raise ValidationError("mail_no_from")
        msg["From"] = cfg.from_addr
        if cfg.reply_to and msg.get("Reply-To") is None:
            msg["Reply-To"] = cfg.reply_to
    if msg.get("Cc") is not None:
        # A reply queued before the desk's addresses were published may have copied one of them.
        own = _own(cfg)
        listed = getaddresses([str(msg["Cc"])])
        kept = [a for a in listed if a[1].lower() not in own]
        if len(kept) != len(listed):
            if kept:
                msg.replace_header("Cc", ", ".join(formataddr(a) for a in kept))
            else:
                del msg["Cc"]
    return msg


def _own(cfg: MailConfig) -> set[str]:
    found = {parseaddr(v)[1].lower() for v in (cfg.from_addr, cfg.reply_to) if v}
    return {a for a in (*found, *cfg.addresses) if a}


def recipients(row: OutboxMessage, cfg: MailConfig | None = None) -> list[str]:
    """RCPT TO of an outbox e-mail: the customer, then whoever is in its Cc (never the desk itself)."""
    own = _own(cfg) if cfg is not None else set()
    cc = [a.strip() for a in (row.cc_addrs or "").split(",") if a.strip() and a.strip().lower() not in own]
    return [row.to_addr, *cc]


def _envelope_from(cfg: MailConfig, msg: EmailMessage) -> str:
    if cfg.smtp is not None and cfg.smtp.envelope_from:
        return cfg.smtp.envelope_from
    return cfg.from_address or parseaddr(str(msg.get("From", "")))[1]


def _is_permanent(exc: BaseException, to: str) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False  # a configuration problem: fixable, keep the mail
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, ValidationError)


def describe(exc: BaseException) -> str:
    """A one-line account of a sending error (never containing credentials)."""
    return error_notice(exc).english()


def error_notice(exc: BaseException) -> Notice:
    """The account of a sending error as a notice: our words by code, the server's as it wrote them."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        ]
        return Notice("recipient_refused", {"detail": "; ".join(parts)})
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return verbatim(f"SMTP {exc.smtp_code} {text}".strip())
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return Notice("tls_error", {"detail": str(exc)})
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Notice("disconnected", {"detail": str(exc)})
    if isinstance(exc, smtplib.SMTPException):
        return Notice("smtp_error", {"detail": str(exc)})
    if isinstance(exc, OSError):
        return Notice("unreachable", {"detail": str(exc.strerror or exc)})
    return exc.notice if isinstance(exc, ValidationError) else verbatim(f"{type(exc).__name__}: {exc}")


def _record(
    desk: Desk,
    cfg: MailConfig,
    row_id: int | None,
    *,
    sent_raw: bytes | None,
    error: BaseException | None,
    report: SendReport,
    note: str | None = None,
) -> None:
    max_attempts = cfg.smtp.max_attempts if cfg.smtp else 8
    with desk.store.write() as session:
        row = session.get(OutboxMessage, row_id) if row_id is not None else None
        if row is None or row.status != SENDING:
            return
        now = desk.now()
        row.attempts += 1
        if error is None:
            row.status = SENT
            row.sent_at = now
            set_error(
                row, Notice("cc_refused", {"detail": note}) if note else None
            )  # a Cc refused: said, not retried
            if sent_raw is not None:
                row.raw = sent_raw
            report.sent += 1
        else:
            notice = error_notice(error)
            text = notice.english()
            set_error(row, notice)
            if _is_permanent(error, row.to_addr) or row.attempts >= max_attempts:
                row.status = FAILED
                report.failed += 1
                tries = (
                    Notice("tries_many", {"n": row.attempts}) if row.attempts > 1 else Notice("tries_once")
                )
                code = "survey_failed" if row.kind == KIND_SURVEY else "reply_failed"
                problem_on_ticket(
                    session,
                    desk,
                    row,
                    Notice(code, {"to": row.to_addr, "tries": tries, "error": notice, "outbox": row.id}),
                    "mail_failed",
                )
            else:
                row.status = QUEUED
                row.next_attempt_at = now + backoff(row.attempts)
                report.retrying += 1
            report.errors.append(f"outbox #{row.id} to {row.to_addr}: {text}")
        session.add(row)


def send_due(desk: Desk, cfg: MailConfig, *, connect: Connector | None = None, limit: int = 50) -> SendReport:
    """Send what is due; returns what happened. Never raises for a mail or server problem."""
    report = SendReport()
    if cfg.smtp is None:
        return report
    rows = claim_due(desk, limit)
    if not rows:
        return report
    connect = connect or connect_smtp
    conn: smtplib.SMTP | None = None
    try:
        for row in rows:
            try:
                msg = _finalize(row.raw, cfg)
                if conn is None:
                    conn = connect(cfg.smtp)
                refused = (
                    conn.send_message(msg, from_addr=_envelope_from(cfg, msg), to_addrs=recipients(row, cfg))
                    or {}
                )
                if row.to_addr in refused:  # the customer refused, someone in Cc accepted: not delivered
                    raise smtplib.SMTPRecipientsRefused({row.to_addr: refused[row.to_addr]})
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                # this message's problem; the connection is still good for the next one
                _record(desk, cfg, row.id, sent_raw=None, error=exc, report=report)
            except Exception as exc:  # noqa: BLE001 - connection, TLS, authentication, or the message
                _close(conn)
                conn = None
                _record(desk, cfg, row.id, sent_raw=None, error=exc, report=report)
            else:
                note = describe(smtplib.SMTPRecipientsRefused(refused)) if refused else None
                _record(
                    desk,
                    cfg,
                    row.id,
                    sent_raw=msg.as_bytes(),
                    error=None,
                    report=report,
                    note=note,
                )
    finally:
        _close(conn)
    return report


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        try:
            conn.quit()
        except Exception:  # noqa: BLE001 - closing a broken connection
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass
    return None


__all__ = ["LEASE", "SendReport", "backoff", "claim_due", "connect_smtp", "describe", "send_due"]
