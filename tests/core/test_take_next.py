"""Take-next and the unassigned view offer the same tickets: the agent's team's and those of no team.

An agent in a team is handed the most urgent unassigned ticket of their team or of no team, never
another team's; an agent without a team is handed tickets of no team only. The unassigned view
(2) lists exactly what take-next offers, in the order it offers them, and take-next finds its
ticket with the view's own index seeks (no sort at any size).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select
from test_queue_plans import captured, plans

from bokdesk.core import paging
from bokdesk.core.desk import SYSTEM
from bokdesk.core.models import Team
from bokdesk.core.queries import View, count_view, list_view
from bokdesk.core.seed import seed
from bokdesk.core.services import agents, tickets
from bokdesk.core.services.customers import CustomerSpec


def _ticket(desk: Any, n: int, team_id: int | None, priority: str = "normal") -> int:
    return tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject=f"Sprawa {n}",
            customer=CustomerSpec(name=f"Klient {n}", email=f"k{n}@example.pl"),
            team_id=team_id,
            priority=priority,
        ),
    ).id  # type: ignore[return-value]


def _teams(desk: Any) -> dict[str, int]:
    with desk.store.read() as session:
        return {t.name: t.id for t in session.exec(select(Team)).all()}  # type: ignore[misc]


@pytest.mark.postgres
def test_an_agent_is_offered_their_teams_tickets_and_those_of_no_team(
    desk: Any, staff: Any, clock: Any
) -> None:
    teams = _teams(desk)
    loner = agents.actor_of(agents.add_agent(desk, staff.admin, "root", "Roman Bez Zespołu"))
    dev_urgent = _ticket(desk, 1, teams["Developers"], "urgent")
    clock.advance(minutes=1)
    bok = _ticket(desk, 2, teams["BOK Warszawa"])
    clock.advance(minutes=1)
    nobodys = _ticket(desk, 3, None, "high")

    now = desk.now()
    offered = {
        who.login: [row.id for row in paging.page(desk, who, View.UNASSIGNED, now)]
        for who in (staff.ola, staff.dev, loner)
    }
    assert offered == {"ola": [nobodys, bok], "tomek": [dev_urgent, nobodys], "root": [nobodys]}
    # The ORM view (reports, the CLI) and the counts agree with the pages.
    for who in (staff.ola, staff.dev, loner):
        assert [r.id for r in list_view(desk, who, View.UNASSIGNED)] == offered[who.login]
        assert count_view(desk, who, View.UNASSIGNED) == len(offered[who.login])
        assert paging.count(desk, who, View.UNASSIGNED, now) == len(offered[who.login])

    # The team-less agent gets the ticket of no team and then nothing: the teams' tickets wait for them.
    assert tickets.take_next(desk, loner).id == nobodys
    assert tickets.take_next(desk, loner) is None
    assert tickets.take_next(desk, staff.ola).id == bok
    assert tickets.take_next(desk, staff.ola) is None  # the developers' ticket is not handed to BOK
    assert tickets.take_next(desk, staff.dev).id == dev_urgent


@pytest.mark.postgres
def test_a_ticket_of_no_team_taken_by_a_team_agent_joins_their_team(desk: Any, staff: Any) -> None:
    teams = _teams(desk)
    number = _ticket(desk, 1, None)
    ticket = tickets.take_next(desk, staff.dev)
    assert ticket is not None and ticket.id == number
    assert ticket.team_id == teams["Developers"] and ticket.assignee_id == staff.dev.id


def test_take_next_claims_the_first_row_of_the_agents_unassigned_view(desk: Any, clock: Any) -> None:
    seed(desk, 300, days=20)
    admin = agents.actor_of(agents.add_agent(desk, SYSTEM, "boss", "Szef", role="admin"))
    for n in range(12):  # some tickets of no team among the seeded teams' ones
        _ticket(desk, 1000 + n, None, ("low", "normal", "high", "urgent")[n % 4])
        clock.advance(minutes=7)
    people = [
        agents.actor_of(agents.add_agent(desk, admin, f"a{i}", f"Agent {i}", team=team))
        for i, team in enumerate(["BOK Warszawa", "Developers", None, "BOK Warszawa", None])
    ]
    taken = 0
    for _ in range(60):
        for who in people:
            now = desk.now()
            first = paging.page(desk, who, View.UNASSIGNED, now, limit=1)
            ticket = tickets.take_next(desk, who)
            if not first:
                assert ticket is None
                continue
            assert ticket is not None and ticket.id == first[0].id
            assert ticket.team_id == who.team_id  # theirs, or of no team (a team agent's team then takes it)
            taken += 1
        clock.advance(minutes=3)
    assert taken > 12


def test_take_next_seeks_the_unassigned_index_without_sorting(desk: Any, staff: Any) -> None:
    seed(desk, 400, days=30)
    for who in (staff.ola, staff.dev):
        with captured(desk) as statements:
            tickets.take_next(desk, who)
        explained = [(sql, plan) for sql, plan in plans(desk, statements) if "INDEXED BY" in sql]
        assert explained, statements
        for sql, plan in explained:
            assert "TEMP B-TREE" not in plan, (sql, plan)
            assert "SEARCH ticket USING INDEX ix_ticket_active_assignee (assignee_id=?" in plan, (sql, plan)
            assert "SEARCH agent USING INTEGER PRIMARY KEY" in plan, (sql, plan)
