"""An SLA policy change recomputes the due times of the open tickets it governs (one transaction,
a ``due`` history row per ticket that moved); role, agent and policy changes are audited."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlmodel import col, select

from bokdesk.core import audit
from bokdesk.core.desk import SYSTEM
from bokdesk.core.errors import PermissionDenied
from bokdesk.core.models import Ticket, TicketEvent
from bokdesk.core.services import agents, policies, tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)


def _new(desk, subject, priority="normal", category="question"):
    return tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject=subject,
            customer=CustomerSpec(name="Klient", email=f"{subject.lower()}@example.pl"),
            body="Treść",
            priority=priority,
            category=category,
        ),
    ).id


def _ticket(desk, number):
    with desk.store.read() as session:
        return session.exec(select(Ticket).where(Ticket.id == number)).one()


def _aware(value):
    return None if value is None else value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _due(desk, number):
    t = _ticket(desk, number)
    return tuple(_aware(x) for x in (t.frt_due_at, t.resolution_due_at, t.next_due_at))


@pytest.fixture
def desk_with_tickets(desk, staff, clock):
    start = clock.now  # Tuesday 17 November 2026, 09:00 in Warsaw
    policies.set_policy(desk, staff.boss, policies.PolicyInput("normal", "complaint", 120, 600))
    numbers = {
        "open": _new(desk, "Open"),
        "answered": _new(desk, "Answered"),
        "complaint": _new(desk, "Complaint", category="complaint"),
        "solved": _new(desk, "Solved"),
        "high": _new(desk, "High", priority="high"),
    }
    clock.now = start + timedelta(minutes=30)
    tickets.reply(desk, staff.ola, numbers["answered"], "Sprawdzam")
    tickets.reply(desk, staff.ola, numbers["solved"], "Gotowe", set_status="solved")
    clock.now = start + timedelta(hours=1)
    return start, numbers


def test_a_policy_change_recomputes_the_open_tickets_it_governs(desk, staff, desk_with_tickets):
    start, n = desk_with_tickets
    before = {name: _due(desk, number) for name, number in n.items()}
    versions = {name: _ticket(desk, number).version for name, number in n.items()}
    policies.set_policy(desk, staff.boss, policies.PolicyInput("normal", None, 60, 240, business_hours=False))
    # Calendar time from created_at: first response due 10:00, resolution 13:00 (local).
    assert _due(desk, n["open"]) == (
        start + timedelta(hours=1),
        start + timedelta(hours=4),
        start + timedelta(hours=1),
    )
    # Answered at 09:30: the first-response target is decided and keeps its due time; resolution moves.
    answered = _due(desk, n["answered"])
    assert answered == (before["answered"][0], start + timedelta(hours=4), start + timedelta(hours=4))
    # Its own category policy, a solved ticket, another priority: untouched.
    for name in ("complaint", "solved", "high"):
        assert _due(desk, n[name]) == before[name]
        assert _ticket(desk, n[name]).version == versions[name]
    assert _ticket(desk, n["open"]).version == versions["open"] + 1
    with desk.store.read() as session:
        rows = session.exec(
            select(TicketEvent).where(TicketEvent.field == "due").order_by(col(TicketEvent.id))
        ).all()
    assert [(r.ticket_id, r.actor, r.note) for r in rows] == [
        (n["open"], staff.boss.name, "recomputed for the changed SLA policy normal"),
        (n["answered"], staff.boss.name, "recomputed for the changed SLA policy normal"),
    ]
    entry = audit.entries(desk, staff.admin, action="sla_policy")[0]
    assert (entry.actor, entry.target, entry.new, entry.note) == (
        staff.boss.name,
        "normal",
        "first response 60 min, resolution 240 min, calendar",
        "due times recomputed on 2 open ticket(s)",
    )
    assert entry.old == "first response 480 min, resolution 2400 min, business"


def test_the_same_policy_again_moves_nothing(desk, staff, desk_with_tickets):
    _, n = desk_with_tickets
    version = _ticket(desk, n["open"]).version
    current = next(p for p in policies.list_policies(desk) if p.priority == "normal" and p.category is None)
    policies.set_policy(
        desk,
        staff.boss,
        policies.PolicyInput(
            "normal", None, current.first_response_minutes, current.resolution_minutes, current.business_hours
        ),
    )
    assert _ticket(desk, n["open"]).version == version
    assert (
        audit.entries(desk, staff.admin, action="sla_policy")[0].note
        == "due times recomputed on 0 open ticket(s)"
    )


def test_deleting_a_policy_takes_the_targets_off_its_open_tickets(desk, staff, desk_with_tickets):
    _, n = desk_with_tickets
    policies.delete_policy(desk, staff.boss, "normal", "complaint")
    # The complaint now follows the general normal policy (480 business minutes from receipt).
    assert _due(desk, n["complaint"])[0] == _due(desk, n["open"])[0]
    policies.delete_policy(desk, staff.boss, "normal")
    assert _due(desk, n["open"]) == (None, None, None)
    assert _due(desk, n["high"])[2] is not None
    entry = audit.entries(desk, staff.admin, action="sla_policy")[0]
    assert (entry.new, entry.note) == (None, "deleted; due times recomputed on 3 open ticket(s)")


def test_role_and_agent_changes_are_audited_and_only_admins_read_them(desk, staff, clock):
    agents.set_role(desk, staff.admin, "ola", "supervisor")
    agents.set_role(desk, staff.admin, "ola", "supervisor")  # no change, no row
    agents.set_active(desk, staff.admin, "kasia", False)
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin")
    rows = audit.entries(desk, staff.admin)
    assert [(r.action, r.target, r.old, r.new, r.actor) for r in rows[:3]] == [
        ("assignment_mode", "BOK Warszawa", "manual", "round_robin", staff.boss.name),
        ("agent_active", "kasia", "True", "False", staff.admin.name),
        ("role", "ola", "agent", "supervisor", staff.admin.name),
    ]
    added = [r for r in rows if r.action == "agent_added"]
    assert [r.target for r in added] == ["tomek", "kasia", "ola", "marek", "admin"]
    assert added[-1].actor == "bokdesk"  # the desk's first admin adds themselves
    assert _aware(rows[0].at) == clock.now
    for who in (staff.boss, staff.kasia):
        with pytest.raises(PermissionDenied, match="Reading the audit needs the admin role"):
            audit.entries(desk, who)


def test_a_clock_change_re_measures_the_pauses_from_history(desk, staff, clock):
    start = clock.now  # Tuesday 09:00 local
    number = _new(desk, "Paused")
    tickets.take(desk, staff.ola, number)
    clock.now = start + timedelta(hours=1)
    tickets.set_status(desk, staff.ola, number, "pending")
    clock.now = start + timedelta(days=1)  # Wednesday 09:00: pending 23 wall hours, 7 business hours
    tickets.add_customer_message(desk, SYSTEM, number, "Odpowiedź klienta")
    assert _ticket(desk, number).paused_seconds == 7 * 3600  # business clock (opening hours 08-16)
    policies.set_policy(desk, staff.boss, policies.PolicyInput("normal", None, 60, 600, business_hours=False))
    t = _ticket(desk, number)
    assert t.paused_seconds == 23 * 3600
    assert _aware(t.resolution_due_at) == start + timedelta(minutes=600) + timedelta(hours=23)
