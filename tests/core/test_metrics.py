"""Every metric of metrics.md against a week worked out by hand.

Calendar: Europe/Warsaw (UTC+1 in November), Mon-Fri 08:00-16:00, Polish holidays. Policies
(business minutes): normal 480 / 2400, high 240 / 960, urgent 60 / 480, low 960 / 4800.
The week of Monday 16 November 2026; "now" is Friday 20 November 12:00 local time.

    T1 email normal question  Mon 09:00; Ola takes 09:30, replies 10:00, solves 11:00.  Survey NPS 10, CSAT 5.
    T2 email high problem     Mon 15:00; Kasia takes Tue 08:30, hands over to Tomek (Developers)
                              at 09:00; Tomek replies Tue 12:00 (FRT target 4 h missed), solves Wed 10:00.
                              Survey NPS 6, CSAT 3.
    T3 phone normal request   Tue 10:00, Ola on the phone, solved on first contact.  Survey NPS 8.
    T4 email normal question  Tue 11:00; Ola replies and solves 11:30; the customer writes back Wed 09:00
                              (reopened); Ola replies 10:00 and solves 10:30.
    T5 email urgent complaint Wed 09:00; nobody answers (first response due Wed 10:00).
    T6 email low question     Thu 09:00; waits unassigned.
    Ola also writes a note on T5 on Tuesday at 18:00 (after hours).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bokdesk.core import metrics, periods
from bokdesk.core.desk import SYSTEM
from bokdesk.core.errors import PermissionDenied
from bokdesk.core.metrics import activity, families, samples, weeks
from bokdesk.core.services import surveys, tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)

H = 3600
WARSAW = ZoneInfo("Europe/Warsaw")


def L(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW).astimezone(UTC)  # type: ignore[misc]


def _email(desk, clock, when, subject, priority="normal", category="question", email="a@example.pl"):
    clock.now = when
    return tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject=subject,
            customer=CustomerSpec(name="Klient", email=email),
            body="Treść",
            priority=priority,
            category=category,
        ),
    ).id


@pytest.fixture
def week(desk, staff, clock):
    """The week of the module docstring; returns the ticket numbers."""
    ola, kasia, tomek = staff.ola, staff.kasia, staff.dev

    def at(*args):
        clock.now = L(*args)

    t1 = _email(desk, clock, L(2026, 11, 16, 9, 0), "T1", email="t1@example.pl")
    at(2026, 11, 16, 9, 30)
    tickets.take(desk, ola, t1)
    at(2026, 11, 16, 10, 0)
    tickets.reply(desk, ola, t1, "Odpowiedź")
    at(2026, 11, 16, 11, 0)
    tickets.solve(desk, ola, t1)

    t2 = _email(
        desk, clock, L(2026, 11, 16, 15, 0), "T2", priority="high", category="problem", email="t2@example.pl"
    )
    at(2026, 11, 17, 8, 30)
    tickets.take(desk, kasia, t2)
    at(2026, 11, 17, 9, 0)
    tickets.assign(desk, kasia, t2, agent_id=tomek.id, note="Błąd w aplikacji")
    at(2026, 11, 17, 12, 0)
    tickets.reply(desk, tomek, t2, "Poprawione")
    at(2026, 11, 18, 10, 0)
    tickets.solve(desk, tomek, t2)

    at(2026, 11, 17, 10, 0)
    t3 = tickets.create_ticket(
        desk,
        ola,
        tickets.NewTicket(
            subject="T3",
            channel="phone",
            category="request",
            customer=CustomerSpec(name="Dzwoniący", phone="600700800"),
            body="Rozmowa",
            solved_on_first_contact=True,
        ),
    ).id

    t4 = _email(desk, clock, L(2026, 11, 17, 11, 0), "T4", email="t4@example.pl")
    at(2026, 11, 17, 11, 30)
    tickets.reply(desk, ola, t4, "Gotowe", set_status="solved")
    at(2026, 11, 18, 9, 0)
    tickets.add_customer_message(desk, SYSTEM, t4, "Nadal nie działa")
    at(2026, 11, 18, 10, 0)
    tickets.reply(desk, ola, t4, "Teraz już tak")
    at(2026, 11, 18, 10, 30)
    tickets.solve(desk, ola, t4)

    t5 = _email(
        desk,
        clock,
        L(2026, 11, 18, 9, 0),
        "T5",
        priority="urgent",
        category="complaint",
        email="t5@example.pl",
    )
    t6 = _email(desk, clock, L(2026, 11, 19, 9, 0), "T6", priority="low", email="t6@example.pl")

    # The after-hours note: Tuesday 18:00 on T1 (already solved; a note is still work).
    at(2026, 11, 17, 18, 0)
    tickets.add_note(desk, ola, t1, "Notatka po godzinach")

    at(2026, 11, 16, 12, 0)
    surveys.record(desk, SYSTEM, t1, nps=10, csat=5)
    at(2026, 11, 18, 12, 0)
    surveys.record(desk, SYSTEM, t2, nps=6, csat=3)
    at(2026, 11, 17, 10, 30)
    surveys.record(desk, SYSTEM, t3, nps=8)

    at(2026, 11, 20, 12, 0)
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t6": t6}


def the_week(desk):
    return periods.days(desk.calendar.tz, datetime(2026, 11, 16).date(), datetime(2026, 11, 20).date())


def test_totals_of_the_week(desk, staff, week):
    r = metrics.report(desk, staff.boss, the_week(desk))
    t = r.totals
    assert (t.received, t.received_inbound, t.complaints_received, t.solved) == (6, 6, 1, 4)
    # Pickup: T1 30 min; T2 Mon 15:00 -> Tue 08:30 = 1 h 30 business / 17 h 30 wall; T3 0; T4 30 min (its reply).
    assert t.pickup.to_json() == {
        "count": 4,
        "business": {"mean": 2250, "median": 1800, "p90": 5400},
        "calendar": {"mean": 16650, "median": 1800, "p90": 63000},
    }
    # First response: T1 1 h; T2 Mon 15:00 -> Tue 12:00 = 5 h business / 21 h wall; T3 0; T4 30 min.
    assert t.first_response.to_json() == {
        "count": 4,
        "business": {"mean": 5850, "median": 2700, "p90": 18000},
        "calendar": {"mean": 20250, "median": 2700, "p90": 75600},
    }
    # Resolution (to the last solve): T1 2 h; T2 11 h business / 43 h wall; T3 0; T4 7.5 h / 23.5 h.
    assert t.resolution.to_json() == {
        "count": 4,
        "business": {"mean": 18450, "median": 17100, "p90": 39600},
        "calendar": {"mean": 61650, "median": 45900, "p90": 154800},
    }
    # First resolution: T4 counts its first solve (30 min).
    assert t.first_resolution.stats("business") == {"mean": 12150, "median": 4500, "p90": 39600}
    # SLA: T2's first response was late (due Tue 11:00); all resolution targets met. T5 is still open.
    assert (t.frt_targets, t.frt_breached, t.frt_compliance) == (4, 1, 0.75)
    assert (t.resolution_targets, t.resolution_breached, t.resolution_compliance) == (4, 0, 1.0)
    assert t.sla_compliance == 0.875
    assert (t.first_solved, t.reopened, t.reopen_rate) == (4, 1, 0.25)
    # FCR: T1 and T3 (one public response, no transfer); not T2 (transfer) nor T4 (two responses).
    assert (t.fcr_base, t.fcr, t.fcr_rate) == (4, 2, 0.5)
    assert (t.transfers, t.transfers_per_ticket) == (1, 0.25)
    # NPS: one promoter, one passive, one detractor -> 0 (not "no value"). CSAT: 1 of 2 satisfied.
    assert (t.nps_answers, t.promoters, t.detractors, t.nps) == (3, 1, 1, 0)
    assert (t.csat_answers, t.satisfied, t.csat) == (2, 1, 0.5)


def test_backlog_and_complaints(desk, staff, week):
    r = metrics.report(desk, staff.boss, the_week(desk))
    b = r.backlog
    # T5 (first response due Wed 10:00: breached) and T6 (due Mon 23 09:00: 5 business hours left, not at risk).
    assert (b.total, b.unassigned, b.at_risk, b.breached) == (2, 2, 0, 1)
    assert b.by_status == {"new": 2, "open": 0, "pending": 0, "on_hold": 0}
    c = r.complaints
    assert c.open_total == 1 and c.overdue == 0 and c.received == 1
    assert [(x.number, x.days_left) for x in c.open] == [(week["t5"], 12)]  # due at the end of Wed 2 Dec
    assert r.backlog_at_end == 2


def test_backlog_at_a_past_moment_replays_reopened_tickets(desk, staff, week):
    # Tue 12:00: T2 open; T1, T3, T4 solved -> 1.
    assert metrics.backlog_at(desk, staff.boss, L(2026, 11, 17, 12, 0)) == 1
    # Wed 09:30: T2 open, T4 reopened at 09:00, T5 new -> 3.
    assert metrics.backlog_at(desk, staff.boss, L(2026, 11, 18, 9, 30)) == 3
    # Wed 11:00: T2 and T4 solved again; T5 -> 1.
    assert metrics.backlog_at(desk, staff.boss, L(2026, 11, 18, 11, 0)) == 1


def _row(report, dimension, key):
    return next(r for r in report.breakdowns[dimension] if r.key == key)


def test_breakdown_by_agent_with_activity(desk, staff, week):
    r = metrics.report(desk, staff.boss, the_week(desk))
    ola = _row(r, "agent", staff.ola.id)
    assert ola.label == staff.ola.name and ola.login == "ola"
    assert ola.figures.solved == 3
    assert ola.figures.first_response.stats("business")["median"] == 1800  # 0, 30 min, 1 h
    assert (ola.figures.nps_answers, ola.figures.nps) == (2, 50)  # a promoter and a passive
    # Active hours (UTC hours with an action): Mon 08, 09, 10; Tue 09, 10, 17 (the note); Wed 09 -> 7,
    # one of them after hours (Tuesday 18:00 local).
    assert (ola.activity.active_hours, ola.activity.after_hours_hours, ola.activity.after_hours_actions) == (
        7,
        1,
        1,
    )
    tomek = _row(r, "agent", staff.dev.id)
    assert tomek.figures.solved == 1 and tomek.figures.nps == -100 and tomek.figures.frt_breached == 1
    kasia = _row(r, "agent", staff.kasia.id)
    assert kasia.figures.solved == 0 and kasia.activity.active_hours == 2  # Tue 07 and 08 UTC
    assert kasia.figures.first_response.stats("business")["median"] is None
    unassigned = _row(r, "agent", None)
    assert unassigned.open == 2 and unassigned.breached == 1


def test_breakdowns_by_team_channel_priority_category(desk, staff, week):
    r = metrics.report(desk, staff.boss, the_week(desk))
    teams = {row.label: row.figures.solved for row in r.breakdowns["team"]}
    # T1: Ola's claim put it in BOK Warszawa; T2 went to Developers; T3 and T4 never got a team.
    assert teams == {"BOK Warszawa": 1, "Developers": 1, "—": 2}
    channels = {row.key: (row.figures.received, row.figures.solved) for row in r.breakdowns["channel"]}
    assert channels["email"] == (5, 3) and channels["phone"] == (1, 1)
    priorities = {row.key: row.figures.solved for row in r.breakdowns["priority"]}
    assert priorities["normal"] == 3 and priorities["high"] == 1
    categories = {row.key: row.figures.received for row in r.breakdowns["category"]}
    assert categories["complaint"] == 1 and categories["question"] == 3
    # Every breakdown adds up to the totals.
    for name in metrics.DIMENSIONS:
        assert sum(row.figures.solved for row in r.breakdowns[name]) == r.totals.solved
        assert sum(row.figures.received for row in r.breakdowns[name]) == r.totals.received
        assert sum(row.figures.nps_answers for row in r.breakdowns[name]) == r.totals.nps_answers


def test_durations_are_attributed_to_the_day_their_clock_stopped(desk, staff, week):
    tz = desk.calendar.tz
    monday = metrics.report(
        desk,
        staff.boss,
        periods.days(tz, datetime(2026, 11, 16).date(), datetime(2026, 11, 16).date()),
        by=(),
    )
    # Monday: T1 and T2 arrived; only T1 was picked up, answered and solved.
    assert (monday.totals.received, monday.totals.pickup.count, monday.totals.solved) == (2, 1, 1)
    wednesday = metrics.report(
        desk,
        staff.boss,
        periods.days(tz, datetime(2026, 11, 18).date(), datetime(2026, 11, 18).date()),
        by=(),
    )
    # Wednesday: T2 and T4 solved (T4 again); T4's first solve was Tuesday, so no first resolution.
    assert wednesday.totals.solved == 2 and wednesday.totals.first_solved == 1
    assert wednesday.totals.resolution.stats("business")["median"] == (27000 + 39600) // 2


def test_weekly_series(desk, staff, week):
    r = metrics.report(desk, staff.boss, the_week(desk), weeks=3, by=())
    assert [w.week.label for w in r.weeks] == ["2026-W45", "2026-W46", "2026-W47"]
    assert [w.figures.received for w in r.weeks] == [0, 0, 6]
    assert r.weeks[-1].figures.nps == 0 and r.weeks[0].figures.nps is None


@pytest.mark.parametrize("days", [(16, 20), (19, 19), (2, 6)])
def test_report_stages_fill_progressively_and_end_with_the_report(desk, staff, week, days):
    """Tiles first, then breakdowns, then weeks; each stage a new object; the weeks agree with
    weekly() and the last stage with report(), whether the period is inside the 13 weeks or not."""
    tz = desk.calendar.tz
    p = periods.days(tz, datetime(2026, 11, days[0]).date(), datetime(2026, 11, days[1]).date())
    stages = list(
        metrics.report_stages(
            desk, staff.boss, p, by=("agent", "channel"), weeks=13, tiles_first=days == (16, 20)
        )
    )
    assert [(bool(s.breakdowns), bool(s.weeks)) for s in stages] == [
        (False, False),
        (True, False),
        (True, True),
    ]
    assert len({id(s) for s in stages}) == 3
    final = metrics.report(desk, staff.boss, p, by=("agent", "channel"), weeks=13)
    assert stages[-1].to_json() | {"generated_at": None} == final.to_json() | {"generated_at": None}
    assert all(s.totals.to_json() == final.totals.to_json() for s in stages)
    alone = metrics.report(desk, staff.boss, p, by=("agent", "channel"))
    assert stages[1].breakdowns.keys() == alone.breakdowns.keys()
    assert {k: [r.to_json() for r in v] for k, v in stages[1].breakdowns.items()} == {
        k: [r.to_json() for r in v] for k, v in alone.breakdowns.items()
    }
    assert [w.to_json() for w in final.weeks] == [w.to_json() for w in metrics.weekly(desk, staff.boss)]
    assert (
        sum(w.figures.received for w in final.weeks) == 6
        and sum(w.figures.nps_answers for w in final.weeks) == 3
    )


def test_stop_times_are_parsed_from_the_stored_text():
    fixed = "2026-11-16 08:00:00.000000,2026-11-16 09:30:15.500000"
    assert samples.stop_times(fixed, True).tolist() == [1794816000, 1794821415]
    # Another width somewhere (a row written by hand): parsed value by value, same result.
    assert samples.stop_times("2026-11-16 08:00:00,2026-11-16 09:30:15.5", True).tolist() == [
        1794816000,
        1794821415,
    ]
    assert samples.stop_times(None, True).tolist() == [] and samples.stop_times("5,7", False).tolist() == [
        5,
        7,
    ]


def test_the_rest_of_a_span_outside_a_period(desk):
    tz = desk.calendar.tz
    p = periods.days(tz, datetime(2026, 11, 10).date(), datetime(2026, 11, 12).date())
    before, after = p.start - timedelta(days=5), p.end + timedelta(days=5)
    assert weeks.outside((before, after), p) == [(before, p.start), (p.end, after)]
    assert weeks.outside((before, p.end), p) == [(before, p.start)]
    assert weeks.outside((p.start, p.end), p) == []
    assert weeks.outside((after, after + timedelta(days=1)), p) == [(after, after + timedelta(days=1))]


def test_drill_down_lists_the_tickets_behind_a_figure(desk, staff, week):
    p = the_week(desk)
    assert [row.number for row in metrics.drill_down(desk, staff.boss, "frt_breached", p)] == [week["t2"]]
    assert sorted(row.number for row in metrics.drill_down(desk, staff.boss, "open", p)) == [
        week["t5"],
        week["t6"],
    ]
    assert [row.number for row in metrics.drill_down(desk, staff.boss, "breached_open", p)] == [week["t5"]]
    longest = metrics.drill_down(desk, staff.boss, "resolution", p)
    assert [row.number for row in longest] == [week["t2"], week["t4"], week["t1"], week["t3"]]
    assert longest[0].seconds == 39600
    ola = metrics.drill_down(desk, staff.boss, "solved", p, dimension="agent", value=staff.ola.id)
    assert sorted(row.number for row in ola) == [week["t1"], week["t3"], week["t4"]]
    assert [r.number for r in metrics.drill_down(desk, staff.boss, "reopened", p)] == [week["t4"]]
    assert sorted(r.number for r in metrics.drill_down(desk, staff.boss, "fcr", p)) == [
        week["t1"],
        week["t3"],
    ]


def test_agents_are_refused(desk, staff, week):
    with pytest.raises(PermissionDenied):
        metrics.report(desk, staff.ola, the_week(desk))
    with pytest.raises(PermissionDenied):
        metrics.drill_down(desk, staff.ola, "solved", the_week(desk))
    with pytest.raises(PermissionDenied):
        metrics.backlog_at(desk, staff.ola, L(2026, 11, 18, 9, 0))
    metrics.report(desk, staff.admin, the_week(desk), by=())  # admins may


def test_empty_period_has_no_values_not_zeros(desk, staff):
    p = periods.days(desk.calendar.tz, datetime(2026, 1, 5).date(), datetime(2026, 1, 9).date())
    t = metrics.report(desk, staff.boss, p).totals
    assert t.received == 0 and t.nps is None and t.csat is None and t.sla_compliance is None
    assert t.first_response.stats("business") == {"mean": None, "median": None, "p90": None}


@pytest.mark.parametrize(
    "promoters, detractors, answers, expected",
    [
        (0, 0, 0, None),  # no answers: no value, never 0
        (0, 0, 5, 0),  # only passives: 0
        (5, 0, 5, 100),
        (0, 5, 5, -100),
        (1, 0, 8, 13),  # 12.5 rounds away from zero
        (0, 1, 8, -13),
        (1, 0, 3, 33),  # 33.3
        (2, 0, 3, 67),  # 66.7
        (3, 1, 7, 29),  # 28.57
    ],
)
def test_nps_rounding(promoters, detractors, answers, expected):
    assert metrics.nps_score(promoters, detractors, answers) == expected


def test_median_and_p90_definitions():
    assert metrics.median([]) is None and metrics.p90([]) is None
    assert metrics.median([5]) == 5 and metrics.p90([5]) == 5
    assert metrics.median([1, 2, 3, 10]) == 2  # (2 + 3) // 2
    assert metrics.p90(list(range(1, 11))) == 9  # nearest rank: ceil(0.9 * 10) = 9th
    assert metrics.p90(list(range(1, 12))) == 10  # ceil(9.9) = 10th
    assert metrics.mean(7, 2) == 4 and metrics.mean(0, 0) is None


def test_dims_code_is_generated_by_the_database_and_decodes(desk, staff, week):
    from sqlalchemy import text

    from bokdesk.core.models import DIMS_CODE_SQL, Ticket

    with desk.store.read() as s:
        if desk.store.is_sqlite:
            ddl = s.connection().execute(text("SELECT sql FROM sqlite_master WHERE name = 'ticket'")).scalar()
            assert DIMS_CODE_SQL in " ".join(ddl.split())
        else:  # PostgreSQL: a stored generated column too
            generated = (
                s.connection()
                .execute(
                    text(
                        "SELECT is_generated FROM information_schema.columns "
                        "WHERE table_name = 'ticket' AND column_name IN ('dims_code', 'metric_bits')"
                    )
                )
                .scalars()
                .all()
            )
            assert generated == ["ALWAYS", "ALWAYS"]
        t2 = s.get(Ticket, week["t2"])
        code = (
            s.connection()
            .execute(text("SELECT dims_code FROM ticket WHERE id = :id"), {"id": t2.id})
            .scalar()
        )
    import numpy as np

    codes = np.array([code])
    decoded = {
        name: families.key_value(name, int(families.decode(name, codes)[0])) for name in metrics.DIMENSIONS
    }
    assert decoded == {
        "agent": staff.dev.id,
        "team": staff.dev.team_id,
        "channel": "email",
        "category": "problem",
        "priority": "high",
    }


def test_an_hour_cut_by_the_opening_time_is_settled_action_by_action(desk, staff, clock):
    from bokdesk.core.calendar import BusinessCalendar

    desk.calendar = BusinessCalendar.from_config({"hours": {"mon": "08:30-16:00"}})
    t = _email(desk, clock, L(2026, 11, 16, 7, 0), "Wcześnie")
    clock.now = L(2026, 11, 16, 8, 10)  # before the 08:30 opening
    tickets.add_note(desk, staff.ola, t, "przed otwarciem")
    clock.now = L(2026, 11, 16, 8, 40)  # same hour, open
    tickets.add_note(desk, staff.ola, t, "po otwarciu")
    clock.now = L(2026, 11, 16, 12, 0)
    tickets.add_note(desk, staff.ola, t, "w południe")
    monday = periods.days(desk.calendar.tz, datetime(2026, 11, 16).date(), datetime(2026, 11, 16).date())
    ola = _row(metrics.report(desk, staff.boss, monday), "agent", staff.ola.id).activity
    assert (ola.actions, ola.active_hours, ola.after_hours_hours, ola.after_hours_actions) == (3, 2, 1, 1)
    hours = activity.open_seconds(
        desk.calendar,
        monday,
        __import__("numpy").array([L(2026, 11, 16, 8, 0).timestamp()]),
        __import__("numpy").array([L(2026, 11, 16, 9, 0).timestamp()]),
    )
    assert hours.tolist() == [1800]
