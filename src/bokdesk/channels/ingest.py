"""Inbound e-mail: every fetched message lands on a ticket, in quarantine, or recorded as ignored.

The mailbox readers (``maildir.py``, ``imap.py``) hand over batches of raw messages. For each
batch:

1. every message is parsed *outside* the database lock (parsing is the slow, CPU-bound part);
2. one write transaction (``BEGIN IMMEDIATE``) files the whole batch, each message inside its own
   SAVEPOINT: a message that fails for any reason of its own is rolled back alone and kept raw in
   ``mailquarantine`` with the reason, and the next message goes on;
3. the same transaction records each message's key in ``mailseen`` and, for IMAP, moves the
   folder's cursor; only after the commit does the reader touch the mailbox (Maildir: move to
   ``cur/`` with the ``S`` flag; IMAP: optionally ``\\Seen``).

A crash at any point leaves either nothing committed (the batch is read again) or everything
committed and recorded in ``mailseen`` (the re-read is recognised and skipped), so no message is
lost or filed twice.

Routing of one message, in order: already seen → duplicate; unparseable → quarantine; sent by
the desk itself → ignored; bounce → ignored (and, when it is about one of our e-mails, the
failure is shown on that ticket); auto-reply / out-of-office / list traffic → ignored; a reply
to our NPS survey that starts with a number 0-10 → survey answer; In-Reply-To / References
naming a stored message → that ticket; ``[#N]`` in the subject from the ticket's customer →
ticket N; otherwise a new ticket.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import insert, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from ..core import mail_ids as ids
from ..core.desk import SYSTEM, Desk
from ..core.enums import Channel, ContactKind, LinkKind, Status, SurveySource
from ..core.errors import BokdeskError, NotFound
from ..core.models import (
    Attachment,
    MailCursor,
    MailQuarantine,
    MailSeen,
    Message,
    OutboxMessage,
    Team,
    Ticket,
)
from ..core.notices import Notice, verbatim
from ..core.services import surveys as survey_service
from ..core.services.customers import CustomerSpec, find_by_contact, normalize_email, resolve_customer
from ..core.services.outbox import KIND_SURVEY
from ..core.services.tickets import NewTicket, add_customer_message, create_ticket
from .email_parse import (
    Classification,
    EmailParseError,
    ParsedEmail,
    parse_email,
    safe_filename,
    split_quoted,
)
from .mailconfig import MailConfig
from .outbox import record_bounce
from .surveys import parse_nps

NO_TEXT = "(no text)"
IGNORED_REASON = "Ignored:"
MAX_REASON = 2000
MAX_CANDIDATE_IDS = 60
_ACTION_DELAYED = re.compile(rb"^Action:\s*delayed", re.I | re.M)
_ACTION_FAILED = re.compile(rb"^Action:\s*failed", re.I | re.M)
_DIAGNOSTIC = re.compile(rb"^Diagnostic-Code:[ \t]*([^\r\n]{1,300})", re.I | re.M)
_STATUS = re.compile(rb"^Status:[ \t]*([^\r\n]{1,300})", re.I | re.M)


class Outcome(StrEnum):
    NEW_TICKET = "ticket"
    THREADED = "threaded"
    FOLLOW_UP = "follow_up"
    SURVEY = "survey"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


FILED = (Outcome.NEW_TICKET, Outcome.THREADED, Outcome.FOLLOW_UP)


@dataclass(frozen=True)
class RawMail:
    """One message as fetched; ``size`` is its full size when ``raw`` holds only the headers."""

    raw: bytes
    source: str
    size: int | None = None

    @property
    def truncated(self) -> bool:
        return self.size is not None and self.size > len(self.raw)


@dataclass(frozen=True)
class IngestResult:
    """What became of one message."""

    source: str
    outcome: Outcome
    key: str
    ticket_id: int | None = None
    detail: str = ""
    notice: Notice | None = None  # a quarantined message's reason, for the console


@dataclass(frozen=True)
class CursorUpdate:
    """Where an IMAP folder's reading stands once this batch is committed."""

    source: str
    uidvalidity: int
    last_uid: int


@dataclass
class _Prepared:
    item: RawMail
    parsed: ParsedEmail | None
    error: Notice | None
    key: str
    note: Notice | None = None  # replaces the body of an over-large message
    quarantine_id: int | None = None  # set when releasing from quarantine
    as_customer_message: bool = False  # releasing an ignored message: file it as a normal one
    kept_reason: Notice | None = None  # set when an ignored message is to be kept (see _keep_ignored)


def prepare(item: RawMail, max_message_bytes: int, max_attachment_bytes: int) -> _Prepared:
    """Parse one message and work out its key (no database: runs anywhere, even in a worker)."""
    limit = max_message_bytes
    if item.truncated or len(item.raw) > limit:
        # Too large to import: the headers still say who wrote and about what, so the
        # message is filed like any other, with a note where the original is.
        size = item.size if item.size is not None else len(item.raw)
        headers = re.split(rb"\r?\n\r?\n", item.raw, maxsplit=1)[0]
        kept = RawMail(headers + b"\r\n\r\n", item.source, size)
        parsed = _try_parse(kept.raw, max_attachment_bytes)
        note = Notice(
            "mail_too_large",
            {"size_mb": f"{size / 1e6:.1f}", "limit_mb": f"{limit / 1e6:.1f}", "source": item.source},
        )
        if parsed is None:
            return _Prepared(
                kept, None, Notice("too_large_unreadable", {"size": f"{size:,}"}), ids.digest(kept.raw)
            )
        return _Prepared(kept, parsed, None, _key(parsed, kept.raw), note)
    try:
        parsed = parse_email(item.raw, max_attachment_bytes=max_attachment_bytes)
    except EmailParseError as exc:
        return _Prepared(item, None, Notice("unreadable", {"error": exc.notice}), ids.digest(item.raw))
    return _Prepared(item, parsed, None, _key(parsed, item.raw))


def prepare_many(
    items: Sequence[RawMail], max_message_bytes: int, max_attachment_bytes: int
) -> list[_Prepared]:
    return [prepare(item, max_message_bytes, max_attachment_bytes) for item in items]


class Ingestor:
    """Files batches of raw messages into the desk (see the module docstring)."""

    def __init__(self, desk: Desk, cfg: MailConfig) -> None:
        self.desk = desk
        self.cfg = cfg
        self._team_id: int | None = None
        self._team_checked = False
        self._customer_ids: dict[str, int] = {}
        self._remembered: list[str] = []
        self.warnings: list[str] = []

    # --- preparing (no database) -------------------------------------------------------------

    def prepare(self, item: RawMail) -> _Prepared:
        return prepare(item, self.cfg.max_message_bytes, self.cfg.max_attachment_bytes)

    # --- filing (one transaction per batch) ------------------------------------------------------

    def ingest(self, items: Sequence[RawMail], *, cursor: CursorUpdate | None = None) -> list[IngestResult]:
        """File a batch in one transaction; every item gets a result, in order."""
        prepared = [self.prepare(item) for item in items]
        return self.file(prepared, cursor=cursor)

    def limits(self) -> tuple[int, int]:
        return self.cfg.max_message_bytes, self.cfg.max_attachment_bytes

    def file(
        self, prepared: Sequence[_Prepared], *, cursor: CursorUpdate | None = None, force: bool = False
    ) -> list[IngestResult]:
        results: list[IngestResult] = []
        seen_rows: list[dict[str, object]] = []
        kept_rows: list[dict[str, object]] = []
        with self.desk.store.batch() as session:
            if self.desk.store.is_sqlite:
                # a bigger page cache for this connection: a long import touches many index pages
                session.execute(text("PRAGMA cache_size = -65536"))
            # No autoflush: every message is flushed (and expunged) when it is filed, and the
            # services flush where they need an id; a query no longer flushes half a message first
            # (7 % less CPU on the 10k bench, measured in pairs).
            session.autoflush = False
            lookup = _Lookup(session, prepared)
            for p in prepared:
                p.kept_reason = None
                result = self._file_one(session, p, lookup, force=force)
                lookup.filed(result)
                now = self.desk.now()
                if result.outcome is not Outcome.DUPLICATE:
                    seen_rows.append(
                        dict(
                            message_id=result.key,
                            outcome=_seen_label(result),
                            ticket_id=result.ticket_id,
                            seen_at=now,
                        )
                    )
                if p.kept_reason is not None:
                    kept_rows.append(
                        dict(
                            source=p.item.source[:500],
                            raw=p.item.raw,
                            reason=p.kept_reason.english()[:MAX_REASON],
                            received_at=now,
                            resolved=True,
                            reason_code=p.kept_reason.code,
                            reason_params=p.kept_reason.dumps(),
                        )
                    )
                if p.quarantine_id is not None and result.outcome is not Outcome.QUARANTINED:
                    row = session.get(MailQuarantine, p.quarantine_id)
                    if row is not None:
                        row.resolved = True
                        session.add(row)
                results.append(result)
                # Keep the session small: every row of this message is written; holding thousands
                # of objects makes each later autoflush scan them all.
                session.flush()
                session.expunge_all()
            # What became of each message, written once for the batch (one statement each)
            if seen_rows:
                session.execute(insert(MailSeen), seen_rows)
            if kept_rows:
                session.execute(insert(MailQuarantine), kept_rows)
            if cursor is not None:
                _store_cursor(session, cursor, self.desk)
        return results

    def _file_one(
        self, session: Session, p: _Prepared, lookup: _Lookup, *, force: bool = False
    ) -> IngestResult:
        self._remembered = []
        try:
            with session.begin_nested():
                return self._route(session, p, lookup, force=force)
        except OperationalError:
            self._customer_ids.clear()
            raise  # the database itself failed: abort the batch, nothing is marked done
        except Exception as exc:  # noqa: BLE001 - the message's own problem: keep it raw
            for key in self._remembered:
                self._customer_ids.pop(key, None)
            reason = exc.notice if isinstance(exc, BokdeskError) else verbatim(f"{type(exc).__name__}: {exc}")
            with session.begin_nested():
                return self._quarantine(session, p, Notice("not_filed", {"error": reason}))

    def _route(self, session: Session, p: _Prepared, lookup: _Lookup, *, force: bool) -> IngestResult:
        now = self.desk.now()
        seen = lookup.seen.get(p.key)
        if seen is not None and not force:
            if seen[0] in FILED and p.parsed is not None and self._differs(session, p):
                # A reused Message-ID on a different message: file it under a key of its own.
                p.key = ids.normalize(f"{p.key}#{ids.digest(p.item.raw)[7:23]}") or p.key
                seen = lookup.seen.get(p.key)
                if seen is None:
                    row = session.get(MailSeen, p.key)
                    seen = (row.outcome, row.ticket_id) if row is not None else None
            if seen is not None:
                return IngestResult(p.item.source, Outcome.DUPLICATE, p.key, seen[1], seen[0])
        if seen is not None:  # forced (releasing from quarantine): forget the earlier outcome
            row = session.get(MailSeen, p.key)
            if row is not None:
                session.delete(row)
                session.flush()
        if p.error is not None or p.parsed is None:
            return self._quarantine(session, p, p.error or Notice("unreadable_plain"))
        parsed = p.parsed
        if p.key in lookup.stored:
            return self._seen(session, p, Outcome.DUPLICATE, lookup.stored[p.key], "already on the ticket")
        if not p.as_customer_message:
            if self._is_own(parsed, p.key, lookup):
                return self._seen(session, p, Outcome.IGNORED, None, "own")
            if parsed.classification is Classification.BOUNCE:
                ticket_id = self._bounce(session, p)
                self._keep_ignored(p, Notice("what_bounce"))
                return self._seen(session, p, Outcome.IGNORED, ticket_id, "bounce")
        ticket, via, survey = self._thread(session, parsed, lookup)
        if parsed.classification is not Classification.NORMAL and not p.as_customer_message:
            what = {
                Classification.AUTO_REPLY: Notice("what_auto_reply"),
                Classification.LIST: Notice("what_list"),
            }.get(parsed.classification)
            self._keep_ignored(p, what or verbatim(parsed.classification.value))
            return self._seen(
                session, p, Outcome.IGNORED, ticket.id if ticket else None, parsed.classification.value
            )
        if ticket is not None and survey:
            score = parse_nps(split_quoted(parsed.text)[0])
            if score is not None:
                nps, comment = score
                survey_service.record(
                    self.desk,
                    SYSTEM,
                    ticket.id,  # type: ignore[arg-type]
                    nps=nps,
                    comment=comment or None,
                    answered_at=now,
                    source=SurveySource.EMAIL.value,
                    external_id=_external_id(p.key),
                )
                return self._seen(session, p, Outcome.SURVEY, ticket.id, f"NPS {nps}")
        if ticket is not None:
            return self._add_to_ticket(session, p, ticket, via)
        return self._new_ticket(session, p)

    # --- the outcomes --------------------------------------------------------------------------

    def _new_ticket(self, session: Session, p: _Prepared) -> IngestResult:
        parsed = p.parsed
        assert parsed is not None
        name, addr = self._customer_address(parsed)
        subject = parsed.subject.strip()  # may be empty: said at display (core/subjects.py)
        try:
            normalized: str | None = normalize_email(addr)
        except BokdeskError:
            normalized = None  # create_ticket says what is wrong with it
        known = self._customer_ids.get(normalized) if normalized else None
        # A customer this fetch has already met is named by id: no look-up by address, no contact check.
        spec = (
            CustomerSpec(customer_id=known)
            if known is not None
            else CustomerSpec(name=name or None, email=addr)
        )
        try:
            ticket = self._create(session, p, parsed, subject, spec)
        except NotFound:
            if known is None:
                raise
            self._customer_ids.pop(normalized, None)  # type: ignore[arg-type]  # merged away meanwhile
            ticket = self._create(session, p, parsed, subject, CustomerSpec(name=name or None, email=addr))
        if normalized and known is None:
            self._remember(normalized, ticket.customer_id)
        notice = _body_notice(parsed, p.note)
        if parsed.attachments or parsed.cc_addrs or notice is not None:
            message = session.exec(select(Message).where(Message.email_message_id == p.key)).one()
            message.email_cc = _cc(parsed)
            _set_notice(message, notice)
            session.add(message)
            self._attach(session, message, parsed)
        return self._seen(session, p, Outcome.NEW_TICKET, ticket.id, "")

    def _create(
        self, session: Session, p: _Prepared, parsed: ParsedEmail, subject: str, customer: CustomerSpec
    ) -> Ticket:
        return create_ticket(
            self.desk,
            SYSTEM,
            NewTicket(
                subject=subject,
                customer=customer,
                channel=Channel.EMAIL.value,
                body=_body(parsed, p.note),
                team_id=self._team(session),
                email_message_id=p.key,
                email_from=_from_header(parsed)[:320],
                email_subject=subject[:500],
                email_in_reply_to=_in_reply_to(parsed),
                email_references=_references(parsed),
                email_to=_to(parsed),
                email_thread_id=next((r for r in (ids.normalize(x) for x in parsed.references) if r), p.key),
            ),
        )

    def _add_to_ticket(self, session: Session, p: _Prepared, ticket: Ticket, via: str) -> IngestResult:
        parsed = p.parsed
        assert parsed is not None
        result = add_customer_message(
            self.desk,
            SYSTEM,
            ticket.id,  # type: ignore[arg-type]
            _body(parsed, p.note),
            email_message_id=p.key,
            email_in_reply_to=_in_reply_to(parsed),
            email_references=_references(parsed),
            email_from=_from_header(parsed)[:320],
            email_subject=(parsed.subject or "")[:500],
            email_to=_to(parsed),
        )
        message = result.message
        notice = _body_notice(parsed, p.note)
        if parsed.cc_addrs or notice is not None:
            message.email_cc = _cc(parsed)
            _set_notice(message, notice)
            session.add(message)
        _, addr = self._customer_address(parsed)
        if self._customer_id(session, addr) != result.ticket.customer_id:
            # Someone else in the thread (a colleague in Cc): credit them, not the ticket's customer.
            other = resolve_customer(
                session, self.desk, CustomerSpec(name=self._customer_address(parsed)[0] or None, email=addr)
            )
            message.author_customer_id = other.id
            session.add(message)
            self._remember(normalize_email(addr), other.id)  # type: ignore[arg-type]
        self._attach(session, message, parsed)
        outcome = Outcome.FOLLOW_UP if result.follow_up_of is not None else Outcome.THREADED
        detail = f"follow-up of #{result.follow_up_of}" if result.follow_up_of else via
        return self._seen(session, p, outcome, result.ticket.id, detail)

    @staticmethod
    def _attach(session: Session, message: Message, parsed: ParsedEmail) -> None:
        if parsed.attachments and message.id is None:
            session.flush()
        for n, att in enumerate(parsed.attachments, 1):
            session.add(
                Attachment(
                    message_id=message.id,  # type: ignore[arg-type]
                    filename=clean_filename(att.filename, n),
                    content_type=(att.content_type or "application/octet-stream")[:120],
                    size=att.size,
                    data=None if att.too_large else att.data,
                )
            )

    def _quarantine(self, session: Session, p: _Prepared, notice: Notice) -> IngestResult:
        now = self.desk.now()
        reason = notice.english()
        row = session.get(MailQuarantine, p.quarantine_id) if p.quarantine_id is not None else None
        if row is None:
            row = MailQuarantine(
                source=p.item.source[:500], raw=p.item.raw, reason=reason[:MAX_REASON], received_at=now
            )
        else:  # a release that failed again: the same entry, with the new reason
            row.reason = reason[:MAX_REASON]
            row.resolved = False
        row.reason_code, row.reason_params = notice.code, notice.dumps()
        session.add(row)
        session.flush()
        return IngestResult(p.item.source, Outcome.QUARANTINED, p.key, None, f"#{row.id}: {reason}", notice)

    def _keep_ignored(self, p: _Prepared, what: Notice) -> None:
        """Keep an ignored message where an admin can find it (``quarantine list --all``) and file
        it after all if it was a customer's after all; it needs no one's attention. Written with
        the batch, once this message's filing succeeded."""
        if p.quarantine_id is not None:
            return  # a release that is still ignored: the entry is already there
        p.kept_reason = Notice("ignored", {"what": what})  # its English starts with IGNORED_REASON

    def _seen(
        self, session: Session, p: _Prepared, outcome: Outcome, ticket_id: int | None, detail: str
    ) -> IngestResult:
        return IngestResult(p.item.source, outcome, p.key, ticket_id, detail)

    # --- decisions ---------------------------------------------------------------------------------

    def _customer_address(self, parsed: ParsedEmail) -> tuple[str, str]:
        """Who the customer is: the Reply-To address when set (web forms), else From."""
        reply_to = parsed.reply_to_addr
        own = self.cfg.from_address
        if (
            self.cfg.customer_from_reply_to
            and reply_to
            and reply_to != parsed.from_addr
            and reply_to != own
            and "@" in reply_to
        ):
            return parsed.from_name, reply_to
        return parsed.from_name, parsed.from_addr

    def _is_own(self, parsed: ParsedEmail, key: str, lookup: _Lookup) -> bool:
        own = self.cfg.from_address
        return bool(own and parsed.from_addr == own) or key in lookup.outbox

    def _thread(
        self, session: Session, parsed: ParsedEmail, lookup: _Lookup
    ) -> tuple[Ticket | None, str, bool]:
        """The ticket this message continues, how it was found, and whether it answers a survey."""
        candidates = _candidates(parsed)
        if candidates:
            by_message, by_outbox = lookup.stored, lookup.outbox
            for candidate in candidates:
                if candidate in by_outbox:
                    ticket_id, kind = by_outbox[candidate]
                    ticket = _follow_merges(session, ticket_id)
                    if ticket is not None:
                        return ticket, "in-reply-to", kind == KIND_SURVEY
                if candidate in by_message:
                    ticket = _follow_merges(session, by_message[candidate])
                    if ticket is not None:
                        return ticket, "in-reply-to", False
            for candidate in candidates:
                number = ids.ticket_of_our_id(candidate)
                if number is not None and ids.domain_of(candidate) == self._domain(session):
                    ticket = _follow_merges(session, number)
                    if ticket is not None:
                        return (
                            ticket,
                            "in-reply-to",
                            candidate.endswith(f".{KIND_SURVEY}@{ids.domain_of(candidate)}"),
                        )
        if parsed.ticket_number is not None:
            ticket = _follow_merges(session, parsed.ticket_number)
            if ticket is not None and self._sender_is_customer(session, ticket, parsed):
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

    def _domain(self, session: Session) -> str:
        from ..core.services.outbox import identity

        return ids.domain_of(identity(session, self.cfg).from_address)

    def _sender_is_customer(self, session: Session, ticket: Ticket, parsed: ParsedEmail) -> bool:
        """``[#N]`` is honoured only from the ticket's own customer: a guessed number from a
        stranger must not put their text (and our next reply) on someone else's ticket."""
        return any(
            self._customer_id(session, addr) == ticket.customer_id
            for addr in {parsed.from_addr, self._customer_address(parsed)[1]}
        )

    def _customer_id(self, session: Session, addr: str) -> int | None:
        """The customer owning an address (found ones are remembered for this fetch)."""
        try:
            normalized = normalize_email(addr)
        except BokdeskError:
            return None
        known = self._customer_ids.get(normalized)
        if known is None:
            customer = find_by_contact(session, ContactKind.EMAIL, normalized)
            if customer is not None:
                known = self._remember(normalized, customer.id)  # type: ignore[arg-type]
        return known

    def _remember(self, normalized: str, customer_id: int) -> int:
        self._customer_ids[normalized] = customer_id
        self._remembered.append(normalized)  # forgotten again if this message's savepoint rolls back
        return customer_id

    def _differs(self, session: Session, p: _Prepared) -> bool:
        assert p.parsed is not None
        stored = session.exec(select(Message.body).where(Message.email_message_id == p.key)).first()
        return (
            stored is not None
            and stored.strip() != _body(p.parsed, p.note).replace("\r\n", "\n").replace("\x00", "").strip()
        )

    def _bounce(self, session: Session, p: _Prepared) -> int | None:
        """Show a failed delivery of one of our e-mails on its ticket; the DSN opens nothing."""
        raw = p.item.raw
        if _ACTION_DELAYED.search(raw) and not _ACTION_FAILED.search(raw):
            return None  # "still trying" is not a failure
        for message_id in ids.our_ids_in(raw):
            row = session.exec(
                select(OutboxMessage).where(OutboxMessage.email_message_id == message_id)
            ).first()
            if row is not None:
                m = _DIAGNOSTIC.search(raw) or _STATUS.search(raw)
                diagnostic = (
                    m.group(1).decode("utf-8", "replace").strip()
                    if m
                    else (p.parsed.subject if p.parsed else "")
                )
                record_bounce(session, self.desk, row, diagnostic or Notice("returned"))
                return row.ticket_id
        return None

    def _team(self, session: Session) -> int | None:
        if not self._team_checked:
            self._team_checked = True
            if self.cfg.team:
                team = session.exec(select(Team).where(Team.name == self.cfg.team)).first()
                self._team_id = team.id if team else None
                if team is None:
                    self.warnings.append(
                        f"[mail] team {self.cfg.team!r} does not exist; new tickets have no team"
                    )
        return self._team_id


# --- helpers ---------------------------------------------------------------------------------------


class _Lookup:
    """What filing a batch asks the database about its messages, read in a few queries at the
    start of the batch's transaction (which holds the write lock, so nobody else changes it) and
    kept current as the batch files its messages."""

    def __init__(self, session: Session, prepared: Sequence[_Prepared]) -> None:
        keys = {p.key for p in prepared}
        wanted = keys | {c for p in prepared if p.parsed is not None for c in _candidates(p.parsed)}
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
            for key, ticket_id in session.exec(
                select(Message.email_message_id, Message.ticket_id).where(
                    col(Message.email_message_id).in_(chunk)
                )
            ).all():
                self.stored[key] = ticket_id  # type: ignore[index]
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


def _seen_label(result: IngestResult) -> str:
    if result.outcome is Outcome.IGNORED and result.detail:
        return f"{result.outcome.value}:{result.detail}"[:20]
    return result.outcome.value


def _try_parse(raw: bytes, max_attachment_bytes: int) -> ParsedEmail | None:
    try:
        return parse_email(raw, max_attachment_bytes=max_attachment_bytes)
    except EmailParseError:
        return None


def _key(parsed: ParsedEmail | None, raw: bytes) -> str:
    key = ids.normalize(parsed.message_id) if parsed is not None else None
    return key or ids.digest(raw)


def _external_id(key: str) -> str:
    value = f"email:{key}"
    return value if len(value) <= 120 else ids.digest(key.encode())[:120]


def _body(parsed: ParsedEmail, note: Notice | None = None) -> str:
    if note:
        return note.english()
    return parsed.text if parsed.text.strip() else NO_TEXT


def _body_notice(parsed: ParsedEmail, note: Notice | None) -> Notice | None:
    """The code of a body the channel wrote in place of the customer's text (None: their own text)."""
    if note is not None:
        return note
    return None if parsed.text.strip() else Notice("mail_no_text")


def _set_notice(message: Message, notice: Notice | None) -> None:
    if notice is not None:
        message.notice_code, message.notice_params = notice.code, notice.dumps()


def _in_reply_to(parsed: ParsedEmail) -> str | None:
    return ids.normalize(parsed.in_reply_to[0]) if parsed.in_reply_to else None


def _references(parsed: ParsedEmail) -> str | None:
    return ids.angle([i for i in (ids.normalize(r) for r in parsed.references) if i])[:20_000] or None


def _to(parsed: ParsedEmail) -> str | None:
    return ", ".join(parsed.to_addrs)[:10_000] or None


def _cc(parsed: ParsedEmail) -> str | None:
    return ", ".join(parsed.cc_addrs)[:10_000] or None


def _from_header(parsed: ParsedEmail) -> str:
    name = parsed.from_name.replace('"', "'")[:200]
    return f"{name} <{parsed.from_addr}>" if name and name != parsed.from_addr else parsed.from_addr


def _candidates(parsed: ParsedEmail) -> list[str]:
    raw = [*parsed.in_reply_to, *reversed(parsed.references)]
    keys = (ids.normalize(r) for r in raw)
    return list(dict.fromkeys(k for k in keys if k))[:MAX_CANDIDATE_IDS]


def _follow_merges(session: Session, ticket_id: int) -> Ticket | None:
    """The ticket itself, or the one it was merged into (following a chain of merges)."""
    ticket = session.get(Ticket, ticket_id)
    for _ in range(20):
        if ticket is None or ticket.link_kind != LinkKind.MERGED.value or ticket.parent_id is None:
            return ticket
        ticket = session.get(Ticket, ticket.parent_id)
    return ticket


def clean_filename(name: str, n: int) -> str:
    """The attachment's name as stored (``email_parse.safe_filename``), or ``attachment-N``."""
    return safe_filename(name) or f"attachment-{n}"


def _store_cursor(session: Session, cursor: CursorUpdate, desk: Desk) -> None:
    row = session.get(MailCursor, cursor.source)
    now = desk.now()
    if row is None:
        row = MailCursor(
            source=cursor.source, uidvalidity=cursor.uidvalidity, last_uid=cursor.last_uid, updated_at=now
        )
    else:
        if row.uidvalidity == cursor.uidvalidity and row.last_uid > cursor.last_uid:
            return  # another fetcher got further; never move a cursor backwards
        row.uidvalidity = cursor.uidvalidity
        row.last_uid = cursor.last_uid
        row.updated_at = now
    session.add(row)


def read_cursor(desk: Desk, source: str) -> MailCursor | None:
    with desk.store.read() as session:
        return session.get(MailCursor, source)


__all__ = [
    "FILED",
    "CursorUpdate",
    "IngestResult",
    "Ingestor",
    "Outcome",
    "RawMail",
    "clean_filename",
    "read_cursor",
]
