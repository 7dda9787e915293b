"""The mail quarantine: messages that could not be filed, kept raw with the reason (admins only).

``release`` files a quarantined message again (after a fix, or with ``sender`` when it had no
usable From); ``dismiss`` marks it dealt with. Entries are never deleted.

Ignored mail (auto-replies, out-of-office, lists, bounces) is kept here too, already dealt with
(``list --all`` shows it), so a customer's message that was taken for an auto-reply is never
lost: ``release`` files it as a customer message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..core import notices, roles
from ..core.desk import Actor, Desk
from ..core.errors import NotFound, ValidationError
from ..core.models import MailQuarantine
from ..core.notices import Notice
from ..core.roles import Permission
from ..core.services.customers import normalize_email
from .email_parse import EmailParseError, decode_header_value, parse_email
from .ingest import IGNORED_REASON, Ingestor, IngestResult, Outcome, RawMail
from .mailconfig import MailConfig

WHAT = "action_quarantine"  # what a refusal names (core/error_messages.py)


@dataclass(frozen=True)
class QuarantineEntry:
    id: int
    source: str
    reason: str
    received_at: datetime
    size: int
    resolved: bool
    sender: str
    subject: str
    reason_notice: Notice | None = None  # the reason's code and values (schema 0005), for the console


def _summary(raw: bytes) -> tuple[str, str]:
    """Sender and subject for the list, read as leniently as possible (the message is broken)."""
    try:
        parsed = parse_email(raw[:65536] + b"\r\n\r\n", max_attachment_bytes=0)
        return parsed.from_addr, parsed.subject
    except EmailParseError:
        pass
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:65536])
        sender = decode_header_value(str(headers.get("From", "")))
        subject = decode_header_value(str(headers.get("Subject", "")))
    except Exception:  # noqa: BLE001 - nothing readable: the list shows blanks
        return "", ""
    return " ".join(sender.split()), " ".join(subject.split())


def list_entries(
    desk: Desk, actor: Actor, *, include_resolved: bool = False, limit: int = 100
) -> list[QuarantineEntry]:
    roles.require(actor, Permission.CONFIGURE_DESK, WHAT)
    with desk.store.read() as session:
        query = select(  # type: ignore[call-overload]  # SQLModel types select() for up to four columns
            MailQuarantine.id,
            MailQuarantine.source,
            MailQuarantine.reason,
            MailQuarantine.received_at,
            func.length(MailQuarantine.raw),
            MailQuarantine.resolved,
            func.substr(MailQuarantine.raw, 1, 16384),
            MailQuarantine.reason_code,
            MailQuarantine.reason_params,
        )
        if not include_resolved:
            query = query.where(col(MailQuarantine.resolved).is_(False))
        rows = session.exec(query.order_by(col(MailQuarantine.id).desc()).limit(limit)).all()
    entries = []
    for id_, source, reason, received_at, size, resolved, head, code, params in rows:
        sender, subject = _summary(bytes(head or b""))
        entries.append(
            QuarantineEntry(
                id_,
                source,
                reason,
                received_at,
                int(size or 0),
                bool(resolved),
                sender,
                subject,
                notices.load(code, params),
            )
        )
    return entries


def count_open(desk: Desk) -> int:
    """How many entries wait for an admin (for a badge in the console)."""
    with desk.store.read() as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(MailQuarantine)
                .where(col(MailQuarantine.resolved).is_(False))
            ).one()
        )


def _load(session: Session, entry_id: int) -> MailQuarantine:
    row = session.get(MailQuarantine, entry_id)
    if row is None:
        raise NotFound("quarantine_missing", number=entry_id)
    return row


def get_entry(desk: Desk, actor: Actor, entry_id: int) -> MailQuarantine:
    roles.require(actor, Permission.CONFIGURE_DESK, WHAT)
    with desk.store.read() as session:
        return _load(session, entry_id)


def release(
    desk: Desk, cfg: MailConfig, actor: Actor, entry_id: int, *, sender: str | None = None
) -> IngestResult:
    """File the message again; with ``sender``, as if it came from that address."""
    row = get_entry(desk, actor, entry_id)
    ignored = row.reason.startswith(IGNORED_REASON)
    if row.resolved and not ignored:
        raise ValidationError("quarantine_done", number=entry_id)
    raw = row.raw
    if sender:
        address = normalize_email(sender)
        raw = f"From: <{address}>\r\n".encode("ascii") + raw
    ingestor = Ingestor(desk, cfg)
    prepared = ingestor.prepare(RawMail(raw, row.source))
    prepared.quarantine_id = row.id
    prepared.as_customer_message = ignored
    result = ingestor.file([prepared], force=True)[0]
    if ignored and result.outcome is not Outcome.QUARANTINED:
        with desk.store.write() as session:
            entry = _load(session, entry_id)
            kept = notices.load(entry.reason_code, entry.reason_params)
            if kept is not None and kept.code == "ignored":
                released = Notice("released", {"login": actor.login, "what": kept.params.get("what", "")})
                entry.reason, entry.reason_code, entry.reason_params = (
                    released.english(),
                    released.code,
                    released.dumps(),
                )
            else:  # kept before schema 0005: its text only
                entry.reason = (
                    f"Released by {actor.login}: " + entry.reason.removeprefix(IGNORED_REASON).lstrip()
                )
                entry.reason_code = entry.reason_params = None
            session.add(entry)
    return result


def published_config(desk: Desk) -> MailConfig:
    """The mail settings a console can file a released message with: what ``mail run`` published
    (From, Reply-To, the desk's addresses, the team of new tickets); no servers, no passwords."""
    from ..core.models import Setting
    from ..core.services.outbox import SETTING_ADDRESSES, SETTING_FROM, SETTING_REPLY_TO, SETTING_TEAM
    from .mailconfig import load_mail_config

    keys = (SETTING_FROM, SETTING_REPLY_TO, SETTING_ADDRESSES, SETTING_TEAM)
    with desk.store.read() as session:
        values = {
            row.key: row.value
            for row in session.exec(select(Setting).where(col(Setting.key).in_(keys))).all()
        }
    section: dict[str, object] = {}
    for key, name in ((SETTING_FROM, "from"), (SETTING_REPLY_TO, "reply_to"), (SETTING_TEAM, "team")):
        if values.get(key):
            section[name] = values[key]
    if values.get(SETTING_ADDRESSES):
        section["addresses"] = values[SETTING_ADDRESSES].split(",")
    return load_mail_config(section, env={})


def dismiss(desk: Desk, actor: Actor, entry_id: int) -> None:
    roles.require(actor, Permission.CONFIGURE_DESK, WHAT)
    with desk.store.write() as session:
        row = _load(session, entry_id)
        row.resolved = True
        session.add(row)


__all__ = [
    "QuarantineEntry",
    "count_open",
    "dismiss",
    "get_entry",
    "list_entries",
    "published_config",
    "release",
]
