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

from collections.abc import Sequence

from sqlalchemy import insert, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from ..core import mail_ids as ids
from ..core.desk import SYSTEM, Desk
from ..core.enums import Channel, SurveySource
from ..core.errors import BokdeskError, NotFound
from ..core.models import Attachment, MailCursor, MailQuarantine, MailSeen, Message, Team, Ticket
from ..core.notices import Notice, verbatim
from ..core.services import surveys as survey_service
from ..core.services.customers import CustomerSpec, normalize_email, resolve_customer
from ..core.services.tickets import NewTicket, add_customer_message, create_ticket
from .email_parse import Classification, ParsedEmail, split_quoted
from .mail_bounce import bounced
from .mail_fields import (
    NO_TEXT,
    body_notice,
    body_text,
    cc_header,
    clean_filename,
    external_id,
    from_header,
    in_reply_to_header,
    references_header,
    set_notice,
    to_header,
)
from .mail_prepare import FILED, CursorUpdate, IngestResult, Outcome, Prepared, RawMail, prepare, prepare_many
from .mail_threading import KnownCustomers, MailLookup, customer_address, thread_of
from .mailconfig import MailConfig
from .surveys import parse_nps

IGNORED_REASON = "Ignored:"
MAX_REASON = 2000


class Ingestor:
    """Files batches of raw messages into the desk (see the module docstring)."""

    def __init__(self, desk: Desk, cfg: MailConfig) -> None:
        self.desk = desk
        self.cfg = cfg
        self._team_id: int | None = None
        self._team_checked = False
        self.customers = KnownCustomers()
        self.warnings: list[str] = []

    # --- preparing (no database) -------------------------------------------------------------

    def prepare(self, item: RawMail) -> Prepared:
        return prepare(item, self.cfg.max_message_bytes, self.cfg.max_attachment_bytes)

    # --- filing (one transaction per batch) ------------------------------------------------------

    def ingest(self, items: Sequence[RawMail], *, cursor: CursorUpdate | None = None) -> list[IngestResult]:
        """File a batch in one transaction; every item gets a result, in order."""
        prepared = [self.prepare(item) for item in items]
        return self.file(prepared, cursor=cursor)

    def limits(self) -> tuple[int, int]:
        return self.cfg.max_message_bytes, self.cfg.max_attachment_bytes

    def file(
        self, prepared: Sequence[Prepared], *, cursor: CursorUpdate | None = None, force: bool = False
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
            lookup = MailLookup(session, prepared)
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
        self, session: Session, p: Prepared, lookup: MailLookup, *, force: bool = False
    ) -> IngestResult:
        self.customers.begin()
        try:
            with session.begin_nested():
                return self._route(session, p, lookup, force=force)
        except OperationalError:
            self.customers.clear()
            raise  # the database itself failed: abort the batch, nothing is marked done
        except Exception as exc:  # noqa: BLE001 - the message's own problem: keep it raw
            self.customers.roll_back()
            reason = exc.notice if isinstance(exc, BokdeskError) else verbatim(f"{type(exc).__name__}: {exc}")
            with session.begin_nested():
                return self._quarantine(session, p, Notice("not_filed", {"error": reason}))

    def _route(self, session: Session, p: Prepared, lookup: MailLookup, *, force: bool) -> IngestResult:
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
                ticket_id = bounced(session, self.desk, p)
                self._keep_ignored(p, Notice("what_bounce"))
                return self._seen(session, p, Outcome.IGNORED, ticket_id, "bounce")
        ticket, via, survey = thread_of(session, parsed, lookup, self.cfg, self.customers)
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
                    ticket.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
                    nps=nps,
                    comment=comment or None,
                    answered_at=now,
                    source=SurveySource.EMAIL.value,
                    external_id=external_id(p.key),
                )
                return self._seen(session, p, Outcome.SURVEY, ticket.id, f"NPS {nps}")
        if ticket is not None:
            return self._add_to_ticket(session, p, ticket, via)
        return self._new_ticket(session, p)

    # --- the outcomes --------------------------------------------------------------------------

    def _new_ticket(self, session: Session, p: Prepared) -> IngestResult:
        parsed = p.parsed
        assert parsed is not None
        name, addr = customer_address(self.cfg, parsed)
        subject = parsed.subject.strip()  # may be empty: said at display (core/subjects.py)
        try:
            normalized: str | None = normalize_email(addr)
        except BokdeskError:
            normalized = None  # create_ticket says what is wrong with it
        known = self.customers.get(normalized) if normalized else None
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
            self.customers.drop(normalized)  # type: ignore[arg-type]  # merged away meanwhile
            ticket = self._create(session, p, parsed, subject, CustomerSpec(name=name or None, email=addr))
        if normalized and known is None:
            self.customers.remember(normalized, ticket.customer_id)
        notice = body_notice(parsed, p.note)
        if parsed.attachments or parsed.cc_addrs or notice is not None:
            message = session.exec(select(Message).where(Message.email_message_id == p.key)).one()
            message.email_cc = cc_header(parsed)
            set_notice(message, notice)
            session.add(message)
            self._attach(session, message, parsed)
        return self._seen(session, p, Outcome.NEW_TICKET, ticket.id, "")

    def _create(
        self, session: Session, p: Prepared, parsed: ParsedEmail, subject: str, customer: CustomerSpec
    ) -> Ticket:
        return create_ticket(
            self.desk,
            SYSTEM,
            NewTicket(
                subject=subject,
                customer=customer,
                channel=Channel.EMAIL.value,
                body=body_text(parsed, p.note),
                team_id=self._team(session),
                email_message_id=p.key,
                email_from=from_header(parsed)[:320],
                email_subject=subject[:500],
                email_in_reply_to=in_reply_to_header(parsed),
                email_references=references_header(parsed),
                email_to=to_header(parsed),
                email_thread_id=next((r for r in (ids.normalize(x) for x in parsed.references) if r), p.key),
            ),
        )

    def _add_to_ticket(self, session: Session, p: Prepared, ticket: Ticket, via: str) -> IngestResult:
        parsed = p.parsed
        assert parsed is not None
        result = add_customer_message(
            self.desk,
            SYSTEM,
            ticket.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
            body_text(parsed, p.note),
            email_message_id=p.key,
            email_in_reply_to=in_reply_to_header(parsed),
            email_references=references_header(parsed),
            email_from=from_header(parsed)[:320],
            email_subject=(parsed.subject or "")[:500],
            email_to=to_header(parsed),
        )
        message = result.message
        notice = body_notice(parsed, p.note)
        if parsed.cc_addrs or notice is not None:
            message.email_cc = cc_header(parsed)
            set_notice(message, notice)
            session.add(message)
        _, addr = customer_address(self.cfg, parsed)
        if self.customers.of_address(session, addr) != result.ticket.customer_id:
            # Someone else in the thread (a colleague in Cc): credit them, not the ticket's customer.
            other = resolve_customer(
                session,
                self.desk,
                CustomerSpec(name=customer_address(self.cfg, parsed)[0] or None, email=addr),
            )
            message.author_customer_id = other.id
            session.add(message)
            self.customers.remember(normalize_email(addr), other.id)  # type: ignore[arg-type]  # the row's id, set when it was flushed
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
                    message_id=message.id,  # type: ignore[arg-type]  # the row's id, set when it was flushed
                    filename=clean_filename(att.filename, n),
                    content_type=(att.content_type or "application/octet-stream")[:120],
                    size=att.size,
                    data=None if att.too_large else att.data,
                )
            )

    def _quarantine(self, session: Session, p: Prepared, notice: Notice) -> IngestResult:
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

    def _keep_ignored(self, p: Prepared, what: Notice) -> None:
        """Keep an ignored message where an admin can find it (``quarantine list --all``) and file
        it after all if it was a customer's after all; it needs no one's attention. Written with
        the batch, once this message's filing succeeded."""
        if p.quarantine_id is not None:
            return  # a release that is still ignored: the entry is already there
        p.kept_reason = Notice("ignored", {"what": what})  # its English starts with IGNORED_REASON

    def _seen(
        self, session: Session, p: Prepared, outcome: Outcome, ticket_id: int | None, detail: str
    ) -> IngestResult:
        return IngestResult(p.item.source, outcome, p.key, ticket_id, detail)

    # --- decisions ---------------------------------------------------------------------------------

    def _is_own(self, parsed: ParsedEmail, key: str, lookup: MailLookup) -> bool:
        own = self.cfg.from_address
        return bool(own and parsed.from_addr == own) or key in lookup.outbox

    def _differs(self, session: Session, p: Prepared) -> bool:
        assert p.parsed is not None
        stored = session.exec(select(Message.body).where(Message.email_message_id == p.key)).first()
        return (
            stored is not None
            and stored.strip()
            != body_text(p.parsed, p.note).replace("\r\n", "\n").replace("\x00", "").strip()
        )

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


def _seen_label(result: IngestResult) -> str:
    if result.outcome is Outcome.IGNORED and result.detail:
        return f"{result.outcome.value}:{result.detail}"[:20]
    return result.outcome.value


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
    "IGNORED_REASON",
    "NO_TEXT",
    "CursorUpdate",
    "IngestResult",
    "Ingestor",
    "Outcome",
    "RawMail",
    "clean_filename",
    "prepare",
    "prepare_many",
    "read_cursor",
]
