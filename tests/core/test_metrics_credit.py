"""Per-agent credit (metrics.md: a figure belongs to the clock that stopped it): each agent is
credited with the clocks they stopped, not the figures of whoever holds the ticket now.

Worked by hand, Monday 16 November 2026, desk-local time, all inside opening hours (so both
clocks agree):

    T7 email normal question  09:00 received.
       09:15 Ola takes it            -> pickup 15 min, Ola's
       09:45 Ola replies             -> first response 45 min, Ola's
       10:00 Ola hands over to Kasia (transfer 1)
       11:00 Kasia solves            -> first resolution 2 h, Kasia's (and the reopen, below)
       12:00 the customer writes back: reopened
       12:30 Kasia hands over to Tomek (transfer 2)
       14:00 Tomek solves            -> resolution 5 h, 2 transfers, not first contact: Tomek's
    T7 is received by its assignee now (Tomek).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bokdesk.core import metrics, periods
from bokdesk.core.desk import SYSTEM
from bokdesk.core.models import Ticket
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)

WARSAW = ZoneInfo("Europe/Warsaw")


def L(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW).astimezone(UTC)  # type: ignore[misc]


@pytest.fixture
def handed_over(desk, staff, clock):
    ola, kasia, tomek = staff.ola, staff.kasia, staff.dev
    clock.now = L(2026, 11, 16, 9, 0)
    number = tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject="T7", customer=CustomerSpec(name="Klient", email="t7@example.pl"), body="Treść"
        ),
    ).id
    steps = [
        ((9, 15), lambda: tickets.take(desk, ola, number)),
        ((9, 45), lambda: tickets.reply(desk, ola, number, "Sprawdzam")),
        ((10, 0), lambda: tickets.assign(desk, ola, number, agent_id=kasia.id, note="Dla Kasi")),
        ((11, 0), lambda: tickets.solve(desk, kasia, number)),
        ((12, 0), lambda: tickets.add_customer_message(desk, SYSTEM, number, "Nadal nie działa")),
        ((12, 30), lambda: tickets.assign(desk, kasia, number, agent_id=tomek.id, note="Dla Tomka")),
        ((14, 0), lambda: tickets.solve(desk, tomek, number)),
    ]
    for (hour, minute), step in steps:
        clock.now = L(2026, 11, 16, hour, minute)
        step()
    clock.now = L(2026, 11, 16, 15, 0)
    return number


def monday(desk):
    return periods.days(desk.calendar.tz, date(2026, 11, 16), date(2026, 11, 16))


def test_the_ticket_remembers_who_stopped_each_clock(desk, staff, handed_over):
    with desk.store.read() as session:
        t = session.exec(select(Ticket).where(Ticket.id == handed_over)).one()
        assert (t.assignee_id, t.transfer_count, t.reopen_count) == (staff.dev.id, 2, 1)
        assert (t.picked_up_by_id, t.first_responder_id) == (staff.ola.id, staff.ola.id)
        assert (t.first_solver_id, t.solver_id) == (staff.kasia.id, staff.dev.id)


def _figures(report, agent):
    return next(r for r in report.breakdowns["agent"] if r.key == agent.id).figures


def test_each_agent_is_credited_with_the_clocks_they_stopped(desk, staff, handed_over):
    r = metrics.report(desk, staff.boss, monday(desk))
    ola, kasia, tomek = (_figures(r, a) for a in (staff.ola, staff.kasia, staff.dev))
    assert ola.pickup.to_json() == {
        "count": 1,
        "business": {"mean": 900, "median": 900, "p90": 900},
        "calendar": {"mean": 900, "median": 900, "p90": 900},
    }
    assert ola.first_response.stats("calendar") == {"mean": 2700, "median": 2700, "p90": 2700}
    assert (ola.received, ola.solved, ola.first_solved, ola.resolution.count) == (0, 0, 0, 0)
    assert kasia.first_resolution.stats("business") == {"mean": 7200, "median": 7200, "p90": 7200}
    assert (kasia.first_solved, kasia.reopened, kasia.reopen_rate) == (1, 1, 1.0)
    assert (kasia.pickup.count, kasia.first_response.count, kasia.solved) == (0, 0, 0)
    assert tomek.resolution.stats("business") == {"mean": 18000, "median": 18000, "p90": 18000}
    assert (tomek.received, tomek.solved, tomek.transfers, tomek.fcr_base, tomek.fcr) == (1, 1, 2, 1, 0)
    assert (tomek.resolution_targets, tomek.resolution_breached) == (1, 0)
    assert (tomek.pickup.count, tomek.first_response.count, tomek.first_solved) == (0, 0, 0)
    # Each breakdown still adds up to the totals.
    for name in ("solved", "first_solved", "received"):
        assert (
            sum(getattr(row.figures, name) for row in r.breakdowns["agent"]) == getattr(r.totals, name) == 1
        )
    assert sum(row.figures.pickup.count for row in r.breakdowns["agent"]) == r.totals.pickup.count == 1


def test_drill_down_by_agent_follows_the_credit(desk, staff, handed_over):
    def numbers(figure, agent):
        return [
            row.number
            for row in metrics.drill_down(
                desk, staff.boss, figure, monday(desk), dimension="agent", value=agent.id
            )
        ]

    assert numbers("first_response", staff.ola) == [handed_over]
    assert numbers("first_response", staff.dev) == []
    assert numbers("resolution", staff.dev) == [handed_over]
    assert numbers("reopened", staff.kasia) == [handed_over]


def test_without_a_recorded_credit_the_assignee_is_credited(desk, staff, handed_over):
    # Data from before 0003 (or bulk-loaded) has no credit: the figures go to the assignee.
    with desk.store.write() as session:
        t = session.exec(select(Ticket).where(Ticket.id == handed_over)).one()
        t.picked_up_by_id = t.first_responder_id = t.first_solver_id = t.solver_id = None
        session.add(t)
    r = metrics.report(desk, staff.boss, monday(desk))
    tomek = _figures(r, staff.dev)
    assert (tomek.pickup.count, tomek.first_response.count, tomek.first_solved, tomek.solved) == (1, 1, 1, 1)


def test_a_call_typed_in_by_the_agent_is_theirs(desk, staff, clock):
    clock.now = L(2026, 11, 16, 10, 0)
    number = tickets.create_ticket(
        desk,
        staff.kasia,
        tickets.NewTicket(
            subject="Telefon",
            channel="phone",
            customer=CustomerSpec(name="Dzwoniący", phone="600700801"),
            body="Rozmowa",
            solved_on_first_contact=True,
        ),
    ).id
    with desk.store.read() as session:
        t = session.exec(select(Ticket).where(Ticket.id == number)).one()
    assert {t.picked_up_by_id, t.first_responder_id, t.first_solver_id, t.solver_id} == {staff.kasia.id}


def test_upgrading_an_older_desk_fills_the_credit_from_history(desk, staff, handed_over):
    from bokdesk.core import migrate

    migrate.upgrade(desk.store, "0003")
    from alembic import command

    from bokdesk.core.migrate import _config

    with desk.store.engine.begin() as connection:
        command.downgrade(_config(desk.store, connection), "0002")  # type: ignore[arg-type]
    assert migrate.current_revision(desk.store) == "0002"
    migrate.upgrade(desk.store)
    with desk.store.read() as session:
        t = session.exec(select(Ticket).where(Ticket.id == handed_over)).one()
    assert (t.picked_up_by_id, t.first_responder_id, t.first_solver_id, t.solver_id) == (
        staff.ola.id,
        staff.ola.id,
        staff.kasia.id,
        staff.dev.id,
    )


def test_a_jsonl_round_trip_keeps_every_figure(desk, staff, handed_over, clock, tmp_path):
    """An import writes tickets without the services: the durations and the credit the reports
    read are restored from the imported timestamps and history (the same report on both desks)."""
    import io

    from bokdesk.core import jsonl
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk
    from bokdesk.core.services import agents

    clock.now = L(2026, 11, 16, 10, 30)
    call = tickets.create_ticket(
        desk,
        staff.kasia,
        tickets.NewTicket(
            subject="Telefon",
            channel="phone",
            customer=CustomerSpec(name="Dzwoniący", phone="600700801"),
            body="Rozmowa",
        ),
    )  # typed in during the call: Kasia's pickup and first response...
    clock.now = L(2026, 11, 16, 11, 0)
    tickets.assign(
        desk, staff.kasia, call.id, agent_id=staff.ola.id, note="Dla Oli"
    )  # ...though Ola has it now
    clock.now = L(2026, 11, 16, 15, 0)
    out = io.StringIO()
    jsonl.export_jsonl(desk, out)
    path = tmp_path / "desk.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    other = Desk(store=open_store(tmp_path / "other.db"), clock=clock)
    try:
        boss = agents.actor_of(agents.add_agent(other, None, "marek", "Marek Wiśniewski", role="supervisor"))
        jsonl.import_jsonl(other, path)
        before = metrics.report(desk, staff.boss, monday(desk), weeks=2).to_json()
        after = metrics.report(other, boss, monday(other), weeks=2).to_json()
        logins = {row["key"]: row.get("login") for row in after["breakdowns"]["agent"]}
        for report in (before, after):  # agent ids differ between the desks; logins do not
            for row in report["breakdowns"]["agent"]:
                row["key"] = row.get("login")
        assert after == before
        assert "kasia" in logins.values()
        kasia = next(r for r in after["breakdowns"]["agent"] if r["key"] == "kasia")
        assert kasia["pickup"]["count"] == 1 and kasia["first_response"]["count"] == 1
    finally:
        other.store.dispose()
