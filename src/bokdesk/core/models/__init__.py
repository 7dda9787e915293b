"""SQLModel tables of the desk. All datetimes are naive UTC; enums are stored as strings.

The schema itself is owned by the Alembic migrations in ``bokdesk.migrations``; a test checks
that these models and the migrated schema agree.
"""

from __future__ import annotations

from sqlmodel import SQLModel

from .conversation import Attachment, Message, TicketEvent, TicketTag
from .desk_state import AuditEvent, CannedResponse, Draft, Presence, Setting, SlaPolicy, SurveyAnswer
from .mail import MailCursor, MailQuarantine, MailSeen, OutboxMessage
from .people import Agent, Customer, CustomerContact, Team
from .rota import AgentAbsence, AgentShift
from .sql import DIMS_CODE_SQL, METRIC_BITS_SQL, postgresql_partial_indexes, table_of
from .ticket import Ticket

__all__ = [
    "DIMS_CODE_SQL",
    "METRIC_BITS_SQL",
    "Agent",
    "AgentAbsence",
    "AgentShift",
    "Attachment",
    "AuditEvent",
    "CannedResponse",
    "Customer",
    "CustomerContact",
    "Draft",
    "MailCursor",
    "MailQuarantine",
    "MailSeen",
    "Message",
    "OutboxMessage",
    "Presence",
    "SQLModel",
    "Setting",
    "SlaPolicy",
    "SurveyAnswer",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketTag",
    "postgresql_partial_indexes",
    "table_of",
]
