"""Business calendar: opening hours, Polish holidays, days off, DST, config parsing.

All datetimes are naive UTC. Warsaw is UTC+1 in winter (CET) and UTC+2 in summer (CEST);
in 2026 summer time runs from Sun 29 March 01:00 UTC to Sun 25 October 01:00 UTC.
Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import time as time_mod
import tomllib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bokdesk.core.calendar import (
    BusinessCalendar,
    CalendarConfigError,
    calendar_seconds,
)

H = 3600
WARSAW = ZoneInfo("Europe/Warsaw")
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def utc(*args: int) -> datetime:
    return datetime(*args)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def default_cal() -> BusinessCalendar:
    """Europe/Warsaw, PL holidays, Mon-Fri 08:00-16:00."""
    return BusinessCalendar.from_config(None)


@pytest.fixture(scope="module")
def always_open() -> BusinessCalendar:
    """Open 24/7 in Warsaw, no holidays."""
    return BusinessCalendar.from_config({"holidays": False, "hours": dict.fromkeys(ALL_DAYS, "00:00-24:00")})


@pytest.fixture(scope="module")
def shop_cal() -> BusinessCalendar:
    """The docs' example: Mon-Fri 08:00-20:00, Sat 09:00-14:00, PL holidays."""
    return BusinessCalendar.from_config(
        {
            "hours": {
                "mon": "08:00-20:00",
                "tue": "08:00-20:00",
                "wed": "08:00-20:00",
                "thu": "08:00-20:00",
                "fri": "08:00-20:00",
                "sat": "09:00-14:00",
                "sun": "",
            }
        }
    )


# ---------------------------------------------------------------- defaults, days


def test_defaults(default_cal: BusinessCalendar) -> None:
    assert default_cal.tz == WARSAW
    assert default_cal.holiday_country == "PL"
    assert default_cal.hours == {wd: [(time(8), time(16))] for wd in range(5)}
    assert default_cal.extra_days_off == frozenset()


def test_polish_holidays_from_library(default_cal: BusinessCalendar) -> None:
    assert default_cal.is_holiday(date(2026, 11, 11))
    assert default_cal.holiday_name(date(2026, 11, 11)) == "Narodowe Święto Niepodległości"
    # Christmas Eve is a public holiday in Poland from 2025 on; the library agrees.
    assert default_cal.holiday_name(date(2026, 12, 24)) == "Wigilia Bożego Narodzenia"
    assert default_cal.holiday_name(date(2027, 1, 1)) == "Nowy Rok"
    assert not default_cal.is_holiday(date(2026, 11, 12))
    assert default_cal.holiday_name(date(2026, 11, 12)) is None


def test_holiday_names_language_is_configurable() -> None:
    cal = BusinessCalendar.from_config({"holiday_language": "en_US"})
    assert cal.holiday_name(date(2026, 11, 11)) == "National Independence Day"


def test_no_holidays_calendar() -> None:
    cal = BusinessCalendar.from_config({"holidays": ""})
    assert cal.holiday_country is None
    assert not cal.is_holiday(date(2026, 11, 11))
    # Wed 2026-11-11 is an ordinary 8-hour day then: 07:00-15:00 UTC.
    assert cal.business_seconds(utc(2026, 11, 11, 0), utc(2026, 11, 12, 0)) == 8 * H


def test_is_working_day(default_cal: BusinessCalendar) -> None:
    assert default_cal.is_working_day(date(2026, 11, 10))  # Tue
    assert not default_cal.is_working_day(date(2026, 11, 11))  # Wed, holiday
    assert not default_cal.is_working_day(date(2026, 11, 14))  # Sat


# ---------------------------------------------------------------- business_seconds


def test_span_inside_one_day(default_cal: BusinessCalendar) -> None:
    # Tue 2026-11-17 09:00 -> 11:30 CET
    assert default_cal.business_seconds(utc(2026, 11, 17, 8), utc(2026, 11, 17, 10, 30)) == 9000
    # 06:00 -> 10:00 CET: only 08:00-10:00 is open
    assert default_cal.business_seconds(utc(2026, 11, 17, 5), utc(2026, 11, 17, 9)) == 2 * H
    # 17:00 -> 19:00 CET: closed
    assert default_cal.business_seconds(utc(2026, 11, 17, 16), utc(2026, 11, 17, 18)) == 0


def test_across_weekend(default_cal: BusinessCalendar) -> None:
    # Fri 2026-11-13 15:00 CET -> Mon 2026-11-16 09:00 CET: 1 h Friday + 1 h Monday
    assert default_cal.business_seconds(utc(2026, 11, 13, 14), utc(2026, 11, 16, 8)) == 2 * H


def test_empty_or_reversed_span(default_cal: BusinessCalendar) -> None:
    t = utc(2026, 11, 17, 9)
    assert default_cal.business_seconds(t, t) == 0
    assert default_cal.business_seconds(t, t - timedelta(hours=5)) == 0


def test_public_holiday_is_skipped(default_cal: BusinessCalendar) -> None:
    # Tue 2026-11-10 15:00 CET -> Thu 2026-11-12 09:00 CET; Wed 11-11 is Independence Day.
    assert default_cal.business_seconds(utc(2026, 11, 10, 14), utc(2026, 11, 12, 8)) == 2 * H
    # Whole holiday: nothing.
    assert default_cal.business_seconds(utc(2026, 11, 10, 23), utc(2026, 11, 11, 23)) == 0


def test_desk_days_off() -> None:
    cal = BusinessCalendar.from_config({"days_off": ["2026-12-31"]})
    assert not cal.is_working_day(date(2026, 12, 31))
    assert not cal.is_holiday(date(2026, 12, 31))  # a day off, not a public holiday
    # Wed 2026-12-30 15:00 CET -> Mon 2027-01-04 09:00 CET:
    # Wed 1 h; Thu 31st day off; Fri 1 Jan holiday; weekend; Mon 1 h.
    assert cal.business_seconds(utc(2026, 12, 30, 14), utc(2027, 1, 4, 8)) == 2 * H


def test_extra_working_day_overrides_holiday() -> None:
    cal = BusinessCalendar.from_config({"working_days": ["2026-11-11"]})
    assert cal.is_holiday(date(2026, 11, 11))
    assert cal.is_working_day(date(2026, 11, 11))
    assert cal.business_seconds(utc(2026, 11, 10, 14), utc(2026, 11, 12, 8)) == 10 * H


def test_saturday_hours(shop_cal: BusinessCalendar) -> None:
    # Fri 2026-11-13 19:00 CET -> Mon 2026-11-16 09:00 CET: Fri 1 h + Sat 5 h + Mon 1 h
    assert shop_cal.business_seconds(utc(2026, 11, 13, 18), utc(2026, 11, 16, 8)) == 7 * H
    # Fri 19:30 CET + 3 h: 30 min Friday, then Sat 09:00 + 2.5 h = Sat 11:30 CET
    assert shop_cal.add_business_seconds(utc(2026, 11, 13, 18, 30), 3 * H) == utc(2026, 11, 14, 10, 30)


def test_several_ranges_per_day() -> None:
    cal = BusinessCalendar.from_config({"hours": {"mon": "08:00-12:00, 13:00-16:00"}})
    assert cal.hours[0] == [(time(8), time(12)), (time(13), time(16))]
    # Mon 2026-11-16 07:00 -> 17:00 CET: 4 h + 3 h
    assert cal.business_seconds(utc(2026, 11, 16, 6), utc(2026, 11, 16, 16)) == 7 * H
    assert not cal.is_open(utc(2026, 11, 16, 11, 30))  # 12:30 CET, lunch
    assert cal.is_open(utc(2026, 11, 16, 12))  # 13:00 CET
    # 11:30 CET + 1 h: 30 min before lunch, 30 min after -> 13:30 CET
    assert cal.add_business_seconds(utc(2026, 11, 16, 10, 30), H) == utc(2026, 11, 16, 12, 30)
    assert cal.next_open(utc(2026, 11, 16, 11, 15)) == utc(2026, 11, 16, 12)


def test_full_year_2026(default_cal: BusinessCalendar) -> None:
    # 2026 starts on a Thursday: 52 weeks + 1 Thursday = 261 weekdays. Public holidays on
    # weekdays: 1 Jan, 6 Jan, 6 Apr, 1 May, 4 Jun, 11 Nov, 24 Dec, 25 Dec = 8. 253 days * 8 h.
    start = utc(2025, 12, 31, 23)  # 2026-01-01 00:00 CET
    end = utc(2026, 12, 31, 23)  # 2027-01-01 00:00 CET
    assert default_cal.business_seconds(start, end) == 2024 * H


def test_long_span_is_fast(default_cal: BusinessCalendar, always_open: BusinessCalendar) -> None:
    start, end = utc(2000, 1, 1), utc(2040, 1, 1)
    t0 = time_mod.perf_counter()
    default_cal.business_seconds(start, end)
    default_cal.add_business_seconds(start, 80_000 * H)
    elapsed = time_mod.perf_counter() - t0
    assert elapsed < 1.0
    assert always_open.business_seconds(start, end) == calendar_seconds(start, end)


# ---------------------------------------------------------------- DST


def test_dst_spring_forward_24h(always_open: BusinessCalendar) -> None:
    # Sun 2026-03-29 00:00 CET (23:00 UTC Sat) -> Mon 00:00 CEST (22:00 UTC Sun): 23 h
    assert always_open.business_seconds(utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)) == 23 * H
    # the whole week Mon 23 -> Mon 30 March: 7 * 24 - 1
    assert always_open.business_seconds(utc(2026, 3, 22, 23), utc(2026, 3, 29, 22)) == 167 * H
    assert always_open.open_intervals(date(2026, 3, 29)) == ((utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),)


def test_dst_fall_back_24h(always_open: BusinessCalendar) -> None:
    # Sun 2026-10-25 00:00 CEST (22:00 UTC Sat) -> Mon 00:00 CET (23:00 UTC Sun): 25 h
    assert always_open.business_seconds(utc(2026, 10, 24, 22), utc(2026, 10, 25, 23)) == 25 * H
    assert always_open.business_seconds(utc(2026, 10, 18, 22), utc(2026, 10, 25, 23)) == 169 * H


def test_dst_weeks_with_8_hour_days() -> None:
    daily = BusinessCalendar.from_config({"holidays": False, "hours": dict.fromkeys(ALL_DAYS, "08:00-16:00")})
    # Sun 29 March: 08:00-16:00 CEST = 06:00-14:00 UTC, still 8 h.
    assert daily.open_intervals(date(2026, 3, 29)) == ((utc(2026, 3, 29, 6), utc(2026, 3, 29, 14)),)
    # Sat 28 March 08:00-16:00 CET = 07:00-15:00 UTC.
    assert daily.open_intervals(date(2026, 3, 28)) == ((utc(2026, 3, 28, 7), utc(2026, 3, 28, 15)),)
    # Sun 25 Oct: 08:00-16:00 CET = 07:00-15:00 UTC.
    assert daily.open_intervals(date(2026, 10, 25)) == ((utc(2026, 10, 25, 7), utc(2026, 10, 25, 15)),)
    # whole days in UTC around each change: 8 h each
    assert daily.business_seconds(utc(2026, 3, 29, 0), utc(2026, 3, 30, 0)) == 8 * H
    assert daily.business_seconds(utc(2026, 10, 25, 0), utc(2026, 10, 26, 0)) == 8 * H
    # a week spanning each change is 7 * 8 h
    assert daily.business_seconds(utc(2026, 3, 25), utc(2026, 4, 1)) == 56 * H
    assert daily.business_seconds(utc(2026, 10, 21), utc(2026, 10, 28)) == 56 * H


def test_dst_week_default_calendar(default_cal: BusinessCalendar) -> None:
    # Fri 2026-03-27 15:00 CET (14:00 UTC) -> Mon 2026-03-30 09:00 CEST (07:00 UTC): 2 h
    assert default_cal.business_seconds(utc(2026, 3, 27, 14), utc(2026, 3, 30, 7)) == 2 * H
    # Fri 2026-10-23 15:00 CEST (13:00 UTC) -> Mon 2026-10-26 09:00 CET (08:00 UTC): 2 h
    assert default_cal.business_seconds(utc(2026, 10, 23, 13), utc(2026, 10, 26, 8)) == 2 * H
    # after hours Fri 27 March 20:00 CET + 1 h -> Mon 30 March 09:00 CEST = 07:00 UTC
    assert default_cal.add_business_seconds(utc(2026, 3, 27, 19), H) == utc(2026, 3, 30, 7)


def test_hours_inside_the_dst_jump() -> None:
    # 02:30-04:00 on Sun 29 March: 02:00-03:00 does not exist, so open from the jump
    # (01:00 UTC) to 04:00 CEST (02:00 UTC) = 1 h. On 25 Oct 02:30 means its first
    # occurrence (02:30 CEST = 00:30 UTC) and 04:00 CET = 03:00 UTC.
    cal = BusinessCalendar.from_config({"holidays": False, "hours": {"sun": "02:30-04:00"}})
    assert cal.open_intervals(date(2026, 3, 29)) == ((utc(2026, 3, 29, 1), utc(2026, 3, 29, 2)),)
    assert cal.open_intervals(date(2026, 10, 25)) == ((utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3)),)


# ---------------------------------------------------------------- add_business_seconds


def test_after_hours_contact(default_cal: BusinessCalendar) -> None:
    fri_20 = utc(2026, 11, 13, 19)  # Fri 20:00 CET
    assert default_cal.add_business_seconds(fri_20, H) == utc(2026, 11, 16, 8)  # Mon 09:00 CET
    assert default_cal.next_open(fri_20) == utc(2026, 11, 16, 7)  # Mon 08:00 CET
    assert not default_cal.is_open(fri_20)


def test_sixteen_business_hours_is_two_working_days(default_cal: BusinessCalendar) -> None:
    mon_08 = utc(2026, 11, 16, 7)  # Mon 08:00 CET
    tue_16 = utc(2026, 11, 17, 15)  # Tue 16:00 CET
    assert default_cal.add_business_seconds(mon_08, 16 * H) == tue_16
    assert default_cal.business_seconds(mon_08, tue_16) == 16 * H
    # Fri 12:00 CET + 16 h: Fri 4 h, Mon 8 h, Tue 4 h -> Tue 12:00 CET
    assert default_cal.add_business_seconds(utc(2026, 11, 13, 11), 16 * H) == utc(2026, 11, 17, 11)
    # Tue 12:00 CET + 16 h over the holiday: Tue 4 h, Thu 8 h, Fri 4 h -> Fri 12:00 CET
    assert default_cal.add_business_seconds(utc(2026, 11, 10, 11), 16 * H) == utc(2026, 11, 13, 11)


def test_add_zero_and_negative(default_cal: BusinessCalendar) -> None:
    sunday = utc(2026, 11, 15, 12)
    assert default_cal.add_business_seconds(sunday, 0) == sunday
    with pytest.raises(ValueError):
        default_cal.add_business_seconds(sunday, -1)


def test_add_ends_exactly_at_closing(default_cal: BusinessCalendar) -> None:
    # Mon 15:00 CET + 1 h = Mon 16:00 CET, not Tue 08:00 (the earliest such instant)
    assert default_cal.add_business_seconds(utc(2026, 11, 16, 14), H) == utc(2026, 11, 16, 15)
    # starting exactly at closing counts from the next opening
    assert default_cal.add_business_seconds(utc(2026, 11, 16, 15), 60) == utc(2026, 11, 17, 7, 1)


def test_is_open_and_next_open_boundaries(default_cal: BusinessCalendar) -> None:
    opening, closing = utc(2026, 11, 16, 7), utc(2026, 11, 16, 15)  # Mon 08:00 / 16:00 CET
    assert default_cal.is_open(opening)
    assert not default_cal.is_open(closing)
    assert not default_cal.is_open(opening - timedelta(seconds=1))
    assert default_cal.next_open(opening + timedelta(hours=3)) == opening + timedelta(hours=3)
    assert default_cal.next_open(closing) == utc(2026, 11, 17, 7)
    # Tue 10 Nov after hours -> skips the holiday to Thu 12 Nov 08:00 CET
    assert default_cal.next_open(utc(2026, 11, 10, 18)) == utc(2026, 11, 12, 7)


def test_calendar_without_hours() -> None:
    closed = BusinessCalendar(tz=WARSAW, hours={}, holiday_country=None)
    assert closed.business_seconds(utc(2026, 1, 1), utc(2027, 1, 1)) == 0
    with pytest.raises(ValueError):
        closed.add_business_seconds(utc(2026, 1, 1), 60)
    with pytest.raises(ValueError):
        closed.next_open(utc(2026, 1, 1))


def test_aware_datetimes_rejected(default_cal: BusinessCalendar) -> None:
    aware = datetime(2026, 11, 16, 9, tzinfo=WARSAW)
    with pytest.raises(ValueError, match="naive UTC"):
        default_cal.is_open(aware)


def test_calendar_seconds() -> None:
    assert calendar_seconds(utc(2026, 1, 1), utc(2026, 1, 2)) == 86400
    assert calendar_seconds(utc(2026, 1, 2), utc(2026, 1, 1)) == 0
    assert calendar_seconds(utc(2026, 1, 1), utc(2026, 1, 1, 0, 0, 1, 999_999)) == 1


# ---------------------------------------------------------------- properties

starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31))
whole_second_starts = starts.map(lambda d: d.replace(microsecond=0))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=starts, seconds=st.integers(min_value=0, max_value=60 * 8 * H))
def test_add_is_inverse_of_business_seconds(
    shop_cal: BusinessCalendar, start: datetime, seconds: int
) -> None:
    end = shop_cal.add_business_seconds(start, seconds)
    assert end >= start
    assert shop_cal.business_seconds(start, end) == seconds
    if seconds > 0:
        # earliest: one second earlier is one business second short
        assert shop_cal.business_seconds(start, end - timedelta(seconds=1)) == seconds - 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=starts, seconds=st.integers(min_value=1, max_value=40 * 8 * H))
def test_add_inverse_default_calendar(default_cal: BusinessCalendar, start: datetime, seconds: int) -> None:
    end = default_cal.add_business_seconds(start, seconds)
    assert default_cal.business_seconds(start, end) == seconds


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=whole_second_starts, gap1=st.integers(0, 30 * 86400), gap2=st.integers(0, 30 * 86400))
def test_business_seconds_is_additive(shop_cal: BusinessCalendar, a: datetime, gap1: int, gap2: int) -> None:
    b = a + timedelta(seconds=gap1)
    c = b + timedelta(seconds=gap2)
    total = shop_cal.business_seconds(a, c)
    assert total == shop_cal.business_seconds(a, b) + shop_cal.business_seconds(b, c)
    assert total <= calendar_seconds(a, c)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=starts, span=st.integers(0, 60 * 86400))
def test_always_open_equals_calendar_time(always_open: BusinessCalendar, start: datetime, span: int) -> None:
    end = start + timedelta(seconds=span)
    assert always_open.business_seconds(start, end) == span


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=starts.map(lambda d: d.replace(second=0, microsecond=0)), minutes=st.integers(0, 4 * 1440))
def test_business_seconds_matches_minute_scan(
    shop_cal: BusinessCalendar, start: datetime, minutes: int
) -> None:
    # Brute-force reference: count open minutes one by one (all boundaries are whole minutes).
    open_minutes = sum(shop_cal.is_open(start + timedelta(minutes=m)) for m in range(minutes))
    assert shop_cal.business_seconds(start, start + timedelta(minutes=minutes)) == 60 * open_minutes


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=starts)
def test_next_open_is_open_and_nothing_open_before(shop_cal: BusinessCalendar, at: datetime) -> None:
    nxt = shop_cal.next_open(at)
    assert nxt >= at
    assert shop_cal.is_open(nxt)
    assert shop_cal.business_seconds(at, nxt) == 0


# ---------------------------------------------------------------- from_config


def test_from_toml() -> None:
    doc = tomllib.loads(
        """
        [calendar]
        timezone = "Europe/Warsaw"
        holidays = "pl"
        days_off = ["2026-12-31", 2027-01-02]
        [calendar.hours]
        mon = "08:00-20:00"
        tue = "08:00-12:00,13:00-20:00"
        sat = "09:00-14:00"
        sun = ""
        """
    )
    cal = BusinessCalendar.from_config(doc["calendar"])
    assert cal.tz == WARSAW
    assert cal.holiday_country == "PL"
    assert cal.extra_days_off == frozenset({date(2026, 12, 31), date(2027, 1, 2)})
    assert cal.hours == {
        0: [(time(8), time(20))],
        1: [(time(8), time(12)), (time(13), time(20))],
        2: [(time(8), time(16))],  # not given: default
        3: [(time(8), time(16))],
        4: [(time(8), time(16))],
        5: [(time(9), time(14))],
    }


def test_from_config_other_zone_and_whole_day() -> None:
    cal = BusinessCalendar.from_config(
        {"timezone": "America/New_York", "holidays": False, "hours": {"sat": ["00:00-24:00"]}}
    )
    assert cal.tz == ZoneInfo("America/New_York")
    assert cal.hours[5] == [(time(0), time(0))]  # time(0) as end means 24:00
    # Sat 2026-11-14 00:00 EST = 05:00 UTC, 24 h
    assert cal.open_intervals(date(2026, 11, 14)) == ((utc(2026, 11, 14, 5), utc(2026, 11, 15, 5)),)


@pytest.mark.parametrize(
    ("cfg", "needle"),
    [
        ({"timezone": "Europe/Nowhere"}, "calendar.timezone: unknown time zone 'Europe/Nowhere'"),
        ({"timezone": 3}, "calendar.timezone"),
        ({"holidays": "XX"}, "calendar.holidays: unknown country 'XX'"),
        ({"holidays": 1}, "calendar.holidays"),
        ({"holiday_language": "fr"}, "calendar.holiday_language: 'fr'"),
        ({"days_off": ["2026-13-01"]}, "calendar.days_off: not a date '2026-13-01'"),
        ({"days_off": "2026-12-24"}, "calendar.days_off"),
        ({"working_days": ["24.12.2026"]}, "calendar.working_days: not a date '24.12.2026'"),
        ({"hours": {"mon": "08:00-07:00"}}, "calendar.hours.mon: range '08:00-07:00'"),
        ({"hours": {"tue": "8-16"}}, "calendar.hours.tue: bad range '8-16'"),
        ({"hours": {"wed": "25:00-26:00"}}, "calendar.hours.wed: bad range '25:00-26:00'"),
        ({"hours": {"thu": "24:00-24:00"}}, "calendar.hours.thu: bad range '24:00-24:00'"),
        ({"hours": {"fri": "08:00-00:00"}}, "calendar.hours.fri: range '08:00-00:00' ends at 00:00"),
        ({"hours": {"sat": "08:00-12:00,11:00-14:00"}}, "calendar.hours.sat: overlapping"),
        ({"hours": {"sun": 8}}, "calendar.hours.sun"),
        ({"hours": {"monday": "08:00-16:00"}}, "calendar.hours: unknown day 'monday'"),
        ({"hours": "08:00-16:00"}, "calendar.hours"),
        ({"timezon": "Europe/Warsaw"}, "calendar: unknown key 'timezon'"),
        (
            {"days_off": ["2026-12-31"], "working_days": ["2026-12-31"]},
            "2026-12-31 is both a day off and a working day",
        ),
    ],
)
def test_from_config_errors(cfg: dict[str, object], needle: str) -> None:
    with pytest.raises(CalendarConfigError) as exc:
        BusinessCalendar.from_config(cfg)
    message = str(exc.value)
    assert needle in message
    assert "\n" not in message
    assert isinstance(exc.value, ValueError)


def test_direct_construction_is_validated() -> None:
    with pytest.raises(CalendarConfigError, match="ends before it starts"):
        BusinessCalendar(tz=WARSAW, hours={0: [(time(16), time(8))]})
    with pytest.raises(CalendarConfigError, match="weekday must be 0-6"):
        BusinessCalendar(tz=WARSAW, hours={7: [(time(8), time(16))]})
    with pytest.raises(CalendarConfigError, match="overlapping"):
        BusinessCalendar(tz=WARSAW, hours={0: [(time(0), time(0)), (time(8), time(9))]})
    # unsorted ranges are sorted, the calendar is hashable despite its dict
    cal = BusinessCalendar(tz=WARSAW, hours={0: [(time(13), time(16)), (time(8), time(12))]})
    assert cal.hours[0] == [(time(8), time(12)), (time(13), time(16))]
    assert isinstance(hash(cal), int)
    assert cal == BusinessCalendar(tz=WARSAW, hours={0: [(time(8), time(12)), (time(13), time(16))]})
