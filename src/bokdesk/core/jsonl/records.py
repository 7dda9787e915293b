"""The JSONL format's name, version and the ticket fields it carries as they are."""

from __future__ import annotations

FORMAT = "bokdesk-jsonl"
VERSION = 1
TICKET_TIMES = (
    "created_at",
    "updated_at",
    "picked_up_at",
    "first_response_at",
    "first_solved_at",
    "solved_at",
    "closed_at",
    "last_customer_message_at",
    "frt_due_at",
    "resolution_due_at",
    "next_due_at",
    "next_risk_at",
    "pending_since",
    "complaint_due_at",
    "complaint_decided_at",
)
TICKET_PLAIN = (
    "subject",
    "channel",
    "category",
    "priority",
    "status",
    "direction",
    "link_kind",
    "email_thread_id",
    "paused_seconds",
    "frt_breached",
    "resolution_breached",
    "complaint_decision",
    "reopen_count",
    "transfer_count",
    "public_response_count",
    "version",
)
