"""Which ticket an e-mail continues: what the batch's messages name (seen keys, stored messages,
our own e-mails) read at once, the customers this fetch has met, and the threading rules
(In-Reply-To / References first, then ``[#N]`` in the subject from the ticket's own customer)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from email.utils import getaddresses

from sqlmodel import Session, col, select

from ..core import mail_ids as ids
from ..core.enums import ContactKind, LinkKind, Status
from ..core.errors import BokdeskError
from ..core.models import MailSeen, Message, OutboxMessage, Ticket
from ..core.services.customers import find_by_contact, normalize_email
from ..core.services.outbox import KIND_SURVEY
from .email_parse import ParsedEmail
from .mail_prepare import FILED, IngestResult, Outcome, Prepared
from .mailconfig import MailConfig

MAX_CANDIDATE_IDS = 60


class MailLookup:
    """What filing a batch asks the database about its messages, read in a few queries at the
    start of the batch's transaction (which holds the write lock, so nobody else changes it) and
    kept current as the batch files its messages."""

    def __init__(self, session: Session, prepared: Sequence[Prepared]) -> None:
        keys = {p.key for p in prepared}
        wanted = keys | {c for p in prepared if p.parsed is not None for c in candidates(p.parsed)}
        self.seen: dict[str, tuple[str, int | None]] = {}
        self.stored: dict[str, int] = {}
        self.outbox: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(sorted(keys)):
            for key, outcome, ticket_id in session.exec(
                select(MailSeen.message_id, MailSeen.outcome, MailSeen.ticket_id).where(
                    col(MailSeen.message_id).in_(chunk)
                )
            ).all():
                self.seen[key] = (outcome, ticket_id)
        for chunk in _chunks(sorted(wanted)):
            for stored_key, ticket_id in session.exec(
                select(Message.email_message_id, Message.ticket_id).where(
                    col(Message.email_message_id).in_(chunk)
                )
            ).all():
                if stored_key is not None:  # always: the look-up is by key
                    self.stored[stored_key] = ticket_id
            for key, ticket_id, kind in session.exec(
                select(OutboxMessage.email_message_id, OutboxMessage.ticket_id, OutboxMessage.kind).where(
                    col(OutboxMessage.email_message_id).in_(chunk)
                )
            ).all():
                self.outbox[key] = (ticket_id, kind)

    def filed(self, result: IngestResult) -> None:
        if result.outcome is Outcome.DUPLICATE:
            return
        label = (
            f"{result.outcome.value}:{result.detail}"
            if result.outcome is Outcome.IGNORED
            else result.outcome.value
        )
        self.seen[result.key] = (label, result.ticket_id)
        if result.outcome in FILED and result.ticket_id is not None:
            self.stored[result.key] = result.ticket_id


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class KnownCustomers:
    """The customers this fetch has met, by normalized address. What one message adds is forgotten
    again when its savepoint rolls back (``begin``, ``roll_back``)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._added: list[str] = []

    def begin(self) -> None:
        self._added = []

    def roll_back(self) -> None:
        for key in self._added:
            self._ids.pop(key, None)

    def clear(self) -> None:
        self._ids.clear()

    def get(self, normalized: str) -> int | None:
        return self._ids.get(normalized)

    def drop(self, normalized: str) -> None:
        self._ids.pop(normalized, None)

    def remember(self, normalized: str, customer_id: int) -> int:
        self._ids[normalized] = customer_id
        self._added.append(normalized)
        return customer_id

    def of_address(self, session: Session, addr: str) -> int | None:
        """The customer owning an address (found ones are remembered for this fetch)."""
        try:
            normalized = normalize_email(addr)
        except BokdeskError:
            return None
        known = self._ids.get(normalized)
        if known is None:
            customer = find_by_contact(session, ContactKind.EMAIL, normalized)
            if customer is not None and customer.id is not None:
                known = self.remember(normalized, customer.id)
        return known


def customer_address(cfg: MailConfig, parsed: ParsedEmail) -> tuple[str, str]:
    """Who the customer is: the Reply-To address when set (web forms), else From."""
    reply_to = parsed.reply_to_addr
    own = cfg.from_address
    if (
        cfg.customer_from_reply_to
        and reply_to
        and reply_to != parsed.from_addr
        and reply_to != own
        and "@" in reply_to
    ):
        return parsed.from_name, reply_to
    return parsed.from_name, parsed.from_addr


def thread_of(
    session: Session, parsed: ParsedEmail, lookup: MailLookup, cfg: MailConfig, customers: KnownCustomers
) -> tuple[Ticket | None, str, bool]:
    """The ticket this message continues, how it was found, and whether it answers a survey."""
    found = candidates(parsed)
    if found:
        # Only ids the desk stored (a message on a ticket) or really sent (the outbox's rows)
        # count: an id merely shaped like ours (``bokdesk.745.x@our-domain``) is a guess.
        by_message, by_outbox = lookup.stored, lookup.outbox
        for candidate in found:
            ticket, survey = None, False
            if candidate in by_outbox:
                ticket_id, kind = by_outbox[candidate]
                ticket, survey = follow_merges(session, ticket_id), kind == KIND_SURVEY
            if ticket is None and candidate in by_message:
                ticket = follow_merges(session, by_message[candidate])
            if ticket is not None:
                if not _sender_on_ticket(session, ticket, parsed, cfg, customers):
                    return None, "", False  # a stranger opens a ticket of their own
                return ticket, "in-reply-to", survey
    if parsed.ticket_number is not None:
        ticket = follow_merges(session, parsed.ticket_number)
        if ticket is not None and _sender_is_customer(session, ticket, parsed, cfg, customers):
            survey = (
                ticket.status in (Status.SOLVED.value, Status.CLOSED.value)
                and session.exec(
                    select(OutboxMessage.id).where(
                        OutboxMessage.ticket_id == ticket.id, OutboxMessage.kind == KIND_SURVEY
                    )
                ).first()
                is not None
            )
            return ticket, "subject", survey
    return None, "", False


def _sender_is_customer(
    session: Session, ticket: Ticket, parsed: ParsedEmail, cfg: MailConfig, customers: KnownCustomers
) -> bool:
    """``[#N]`` is honoured only from the ticket's own customer: a guessed number from a
    stranger must not put their text (and our next reply) on someone else's ticket."""
    return any(
        customers.of_address(session, addr) == ticket.customer_id
        for addr in {parsed.from_addr, customer_address(cfg, parsed)[1]}
    )


MAX_PARTICIPANT_ROWS = 500


def _sender_on_ticket(
    session: Session, ticket: Ticket, parsed: ParsedEmail, cfg: MailConfig, customers: KnownCustomers
) -> bool:
    """A reply by its ids joins the ticket only when every sender address (From, and the
    Reply-To taken as the customer) is the ticket's customer or already on the thread (in a
    From, To or Cc of its messages): anyone else would be copied on the agent's next reply."""
    senders = {a.strip().lower() for a in (parsed.from_addr, customer_address(cfg, parsed)[1]) if a}
    if not senders:
        return False
    pending = {a for a in senders if customers.of_address(session, a) != ticket.customer_id}
    if not pending:
        return True
    rows = session.exec(
        select(Message.email_from, Message.email_to, Message.email_cc)
        .where(Message.ticket_id == ticket.id)
        .order_by(col(Message.id).desc())
        .limit(MAX_PARTICIPANT_ROWS)
    ).all()
    on_thread = {
        addr.strip().lower()
        for _name, addr in getaddresses([value for row in rows for value in row if value])
    }
    return pending <= on_thread


def candidates(parsed: ParsedEmail) -> list[str]:
    raw = [*parsed.in_reply_to, *reversed(parsed.references)]
    keys = (ids.normalize(r) for r in raw)
    return list(dict.fromkeys(k for k in keys if k))[:MAX_CANDIDATE_IDS]


def follow_merges(session: Session, ticket_id: int) -> Ticket | None:
    """The ticket itself, or the one it was merged into (following a chain of merges)."""
    ticket = session.get(Ticket, ticket_id)
    for _ in range(20):
        if ticket is None or ticket.link_kind != LinkKind.MERGED.value or ticket.parent_id is None:
            return ticket
        ticket = session.get(Ticket, ticket.parent_id)
    return ticket
