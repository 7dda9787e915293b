"""SLA clocks against hand-computed fixtures.

The desk's default calendar: Europe/Warsaw, Mon-Fri 08:00-16:00 local, Polish public holidays.
Default policies (business minutes): normal 480 / 2400, urgent 60 / 480, high 240 / 960.
Warsaw is UTC+1 in winter, UTC+2 in summer (2026: summer time ends Sun 25 October).
Every expected value is worked out by hand in the comments; ``L(...)`` is Warsaw local time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bokdesk.core import sla
from bokdesk.core.desk import SYSTEM
from bokdesk.core.explain import FIRST_RESPONSE, PICKUP, RESOLUTION, explain_ticket
from bokdesk.core.models import SlaPolicy, Ticket
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)

H = 3600
WARSAW = ZoneInfo("Europe/Warsaw")


def L(*args: int) -> datetime:
    """Warsaw wall time -> aware UTC."""
    return datetime(*args, tzinfo=WARSAW).astimezone(UTC)  # type: ignore[misc]


def get(desk, ticket_id) -> Ticket:
    with desk.store.read() as s:
        return s.get(Ticket, ticket_id)


def email(desk, clock, at: datetime, *, priority="normal", category="question", subject="Pytanie") -> Ticket:
    clock.now = at
    new = tickets.NewTicket(
        subject=subject,
        customer=CustomerSpec(name="Jan Kowalski", email="jan@example.pl"),
        body="Dzień dobry",
        priority=priority,
        category=category,
    )
    return tickets.create_ticket(desk, SYSTEM, new)


def at(clock, when: datetime) -> None:
    clock.now = when


def add_policy(desk, priority, category, frt_min, res_min, business):
    with desk.store.write() as s:
        existing = s.exec(
            select(SlaPolicy).where(SlaPolicy.priority == priority, SlaPolicy.category == category)
        ).first()
        if existing is None:
            existing = SlaPolicy(priority=priority, category=category)
        existing.first_response_minutes, existing.resolution_minutes = frt_min, res_min
        existing.business_hours = business
        s.add(existing)


# ---------------------------------------------------------------------- due times and risk


def test_due_times_at_risk_and_durations_of_a_plain_email(desk, staff, clock):
    # Tue 17 Nov 09:00. FRT 8 business h: Tue 09-16 is 7 h, + Wed 08-09 = Wed 18 Nov 09:00.
    # Resolution 40 h: Tue 7, Wed 8, Thu 8, Fri 8 (31), Mon 23 8 (39), Tue 24 +1 h = Tue 24 Nov 09:00.
    t = email(desk, clock, L(2026, 11, 17, 9, 0))
    assert t.frt_due_at == L(2026, 11, 18, 9, 0)
    assert t.resolution_due_at == L(2026, 11, 24, 9, 0)
    # At risk when < 20 % (96 min) or < 1 business hour is left: 96 business min before Wed 09:00 is
    # Wed 08:00 (60) and then Tue 16:00 - 36 min = Tue 15:24; one business hour before is Wed 08:00.
    assert t.next_due_at == t.frt_due_at and t.next_risk_at == L(2026, 11, 17, 15, 24)

    at(clock, L(2026, 11, 17, 10, 30))
    tickets.take(desk, staff.ola, t.id)
    at(clock, L(2026, 11, 18, 8, 30))  # next morning, within target
    tickets.reply(desk, staff.ola, t.id, "Sprawdzamy.")
    r = get(desk, t.id)
    assert (r.pickup_secs, r.pickup_bsecs) == (90 * 60, 90 * 60)
    # Tue 09:00 -> Wed 08:30: 23.5 h on the wall; 7 h + 0.5 h of business time.
    assert (r.frt_secs, r.frt_bsecs) == (23 * H + 1800, 7 * H + 1800)
    assert not r.frt_breached
    # The first response is given; now the resolution target is next.
    assert r.next_due_at == L(2026, 11, 24, 9, 0)


def test_after_hours_arrival_starts_counting_at_the_next_opening(desk, staff, clock):
    # Fri 20 Nov 18:30: closed until Mon 23 Nov 08:00. FRT due = Mon 16:00 (8 h of Monday).
    t = email(desk, clock, L(2026, 11, 20, 18, 30))
    assert t.frt_due_at == L(2026, 11, 23, 16, 0)
    at(clock, L(2026, 11, 23, 8, 30))
    tickets.take(desk, staff.ola, t.id)
    r = get(desk, t.id)
    # Wall clock Fri 18:30 -> Mon 08:30 = 62 h; business time: Monday 08:00-08:30.
    assert (r.pickup_secs, r.pickup_bsecs) == (62 * H, 1800)


def test_public_holiday_is_skipped(desk, staff, clock):
    # Tue 10 Nov 15:00; Wed 11 Nov is Independence Day. FRT: Tue 15-16 (1 h) + Thu 08-15 (7 h).
    t = email(desk, clock, L(2026, 11, 10, 15, 0))
    assert t.frt_due_at == L(2026, 11, 12, 15, 0)
    at(clock, L(2026, 11, 12, 9, 0))
    tickets.reply(desk, staff.ola, t.id, "Odpowiedź")
    r = get(desk, t.id)
    assert r.frt_bsecs == 2 * H and r.frt_secs == 42 * H and not r.frt_breached


def test_dst_week(desk, staff, clock):
    # Fri 23 Oct 2026 15:00 CEST (13:00 UTC). Summer time ends Sun 25 Oct.
    # FRT: Fri 15-16 (1 h) + Mon 26 Oct 08-15 CET (7 h) = Mon 15:00 CET = 14:00 UTC.
    t = email(desk, clock, L(2026, 10, 23, 15, 0))
    assert t.frt_due_at == datetime(2026, 10, 26, 14, 0, tzinfo=UTC)
    at(clock, L(2026, 10, 26, 15, 30))
    tickets.reply(desk, staff.ola, t.id, "Odpowiedź")
    r = get(desk, t.id)
    # 15:00 Fri -> 15:30 Mon local is 72.5 h on the wall clock but 73.5 h really passed (the extra hour).
    assert r.frt_secs == 73 * H + 1800 and r.frt_bsecs == 8 * H + 1800
    assert r.frt_breached  # 30 min late


def test_live_phone_ticket_is_answered_and_picked_up_at_creation(desk, staff, clock):
    clock.now = L(2026, 11, 17, 9, 0)
    t = tickets.create_ticket(
        desk,
        staff.ola,
        tickets.NewTicket(
            subject="Telefon",
            channel="phone",
            customer=CustomerSpec(name="Anna", phone="600100200"),
            body="Rozmowa",
        ),
    )
    assert t.frt_secs == 0 and t.pickup_secs == 0 and not t.frt_breached
    e = explain_ticket(desk, t.id)
    assert e.clock(FIRST_RESPONSE).state == "met"
    assert e.clock(FIRST_RESPONSE).stopped.event == "opened_by_agent"


def test_outbound_ticket_has_no_first_response_clock(desk, staff, clock):
    clock.now = L(2026, 11, 17, 9, 0)
    t = tickets.create_ticket(
        desk,
        staff.ola,
        tickets.NewTicket(
            subject="Oddzwonimy",
            channel="email",
            direction="outbound",
            customer=CustomerSpec(name="Anna", email="anna@example.pl"),
            body="Informujemy",
        ),
    )
    assert t.frt_due_at is None and t.frt_secs is None
    assert explain_ticket(desk, t.id).clock(FIRST_RESPONSE).state == "not_applicable"


# ---------------------------------------------------------------------- pauses and breaches


def test_several_pending_periods_extend_the_resolution_due_time(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0))
    at(clock, L(2026, 11, 17, 10, 0))
    tickets.reply(desk, staff.ola, t.id, "Proszę o numer zamówienia.", set_status="pending")
    assert get(desk, t.id).next_due_at is None
    # Pending Tue 10:00 -> Thu 10:00: Tue 6 h + Wed 8 h + Thu 2 h = 16 business hours.
    at(clock, L(2026, 11, 19, 10, 0))
    tickets.add_customer_message(desk, SYSTEM, t.id, "Numer 123")
    r = get(desk, t.id)
    assert r.paused_seconds == 16 * H
    # Due = 40 + 16 = 56 business h from Tue 09:00: Tue 7, W 8, Th 8, F 8, M 8, Tu 8 (47), W 25 8 (55), Th 26 +1.
    assert r.resolution_due_at == L(2026, 11, 26, 9, 0)
    at(clock, L(2026, 11, 19, 12, 0))
    tickets.reply(desk, staff.ola, t.id, "Jeszcze adres?", set_status="pending")
    # Pending Thu 12:00 -> Mon 23 12:00: Thu 4 + Fri 8 + Mon 4 = 16 h more.
    at(clock, L(2026, 11, 23, 12, 0))
    tickets.add_customer_message(desk, SYSTEM, t.id, "Adres: ...")
    r = get(desk, t.id)
    assert r.paused_seconds == 32 * H
    # Due = 72 h: ... Fri 27 (71), Mon 30 Nov 09:00.
    assert r.resolution_due_at == L(2026, 11, 30, 9, 0)
    at(clock, L(2026, 11, 23, 14, 0))
    tickets.solve(desk, staff.ola, t.id)
    r = get(desk, t.id)
    assert not r.resolution_breached
    # The metric is created -> solved, pauses included: Tue 09:00 -> Mon 14:00.
    assert r.resolution_secs == 6 * 24 * H + 5 * H
    assert r.resolution_bsecs == (7 + 8 + 8 + 8 + 6) * H
    e = explain_ticket(desk, t.id)
    res = e.clock(RESOLUTION)
    assert [p.reason for p in res.pauses] == ["pending", "pending"]
    assert [p.business_seconds for p in res.pauses] == [16 * H, 16 * H]
    # Running time: Tue 09-10 (1 h) + Thu 10-12 (2 h) + Mon 12-14 (2 h) = 5 h.
    assert res.running_seconds == 5 * H and res.state == "met"
    assert e.paused_seconds_stored == e.paused_seconds_replayed == 32 * H


def test_solving_straight_from_pending_after_the_old_due_time_is_not_a_breach(desk, staff, clock):
    # Urgent: resolution 8 business h, due Wed 18 Nov 09:00 without pauses.
    t = email(desk, clock, L(2026, 11, 17, 9, 0), priority="urgent")
    assert t.resolution_due_at == L(2026, 11, 18, 9, 0)
    at(clock, L(2026, 11, 17, 9, 30))
    tickets.reply(desk, staff.ola, t.id, "Czekamy na zdjęcia.", set_status="pending")
    # Solved from pending on Thu 12:00, after the unpaused due time. Pause Tue 09:30 -> Thu 12:00:
    # 6.5 + 8 + 4 = 18.5 h; due = 26.5 h from Tue 09:00 = Tue 7, Wed 8, Thu 8 (23), Fri +3.5 = Fri 11:30.
    at(clock, L(2026, 11, 19, 12, 0))
    tickets.solve(desk, staff.ola, t.id)
    r = get(desk, t.id)
    assert r.paused_seconds == 18 * H + 1800
    assert r.resolution_due_at == L(2026, 11, 20, 11, 30)
    assert not r.resolution_breached


def test_reopen_pauses_while_solved_and_counts_the_ticket_as_reopened(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0))
    at(clock, L(2026, 11, 17, 11, 0))
    tickets.reply(desk, staff.ola, t.id, "Gotowe.", set_status="solved")
    r = get(desk, t.id)
    assert r.first_resolution_secs == 2 * H and r.resolution_bsecs == 2 * H
    # The customer writes back on Fri 20 Nov 10:00: reopened; solved again at 12:00.
    at(clock, L(2026, 11, 20, 10, 0))
    result = tickets.add_customer_message(desk, SYSTEM, t.id, "Jednak nie działa")
    assert result.reopened
    at(clock, L(2026, 11, 20, 12, 0))
    tickets.solve(desk, staff.ola, t.id)
    r = get(desk, t.id)
    assert r.reopen_count == 1
    # Solved Tue 11:00 -> reopened Fri 10:00: Tue 5 + Wed 8 + Thu 8 + Fri 2 = 23 h paused.
    assert r.paused_seconds == 23 * H
    assert r.first_resolution_secs == 2 * H and r.first_resolution_bsecs == 2 * H
    assert r.resolution_secs == 3 * 24 * H + 3 * H and r.resolution_bsecs == (7 + 8 + 8 + 4) * H
    res = explain_ticket(desk, t.id).clock(RESOLUTION)
    assert [p.reason for p in res.pauses] == ["solved"]
    assert res.pauses[0].end.event == "reopened"
    assert res.running_seconds == 4 * H and res.state == "met"


def test_breach_stays_a_breach_after_solving_and_after_a_pause(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0), priority="urgent")  # FRT 1 h, resolution 8 h
    at(clock, L(2026, 11, 17, 11, 0))
    tickets.reply(desk, staff.ola, t.id, "Przepraszamy za zwłokę.")
    assert get(desk, t.id).frt_breached  # answered at 11:00, due 10:00
    # Resolution due Wed 09:00; the ticket goes pending only on Wed 10:00: already breached.
    at(clock, L(2026, 11, 18, 10, 0))
    tickets.set_status(desk, staff.ola, t.id, "pending")
    assert get(desk, t.id).resolution_breached
    at(clock, L(2026, 11, 19, 10, 0))
    tickets.add_customer_message(desk, SYSTEM, t.id, "Odpowiedź")
    tickets.solve(desk, staff.ola, t.id)
    r = get(desk, t.id)
    assert r.frt_breached and r.resolution_breached
    assert explain_ticket(desk, t.id).clock(RESOLUTION).state == "breached"


def test_on_hold_does_not_pause(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0), priority="urgent")
    at(clock, L(2026, 11, 17, 9, 30))
    tickets.reply(desk, staff.ola, t.id, "Przekazujemy do działu technicznego.", set_status="on_hold")
    r = get(desk, t.id)
    assert r.next_due_at == L(2026, 11, 18, 9, 0) and r.paused_seconds == 0
    at(clock, L(2026, 11, 18, 10, 0))
    tickets.solve(desk, staff.ola, t.id)
    assert get(desk, t.id).resolution_breached


def test_unanswered_ticket_solved_after_the_first_response_due_is_a_breach(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0), priority="urgent")  # FRT due 10:00
    at(clock, L(2026, 11, 17, 11, 0))
    tickets.solve(desk, staff.ola, t.id)
    r = get(desk, t.id)
    assert r.frt_breached and r.first_response_at is None and r.frt_secs is None
    e = explain_ticket(desk, t.id).clock(FIRST_RESPONSE)
    assert e.state == "breached" and e.reason == "solved_without_response"


def test_unanswered_ticket_solved_in_time_has_no_first_response_target(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0), priority="urgent")
    at(clock, L(2026, 11, 17, 9, 20))
    tickets.solve(desk, staff.ola, t.id)
    assert not get(desk, t.id).frt_breached
    assert explain_ticket(desk, t.id).clock(FIRST_RESPONSE).state == "not_applicable"


def test_running_clock_past_due_is_flagged_at_the_next_write(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0), priority="urgent")
    at(clock, L(2026, 11, 17, 10, 5))
    tickets.add_note(desk, staff.ola, t.id, "Sprawdzam")
    r = get(desk, t.id)
    assert r.frt_breached and r.next_due_at == L(2026, 11, 17, 10, 0)


# ---------------------------------------------------------------------- priority and policy changes


def test_priority_change_recomputes_from_created_at(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0))
    at(clock, L(2026, 11, 17, 9, 30))
    tickets.set_priority(desk, staff.ola, t.id, "urgent")
    r = get(desk, t.id)
    assert r.frt_due_at == L(2026, 11, 17, 10, 0) and r.resolution_due_at == L(2026, 11, 18, 9, 0)
    # Less than one business hour is left (30 min): at risk from creation on.
    assert r.next_risk_at == L(2026, 11, 17, 9, 0)
    at(clock, L(2026, 11, 17, 10, 30))
    tickets.set_priority(desk, staff.ola, t.id, "normal")  # back: no longer breached
    r = get(desk, t.id)
    assert r.frt_due_at == L(2026, 11, 18, 9, 0) and not r.frt_breached


def test_category_policy_on_the_calendar_clock_and_conversion_of_pauses(desk, staff, clock):
    # Complaints: 24 h first response and 7 days resolution on the calendar clock.
    add_policy(desk, "normal", "complaint", 24 * 60, 7 * 24 * 60, False)
    t = email(desk, clock, L(2026, 11, 20, 15, 0), category="complaint")  # Friday 15:00
    assert t.frt_due_at == L(2026, 11, 21, 15, 0)  # Saturday, calendar time
    # At risk: 20 % of 24 h = 4.8 h before (Sat 10:12) or one business hour before the due time:
    # the last business hour before Sat 15:00 is Fri 15:00-16:00, so at risk from Fri 15:00.
    assert t.next_risk_at == L(2026, 11, 20, 15, 0)
    at(clock, L(2026, 11, 20, 15, 30))
    tickets.reply(desk, staff.ola, t.id, "Przyjęliśmy reklamację.", set_status="pending")
    at(clock, L(2026, 11, 23, 9, 30))  # Monday: pending for 66 h on the wall clock
    tickets.add_customer_message(desk, SYSTEM, t.id, "Zdjęcia w załączniku")
    r = get(desk, t.id)
    assert r.paused_seconds == 66 * H
    assert r.resolution_due_at == L(2026, 11, 27, 15, 0) + timedelta(hours=66)
    # Moving the ticket to the question category puts it on the business clock: the pause is
    # re-measured in business time (Fri 15:30-16:00 and Mon 08:00-09:30 = 2 h).
    at(clock, L(2026, 11, 23, 10, 0))
    tickets.set_category(desk, staff.ola, t.id, "question")
    r = get(desk, t.id)
    assert r.paused_seconds == 2 * H
    # 40 + 2 business h from Fri 15:00: Fri 1, Mon-Fri 40 (41) -> Mon 30 Nov 09:00.
    assert r.resolution_due_at == L(2026, 11, 30, 9, 0)


# ---------------------------------------------------------------------- complaints


def test_complaint_deadline_is_the_end_of_the_fourteenth_day_after_receipt(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0), category="complaint")
    assert t.complaint_due_at == L(2026, 12, 2, 0, 0)  # end of Tue 1 Dec
    cal = desk.calendar
    assert sla.complaint_days_left(cal, t.complaint_due_at, L(2026, 11, 17, 9, 0)) == 14
    assert sla.complaint_days_left(cal, t.complaint_due_at, L(2026, 12, 1, 23, 59)) == 0
    assert sla.complaint_days_left(cal, t.complaint_due_at, L(2026, 12, 2, 0, 0)) == -1
    # Received late in the evening (local), the day of receipt is still that day.
    late = email(desk, clock, L(2026, 11, 16, 23, 30), category="complaint")
    assert late.complaint_due_at == L(2026, 12, 1, 0, 0)
    # Across the autumn clock change: received Sat 17 Oct (CEST), due end of Sat 31 Oct (CEST too).
    assert sla.complaint_due(cal, L(2026, 10, 17, 12, 0), 14) == L(2026, 11, 1, 0, 0)
    assert sla.complaint_due(cal, L(2026, 10, 17, 12, 0), 14) == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)


def test_complaint_explained(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0), category="complaint")
    at(clock, L(2026, 11, 30, 12, 0))
    c = explain_ticket(desk, t.id).complaint
    assert c.state == "open" and c.days_left == 1
    tickets.reply(
        desk,
        staff.ola,
        t.id,
        "Reklamacja odrzucona: brak dowodu zakupu.",
        complaint_decision="rejected",
        decision_reason="brak dowodu zakupu",
    )
    c = explain_ticket(desk, t.id).complaint
    assert c.state == "answered_in_time" and c.decision == "rejected" and c.decided_by == staff.ola.name


def test_follow_up_of_a_closed_ticket_has_its_own_clocks(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0))
    at(clock, L(2026, 11, 17, 10, 0))
    tickets.reply(desk, staff.ola, t.id, "Gotowe", set_status="closed")
    at(clock, L(2026, 11, 18, 12, 0))
    follow = tickets.add_customer_message(desk, SYSTEM, t.id, "Jeszcze jedno").ticket
    assert follow.parent_id == t.id and follow.created_at == L(2026, 11, 18, 12, 0)
    # Wed 12:00 + 8 business h = Thu 12:00.
    assert follow.frt_due_at == L(2026, 11, 19, 12, 0)
    assert get(desk, t.id).reopen_count == 0


def test_explain_agrees_with_stored_durations(desk, staff, clock):
    t = email(desk, clock, L(2026, 11, 17, 9, 0))
    at(clock, L(2026, 11, 17, 9, 40))
    tickets.take(desk, staff.ola, t.id)
    at(clock, L(2026, 11, 17, 10, 0))
    tickets.assign(desk, staff.ola, t.id, agent_id=staff.kasia.id, note="Kasia zna temat")
    at(clock, L(2026, 11, 17, 13, 0))
    tickets.reply(desk, staff.kasia, t.id, "Odpowiedź", set_status="solved")
    e = explain_ticket(desk, t.id)
    for clock_ in e.clocks:
        assert clock_.calendar_seconds == clock_.stored_calendar_seconds
        assert clock_.business_seconds == clock_.stored_business_seconds
    assert e.clock(PICKUP).stopped.actor == staff.ola.name and e.clock(PICKUP).business_seconds == 40 * 60
    assert e.clock(FIRST_RESPONSE).stopped.actor == staff.kasia.name
    assert str(e.clock(RESOLUTION).counted_on) == "2026-11-17"


@pytest.mark.parametrize(
    "due, target, expected",
    [
        # 8 h business target due Wed 12:00: 20 % = 96 min before -> Wed 10:24; 1 h floor -> Wed 11:00.
        (L(2026, 11, 18, 12, 0), sla.Target(8 * H, True), L(2026, 11, 18, 10, 24)),
        # 1 h business target due Wed 09:00: 20 % = 12 min; the business-hour floor wins: Wed 08:00.
        (L(2026, 11, 18, 9, 0), sla.Target(H, True), L(2026, 11, 18, 8, 0)),
        # 4 h calendar target due Wed 21:00 (closed since 16:00): the last business hour is 15:00-16:00.
        (L(2026, 11, 18, 21, 0), sla.Target(4 * H, False), L(2026, 11, 18, 15, 0)),
    ],
)
def test_risk_instant(desk, due, target, expected):
    assert sla.risk_at(desk.calendar, due, target) == expected
