"""core/services/shifts.py: who may change the rota, one transaction with an audit row each, and
what routing and presence make of it (an available agent off their shift gets nothing)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from bokdesk.core import audit
from bokdesk.core.desk import SYSTEM
from bokdesk.core.errors import NotFound, PermissionDenied, ValidationError
from bokdesk.core.models import AgentAbsence, AgentShift
from bokdesk.core.services import policies, presence, roster, shifts, tickets
from bokdesk.core.services.customers import CustomerSpec

# The desk's clock starts on Tuesday 2026-11-17 at 09:00 in Warsaw (08:00 UTC).
TUESDAY = date(2026, 11, 17)


@pytest.fixture
def bok(desk, staff):
    for who in (staff.boss, staff.ola, staff.kasia):
        presence.heartbeat(desk, who)
    policies.set_assignment_mode(desk, staff.boss, "BOK Warszawa", "round_robin")
    return staff.ola.team_id


def create(desk, team_id, subject="Pytanie"):
    spec = CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
    return tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(subject=subject, customer=spec, channel="email", body="Treść", team_id=team_id),
    )


def begins(desk):
    seen: list[str] = []

    @event.listens_for(desk.store.engine, "before_cursor_execute")
    def _log(conn, cursor, statement, *args):  # noqa: ANN001
        if statement.startswith("BEGIN IMMEDIATE"):
            seen.append(statement)

    return seen


# ---------------------------------------------------------------------- writes


@pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)
def test_agents_cannot_change_the_rota(desk, staff):
    with pytest.raises(PermissionDenied, match="Changing the rota needs the supervisor role"):
        shifts.set_week(desk, staff.ola, "ola", "mon-fri 8-16")
    with pytest.raises(PermissionDenied):
        shifts.add_absence(desk, staff.ola, "ola", TUESDAY)
    row = shifts.add_absence(desk, staff.boss, "ola", TUESDAY)
    with pytest.raises(PermissionDenied):
        shifts.cancel_absence(desk, staff.kasia, row.id)
    with desk.store.read() as s:
        assert s.exec(select(AgentShift)).all() == []


def test_set_week_is_one_transaction_with_an_audit_row(desk, staff):
    seen = begins(desk)
    shifts.set_week(desk, staff.boss, "ola", "pon-pt 8-16, sob 9-13")
    assert len(seen) == 1
    shifts.set_week(desk, staff.admin, "ola", "mon-fri 12-20")
    shifts.set_week(desk, staff.admin, "ola", "mon-fri 12:00-20:00")  # the same week: nothing to record
    [rota] = shifts.rota_of_desk(desk, login="ola")
    assert rota.week == "mon-fri 12:00-20:00" and not rota.rota.follows_desk
    rows = audit.entries(desk, staff.admin, action="shifts")
    assert [(r.actor, r.target, r.old, r.new) for r in rows] == [
        ("Adam Admin", "ola", "mon-fri 08:00-16:00, sat 09:00-13:00", "mon-fri 12:00-20:00"),
        ("Marek Wiśniewski", "ola", "desk", "mon-fri 08:00-16:00, sat 09:00-13:00"),
    ]
    shifts.set_week(desk, staff.boss, "ola", "desk")  # back to the desk's hours
    [rota] = shifts.rota_of_desk(desk, login="ola")
    assert rota.rota.follows_desk and rota.week == "desk"


@pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)
def test_a_bad_week_is_refused_and_changes_nothing(desk, staff):
    shifts.set_week(desk, staff.boss, "ola", "mon-fri 8-16")
    with pytest.raises(ValidationError, match="Shifts overlap"):
        shifts.set_week(desk, staff.boss, "ola", "mon 8-12 11-15")
    with pytest.raises(NotFound, match="No agent with login 'nobody'"):
        shifts.set_week(desk, staff.boss, "nobody", "mon 8-16")
    [rota] = shifts.rota_of_desk(desk, login="ola")
    assert rota.week == "mon-fri 08:00-16:00"
    assert len(audit.entries(desk, staff.admin, action="shifts")) == 1


def test_absence_add_list_cancel_with_audit(desk, staff, clock):
    seen = begins(desk)
    leave = shifts.add_absence(
        desk, staff.boss, "ola", date(2026, 11, 23), date(2026, 11, 27), "Leave", note="urlop wypoczynkowy"
    )
    assert len(seen) == 1
    assert (leave.kind, leave.days, leave.recorded_by, leave.recorded_at) == (
        "leave",
        5,
        "Marek Wiśniewski",
        clock.now,
    )
    sick = shifts.add_absence(desk, staff.boss, "kasia", TUESDAY, kind="sick")
    assert (sick.first_day, sick.last_day) == (TUESDAY, TUESDAY)
    with pytest.raises(ValidationError, match=r"already away 2026-11-23..2026-11-27 \(leave, #1\)"):
        shifts.add_absence(desk, staff.boss, "ola", date(2026, 11, 27), date(2026, 11, 30))
    with pytest.raises(ValidationError, match="Unknown absence kind 'holiday'"):
        shifts.add_absence(desk, staff.boss, "ola", date(2026, 12, 1), kind="holiday")
    with pytest.raises(ValidationError, match="ends on or after its first day"):
        shifts.add_absence(desk, staff.boss, "ola", date(2026, 12, 5), date(2026, 12, 1))
    assert [a.login for a in shifts.list_absences(desk)] == ["kasia", "ola"]
    assert [a.login for a in shifts.list_absences(desk, first_day=date(2026, 11, 20))] == ["ola"]
    assert [a.login for a in shifts.list_absences(desk, last_day=date(2026, 11, 20))] == ["kasia"]
    assert [a.id for a in shifts.list_absences(desk, login="ola")] == [leave.id]
    seen.clear()
    shifts.cancel_absence(desk, staff.admin, leave.id)
    assert len(seen) == 1
    with pytest.raises(NotFound):
        shifts.cancel_absence(desk, staff.admin, leave.id)
    with desk.store.read() as s:
        assert [r.agent_id for r in s.exec(select(AgentAbsence))] == [staff.kasia.id]
    rows = audit.entries(desk, staff.admin)
    assert [(r.action, r.target, r.old, r.new, r.note) for r in rows if r.action.startswith("absence")] == [
        ("absence_cancelled", "ola", "2026-11-23..2026-11-27 leave", None, "urlop wypoczynkowy"),
        ("absence_added", "kasia", None, "2026-11-17..2026-11-17 sick", None),
        ("absence_added", "ola", None, "2026-11-23..2026-11-27 leave", "urlop wypoczynkowy"),
    ]


# ---------------------------------------------------------------------- routing


@pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)
def test_an_available_agent_off_shift_gets_nothing(desk, staff, bok):
    # 09:00: Ola starts at 12:00 today, Kasia is on leave, Marek follows the desk's hours (open).
    shifts.set_week(desk, staff.boss, "ola", "mon-fri 12-20")
    shifts.add_absence(desk, staff.boss, "kasia", TUESDAY, date(2026, 11, 20))
    got = {create(desk, bok, f"Pytanie {n}").assignee_id for n in range(3)}
    assert got == {staff.boss.id}


@pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)
def test_routing_follows_the_shift_through_the_day(desk, staff, bok, clock):
    shifts.set_week(desk, staff.boss, "ola", "mon-fri 8-12 13-17")  # a split shift
    shifts.set_week(desk, staff.boss, "kasia", "mon-fri 12-20")
    shifts.set_week(desk, staff.boss, "marek", "mon-fri 7-15")

    def assignees_at(hour_utc):
        clock.now = clock.now.replace(hour=hour_utc, minute=0)
        for who in (staff.boss, staff.ola, staff.kasia):
            presence.heartbeat(desk, who)
        return {create(desk, bok).assignee_id for _ in range(3)}

    assert assignees_at(8) == {staff.ola.id, staff.boss.id}  # 09:00 local
    assert assignees_at(11) == {staff.kasia.id, staff.boss.id}  # 12:00 local: Ola's lunch gap
    assert assignees_at(14) == {staff.ola.id, staff.kasia.id}  # 15:00 local: Marek has left
    assert assignees_at(18) == {staff.kasia.id}  # 19:00 local: after the desk's hours, on Kasia's shift
    assert assignees_at(20) == {None}  # 21:00 local: nobody on shift, the ticket waits in the queue


@pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)
def test_no_timetable_routes_during_the_desk_hours_only(desk, staff, bok, clock):
    assert create(desk, bok).assignee_id is not None  # Tuesday 09:00: open
    clock.now = clock.now.replace(hour=19)  # 20:00 local: the desk (Mon-Fri 8-16) is closed
    for who in (staff.boss, staff.ola, staff.kasia):
        presence.heartbeat(desk, who)
    assert create(desk, bok).assignee_id is None


# ---------------------------------------------------------------------- presence and roster


@pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)
def test_presence_says_off_shift_and_absent_even_when_the_status_is_available(desk, staff, bok, clock):
    shifts.set_week(desk, staff.boss, "ola", "mon-fri 12-20")
    shifts.set_week(desk, staff.boss, "marek", "mon-fri 8-16")
    shifts.add_absence(desk, staff.boss, "kasia", date(2026, 11, 16), date(2026, 11, 20), "sick")
    people = {p.login: p for p in presence.online(desk)}
    assert people["ola"].status == "available" and people["ola"].state == "off_shift"
    assert people["ola"].next_shift.isoformat() == "2026-11-17T11:00:00+00:00"
    assert people["kasia"].state == "absent" and people["kasia"].absence_kind == "sick"
    assert people["kasia"].absent_until == date(2026, 11, 20)
    assert (
        people["marek"].state == "available"
        and people["marek"].shift_until.isoformat() == "2026-11-17T15:00:00+00:00"
    )
    assert (
        people["admin"].follows_desk and people["admin"].state == "offline"
    )  # on the desk's hours, not seen
    entries = {e.name: e for e in roster.roster(desk)}
    assert (
        entries["Aleksandra Nowak"].state == "off_shift" and entries["Aleksandra Nowak"].shift_until is None
    )
    assert entries["Katarzyna Zielińska"].absent_until == date(2026, 11, 20)
    assert (
        entries["Marek Wiśniewski"].shift_until is not None and not entries["Marek Wiśniewski"].follows_desk
    )
    assert presence.available_count(desk) == 1  # Marek: Ola is available but off shift


# ---------------------------------------------------------------------- the demo desk


def test_demo_rota_agrees_with_its_history(tmp_path):
    from datetime import UTC, datetime

    from bokdesk.core.database import open_store
    from bokdesk.core.demo import build_demo
    from bokdesk.core.desk import Desk
    from bokdesk.core.models import TicketEvent

    now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday: the leave starts on Monday
    desk = Desk(store=open_store(tmp_path / "demo.db"), clock=lambda: now)
    try:
        build_demo(desk, me="tester", me_name="Tester", seed=3, days=10, per_day=12, now=now)
        rotas = {r.agent_id: r for r in shifts.rota_of_desk(desk, date(2026, 11, 10))}
        weeks = {r.login: r.week for r in rotas.values()}
        assert weeks == {
            "ola": "mon-fri 08:00-16:00",
            "kasia": "mon-fri 08:00-16:00",
            "piotr": "mon-fri 08:00-16:00",
            "ewa": "mon-fri 08:00-16:00",
            "marek": "mon-fri 08:00-16:00",
            "tomek": "desk",
            "julia": "desk",
            "tester": "desk",
        }
        [leave] = shifts.list_absences(desk)
        assert (leave.login, leave.kind, leave.first_day, leave.last_day) == (
            "kasia",
            "leave",
            date(2026, 11, 23),
            date(2026, 11, 25),
        )
        with desk.store.read() as s:
            acts = [
                (e.agent_id, e.at)
                for e in s.exec(select(TicketEvent).where(col(TicketEvent.agent_id).is_not(None)))
            ]
        on = [rotas[a].rota.on_shift(at) for a, at in acts]
        assert (
            len(on) > 500 and sum(on) / len(on) > 0.95
        )  # agents act on their shifts (a late pickup spills over)
        assert not any(leave.first_day <= at.date() for a, at in acts if a == leave.agent_id)
    finally:
        desk.store.dispose()
