"""The seven queue views, without importing the database layer (the first screen must start fast).

Mirrors ``bokdesk.core.queries.View`` value for value (a test keeps them equal); ``core_view``
converts when a query needs the core's enum.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class View(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    OPEN = "open"
    WAITING = "waiting"
    SLA = "sla"
    COMPLAINTS = "complaints"
    SOLVED = "solved"


def core_view(view: View | str) -> Any:
    """The core's ``View`` for a view (imports the query layer)."""
    from ..core.queries import View as CoreView

    return CoreView(str(view))
