"""A delivery report about one of our e-mails: the failure is shown on that e-mail's ticket; the
report itself opens nothing."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from ..core import mail_ids as ids
from ..core.desk import Desk
from ..core.models import OutboxMessage
from ..core.notices import Notice
from .mail_prepare import Prepared
from .outbox import record_bounce

_ACTION_DELAYED = re.compile(rb"^Action:\s*delayed", re.I | re.M)
_ACTION_FAILED = re.compile(rb"^Action:\s*failed", re.I | re.M)
_DIAGNOSTIC = re.compile(rb"^Diagnostic-Code:[ \t]*([^\r\n]{1,300})", re.I | re.M)
_STATUS = re.compile(rb"^Status:[ \t]*([^\r\n]{1,300})", re.I | re.M)


def bounced(session: Session, desk: Desk, p: Prepared) -> int | None:
    """Record the failed delivery of the e-mail the report quotes; its ticket's number (None: a
    report about none of ours, or only a delay)."""
    raw = p.item.raw
    if _ACTION_DELAYED.search(raw) and not _ACTION_FAILED.search(raw):
        return None  # "still trying" is not a failure
    for message_id in ids.our_ids_in(raw):
        row = session.exec(select(OutboxMessage).where(OutboxMessage.email_message_id == message_id)).first()
        if row is not None:
            m = _DIAGNOSTIC.search(raw) or _STATUS.search(raw)
            diagnostic = (
                m.group(1).decode("utf-8", "replace").strip() if m else (p.parsed.subject if p.parsed else "")
            )
            record_bounce(session, desk, row, diagnostic or Notice("returned"))
            return row.ticket_id
    return None
