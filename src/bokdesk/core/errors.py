"""User-facing errors of the core. Each carries one clear line for the agent or the shell."""

from __future__ import annotations

from datetime import datetime


class BokdeskError(Exception):
    """Base of every error a user may see; ``str(err)`` is the one-line message."""

    exit_code = 1


class ConfigError(BokdeskError):
    """The configuration file or an option is wrong."""

    exit_code = 2


class DatabaseError(BokdeskError):
    """The database file cannot be used (missing directory, foreign file, wrong version)."""

    exit_code = 3


class NotFound(BokdeskError):
    """A ticket, agent, team, customer or canned response does not exist."""


class ValidationError(BokdeskError):
    """Input that breaks a rule: empty subject, bad e-mail address, bad value."""

    exit_code = 2


class PermissionDenied(BokdeskError):
    """The acting agent's role does not allow this."""

    exit_code = 4


class InvalidTransition(BokdeskError):
    """A status change the ticket workflow does not allow."""


class Conflict(BokdeskError):
    """Another agent got there first; nothing was changed."""

    exit_code = 5


class AlreadyTaken(Conflict):
    """The ticket was claimed by someone else."""

    def __init__(self, ticket_id: int, by_name: str) -> None:
        super().__init__(f"Ticket #{ticket_id} is already taken by {by_name}.")
        self.ticket_id = ticket_id
        self.by_name = by_name


class StaleWrite(Conflict):
    """The ticket (or canned response) changed since the agent loaded it."""

    def __init__(
        self,
        ticket_id: int,
        by_name: str,
        at: str,
        expected: int,
        actual: int,
        *,
        changed_at: datetime | None = None,
        what: str = "Ticket",
    ) -> None:
        super().__init__(
            f"{what} #{ticket_id} was changed by {by_name} at {at} after you opened it; "
            "reload it and try again."
        )
        self.ticket_id = ticket_id
        self.by_name = by_name
        self.at = at
        self.changed_at = changed_at  # naive UTC, for a console to say in the desk's time
        self.what = what
        self.expected = expected
        self.actual = actual
