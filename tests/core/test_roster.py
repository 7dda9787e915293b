"""The assign dialog's roster: who is here, who is away or gone, and how much each already carries."""

from __future__ import annotations

from bokdesk.core.desk import SYSTEM
from bokdesk.core.services import agents, presence, tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.core.services.roster import roster


def new_ticket(desk, subject):
    spec = CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
    return tickets.create_ticket(
        desk, SYSTEM, tickets.NewTicket(subject=subject, customer=spec, body="Treść")
    )


def test_roster_shows_presence_and_load_in_work(desk, staff, clock):
    for who in (staff.ola, staff.kasia, staff.boss):
        presence.heartbeat(desk, who)
    agents.set_status(desk, staff.kasia, "away")
    first, second, third = (new_ticket(desk, f"Pytanie {n}") for n in range(3))
    tickets.take(desk, staff.ola, first.id)
    tickets.take(desk, staff.ola, second.id)
    tickets.take(desk, staff.boss, third.id)
    tickets.set_status(desk, staff.boss, third.id, "solved")  # solved work is not load
    pending = new_ticket(desk, "Czeka na klienta")
    tickets.take(desk, staff.kasia, pending.id)
    tickets.set_status(desk, staff.kasia, pending.id, "pending")  # waiting on the customer is not load either
    by_login = {e.name: (e.state, e.load, e.team) for e in roster(desk)}
    assert by_login == {
        "Adam Admin": ("offline", 0, "BOK Warszawa"),  # never seen
        "Aleksandra Nowak": ("available", 2, "BOK Warszawa"),
        "Katarzyna Zielińska": ("away", 0, "BOK Warszawa"),
        "Marek Wiśniewski": ("available", 0, "BOK Warszawa"),
        "Tomasz Lewandowski": ("offline", 0, "Developers"),
    }
    clock.advance(hours=1)  # nobody refreshed their presence: all gone, the load stays
    assert {e.name: (e.state, e.load) for e in roster(desk)}["Aleksandra Nowak"] == ("offline", 2)


def test_inactive_agents_are_not_offered(desk, staff):
    agents.set_active(desk, staff.admin, "tomek", False)
    assert "Tomasz Lewandowski" not in [e.name for e in roster(desk)]
