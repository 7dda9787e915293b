"""Outbound e-mail: the outbox table and the MIME message of each reply and survey.

A public reply is queued **in the same transaction** that stores it (``enqueue_reply``, called by
``core.services.tickets.reply``), so a reply is never saved without its e-mail or the other way
round. The message is built completely at that moment (From, To, Reply-To, Subject with
``[#N]``, Message-ID, In-Reply-To / References from the thread) and its Message-ID is stored on
the reply, so the customer's answer threads back to the ticket. This module stays light (no
SMTP, no TLS): it is imported by every agent's process. Sending is ``sender.py``.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, getaddresses, parseaddr
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from ..core import history, roles, subjects
from ..core.desk import SYSTEM, Actor, Desk
from ..core.enums import ContactKind, MessageKind
from ..core.errors import NotFound, ValidationError
from ..core.models import Customer, CustomerContact, Message, OutboxMessage, Setting, Ticket
from ..core.notices import Notice
from ..core.roles import Permission
from . import ids

if TYPE_CHECKING:
    from .mailconfig import MailConfig

KIND_REPLY = "reply"
KIND_SURVEY = "survey"
QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
MAX_REFERENCES = 10
SETTING_FROM = "mail.from"
SETTING_REPLY_TO = "mail.reply_to"
SETTING_ADDRESSES = "mail.addresses"
SETTING_TEAM = "mail.team"
MAX_CC = 20


@dataclass(frozen=True)
class Identity:
    """Who the desk's e-mails come from."""

    from_addr: str | None
    reply_to: str | None
    aliases: tuple[str, ...] = ()

    @property
    def from_address(self) -> str | None:
        return parseaddr(self.from_addr)[1].lower() or None if self.from_addr else None

    @property
    def own_addresses(self) -> frozenset[str]:
        """Every address of the desk (From, Reply-To, aliases), lower-cased: never a Cc of a reply."""
        found = {parseaddr(value)[1].lower() for value in (self.from_addr, self.reply_to) if value}
        return frozenset(a for a in (*found, *self.aliases) if a)


def identity(session: Session, cfg: MailConfig | None = None) -> Identity:
    """The configured identity; processes without ``[mail]`` read what ``mail run`` published."""
    if cfg is not None and cfg.from_addr:
        return Identity(cfg.from_addr, cfg.reply_to, cfg.addresses)
    rows = {
        row.key: row.value
        for row in session.exec(
            select(Setting).where(col(Setting.key).in_((SETTING_FROM, SETTING_REPLY_TO, SETTING_ADDRESSES)))
        ).all()
    }
    aliases = tuple(a for a in (rows.get(SETTING_ADDRESSES) or "").split(",") if a)
    return Identity(rows.get(SETTING_FROM) or None, rows.get(SETTING_REPLY_TO) or None, aliases)


def publish_identity(desk: Desk, cfg: MailConfig) -> None:
    """Store the desk's From / Reply-To so every agent's process builds the same headers."""
    if not cfg.from_addr:
        return
    with desk.store.write() as session:
        for key, value in (
            (SETTING_FROM, cfg.from_addr),
            (SETTING_REPLY_TO, cfg.reply_to or ""),
            (SETTING_ADDRESSES, ",".join(cfg.addresses)),
            (SETTING_TEAM, cfg.team or ""),
        ):
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
        .where(
            CustomerContact.customer_id == ticket.customer_id, CustomerContact.kind == ContactKind.EMAIL.value
        )
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


def reply_cc(session: Session, ticket: Ticket, to: str, ident: Identity) -> list[str]:
    """Who else gets the reply: the others the customer's latest e-mail went to (its From when a
    colleague wrote it, its To and Cc), without the customer's own address and the desk's."""
    latest = session.exec(
        select(Message.author_customer_id, Message.email_from, Message.email_to, Message.email_cc)
        .where(
            Message.ticket_id == ticket.id,
            Message.kind == MessageKind.CUSTOMER.value,
            col(Message.email_message_id).is_not(None),
        )
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(1)
    ).first()
    if latest is None:
        return []
    author, sender, to_header, cc_header = latest
    # The customer's own From is where the reply goes (or, for a web form, a robot's address).
    others = [sender] if sender and author is not None and author != ticket.customer_id else []
    skip = set(ident.own_addresses) | {parseaddr(to)[1].lower()}
    cc: list[str] = []
    for _name, addr in getaddresses([value for value in (*others, to_header, cc_header) if value]):
        addr = addr.strip().lower()
        if "@" not in addr or addr in skip or any(ch in addr for ch in " \r\n\x00<>,;"):
            continue
        skip.add(addr)
        cc.append(addr)
    return cc[:MAX_CC]


def reply_recipients(
    session: Session, ticket: Ticket, cfg: MailConfig | None = None
) -> tuple[str | None, list[str]]:
    """``(To, Cc)`` of a reply queued now: the same rule ``enqueue_reply`` applies (the editor
    shows it before the agent sends); ``(None, [])`` when the customer has no e-mail address."""
    to = reply_target(session, ticket)
    if to is None:
        return None, []
    return to, reply_cc(session, ticket, to, identity(session, cfg))


# The reply's subject when the customer's e-mail had none: what we answer is their message.
NO_SUBJECT_REPLY = {"pl": "Twoja wiadomość", "en": "Your message"}


def reply_subject(ticket: Ticket, prefix: str = "Re: ", language: str | None = None) -> str:
    """``Re: <subject> [#N]``; a ticket without a subject is answered as "Re: Your message [#N]" in the
    customer's language (Polish unless they speak English)."""
    subject = ticket.subject
    if subjects.missing(subject):
        subject = NO_SUBJECT_REPLY.get(language or "pl", NO_SUBJECT_REPLY["pl"])
    tag = f"[#{ticket.id}]"
    if tag not in subject:
        subject = f"{subject} {tag}"
    low = subject.lower()
    if prefix and not (low.startswith(("re:", "odp:"))):
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
        (
            m
            for m in session.exec(query).all()
            if m.id != exclude and not ids.is_digest(m.email_message_id or "")
        ),
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
        refs = [refs[0], *refs[-(MAX_REFERENCES - 1) :]]
    return parent.email_message_id, refs


def _address_header(value: str) -> str:
    """``Name <addr>`` with a non-ASCII name as an RFC 2047 word; raises on a header injection."""
    if any(ch in value for ch in "\r\n\x00"):
        raise ValueError("an address header must be one line")
    name, addr = parseaddr(value)
    if not addr:
        raise ValueError(f"{value!r} is not an e-mail address")
    return formataddr((name, addr), charset="utf-8")


def _text_header(name: str, value: str) -> str:
    if any(ch in value for ch in "\r\n\x00"):
        raise ValueError(f"the {name} header must be one line")
    if value.isascii() and len(value) + len(name) + 2 <= 78:
        return value
    return Header(value, "utf-8", maxlinelen=76, header_name=name).encode(linesep="\r\n")


def _id_list_header(values: list[str]) -> str:
    """``<a>`` on the header line, each further id on its own folded line."""
    return "\r\n ".join(f"<{v}>" for v in values if not ids.is_digest(v))


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
    cc: list[str] | None = None,
) -> bytes:
    """The complete RFC 5322 message: UTF-8 text, quoted-printable (7-bit clean, lines ≤ 76).

    Written directly rather than through ``email.message.EmailMessage``, which costs a few
    milliseconds per message inside the agent's reply transaction.
    """
    headers: list[tuple[str, str]] = []
    if ident.from_addr:
        headers.append(("From", _address_header(ident.from_addr)))
    headers.append(("To", _address_header(to)))
    if cc:
        headers.append(("Cc", ",\r\n ".join(_address_header(addr) for addr in cc)))
    if ident.reply_to:
        headers.append(("Reply-To", _address_header(ident.reply_to)))
    headers.append(("Subject", _text_header("Subject", subject)))
    headers.append(("Date", format_datetime(at)))
    headers.append(("Message-ID", f"<{message_id}>"))
    if in_reply_to and not ids.is_digest(in_reply_to):
        headers.append(("In-Reply-To", f"<{in_reply_to}>"))
    if references and _id_list_header(references):
        headers.append(("References", _id_list_header(references)))
    headers.append(("X-Bokdesk-Ticket", str(ticket_id)))
    if automatic:
        headers.append(("Auto-Submitted", "auto-generated"))  # RFC 3834: auto-responders must not answer
        headers.append(("X-Auto-Response-Suppress", "All"))
    headers += [
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ]
    text = body.encode("utf-8", "replace").decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode("ascii") + b"\r\n" + encoded


def enqueue_reply(
    session: Session, desk: Desk, ticket: Ticket, message: Message, cfg: MailConfig | None = None
) -> OutboxMessage | None:
    """Queue the e-mail of a public reply, in the caller's transaction; None if there is no address."""
    with session.no_autoflush:  # the reply is written once, with its e-mail headers, not twice
        to = reply_target(session, ticket)
        if to is None:
            return None
        customer = session.get(Customer, ticket.customer_id)
        subject = reply_subject(ticket, language=customer.language if customer is not None else None)
        return _enqueue(session, desk, ticket, to, subject, message.body, KIND_REPLY, message, cfg)


def enqueue_survey(
    session: Session, desk: Desk, ticket: Ticket, subject: str, body: str, cfg: MailConfig | None = None
) -> OutboxMessage | None:
    to = reply_target(session, ticket)
    if to is None:
        return None
    return _enqueue(session, desk, ticket, to, subject, body, KIND_SURVEY, None, cfg)


def _enqueue(
    session: Session,
    desk: Desk,
    ticket: Ticket,
    to: str,
    subject: str,
    body: str,
    kind: str,
    message: Message | None,
    cfg: MailConfig | None,
) -> OutboxMessage:
    now = desk.now()
    ident = identity(session, cfg)
    message_id = ids.new_id(
        ticket.id,
        ids.domain_of(ident.from_address),  # type: ignore[arg-type]
        kind if kind != KIND_REPLY else "",
    )
    in_reply_to, refs = _thread_headers(session, ticket, message.id if message else None)
    cc = reply_cc(session, ticket, to, ident) if kind == KIND_REPLY else []
    raw = build_mime(
        ident=ident,
        to=to,
        subject=subject,
        body=body,
        message_id=message_id,
        ticket_id=ticket.id,
        at=now,
        in_reply_to=in_reply_to,
        references=refs,  # type: ignore[arg-type]
        automatic=kind == KIND_SURVEY,
        cc=cc,
    )
    if message is not None:
        message.email_message_id = message_id
        message.email_in_reply_to = in_reply_to
        message.email_references = ids.angle(refs) or None
        message.email_to = to
        message.email_cc = ", ".join(cc) or None
        message.email_from = ident.from_addr
        message.email_subject = subject[:500]
        session.add(message)
        session.flush()  # the message's id, for the outbox row
    row = OutboxMessage(
        ticket_id=ticket.id,  # type: ignore[arg-type]
        message_id=message.id if message else None,
        kind=kind,
        to_addr=to,
        cc_addrs=", ".join(cc) or None,
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


def problem_on_ticket(
    session: Session, desk: Desk, row: OutboxMessage, notice: Notice, field_name: str
) -> None:
    """A system message on the e-mail's ticket (in English, with its code for the console) and a history row."""
    from ..core.services.tickets import touch

    now = desk.now()
    ticket = session.get(Ticket, row.ticket_id)
    if ticket is None:
        return
    text = notice.english()
    session.add(
        Message(
            ticket_id=row.ticket_id,
            kind=MessageKind.SYSTEM.value,
            body=text,
            created_at=now,
            notice_code=notice.code,
            notice_params=notice.dumps(),
        )
    )
    history.record(session, row.ticket_id, SYSTEM, now, field_name, None, row.to_addr, notice)
    touch(desk, ticket, now)
    session.add(ticket)


def record_bounce(session: Session, desk: Desk, row: OutboxMessage, diagnostic: str | Notice) -> None:
    """A delivery-failure report came back for one of our e-mails."""
    row.status = FAILED
    set_error(row, Notice("bounced", {"diagnostic": diagnostic}))
    session.add(row)
    code = "survey_bounced" if row.kind == KIND_SURVEY else "reply_bounced"
    problem_on_ticket(
        session, desk, row, Notice(code, {"to": row.to_addr, "diagnostic": diagnostic}), "mail_bounced"
    )


def set_error(row: OutboxMessage, notice: Notice | None) -> None:
    """The e-mail's last error: English text for the command line, and its code for the console."""
    if notice is None:
        row.last_error = row.error_code = row.error_params = None
        return
    row.last_error = notice.english()[:2000]
    row.error_code, row.error_params = notice.code, notice.dumps()


def retry(desk: Desk, actor: Actor, outbox_id: int) -> OutboxMessage:
    """Send a failed (or waiting) e-mail again from now, with a fresh set of attempts."""
    roles.require(actor, Permission.WORK_TICKETS, "Sending an e-mail again")
    with desk.store.write() as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None:
            raise NotFound(f"Outbox e-mail #{outbox_id} does not exist.")
        if row.status == SENT:
            raise ValidationError(
                f"Outbox e-mail #{outbox_id} was already sent at {row.sent_at:%Y-%m-%d %H:%M} UTC."
            )
        now = desk.now()
        row.status = QUEUED
        row.attempts = 0
        row.next_attempt_at = now
        session.add(row)
        history.record(session, row.ticket_id, actor, now, "mail_retry", None, row.to_addr)
        return row


def outbox_rows(
    desk: Desk, *, status: str | None = None, ticket_id: int | None = None, limit: int = 100
) -> list[OutboxMessage]:
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
    "build_mime",
    "enqueue_reply",
    "enqueue_survey",
    "identity",
    "outbox_rows",
    "problem_on_ticket",
    "publish_identity",
    "record_bounce",
    "reply_cc",
    "reply_recipients",
    "reply_subject",
    "reply_target",
    "retry",
    "set_error",
]
