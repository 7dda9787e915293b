"""What an agent, a supervisor and an admin may do to a ticket, as docs/security.md lists it.

Each test names the line of the table it checks; the other lines (stats, shared canned responses,
policies, agents and teams) are checked in ``tests/core/test_roles.py``.
"""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from bokdesk.core.desk import SYSTEM, Desk
from bokdesk.core.errors import PermissionDenied
from bokdesk.core.models import Agent, Message, OutboxMessage, Ticket, TicketEvent
from bokdesk.core.services import agents, tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.core.settings import DeskSettings

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)


def new_ticket(desk, subject="Faktura"):
    spec = CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
    return tickets.create_ticket(
        desk, SYSTEM, tickets.NewTicket(subject=subject, customer=spec, body="Pytanie.")
    )


def count(desk, model) -> int:
    with desk.store.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def snapshot(desk, ticket_id):
    with desk.store.read() as s:
        t = s.get(Ticket, ticket_id)
        return (t.version, t.status, t.priority, t.category, t.assignee_id, t.parent_id)


# Every way of "working" a ticket: a reply (e-mailed), a call, a status, solve, close, priority,
# category, merging it into another ticket.
WORK = {
    "reply": lambda d, a, n, o: tickets.reply(d, a, n, "Odpowiedź"),
    "call": lambda d, a, n, o: tickets.log_call(d, a, n, "Rozmowa"),
    "status": lambda d, a, n, o: tickets.set_status(d, a, n, "pending"),
    "solve": lambda d, a, n, o: tickets.solve(d, a, n),
    "close": lambda d, a, n, o: tickets.set_status(d, a, n, "closed"),
    "priority": lambda d, a, n, o: tickets.set_priority(d, a, n, "urgent"),
    "category": lambda d, a, n, o: tickets.set_category(d, a, n, "complaint"),
    "merge": lambda d, a, n, o: tickets.merge(d, a, n, o),
}


# --- an agent: own or unassigned tickets ----------------------------------------------------------


@pytest.mark.parametrize("action", sorted(WORK))
def test_an_agent_works_their_own_and_unassigned_tickets(desk, staff, action):
    mine = new_ticket(desk)
    tickets.take(desk, staff.ola, mine.id)
    other = new_ticket(desk, "Druga")
    WORK[action](desk, staff.ola, mine.id, other.id)
    free = new_ticket(desk, "Wolne")
    WORK[action](desk, staff.ola, free.id, other.id)


@pytest.mark.parametrize("action", sorted(WORK))
@pytest.mark.parametrize("holder", ["kasia", "boss"])
def test_an_agent_cannot_work_a_colleagues_or_supervisors_ticket(desk, staff, action, holder):
    t = new_ticket(desk)
    tickets.take(desk, getattr(staff, holder), t.id)
    other = new_ticket(desk, "Druga")
    before = (
        snapshot(desk, t.id),
        count(desk, Message),
        count(desk, OutboxMessage),
        count(desk, TicketEvent),
    )
    with pytest.raises(PermissionDenied) as refused:
        WORK[action](desk, staff.ola, t.id, other.id)
    assert refused.value.code == "not_your_ticket"
    name = {"kasia": "Katarzyna Zielińska", "boss": "Marek Wiśniewski"}[holder]
    assert str(refused.value) == (
        f"Ticket #{t.id} is {name}'s; ask them or a supervisor to move it to you first."
    )
    after = (snapshot(desk, t.id), count(desk, Message), count(desk, OutboxMessage), count(desk, TicketEvent))
    assert after == before  # nothing stored, no e-mail queued


def test_an_agent_may_note_and_tag_a_colleagues_ticket(desk, staff):
    t = new_ticket(desk)
    tickets.take(desk, staff.kasia, t.id)
    note = tickets.add_note(desk, staff.ola, t.id, "Klient dzwonił też do mnie.")
    assert note.kind == "note"
    assert tickets.set_tags(desk, staff.ola, t.id, add=["vip"]) == ["vip"]


def test_the_desk_may_let_agents_work_each_others_tickets(desk, staff):
    open_desk = Desk(
        store=desk.store, clock=desk.clock, settings=DeskSettings(agents_work_others_tickets=True)
    )
    t = new_ticket(open_desk)
    tickets.take(open_desk, staff.kasia, t.id)
    tickets.reply(open_desk, staff.ola, t.id, "Zastępuję Kasię.")
    assert tickets.solve(open_desk, staff.ola, t.id).assignee_id == staff.kasia.id


def test_agents_work_only_their_own_tickets_by_default():
    assert DeskSettings().agents_work_others_tickets is False


# --- a supervisor and an admin: any ticket ---------------------------------------------------------


@pytest.mark.parametrize("action", sorted(WORK))
@pytest.mark.parametrize("who", ["boss", "admin"])
def test_supervisors_and_admins_work_any_ticket(desk, staff, action, who):
    t = new_ticket(desk)
    tickets.take(desk, staff.kasia, t.id)
    other = new_ticket(desk, "Druga")
    WORK[action](desk, getattr(staff, who), t.id, other.id)


def test_working_a_colleagues_ticket_leaves_it_theirs(desk, staff):
    t = new_ticket(desk)
    tickets.take(desk, staff.kasia, t.id)
    tickets.reply(desk, staff.boss, t.id, "Odpowiadam za Kasię.")
    with desk.store.read() as s:
        assert s.get(Ticket, t.id).assignee_id == staff.kasia.id


# --- the first admin: only of a desk with no agents at all ---------------------------------------


def test_the_first_admin_of_a_desk_without_agents_may_be_added_by_anyone(desk):
    assert agents.add_agent(desk, None, "root", "Admin", role="admin").role == "admin"


def test_a_desk_with_agents_but_no_admin_is_not_new(desk):
    ola = agents.actor_of(agents.add_agent(desk, SYSTEM, "ola", "Aleksandra Nowak"))  # a seeded desk
    with pytest.raises(PermissionDenied, match="Adding an agent needs an administrator of this desk"):
        agents.add_agent(desk, None, "mallory", "Mallory", role="admin")
    with pytest.raises(PermissionDenied, match="Adding an agent needs the admin role"):
        agents.add_agent(desk, ola, "mallory", "Mallory", role="admin")
    with pytest.raises(PermissionDenied):
        agents.set_role(desk, ola, "ola", "admin")
    assert [a.login for a in _agents(desk)] == ["ola"]


def test_a_desk_whose_only_admin_left_is_not_new(desk, staff):
    with desk.store.write() as s:  # the admin left before the last-admin rule, or by hand
        s.exec(select(Agent).where(Agent.login == "admin")).one().active = False
    with pytest.raises(PermissionDenied, match="needs an administrator of this desk"):
        agents.add_agent(desk, None, "mallory", "Mallory", role="admin")
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        agents.add_agent(desk, staff.ola, "mallory", "Mallory", role="admin")
    assert "mallory" not in [a.login for a in _agents(desk)]


def _agents(desk):
    with desk.store.read() as s:
        return list(s.exec(select(Agent).order_by(Agent.login)).all())
