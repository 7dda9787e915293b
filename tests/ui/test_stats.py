"""The stats screen: the same figures as ``core.metrics``, periods, drill-down, export, refusal,
80x24, and snapshots in English and Polish (deterministic demo desk on a fixed clock)."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from textual.widgets import DataTable, TabbedContent
from ui_helpers import make_app, screen_text, settle

from bokdesk import i18n
from bokdesk.core import metrics, periods
from bokdesk.core.report_csv import csv_header
from bokdesk.ui.screens import stats as stats_screen
from bokdesk.ui.screens.stats import DrillScreen, StatsScreen, tile_data
from bokdesk.ui.widgets.stats_tiles import Tile, decimal, percent, sparkline


async def open_stats(pilot):
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatsScreen)
    return pilot.app.screen


def thirty_days(desk):
    return periods.preset(desk.calendar.tz, "30d", desk.now())


async def test_tiles_show_the_figures_of_core_metrics(desk, boss):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        report = metrics.report(desk, boss, thirty_days(desk), by=("agent", "team", "channel"))
        weeks = metrics.weekly(desk, boss)
        expected = tile_data(report, weeks)
        for tile in screen.query(Tile):
            assert tile.data == expected[(tile.id or "").removeprefix("tile-")]
        assert screen.loaded.report.totals.to_json() == report.totals.to_json()
        # The agents table lists every agent who worked, with the same solved counts.
        table = screen.query_one("#table-agents", DataTable)
        for row in report.breakdowns["agent"]:
            if row.figures.solved:
                cells = table.get_row(repr(row.key))
                assert (str(cells[1]), str(cells[2])) == (str(row.open), str(row.figures.solved))


async def test_period_keys_and_custom_period(desk, boss):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert screen.kind == "today" and screen.loaded.period.days == 1
        today = metrics.report(desk, boss, periods.preset(desk.calendar.tz, "today", desk.now()), by=())
        assert screen.loaded.report.totals.received == today.totals.received
        await pilot.press("4")  # the calendar month so far: "how did we do this month"
        await settle(pilot)
        assert screen.kind == "month" and screen.loaded.period.first == date(2026, 11, 1)
        assert screen.loaded.period.last == periods.local_date(desk.calendar.tz, desk.now())
        await pilot.press("5")
        await settle(pilot)
        assert screen.loaded.period.first == date(2026, 10, 1)
        await pilot.press("6")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#first").value = "2026-11-02"
        dialog.query_one("#last").value = "2026-11-08"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and screen.kind == "custom"
        assert (screen.loaded.period.first, screen.loaded.period.last) == (
            date(2026, 11, 2),
            date(2026, 11, 8),
        )
        assert "02/11/2026 – 08/11/2026" in screen_text(app)


async def test_drill_down_from_a_tile_and_from_an_agent(desk, boss, ola):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        screen.query_one("#tile-first_response", Tile).focus()
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        expected = metrics.drill_down(desk, boss, "first_response", thirty_days(desk), limit=1000)
        assert [row.number for row in drill.rows] == [row.number for row in expected]
        assert drill.rows[0].seconds >= drill.rows[-1].seconds  # longest first
        await pilot.press("enter")  # opens the first ticket
        await settle(pilot)
        assert type(app.screen).__name__ == "TicketScreen" and app.screen.ticket_id == expected[0].number
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("a")
        table = screen.query_one("#table-agents", DataTable)
        table.move_cursor(row=table.get_row_index(repr(ola.id)))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # the first choice: solved tickets
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen) and drill.dimension == "agent" and drill.value == ola.id
        solved = metrics.drill_down(
            desk, boss, "solved", thirty_days(desk), dimension="agent", value=ola.id, limit=1000
        )
        assert [r.number for r in drill.rows] == [r.number for r in solved]


async def test_export_writes_the_current_table(desk, boss, tmp_path, monkeypatch):
    monkeypatch.setattr(stats_screen.export, "export_dir", lambda: tmp_path / "exports")
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stats(pilot)
        await pilot.press("a", "e")
        await settle(pilot)
        files = list((tmp_path / "exports").glob("*.csv"))
        assert [f.name for f in files] == ["bokdesk-agents-2026-10-26_2026-11-24.csv"]
        rows = list(csv.reader(files[0].open(encoding="utf-8")))
        assert rows[0] == csv_header("agent") and len(rows) > 3
        assert any(str(files[0]) in n.message for n in app._notifications)  # noqa: SLF001
        await pilot.press("w", "e", "m", "e")
        await settle(pilot)
        names = sorted(f.name for f in (tmp_path / "exports").glob("*.csv"))
        assert "bokdesk-weeks-2026-10-26_2026-11-24.csv" in names
        assert "bokdesk-complaints-2026-10-26_2026-11-24.csv" in names


async def test_an_agent_is_refused_even_on_the_screen_itself(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(StatsScreen(desk, ola))
        await settle(pilot)
        text = screen_text(app)
        assert "for supervisors" in text and "needs the supervisor role" in text
        assert app.screen.loaded.report is None


async def test_every_trend_shows_all_13_weeks(desk, boss):
    """The SLA and NPS charts carry a note line: the chart grows by it, the current week stays in."""
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("w")
        for name in stats_screen.TRENDS:
            await settle(pilot)
            text = screen_text(app)
            assert "W36 31.08" in text and "W48 23.11" in text, name
            await pilot.press("right_square_bracket")
        assert screen.metric == 0


async def test_works_at_80x24(desk, boss):
    app = make_app(desk, boss)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot)
        text = screen_text(app)
        for label in (
            "Received",
            "Pickup",
            "First response",
            "Resolution",
            "SLA met",
            "NPS",
            "Backlog now",
            "Complaints",
        ):
            assert label in text
        for key in ("w", "a", "t", "c", "m", "o"):
            await pilot.press(key)
            await settle(pilot)
        assert screen.query_one(TabbedContent).active == "overview"


async def test_the_screen_follows_changes_made_by_another_process(desk, boss, db_file):
    """A supervisor leaves the screen open: another agent's console (here a separate process)
    creates a ticket; the tiles and the backlog follow within seconds, read in the worker (the
    screen keeps answering keys meanwhile), and changes in a burst cost one read, not one each."""
    import asyncio
    import subprocess
    import sys
    import time

    from ui_helpers import NOW

    app = make_app(desk, boss, live=True, poll_interval=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        screen.refresh_every = 0.5
        received = screen.loaded.report.totals.received
        backlog = screen.loaded.report.backlog.total
        code = (
            "import sys; from datetime import datetime; from pathlib import Path\n"
            "from bokdesk.core.database import open_store\n"
            "from bokdesk.core.desk import SYSTEM, Desk\n"
            "from bokdesk.core.services import tickets\n"
            "from bokdesk.core.services.customers import CustomerSpec\n"
            "now = datetime.fromisoformat(sys.argv[2])\n"
            "desk = Desk(store=open_store(Path(sys.argv[1])), clock=lambda: now)\n"
            "for i in range(3):\n"
            "    tickets.create_ticket(desk, SYSTEM, tickets.NewTicket(subject=f'Nowe {i}', body='Treść',\n"
            "        customer=CustomerSpec(name='Klient', email=f'nowy{i}@example.pl')))\n"
        )
        refreshes = screen.refreshes
        subprocess.run([sys.executable, "-c", code, str(db_file), NOW.isoformat()], check=True)
        started = time.monotonic()
        while time.monotonic() - started < 10 and (
            screen.loaded.report.totals.received != received + 3 or screen.loaded.stage < 2
        ):
            await asyncio.sleep(0.05)
        assert screen.loaded.report.totals.received == received + 3, "the new tickets are counted within 10 s"
        assert screen.loaded.report.backlog.total == backlog + 3
        assert screen.refreshes - refreshes <= 2  # one read (two if the poll fell between the commits)
        await settle(pilot)
        assert "Backlog now" in screen_text(app)
        await pilot.press("a")  # still answering keys
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "agents"
        assert screen.query_one("#table-agents", DataTable).row_count > 0
        # Not while another screen hides it (the tickets behind a figure); it catches up when it
        # comes back.
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        await pilot.pause(0.6)
        before = screen.refreshes
        subprocess.run(
            [sys.executable, "-c", code.replace("nowy{i}", "inny{i}"), str(db_file), NOW.isoformat()],
            check=True,
        )
        await pilot.pause(1.0)
        assert screen.refreshes == before
        await pilot.press("escape")
        await settle(pilot)
        while app.screen is not screen:
            await pilot.press("escape")
            await settle(pilot)
        started = time.monotonic()
        while time.monotonic() - started < 10 and screen.loaded.report.totals.received != received + 6:
            await asyncio.sleep(0.05)
        assert screen.loaded.report.totals.received == received + 6


def test_supervisors_consoles_load_numpy_and_the_stats_screen_in_the_warm_up():
    """The first f4 does not pay numpy's import: a supervisor's console loads it in its warm-up
    thread; an agent's console (who cannot open stats) never loads it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from bokdesk.ui import app, warmup\n"
        "assert 'numpy' not in sys.modules\n"
        "warmup.load_modules(False)\n"
        "assert 'numpy' not in sys.modules and 'bokdesk.ui.screens.stats' not in sys.modules\n"
        "warmup.load_modules(True)\n"
        "assert 'numpy' in sys.modules and 'bokdesk.ui.screens.stats' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sparkline_and_percent():
    assert sparkline([1, 2, None, 8]) == "▁▂·█"
    assert sparkline([None, None]) == "··" and sparkline([3, 3]) == "▄▄"
    assert percent(None) == "—" and percent(0.9312) == "93.1 %" and decimal(0.0864) == "0.09"
    i18n.set_language("pl")
    assert percent(0.9312) == "93,1 %" and decimal(0.0864) == "0,09"


# ---------------------------------------------------------------------- snapshots


@pytest.fixture(params=["en", "pl"])
def language(request):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


def _snap(snap_compare, desk, boss, keys, size):
    async def run_before(pilot):
        await open_stats(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return snap_compare(make_app(desk, boss), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize(
    "keys, size",
    [
        ((), (120, 40)),
        ((), (80, 24)),
        (("a",), (80, 24)),
        (("w", "right_square_bracket", "right_square_bracket"), (80, 24)),
        (("m",), (120, 40)),
        (("a", "enter", "enter"), (80, 24)),
    ],
    ids=["overview", "overview-80x24", "agents-80x24", "trends-80x24", "complaints", "drill-80x24"],
)
def test_snapshot(snap_compare, desk, boss, language, keys, size):
    assert _snap(snap_compare, desk, boss, keys, size)
