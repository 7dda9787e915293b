""" "Online" has one definition (core/online.py): the KPI strip, automatic assignment and presence
agree on who is online, and the console's heartbeat keeps an open console inside the window."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bokdesk.core import kpi, online
from bokdesk.core.services import assignment, presence
from bokdesk.ui import live


def seen(desk, clock, staff, seconds_ago):
    """Ola's console was last seen ``seconds_ago`` seconds before now (nobody else is online)."""
    now = clock.now
    clock.now = now - timedelta(seconds=seconds_ago)
    presence.heartbeat(desk, staff.ola)
    clock.now = now


def who_is_online(desk, staff):
    strip = kpi.compute(desk, staff.boss).agents_online
    listed = {p.login for p in presence.online(desk, include_offline=False)}
    with desk.store.read() as session:
        eligible = {a.login for a in assignment.eligible_agents(session, desk, staff.ola.team_id, desk.now())}
    return strip, listed, eligible


def test_the_strip_assignment_and_presence_agree_at_the_edge_of_the_window(desk, clock, staff):
    window = online.online_window(desk).total_seconds()
    assert window == online.ONLINE_SECONDS == 120
    seen(desk, clock, staff, window - 5)  # inside: online for all three
    assert who_is_online(desk, staff) == (1, {"ola"}, {"ola"})
    seen(desk, clock, staff, window + 5)  # outside: online for none (the strip used 3 minutes before)
    assert who_is_online(desk, staff) == (0, set(), set())


def test_the_desk_setting_moves_the_one_window_for_everyone(desk, clock, staff):
    desk.settings = replace(desk.settings, online_seconds=300)
    seen(desk, clock, staff, 200)
    assert who_is_online(desk, staff) == (1, {"ola"}, {"ola"})
    desk.settings = replace(desk.settings, online_seconds=60)
    assert who_is_online(desk, staff) == (0, set(), set())


def test_the_consoles_heartbeat_is_well_inside_the_window():
    assert live.HEARTBEAT.total_seconds() == online.HEARTBEAT_SECONDS
    assert 2 * online.HEARTBEAT_SECONDS <= online.ONLINE_SECONDS
