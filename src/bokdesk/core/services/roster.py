"""Who can take a ticket now: every active agent with their team, presence, rota and load in work.

The assign dialog shows it so that work goes to someone who is here and not already buried.
"Online" is the presence module's window; "load" is the least-loaded mode's count (new, open and
on-hold tickets assigned to the agent), so what the dialog shows is what routing uses. The state
follows the rota (``core/shifts.py``): an agent outside their shift is ``off_shift`` and one on a
recorded absence ``absent`` even when their status says available, as routing sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..desk import Desk
from . import assignment, presence


@dataclass(frozen=True)
class RosterEntry:
    agent_id: int
    name: str
    team: str | None
    team_id: int | None
    state: str  # available / away / off_shift / absent, or offline when not seen within the online window
    load: int
    shift_until: datetime | None = None  # on shift: when this shift ends
    next_shift: datetime | None = None  # off shift: when the next one starts
    absence_kind: str | None = None
    absent_until: date | None = None
    follows_desk: bool = True


def roster(desk: Desk) -> list[RosterEntry]:
    """Active agents by name, each with presence state, rota and the number of tickets in their work."""
    people = presence.online(desk)
    with desk.store.read() as session:
        load = assignment.loads(session, [p.agent_id for p in people])
    return [
        RosterEntry(
            p.agent_id,
            p.name,
            p.team,
            p.team_id,
            p.state,
            load.get(p.agent_id, 0),
            shift_until=p.shift_until if p.on_shift else None,
            next_shift=p.next_shift,
            absence_kind=p.absence_kind,
            absent_until=p.absent_until,
            follows_desk=p.follows_desk,
        )
        for p in people
    ]
