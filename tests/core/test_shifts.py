"""core/shifts: the week's syntax, on shift at an instant, split and overnight shifts, holidays,
absences, and the spring and autumn clock changes in Europe/Warsaw."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bokdesk.core.calendar import BusinessCalendar
from bokdesk.core.shifts import (
    Absence,
    Block,
    Rota,
    ShiftSpecError,
    format_block,
    format_week,
    outside_hours,
    parse_week,
)

CAL = BusinessCalendar.from_config(
    {
        "timezone": "Europe/Warsaw",
        "holidays": "PL",
        "days_off": ["2026-12-31"],
        "working_days": ["2026-11-11"],
    }
)


def utc(*args: int) -> datetime:
    return datetime(*args)


def rota(spec: str, *absences: Absence) -> Rota:
    return Rota(CAL, parse_week(spec), tuple(absences))


# ---------------------------------------------------------------------- syntax


@pytest.mark.parametrize(
    ("spec", "week"),
    [
        ("mon-fri 08:00-16:00, sat 09:00-13:00", "mon-fri 08:00-16:00, sat 09:00-13:00"),
        ("Mon-Fri 8-16; Sat 9-13", "mon-fri 08:00-16:00, sat 09:00-13:00"),
        ("pon - pt 8-12 13-17", "mon-fri 08:00-12:00 13:00-17:00"),  # split shift, Polish names
        ("Środa 12:00 - 20:00, czwartek 12-20", "wed+thu 12:00-20:00"),
        ("mon 8-12, 13-17", "mon 08:00-12:00 13:00-17:00"),  # a group without days continues the days
        ("mon-sun 8-16, sun off", "mon-sat 08:00-16:00"),  # a later group replaces a day
        ("sob+niedz 9.30-13", "sat+sun 09:30-13:00"),
        ("fri 22-6", "fri 22:00-06:00"),  # past midnight
        ("tue 16:00-24:00", "tue 16:00-24:00"),
        ("fri-mon 10-14", "mon 10:00-14:00, fri-sun 10:00-14:00"),  # a range through the weekend
    ],
)
def test_parse_and_format_a_week(spec, week):
    blocks = parse_week(spec)
    assert format_week(blocks) == week
    assert parse_week(format_week(blocks)) == blocks  # what we print reads back the same


def test_the_week_as_the_console_shows_it_reads_back():
    """What the rota screen shows (Babel's day names, en dashes) can be typed back as it is."""
    expected = parse_week("mon-fri 8-16, sat 9-13")
    assert parse_week("pon.–pt. 08:00–16:00, sob. 09:00–13:00") == expected
    assert parse_week("Mon–Fri 08:00–16:00, Sat 09:00–13:00") == expected
    assert parse_week("śr.+czw. 8-16, niedz. 10-12") == parse_week("wed+thu 8-16, sun 10-12")


def test_desk_hours_is_the_empty_week():
    assert parse_week("desk") == () == parse_week("  ")
    assert format_week(()) == "desk"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("mn 8-16", "Unknown day 'mn'"),
        ("mon 8-25", "Bad hours '8-25'"),
        ("mon 8:75-16", "Bad hours"),
        ("mon 8-8", "start and end at the same time"),
        ("mon 8-12 11-14", "Shifts overlap: mon 08:00-12:00 and mon 11:00-14:00"),
        ("sun 22-6, mon 5-7", "Shifts overlap: sun 22:00-06:00 and mon 05:00-07:00"),  # across the week's end
        ("8-16", "No day in '8-16'"),
        ("mon", "No hours in 'mon'"),
        ("mon-fri off", "No working hours"),
    ],
)
def test_bad_weeks_are_refused_in_one_line(spec, message):
    with pytest.raises(ShiftSpecError, match=message) as info:
        parse_week(spec)
    assert "\n" not in str(info.value)


def test_block_limits():
    with pytest.raises(ShiftSpecError):
        Block(7, 0, 60)
    with pytest.raises(ShiftSpecError):
        Block(0, 600, 600 + 1441)  # longer than a day
    assert Block(4, 22 * 60, 30 * 60).overnight


# ---------------------------------------------------------------------- on shift


def test_on_shift_until_and_next_start():
    r = rota("mon-fri 8-16")
    # Tuesday 2026-11-17, 09:00 Warsaw = 08:00 UTC (CET, UTC+1)
    state = r.state(utc(2026, 11, 17, 8, 0))
    assert state.on_shift and state.until == utc(2026, 11, 17, 15, 0) and not state.follows_desk
    assert r.on_shift(utc(2026, 11, 17, 7, 0))  # 08:00 local: the start is inside
    assert not r.on_shift(utc(2026, 11, 17, 15, 0))  # 16:00 local: the end is not
    late = r.state(utc(2026, 11, 17, 16, 0))
    assert not late.on_shift and late.next_start == utc(2026, 11, 18, 7, 0)
    friday = r.state(utc(2026, 11, 20, 18, 0))
    assert friday.next_start == utc(2026, 11, 23, 7, 0)  # Monday


def test_split_shift_has_a_gap_and_touching_blocks_are_one_shift():
    r = rota("mon 8-12 13-17")
    assert r.state(utc(2026, 11, 16, 9, 0)).until == utc(2026, 11, 16, 11, 0)  # 12:00 local
    lunch = r.state(utc(2026, 11, 16, 11, 30))
    assert not lunch.on_shift and lunch.next_start == utc(2026, 11, 16, 12, 0)
    joined = rota("mon 8-12 12-16")
    assert joined.state(utc(2026, 11, 16, 8, 0)).until == utc(2026, 11, 16, 15, 0)


def test_overnight_shift_belongs_to_the_day_it_starts():
    r = rota("fri 22-6")
    # Friday 2026-11-20 23:00 local and Saturday 05:00 local are on the Friday shift
    assert r.state(utc(2026, 11, 20, 22, 0)).until == utc(2026, 11, 21, 5, 0)
    assert r.on_shift(utc(2026, 11, 21, 4, 0))
    assert not r.on_shift(utc(2026, 11, 21, 5, 0))
    # An absence on the Saturday does not cut the Friday night; one on the Friday cancels it
    sat_off = rota("fri 22-6", Absence(date(2026, 11, 21), date(2026, 11, 21)))
    assert sat_off.on_shift(utc(2026, 11, 21, 4, 0))
    fri_off = rota("fri 22-6", Absence(date(2026, 11, 20), date(2026, 11, 20)))
    assert not fri_off.on_shift(utc(2026, 11, 21, 4, 0))


def test_no_timetable_follows_the_desk_hours():
    r = Rota(CAL)
    assert r.follows_desk and r.state(utc(2026, 11, 17, 8, 0)).follows_desk
    assert r.on_shift(utc(2026, 11, 17, 8, 0)) == CAL.is_open(utc(2026, 11, 17, 8, 0)) is True
    assert not r.on_shift(utc(2026, 11, 21, 10, 0))  # Saturday: the desk is closed
    assert not Rota(CAL, (), (Absence(date(2026, 11, 17), date(2026, 11, 17)),)).on_shift(
        utc(2026, 11, 17, 8, 0)
    )


def test_public_holiday_and_desk_day_off_are_off_for_everyone():
    r = rota("mon-sun 8-16")
    assert not r.on_shift(utc(2026, 12, 25, 9, 0))  # Christmas Day
    assert r.state(utc(2026, 12, 25, 9, 0)).next_start == utc(2026, 12, 27, 7, 0)  # 26th is a holiday too
    assert not r.on_shift(utc(2026, 12, 31, 9, 0))  # the desk's own day off
    # 11 November is a public holiday the desk opens on (working_days): the timetable applies
    assert CAL.is_holiday(date(2026, 11, 11))
    assert r.on_shift(utc(2026, 11, 11, 9, 0))


def test_absence_and_until_through_back_to_back_absences():
    leave = Absence(date(2026, 11, 16), date(2026, 11, 20), "leave", id=1)
    sick = Absence(date(2026, 11, 21), date(2026, 11, 24), "sick", id=2)
    r = rota("mon-fri 8-16", leave, sick)
    state = r.state(utc(2026, 11, 17, 8, 0))
    assert not state.on_shift and state.absence == leave
    assert state.absent_until == date(2026, 11, 24)
    assert state.next_start == utc(2026, 11, 25, 7, 0)  # Wednesday after the sick days
    assert r.state(utc(2026, 11, 25, 8, 0)).on_shift and r.state(utc(2026, 11, 25, 8, 0)).absence is None


def test_long_leave_has_no_next_shift_within_the_search():
    r = rota("mon 8-16", Absence(date(2026, 11, 1), date(2027, 6, 30), "other"))
    state = r.state(utc(2026, 11, 17, 8, 0))
    assert not state.on_shift and state.next_start is None and state.absent_until == date(2027, 6, 30)


# ---------------------------------------------------------------------- daylight saving (Europe/Warsaw)


def test_spring_forward_day_keeps_wall_times():
    # 2026-03-29: 02:00 CET -> 03:00 CEST. Sunday shift 08:00-16:00 is 06:00-14:00 UTC, still 8 h.
    r = rota("sun 8-16, sat 22-6")
    [(a, b)] = r.shifts_on(date(2026, 3, 29))
    assert (a, b) == (utc(2026, 3, 29, 6, 0), utc(2026, 3, 29, 14, 0))
    # The Saturday night shift 22:00 CET - 06:00 CEST lasts 7 hours.
    [(a, b)] = r.shifts_on(date(2026, 3, 28))
    assert (a, b) == (utc(2026, 3, 28, 21, 0), utc(2026, 3, 29, 4, 0)) and b - a == (b - a).__class__(hours=7)
    # The week before the change: 08:00 CET = 07:00 UTC
    assert r.shifts_on(date(2026, 3, 22))[0][0] == utc(2026, 3, 22, 7, 0)
    assert r.on_shift(utc(2026, 3, 29, 6, 0)) and not r.on_shift(utc(2026, 3, 29, 5, 59))


def test_spring_forward_skipped_wall_time_means_the_jump():
    r = rota("sun 02:30-04:00")  # 02:30 does not exist on 2026-03-29
    [(a, b)] = r.shifts_on(date(2026, 3, 29))
    assert a == utc(2026, 3, 29, 1, 0)  # the jump itself (03:00 CEST)
    assert b == utc(2026, 3, 29, 2, 0)  # 04:00 CEST


def test_autumn_back_day_keeps_wall_times():
    # 2026-10-25: 03:00 CEST -> 02:00 CET. 08:00-16:00 is 07:00-15:00 UTC; the night before is 9 h.
    r = rota("sun 8-16, sat 22-6")
    assert r.shifts_on(date(2026, 10, 25)) == ((utc(2026, 10, 25, 7, 0), utc(2026, 10, 25, 15, 0)),)
    [(a, b)] = r.shifts_on(date(2026, 10, 24))
    assert (a, b) == (utc(2026, 10, 24, 20, 0), utc(2026, 10, 25, 5, 0))
    assert (b - a).total_seconds() == 9 * 3600
    state = r.state(utc(2026, 10, 25, 1, 30))  # 02:30 local, the repeated hour
    assert state.on_shift and state.until == utc(2026, 10, 25, 5, 0)
    assert r.state(utc(2026, 10, 25, 5, 0)).next_start == utc(2026, 10, 25, 7, 0)


def test_blocks_outside_the_desk_hours_are_named():
    desk = {0: [(time(8), time(16))], 5: [(time(9), time(14))], 6: [(time(20), time(0))]}
    week = parse_week("mon 8-12 13-16, tue 9-10, sat 9-15, sun 20-24")
    assert [format_block(b) for b in outside_hours(week, desk)] == ["tue 09:00-10:00", "sat 09:00-15:00"]


@pytest.mark.parametrize("start", [datetime(2026, 3, 23), datetime(2026, 10, 19), datetime(2026, 12, 21)])
def test_the_quick_on_shift_agrees_with_the_full_state(start):
    """Routing asks ``on_shift`` (today's and yesterday's shifts); ``state`` walks the runs. Every
    quarter of an hour for a week around each clock change and over Christmas, they agree."""
    from datetime import timedelta

    rota_ = rota(
        "mon-fri 8-12 12:30-16, sat 22-6, sun 10-14",
        Absence(start.date() + timedelta(days=2), start.date() + timedelta(days=2)),
    )
    at = start
    while at < start + timedelta(days=8):
        assert rota_.on_shift(at) == rota_.state(at).on_shift, at
        at += timedelta(minutes=15)
