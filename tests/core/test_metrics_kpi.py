"""The queue's KPI strip (core/kpi.py) and the stats (core/metrics) agree on a demo desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bokdesk.core import kpi, metrics, periods
from bokdesk.core.database import open_store
from bokdesk.core.demo import build_demo
from bokdesk.core.desk import SYSTEM, Desk
from bokdesk.core.services import tickets
from bokdesk.core.services.agents import require_agent
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.core.settings import DeskSettings

NOW = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)  # Tuesday 14:30 in Warsaw


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("kpi") / "demo.db"
    store = open_store(path)
    clock = Clock(NOW)
    desk = Desk(store=store, clock=clock, settings=DeskSettings(complaints_team="BOK Warszawa"))
    build_demo(desk, me="ania", me_name="Anna Kierownik", seed=11, days=12, per_day=14, now=NOW)
    # A duplicate merged today must not count as a resolution in either place.
    ola = require_agent(desk, "ola")
    clock.now = NOW - timedelta(hours=2)
    spec = CustomerSpec(name="Jan Duplikat", email="dup@example.pl")
    first = tickets.create_ticket(desk, SYSTEM, tickets.NewTicket(subject="Faktura", customer=spec, body="a"))
    second = tickets.create_ticket(
        desk, SYSTEM, tickets.NewTicket(subject="Faktura", customer=spec, body="b")
    )
    clock.now = NOW - timedelta(hours=1)
    tickets.merge(desk, ola, second.id, first.id, note="duplikat")
    clock.now = NOW
    yield desk
    store.dispose()


def test_kpi_strip_agrees_with_metrics(demo):
    boss = require_agent(demo, "ania")
    strip = kpi.compute(demo, boss, NOW)
    tz = demo.calendar.tz
    today = metrics.report(demo, boss, periods.preset(tz, "today", NOW), by=())
    assert strip.unassigned == today.backlog.unassigned
    assert strip.at_risk == today.backlog.at_risk and strip.breached == today.backlog.breached
    assert strip.frt_median_today == today.totals.first_response.stats("business")["median"]
    assert strip.resolution_median_today == today.totals.resolution.stats("business")["median"]
    assert strip.frt_median_today is not None and strip.resolution_median_today is not None
    # The strip's NPS is over the last 30 days up to now: the same instants as a metrics period.
    window = periods.Period(NOW.date() - timedelta(days=30), NOW.date(), NOW - kpi.NPS_WINDOW, NOW)
    last_30 = metrics.report(demo, boss, window, by=())
    assert strip.nps == last_30.totals.nps and strip.nps_answers == last_30.totals.nps_answers
    assert strip.nps_answers > 0


def test_one_nps_definition():
    assert metrics.nps_score is kpi.nps_score
    assert kpi.nps_score(1, 0, 8) == 13 and kpi.nps_score(0, 1, 8) == -13 and kpi.nps_score(0, 0, 0) is None
