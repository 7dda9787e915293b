"""Roles are enforced in the services: every refusal, its message, and that nothing changed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bokdesk.core import roles
from bokdesk.core.desk import SYSTEM, Actor
from bokdesk.core.enums import Role
from bokdesk.core.errors import PermissionDenied, ValidationError
from bokdesk.core.models import Agent, CannedResponse, Setting, SlaPolicy, Team, Ticket
from bokdesk.core.roles import Permission
from bokdesk.core.services import agents, canned, policies, tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)


def new_ticket(desk, subject="Faktura"):
    spec = CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
    return tickets.create_ticket(
        desk, SYSTEM, tickets.NewTicket(subject=subject, customer=spec, body="Pytanie.")
    )


def rows(desk, model):
    with desk.store.read() as s:
        return list(s.exec(select(model)).all())


# --- the permission table ----------------------------------------------------------------------


def test_each_role_includes_the_one_below():
    agent, supervisor, admin = (roles.permissions_of(r) for r in Role)
    assert agent < supervisor < admin
    assert Permission.WORK_TICKETS in agent
    assert Permission.VIEW_STATS not in agent and Permission.VIEW_REPORTS not in agent
    assert Permission.EDIT_SHARED_CANNED not in agent and Permission.CHANGE_POLICIES not in agent
    assert {
        Permission.VIEW_STATS,
        Permission.VIEW_REPORTS,
        Permission.CHANGE_POLICIES,
        Permission.CHANGE_DESK_SETTINGS,
        Permission.REASSIGN_ANY,
    } <= supervisor
    assert Permission.MANAGE_AGENTS not in supervisor and Permission.MANAGE_AGENTS in admin
    assert set(Permission) == set(roles.MINIMUM_ROLE) == set(roles.DESCRIPTION)


@pytest.mark.parametrize("permission", [Permission.VIEW_STATS, Permission.VIEW_REPORTS])
def test_agents_cannot_open_stats_or_reports(permission):
    ola = Actor(id=3, login="ola", name="Ola", role=Role.AGENT)
    with pytest.raises(PermissionDenied, match=r"needs the supervisor role; you are agent"):
        roles.require(ola, permission)
    roles.require(Actor(id=2, login="marek", name="Marek", role=Role.SUPERVISOR), permission)
    roles.require(SYSTEM, permission)
    assert not roles.allowed(ola, permission)


def test_refusal_names_what_was_refused():
    boss = Actor(id=2, login="marek", name="Marek", role=Role.SUPERVISOR)
    with pytest.raises(PermissionDenied) as err:
        roles.require(boss, Permission.MANAGE_AGENTS)
    assert str(err.value) == "Managing agents needs the admin role; you are supervisor."
    assert err.value.exit_code == 4


# --- managing agents: admins -----------------------------------------------------------------


def test_agent_and_supervisor_cannot_add_agents(desk, staff):
    before = len(rows(desk, Agent))
    for who in (staff.ola, staff.boss):
        with pytest.raises(PermissionDenied, match="needs the admin role"):
            agents.add_agent(desk, who, "nowy", "Nowy Agent")
    assert len(rows(desk, Agent)) == before
    agents.add_agent(desk, staff.admin, "nowy", "Nowy Agent")


def test_unknown_caller_cannot_add_agents_once_an_admin_exists(desk, staff):
    with pytest.raises(PermissionDenied, match="needs an administrator"):
        agents.add_agent(desk, None, "nowy", "Nowy Agent")


def test_first_admin_of_an_empty_desk_may_be_added_by_anyone(desk):
    admin = agents.add_agent(desk, None, "root", "Admin", role="admin")
    assert admin.role == "admin"


def test_only_admins_change_roles_and_deactivate(desk, staff):
    with pytest.raises(PermissionDenied, match="Changing an agent's role needs the admin role"):
        agents.set_role(desk, staff.boss, "ola", "supervisor")
    with pytest.raises(PermissionDenied):
        agents.set_active(desk, staff.ola, "kasia", False)
    assert agents.set_role(desk, staff.admin, "ola", "supervisor").role == "supervisor"
    assert agents.set_active(desk, staff.admin, "kasia", False).active is False


def test_the_last_admin_cannot_be_demoted_or_deactivated(desk, staff):
    with pytest.raises(ValidationError, match="last active admin"):
        agents.set_role(desk, staff.admin, "admin", "agent")
    with pytest.raises(ValidationError, match="last active admin"):
        agents.set_active(desk, staff.admin, "admin", False)
    agents.set_role(desk, staff.admin, "marek", "admin")
    assert agents.set_role(desk, staff.admin, "admin", "supervisor").role == "supervisor"


def test_a_colleagues_status_needs_a_supervisor(desk, staff):
    with pytest.raises(PermissionDenied, match="Setting a colleague's status needs the supervisor role"):
        agents.set_agent_status(desk, staff.ola, "kasia", "off_shift")
    assert agents.set_agent_status(desk, staff.ola, "ola", "away").status == "away"
    assert agents.set_agent_status(desk, staff.boss, "kasia", "off_shift").status == "off_shift"
    with pytest.raises(ValidationError, match="Unknown status"):
        agents.set_status(desk, staff.ola, "sleeping")


# --- canned responses ---------------------------------------------------------------------------


def test_agents_cannot_edit_shared_canned_responses(desk, staff):
    data = canned.CannedInput("Powitanie", "hej", "Dzień dobry {{customer_name}}", shared=True)
    with pytest.raises(PermissionDenied, match="Editing shared canned responses needs the supervisor role"):
        canned.create(desk, staff.ola, data)
    assert rows(desk, CannedResponse) == []
    shared = canned.create(desk, staff.boss, data)
    with pytest.raises(PermissionDenied):
        canned.update(desk, staff.ola, shared.id, data)
    with pytest.raises(PermissionDenied):
        canned.delete(desk, staff.ola, shared.id)
    assert rows(desk, CannedResponse)[0].version == 1


def test_personal_canned_responses_belong_to_their_owner(desk, staff):
    mine = canned.create(desk, staff.ola, canned.CannedInput("Moje", "moje", "Pozdrawiam", shared=False))
    assert mine.owner_id == staff.ola.id
    with pytest.raises(PermissionDenied, match="belongs to another agent"):
        canned.update(desk, staff.kasia, mine.id, canned.CannedInput("Moje", "moje", "Zmiana", shared=False))
    canned.update(desk, staff.ola, mine.id, canned.CannedInput("Moje", "moje", "Zmiana", shared=False))


# --- policies and desk settings -----------------------------------------------------------------


def test_agents_cannot_change_sla_policies(desk, staff):
    before = [(p.priority, p.first_response_minutes) for p in policies.list_policies(desk)]
    change = policies.PolicyInput("urgent", first_response_minutes=5, resolution_minutes=60)
    with pytest.raises(PermissionDenied, match="Changing SLA policies needs the supervisor role"):
        policies.set_policy(desk, staff.ola, change)
    with pytest.raises(PermissionDenied):
        policies.delete_policy(desk, staff.ola, "urgent")
    assert [(p.priority, p.first_response_minutes) for p in policies.list_policies(desk)] == before
    policies.set_policy(desk, staff.boss, change)
    urgent = [p for p in rows(desk, SlaPolicy) if p.priority == "urgent" and p.category is None]
    assert [(p.first_response_minutes, p.resolution_minutes) for p in urgent] == [(5, 60)]


def test_policy_changes_are_validated_and_apply_to_new_and_open_tickets(desk, staff):
    with pytest.raises(ValidationError, match="Unknown priority"):
        policies.set_policy(desk, staff.boss, policies.PolicyInput("asap", first_response_minutes=5))
    with pytest.raises(ValidationError, match="whole number of minutes"):
        policies.set_policy(desk, staff.boss, policies.PolicyInput("normal", first_response_minutes=0))
    old = new_ticket(desk)
    policies.set_policy(
        desk, staff.boss, policies.PolicyInput("normal", first_response_minutes=30, business_hours=False)
    )
    new = new_ticket(desk, "Drugie")
    assert (new.frt_due_at - new.created_at).total_seconds() == 30 * 60
    with desk.store.read() as s:  # the open ticket's due time is recomputed too (core/services/policies.py)
        stored = s.get(Ticket, old.id)
        assert (stored.frt_due_at - stored.created_at).total_seconds() == 30 * 60
    policies.set_policy(
        desk, staff.boss, policies.PolicyInput("normal", category="complaint", resolution_minutes=600)
    )
    policies.delete_policy(desk, staff.admin, "normal", "complaint")


def test_assignment_mode_and_settings_need_a_supervisor(desk, staff):
    with pytest.raises(PermissionDenied, match="Changing desk settings needs the supervisor role"):
        policies.set_assignment_mode(desk, staff.ola, "BOK Warszawa", "round_robin")
    with pytest.raises(PermissionDenied):
        policies.set_setting(desk, staff.ola, "desk_name", "BOK")
    assert {t.assignment_mode for t in rows(desk, Team)} == {"manual"}
    assert (
        policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin").assignment_mode
        == "round_robin"
    )
    with pytest.raises(ValidationError, match="Unknown assignment mode"):
        policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "random")
    policies.set_setting(desk, staff.boss, "desk_name", "BOK Warszawa")
    assert policies.get_setting(desk, "desk_name") == "BOK Warszawa"
    assert [s.key for s in rows(desk, Setting)] == ["desk_name"]


# --- the desk's work: supervisors move colleagues' tickets --------------------------------------


def test_agents_cannot_move_a_colleagues_ticket(desk, staff):
    t = new_ticket(desk)
    tickets.take(desk, staff.kasia, t.id)
    with pytest.raises(PermissionDenied, match="Moving a colleague's ticket needs the supervisor role"):
        tickets.assign(desk, staff.ola, t.id, agent_id=staff.ola.id, note="biorę")
    with desk.store.read() as s:
        assert s.get(Ticket, t.id).assignee_id == staff.kasia.id
    moved = tickets.assign(desk, staff.boss, t.id, agent_id=staff.ola.id, note="Kasia jest na urlopie")
    assert moved.assignee_id == staff.ola.id
    # an agent still hands over their own ticket, and assigns an unassigned one
    tickets.assign(desk, staff.ola, t.id, agent_id=staff.dev.id, note="Błąd w aplikacji")
    u = new_ticket(desk, "Inne")
    assert tickets.assign(desk, staff.ola, u.id, agent_id=staff.kasia.id).assignee_id == staff.kasia.id


def test_system_actor_passes_every_check():
    for permission in Permission:
        roles.require(SYSTEM, permission)
