"""Automatic assignment per team: round robin, least loaded, who is eligible, and pull mode."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import select

from bokdesk.core.desk import SYSTEM
from bokdesk.core.models import Agent, Ticket, TicketEvent
from bokdesk.core.services import agents, assignment, policies, presence, tickets
from bokdesk.core.services.customers import CustomerSpec


@pytest.fixture
def bok(desk, staff):
    """BOK Warszawa's three members online and available."""
    for who in (staff.boss, staff.ola, staff.kasia):
        presence.heartbeat(desk, who)
    return staff.ola.team_id


def create(desk, team_id, subject="Pytanie", actor=SYSTEM, channel="email", **kw):
    spec = CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
    return tickets.create_ticket(
        desk,
        actor,
        tickets.NewTicket(
            subject=subject, customer=spec, channel=channel, body="Treść", team_id=team_id, **kw
        ),
    )


def logins(desk, ids):
    with desk.store.read() as s:
        return [
            s.get(Agent, s.get(Ticket, i).assignee_id).login if s.get(Ticket, i).assignee_id else None
            for i in ids
        ]


def test_manual_team_leaves_tickets_for_take_next(desk, staff, bok):
    t = create(desk, bok)
    assert t.assignee_id is None and t.status == "new"
    assert tickets.take_next(desk, staff.ola).id == t.id


def test_round_robin_takes_turns_among_available_agents(desk, staff, bok, clock):
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin")
    ids = []
    for n in range(6):
        clock.advance(seconds=5)
        ids.append(create(desk, bok, f"Pytanie {n}").id)
    got = logins(desk, ids)
    assert got[:3] == ["marek", "ola", "kasia"]  # nobody assigned yet: by id
    assert got[3:] == got[:3]
    assert Counter(got) == {"marek": 2, "ola": 2, "kasia": 2}


def test_auto_assignment_is_recorded_and_counts_as_pickup(desk, staff, bok):
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin")
    t = create(desk, bok)
    assert t.status == "open" and t.picked_up_at == t.created_at and t.pickup_secs == 0
    with desk.store.read() as s:
        events = [
            (e.actor, e.field, e.old_value, e.new_value, e.note)
            for e in s.exec(select(TicketEvent).where(TicketEvent.ticket_id == t.id).order_by(TicketEvent.id))
        ]
        assert s.get(Agent, t.assignee_id).last_assigned_at == t.created_at
    assert ("bokdesk (auto-assignment)", "assignee", None, "marek", "round robin among 3 available") in events
    assert ("bokdesk (auto-assignment)", "status", "new", "open", None) in events


def test_away_off_shift_inactive_and_unseen_agents_get_nothing(desk, staff, bok, clock):
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin")
    agents.set_status(desk, staff.boss, "away")
    agents.set_status(desk, staff.kasia, "off_shift")
    assert logins(desk, [create(desk, bok, f"P{n}").id for n in range(3)]) == ["ola"] * 3
    agents.set_active(desk, staff.admin, "ola", False)
    assert create(desk, bok, "Nikt").assignee_id is None
    agents.set_active(desk, staff.admin, "ola", True)
    clock.advance(seconds=assignment.ONLINE_SECONDS + 1)  # Ola's console is gone: no heartbeat
    t = create(desk, bok, "Po przerwie")
    assert t.assignee_id is None and t.status == "new"
    presence.heartbeat(desk, staff.ola)
    assert create(desk, bok, "Wróciła").assignee_id == staff.ola.id


def test_least_loaded_picks_the_agent_with_least_work(desk, staff, bok, clock):
    for n in range(3):
        tickets.take(desk, staff.boss, create(desk, bok, f"M{n}").id)
    tickets.take(desk, staff.ola, create(desk, bok, "O1").id)
    waiting = create(desk, bok, "K pending")
    tickets.take(desk, staff.kasia, waiting.id)
    tickets.set_status(desk, staff.kasia, waiting.id, "pending")  # waits on the customer: not load
    for n in range(2):
        tickets.take(desk, staff.kasia, create(desk, bok, f"K{n}").id)
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "least_loaded")
    # loads now: marek 3, ola 1, kasia 2
    first = create(desk, bok, "Nowy 1")
    assert logins(desk, [first.id]) == ["ola"]
    clock.advance(seconds=1)
    # ola 2, kasia 2: the one given a ticket longest ago wins the tie (kasia: never by the router)
    second = create(desk, bok, "Nowy 2")
    assert logins(desk, [second.id]) == ["kasia"]
    with desk.store.read() as s:
        note = s.exec(
            select(TicketEvent.note).where(TicketEvent.ticket_id == first.id, TicketEvent.field == "assignee")
        ).one()
    assert note == "least loaded (1 in work) among 3 available"


def test_only_the_tickets_team_is_considered(desk, staff, bok):
    policies.set_assignment_mode(desk, staff.boss, "Developers", "round_robin")
    presence.heartbeat(desk, staff.dev)
    dev_team = staff.dev.team_id
    assert create(desk, dev_team, "Błąd").assignee_id == staff.dev.id
    assert create(desk, None, "Bez zespołu").assignee_id is None
    assert create(desk, bok, "BOK ręcznie").assignee_id is None


def test_a_live_call_stays_with_the_agent_who_took_it(desk, staff, bok):
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin")
    t = create(desk, bok, "Telefon", actor=staff.kasia, channel="phone")
    assert t.assignee_id == staff.kasia.id
    solved = create(
        desk, bok, "Rozwiązane od razu", actor=staff.kasia, channel="phone", solved_on_first_contact=True
    )
    assert solved.assignee_id == staff.kasia.id and solved.status == "solved"


def test_a_follow_up_of_a_closed_ticket_is_assigned_too(desk, staff, bok):
    t = create(desk, bok)
    tickets.take(desk, staff.ola, t.id)
    tickets.set_status(desk, staff.ola, t.id, "closed")
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin")
    result = tickets.add_customer_message(desk, SYSTEM, t.id, "Jeszcze jedno pytanie")
    assert result.follow_up_of == t.id and result.ticket.assignee_id is not None


def test_auto_assign_leaves_assigned_or_finished_tickets_alone(desk, staff, bok):
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin")
    with desk.store.write() as s:
        done = Ticket(
            subject="x",
            channel="email",
            customer_id=1,
            team_id=bok,
            status="solved",
            created_at=desk.now(),
            updated_at=desk.now(),
        )
        assert assignment.auto_assign(s, desk, done) is None
        s.rollback()
