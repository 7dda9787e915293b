"""Stable JSON shapes for ``--json`` output (documented in docs/cli-json.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .clock import iso
from .queries import QueueRow, TicketDetail


def queue_row(row: QueueRow, now: datetime) -> dict[str, Any]:
    return {
        "number": row.id,
        "subject": row.subject,
        "status": row.status,
        "priority": row.priority,
        "channel": row.channel,
        "category": row.category,
        "customer": row.customer,
        "assignee": row.assignee,
        "team": row.team,
        "created_at": iso(row.created_at),
        "next_due_at": iso(row.next_due_at),
        "sla_state": row.sla_state(now),
        "complaint_due_at": iso(row.complaint_due_at),
        "version": row.version,
    }


def ticket_detail(detail: TicketDetail) -> dict[str, Any]:
    t = detail.ticket
    return {
        "number": t.id,
        "subject": t.subject,
        "status": t.status,
        "priority": t.priority,
        "channel": t.channel,
        "category": t.category,
        "direction": t.direction,
        "version": t.version,
        "customer": {
            "id": detail.customer.id,
            "name": detail.customer.name,
            "company": detail.customer.company,
            "language": detail.customer.language,
            "vip": detail.customer.vip,
            "emails": [c.value for c in detail.contacts if c.kind == "email"],
            "phones": [c.value for c in detail.contacts if c.kind == "phone"],
        },
        "assignee": detail.assignee.login if detail.assignee else None,
        "team": detail.team.name if detail.team else None,
        "tags": detail.tags,
        "parent": t.parent_id,
        "link_kind": t.link_kind,
        "merged": detail.merged,
        "follow_ups": detail.follow_ups,
        "timestamps": {
            "created_at": iso(t.created_at),
            "picked_up_at": iso(t.picked_up_at),
            "first_response_at": iso(t.first_response_at),
            "first_solved_at": iso(t.first_solved_at),
            "solved_at": iso(t.solved_at),
            "closed_at": iso(t.closed_at),
        },
        "sla": {
            "first_response_due_at": iso(t.frt_due_at),
            "resolution_due_at": iso(t.resolution_due_at),
            "next_due_at": iso(t.next_due_at),
            "paused_seconds": t.paused_seconds,
            "pending_since": iso(t.pending_since),
            "first_response_breached": t.frt_breached,
            "resolution_breached": t.resolution_breached,
        },
        "complaint": None
        if t.complaint_due_at is None
        else {
            "due_at": iso(t.complaint_due_at),
            "decision": t.complaint_decision,
            "decided_at": iso(t.complaint_decided_at),
        },
        "messages": [
            {
                "id": m.message.id,
                "ticket": m.message.ticket_id,
                "kind": m.message.kind,
                "author": m.author,
                "created_at": iso(m.message.created_at),
                "body": m.message.body,
                "attachments": [
                    {"filename": a.filename, "content_type": a.content_type, "size": a.size}
                    for a in m.attachments
                ],
            }
            for m in detail.messages
        ],
        "history": [
            {
                "at": iso(e.at),
                "actor": e.actor,
                "field": e.field,
                "from": e.old_value,
                "to": e.new_value,
                "note": e.note,
                "note_code": e.note_code,
                "note_params": e.note_params,
            }
            for e in detail.events
        ],
        "surveys": [
            {
                "nps": s.nps,
                "csat": s.csat,
                "comment": s.comment,
                "answered_at": iso(s.answered_at),
                "source": s.source,
            }
            for s in detail.surveys
        ],
    }
