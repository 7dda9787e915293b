"""The outbox's queue: a public reply (or a survey) is recorded as an e-mail waiting to be sent.

A reply is queued **in the same transaction** that stores it (``enqueue_reply``, called by
``tickets.reply``), so a reply is never saved without its e-mail or the other way round. The
message is built completely at that moment (From, To, Reply-To, Subject with ``[#N]``,
Message-ID, In-Reply-To / References from the thread) and its Message-ID is stored on the reply,
so the customer's answer threads back to the ticket. Nothing here talks to a mail server: the
e-mail channel (``channels.sender``) sends what waits here.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import getaddresses, parseaddr
from typing import Protocol

from sqlmodel import Session, col, select

from .. import mail_ids as ids
from .. import subjects
from ..desk import Desk
from ..enums import ContactKind, MessageKind
from ..mime import build_mime
from ..models import Customer, CustomerContact, Message, OutboxMessage, Setting, Ticket

KIND_REPLY = "reply"
KIND_SURVEY = "survey"
QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
MAX_REFERENCES = 10
SETTING_FROM = "mail.from"
SETTING_REPLY_TO = "mail.reply_to"
SETTING_ADDRESSES = "mail.addresses"
SETTING_TEAM = "mail.team"
MAX_CC = 20


class MailIdentity(Protocol):
    """What a mail configuration says of the desk's addresses (``channels.mailconfig.MailConfig``)."""

    @property
    def from_addr(self) -> str | None: ...
    @property
    def reply_to(self) -> str | None: ...
    @property
    def addresses(self) -> tuple[str, ...]: ...


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


def identity(session: Session, cfg: MailIdentity | None = None) -> Identity:
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
    session: Session, ticket: Ticket, cfg: MailIdentity | None = None
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
        (m for m in session.exec(query).all() if m.id != exclude and ids.for_header(m.email_message_id)),
        None,
    )
    refs: list[str] = []
    if ticket.email_thread_id and ids.for_header(ticket.email_thread_id):
        refs.append(ticket.email_thread_id)
    if parent is None:
        return None, refs
    for ref in (parent.email_references or "").split():
        ref = ref.strip("<>")
        if ref and ref not in refs and ids.for_header(ref):
            refs.append(ref)
    if parent.email_message_id is not None and parent.email_message_id not in refs:
        refs.append(parent.email_message_id)
    if len(refs) > MAX_REFERENCES:
        refs = [refs[0], *refs[-(MAX_REFERENCES - 1) :]]
    return parent.email_message_id, refs  # both checked by ids.for_header


def enqueue_reply(
    session: Session, desk: Desk, ticket: Ticket, message: Message, cfg: MailIdentity | None = None
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
    session: Session, desk: Desk, ticket: Ticket, subject: str, body: str, cfg: MailIdentity | None = None
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
    cfg: MailIdentity | None,
) -> OutboxMessage:
    now = desk.now()
    ident = identity(session, cfg)
    ticket_id = ticket.id
    assert ticket_id is not None  # a stored ticket
    message_id = ids.new_id(ticket_id, ids.domain_of(ident.from_address), kind if kind != KIND_REPLY else "")
    in_reply_to, refs = _thread_headers(session, ticket, message.id if message else None)
    cc = reply_cc(session, ticket, to, ident) if kind == KIND_REPLY else []
    raw = build_mime(
        ident=ident,
        to=to,
        subject=subject,
        body=body,
        message_id=message_id,
        ticket_id=ticket_id,
        at=now,
        in_reply_to=in_reply_to,
        references=refs,
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
        ticket_id=ticket_id,
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


__all__ = [
    "FAILED",
    "KIND_REPLY",
    "KIND_SURVEY",
    "QUEUED",
    "SENDING",
    "SENT",
    "SETTING_ADDRESSES",
    "SETTING_FROM",
    "SETTING_REPLY_TO",
    "SETTING_TEAM",
    "Identity",
    "MailIdentity",
    "enqueue_reply",
    "enqueue_survey",
    "identity",
    "reply_cc",
    "reply_recipients",
    "reply_subject",
    "reply_target",
]
