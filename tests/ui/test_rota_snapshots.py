"""Snapshots of the rota screen (f5): 120x40 in English and Polish with Kasia selected (her leave
from Wednesday in the week below), and 80x24. Look at the SVG before accepting a change."""

from __future__ import annotations

import pytest
from test_snapshots import _run
from ui_helpers import settle

from bokdesk import i18n
from bokdesk.core.services import shifts


@pytest.fixture(params=["en", "pl"])
def language(request):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


def rota_steps(*keys: str):
    async def steps(pilot):
        await pilot.press("f5")
        await settle(pilot)
        if keys:
            await pilot.press(*keys)

    return steps


def test_rota(snap_compare, desk, boss, language):
    from ui_helpers import make_app

    shifts.set_week(desk, boss, "ewa", "mon-fri 8-12 12:30-14")  # a split shift, over by 14:30
    assert _run(snap_compare, make_app(desk, boss), rota_steps("down", "down", "down", "down"))


def test_rota_small(snap_compare, desk, ola):
    from ui_helpers import make_app

    assert _run(snap_compare, make_app(desk, ola), rota_steps(), size=(80, 24))
