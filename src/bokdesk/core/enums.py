"""Closed vocabularies of the domain. Stored as plain strings for portable SQL."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"
    WEB = "web"
    WALK_IN = "walk_in"
    SOCIAL = "social"


class Category(StrEnum):
    QUESTION = "question"
    PROBLEM = "problem"
    COMPLAINT = "complaint"
    REQUEST = "request"
    INCIDENT = "incident"
    FEEDBACK = "feedback"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """Higher is more urgent."""
        return PRIORITY_RANK[self]


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"


ACTIVE_STATUSES: tuple[Status, ...] = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
WAITING_STATUSES: tuple[Status, ...] = (Status.PENDING, Status.ON_HOLD)
# "Active" as literal SQL: the WHERE of the queue's partial indexes (migration 0004). A query can
# use those indexes only if it carries this very term (bound parameters would not prove it).
ACTIVE_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in ACTIVE_STATUSES) + ")"

# Allowed manual moves; a customer message reopens a solved ticket on its own.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def level(self) -> int:
        return {Role.AGENT: 0, Role.SUPERVISOR: 1, Role.ADMIN: 2}[self]


class TeamKind(StrEnum):
    OFFICE = "office"
    DEPARTMENT = "department"


class AssignmentMode(StrEnum):
    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


class AgentStatus(StrEnum):
    AVAILABLE = "available"
    AWAY = "away"
    OFF_SHIFT = "off_shift"


class MessageKind(StrEnum):
    CUSTOMER = "customer"
    REPLY = "reply"
    NOTE = "note"
    HANDOVER = "handover"  # the internal note written when a ticket is transferred
    CALL = "call"
    SYSTEM = "system"


PUBLIC_RESPONSE_KINDS: tuple[MessageKind, ...] = (MessageKind.REPLY, MessageKind.CALL)


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class LinkKind(StrEnum):
    FOLLOW_UP = "follow_up"
    MERGED = "merged"


class ContactKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"


class ComplaintDecision(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class SurveySource(StrEnum):
    AGENT = "agent"
    EMAIL = "email"
    IMPORT = "import"


class View(StrEnum):
    """The seven queue views (keys 1-7). Here, not in ``queries``, so that the console's fast
    start can name them without importing the database layer."""

    MINE = "mine"
    UNASSIGNED = "unassigned"
    OPEN = "open"
    WAITING = "waiting"
    SLA = "sla"
    COMPLAINTS = "complaints"
    SOLVED = "solved"
