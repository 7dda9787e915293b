"""Preset periods in the desk's time zone: whole local days, the month and quarter so far."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bokdesk.core import periods
from bokdesk.core.errors import ValidationError

WARSAW = ZoneInfo("Europe/Warsaw")


def test_month_is_the_calendar_month_so_far_in_local_time():
    # 23:30 UTC on 31 October is already 1 November in Warsaw: the month is that one day.
    p = periods.preset(WARSAW, "month", datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    assert (p.first, p.last, p.kind) == (date(2026, 11, 1), date(2026, 11, 1), "month")
    assert (p.start, p.end) == (
        datetime(2026, 10, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 23, 0, tzinfo=UTC),
    )


def test_month_across_the_spring_clock_change():
    p = periods.preset(WARSAW, "month", datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    assert (p.first, p.last, p.days) == (date(2026, 3, 1), date(2026, 3, 31), 31)
    # begins at midnight CET (UTC+1), ends at midnight CEST (UTC+2)
    assert (p.start, p.end) == (
        datetime(2026, 2, 28, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 31, 22, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        ("today", date(2026, 11, 24)),
        ("7d", date(2026, 11, 18)),
        ("30d", date(2026, 10, 26)),
        ("month", date(2026, 11, 1)),
        ("quarter", date(2026, 10, 1)),
    ],
)
def test_presets_end_today(kind, first):
    p = periods.preset(WARSAW, kind, datetime(2026, 11, 24, 13, 30, tzinfo=UTC))
    assert (p.first, p.last) == (first, date(2026, 11, 24))


def test_unknown_preset_is_a_clear_error():
    with pytest.raises(ValidationError, match="use today, 7d, 30d, month, quarter"):
        periods.preset(WARSAW, "year", datetime(2026, 11, 24, tzinfo=UTC))
