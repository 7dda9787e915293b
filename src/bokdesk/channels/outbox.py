"""Outbound e-mail: the outbox table, building the MIME message, and sending it over SMTP.

A public reply is queued **in the same transaction** that stores it (``enqueue_reply``, called by
``core.services.tickets.reply``), so a reply is never saved without its e-mail or the other way
round. The message is built completely at that moment (From, To, Reply-To, Subject with
``[#N]``, Message-ID, In-Reply-To / References from the thread) and its Message-ID is stored on
the reply, so the customer's answer threads back to the ticket.

``send_due`` (run by ``bokdesk mail run`` / ``mail send``, never by the console) claims due rows
with a lease, sends them, and records the outcome row by row: ``sent``; a temporary failure is
retried with exponential backoff (1, 2, 4 … minutes, at most 6 hours apart); a permanent one
(5xx), or running out of attempts, marks the row ``failed`` and puts a system message on the
ticket. Delivery is at least once: a crash between the server's "250 OK" and our commit sends
that one message again.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr

from sqlalchemy import or_
from sqlmodel import Session, col, select

from ..core import history, roles
from ..core.desk import SYSTEM, Actor, Desk
from ..core.enums import ContactKind, MessageKind
from ..core.errors import NotFound, ValidationError
from ..core.models import CustomerContact, Message, OutboxMessage, Setting, Ticket
from ..core.roles import Permission
from . import ids
from .mailconfig import MailConfig, SmtpConfig

KIND_REPLY = "reply"
KIND_SURVEY = "survey"
QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
MAX_REFERENCES = 10
SETTING_FROM = "mail.from"
SETTING_REPLY_TO = "mail.reply_to"


@dataclass(frozen=True)
class Identity:
    """Who the desk's e-mails come from."""

    from_addr: str | None
    reply_to: str | None

    @property
    def from_address(self) -> str | None:
        return parseaddr(self.from_addr)[1].lower() or None if self.from_addr else None


def identity(session: Session, cfg: MailConfig | None = None) -> Identity:
    """The configured identity; processes without ``[mail]`` read what ``mail run`` published."""
    if cfg is not None and cfg.from_addr:
        return Identity(cfg.from_addr, cfg.reply_to)
    row = session.get(Setting, SETTING_FROM)
    reply = session.get(Setting, SETTING_REPLY_TO)
    return Identity(row.value if row and row.value else None, reply.value if reply and reply.value else None)


def publish_identity(desk: Desk, cfg: MailConfig) -> None:
    """Store the desk's From / Reply-To so every agent's process builds the same headers."""
    if not cfg.from_addr:
        return
    with desk.store.write() as session:
        for key, value in ((SETTING_FROM, cfg.from_addr), (SETTING_REPLY_TO, cfg.reply_to or "")):
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            elif row.value != value:
                row.value = value
                session.add(row)


# --- building ------------------------------------------------------------------------------------


def reply_target(session: Session, ticket: Ticket) -> str | None:
    """The address a reply goes to: the customer's address they last wrote from on this ticket,
    else their most recently added e-mail address; None when the customer has no e-mail."""
    contacts = session.exec(
        select(CustomerContact)
        .where(CustomerContact.customer_id == ticket.customer_id, CustomerContact.kind == ContactKind.EMAIL.value)
        .order_by(col(CustomerContact.id))
    ).all()
    if not contacts:
        return None
    by_address = {c.normalized: c.value for c in contacts}
    senders = session.exec(
        select(Message.email_from)
        .where(
            Message.ticket_id == ticket.id,
            Message.kind == MessageKind.CUSTOMER.value,
            Message.author_customer_id == ticket.customer_id,
            col(Message.email_from).is_not(None),
        )
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(5)
    ).all()
    for sender in senders:
        addr = parseaddr(sender or "")[1].lower()
        if addr in by_address:
            return by_address[addr]
    return contacts[-1].value


def reply_subject(ticket: Ticket, prefix: str = "Re: ") -> str:
    subject = ticket.subject
    tag = f"[#{ticket.id}]"
    if tag not in subject:
        subject = f"{subject} {tag}"
    low = subject.lower()
    if prefix and not (low.startswith("re:") or low.startswith("odp:")):
        subject = prefix + subject
    return subject


def _thread_headers(session: Session, ticket: Ticket, exclude: int | None) -> tuple[str | None, list[str]]:
    """In-Reply-To and References for a new message on the ticket."""
    query = (
        select(Message)
        .where(Message.ticket_id == ticket.id, col(Message.email_message_id).is_not(None))
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(5)
    )
    parent = next(
        (m for m in session.exec(query).all() if m.id != exclude and not ids.is_digest(m.email_message_id or "")),
        None,
    )
    refs: list[str] = []
    if ticket.email_thread_id and not ids.is_digest(ticket.email_thread_id):
        refs.append(ticket.email_thread_id)
    if parent is None:
        return None, refs
    for ref in (parent.email_references or "").split():
        ref = ref.strip("<>")
        if ref and ref not in refs and not ids.is_digest(ref):
            refs.append(ref)
    if parent.email_message_id not in refs:
        refs.append(parent.email_message_id)  # type: ignore[arg-type]
    if len(refs) > MAX_REFERENCES:
        refs = [refs[0], *refs[-(MAX_REFERENCES - 1):]]
    return parent.email_message_id, refs


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
) -> bytes:
    """The complete RFC 5322 message (UTF-8 text)."""
    msg = EmailMessage(policy=email_policy.SMTP)
    if ident.from_addr:
        msg["From"] = ident.from_addr
    msg["To"] = to
    if ident.reply_to:
        msg["Reply-To"] = ident.reply_to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        msg["References"] = ids.angle(references)
    msg["X-Bokdesk-Ticket"] = str(ticket_id)
    if automatic:
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders must not answer
        msg["X-Auto-Response-Suppress"] = "All"
    text = body.encode("utf-8", "replace").decode("utf-8").replace("\r\n", "\n")
    msg.set_content(text if text.endswith("\n") else text + "\n", charset="utf-8", cte="quoted-printable")
    return msg.as_bytes()


def enqueue_reply(session: Session, desk: Desk, ticket: Ticket, message: Message,
                  cfg: MailConfig | None = None) -> OutboxMessage | None:
    """Queue the e-mail of a public reply, in the caller's transaction; None if there is no address."""
    to = reply_target(session, ticket)
    if to is None:
        return None
    session.flush()
    return _enqueue(session, desk, ticket, to, reply_subject(ticket), message.body, KIND_REPLY, message, cfg)


def enqueue_survey(session: Session, desk: Desk, ticket: Ticket, subject: str, body: str,
                   cfg: MailConfig | None = None) -> OutboxMessage | None:
    to = reply_target(session, ticket)
    if to is None:
        return None
    return _enqueue(session, desk, ticket, to, subject, body, KIND_SURVEY, None, cfg)


def _enqueue(session: Session, desk: Desk, ticket: Ticket, to: str, subject: str, body: str, kind: str,
             message: Message | None, cfg: MailConfig | None) -> OutboxMessage:
    now = desk.now()
    ident = identity(session, cfg)
    message_id = ids.new_id(ticket.id, ids.domain_of(ident.from_address),  # type: ignore[arg-type]
                            kind if kind != KIND_REPLY else "")
    in_reply_to, refs = _thread_headers(session, ticket, message.id if message else None)
    raw = build_mime(ident=ident, to=to, subject=subject, body=body, message_id=message_id,
                     ticket_id=ticket.id, at=now, in_reply_to=in_reply_to, references=refs,  # type: ignore[arg-type]
                     automatic=kind == KIND_SURVEY)
    if message is not None:
        message.email_message_id = message_id
        message.email_in_reply_to = in_reply_to
        message.email_references = ids.angle(refs) or None
        message.email_to = to
        message.email_from = ident.from_addr
        message.email_subject = subject[:500]
        session.add(message)
    row = OutboxMessage(
        ticket_id=ticket.id,  # type: ignore[arg-type]
        message_id=message.id if message else None,
        kind=kind,
        to_addr=to,
        subject=subject[:500],
        raw=raw,
        email_message_id=message_id,
        status=QUEUED,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


# --- failures shown on the ticket ------------------------------------------------------------------


def _problem_on_ticket(session: Session, desk: Desk, row: OutboxMessage, text: str, field_name: str) -> None:
    from ..core.services.tickets import touch

    now = desk.now()
    ticket = session.get(Ticket, row.ticket_id)
    if ticket is None:
        return
    session.add(Message(ticket_id=row.ticket_id, kind=MessageKind.SYSTEM.value, body=text, created_at=now))
    history.record(session, row.ticket_id, SYSTEM, now, field_name, None, row.to_addr, text[:500])
    touch(desk, ticket, now)
    session.add(ticket)


def record_bounce(session: Session, desk: Desk, row: OutboxMessage, diagnostic: str) -> None:
    """A delivery-failure report came back for one of our e-mails."""
    row.status = FAILED
    row.last_error = f"bounced: {diagnostic}"[:2000]
    session.add(row)
    what = "survey" if row.kind == KIND_SURVEY else "reply"
    _problem_on_ticket(
        session, desk, row,
        f"The e-mail {what} to {row.to_addr} bounced: {diagnostic}. Check the address with the customer.",
        "mail_bounced",
    )


def retry(desk: Desk, actor: Actor, outbox_id: int) -> OutboxMessage:
    """Send a failed (or waiting) e-mail again from now, with a fresh set of attempts."""
    roles.require(actor, Permission.WORK_TICKETS, "Sending an e-mail again")
    with desk.store.write() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None:
            raise NotFound(f"Outbox e-mail #{outbox_id} does not exist.")
        if row.status == SENT:
            raise ValidationError(f"Outbox e-mail #{outbox_id} was already sent at {row.sent_at:%Y-%m-%d %H:%M} UTC.")
        now = desk.now()
        row.status = QUEUED
        row.attempts = 0
        row.next_attempt_at = now
        session.add(row)
        history.record(session, row.ticket_id, actor, now, "mail_retry", None, row.to_addr)
        return row


# --- sending ------------------------------------------------------------------------------------------


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
            conn.login(cfg.user, cfg.password.reveal())
    except BaseException:
        conn.close()
        raise
    return conn


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
                or_(OutboxMessage.status == QUEUED, OutboxMessage.status == SENDING),
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
            raise ValidationError("[mail] from is not set; the desk does not know its own address.")
        msg["From"] = cfg.from_addr
        if cfg.reply_to and msg.get("Reply-To") is None:
            msg["Reply-To"] = cfg.reply_to
    return msg  # type: ignore[return-value]


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
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                 for addr, (code, msg) in exc.recipients.items()]
        return "recipient refused (" + "; ".join(parts) + ")"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"SMTP {exc.smtp_code} {text}".strip()
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return f"TLS error: {exc}"
    if isinstance(exc, OSError):
        return f"cannot reach the mail server: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValidationError) else str(exc)


def _record(desk: Desk, cfg: MailConfig, row_id: int, *, sent_raw: bytes | None, error: BaseException | None,
            report: SendReport) -> None:
    max_attempts = cfg.smtp.max_attempts if cfg.smtp else 8
    with desk.store.write() as session:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.status != SENDING:
            return
        now = desk.now()
        row.attempts += 1
        if error is None:
            row.status = SENT
            row.sent_at = now
            row.last_error = None
            if sent_raw is not None:
                row.raw = sent_raw
            report.sent += 1
        else:
            text = describe(error)
            row.last_error = text[:2000]
            if _is_permanent(error, row.to_addr) or row.attempts >= max_attempts:
                row.status = FAILED
                report.failed += 1
                what = "survey" if row.kind == KIND_SURVEY else "reply"
                tries = f"after {row.attempts} attempts" if row.attempts > 1 else "at once"
                _problem_on_ticket(
                    session, desk, row,
                    f"The e-mail {what} to {row.to_addr} could not be sent ({tries}): {text}. "
                    f"It is kept; `bokdesk mail outbox retry {row.id}` sends it again.",
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
                conn.send_message(msg, from_addr=_envelope_from(cfg, msg), to_addrs=[row.to_addr])
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                conn = _close(conn)
                _record(desk, cfg, row.id, sent_raw=None, error=exc, report=report)  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - any other problem is this row's
                if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(
                    exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError
                ):
                    conn = _close(conn)  # e.g. authentication: start over with the next row
                _record(desk, cfg, row.id, sent_raw=None, error=exc, report=report)  # type: ignore[arg-type]
            else:
                _record(desk, cfg, row.id, sent_raw=msg.as_bytes(), error=None, report=report)  # type: ignore[arg-type]
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


def outbox_rows(desk: Desk, *, status: str | None = None, ticket_id: int | None = None,
                limit: int = 100) -> list[OutboxMessage]:
    with desk.store.read() as session:
        query = select(OutboxMessage)
        if status:
            query = query.where(OutboxMessage.status == status)
        if ticket_id is not None:
            query = query.where(OutboxMessage.ticket_id == ticket_id)
        return list(session.exec(query.order_by(col(OutboxMessage.id).desc()).limit(limit)).all())


__all__ = [
    "FAILED",
    "KIND_REPLY",
    "KIND_SURVEY",
    "QUEUED",
    "SENDING",
    "SENT",
    "Identity",
    "SendReport",
    "backoff",
    "build_mime",
    "claim_due",
    "connect_smtp",
    "enqueue_reply",
    "enqueue_survey",
    "identity",
    "outbox_rows",
    "publish_identity",
    "record_bounce",
    "reply_subject",
    "reply_target",
    "retry",
    "send_due",
]
