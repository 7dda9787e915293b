"""Errors a user may see, each a code and its values.

``NotFound("ticket_missing", number=5)``: the code names the problem, the values fill its
template (``core/error_messages.py``, English ``msgid``s with ``str.format`` fields, ``!r`` where
a value is shown quoted). ``str(err)`` is the template filled in English: the one line the command
line prints. The console says the same code from the catalog with the same values
(``ui/errors.py``), naming statuses and roles in the agent's language. A value may itself be a
``Notice`` (a code and its values), said in the same language.

A code without a template is said as written: the command line's own refusals of its arguments
are such English lines (the console never shows them). In the core and the channels every code
has its template and its Polish (``tests/ui/test_errors.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .notices import Notice, render


def english(code: str, params: dict[str, Any]) -> str:
    """The code's template filled with the values; the code itself when it has no template."""
    text = render(Notice(code, params), _same)
    return code if text is None else text


def _same(message: str) -> str:
    return message


class CodedError(Exception):
    """An error said by its code and values; ``str(err)`` is its English line."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(english(code, params))
        self.code = code
        self.params = params

    @property
    def notice(self) -> Notice:
        """The code and values, to say the error again (in another language, or inside a text)."""
        return Notice(self.code, self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.code, self.params, self.__dict__))


def _restore(cls: type[CodedError], code: str, params: dict[str, Any], state: dict[str, Any]) -> CodedError:
    error = cls.__new__(cls)
    CodedError.__init__(error, code, **params)
    error.__dict__.update(state)
    return error


class BokdeskError(CodedError):
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
        super().__init__("already_taken", number=ticket_id, name=by_name)
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
        code = "stale_ticket" if what == "Ticket" else "stale_canned"
        super().__init__(code, number=ticket_id, name=by_name, at=at)
        self.ticket_id = ticket_id
        self.by_name = by_name
        self.at = at
        self.changed_at = changed_at  # naive UTC, for a console to say in the desk's time
        self.what = what
        self.expected = expected
        self.actual = actual


__all__ = [
    "AlreadyTaken",
    "BokdeskError",
    "CodedError",
    "ConfigError",
    "Conflict",
    "DatabaseError",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "StaleWrite",
    "ValidationError",
    "english",
]
