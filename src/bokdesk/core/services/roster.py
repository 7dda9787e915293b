"""Who can take a ticket now: every active agent with their team, presence and load in work.

The assign dialog shows it so that work goes to someone who is here and not already buried.
"Online" is the presence module's window; "load" is the least-loaded mode's count (new, open and
on-hold tickets assigned to the agent), so what the dialog shows is what routing uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..desk import Desk
from . import assignment, presence


@dataclass(frozen=True)
class RosterEntry:
    agent_id: int
    name: str
    team: str | None
    team_id: int | None
    state: str  # available / away / off_shift, or offline when not seen within the online window
    load: int


def roster(desk: Desk) -> list[RosterEntry]:
    """Active agents by name, each with presence state and the number of tickets in their work."""
    people = presence.online(desk)
    with desk.store.read() as session:
        load = assignment.loads(session, [p.agent_id for p in people])
    return [RosterEntry(p.agent_id, p.name, p.team, p.team_id, p.state, load.get(p.agent_id, 0)) for p in people]
