"""The queue: views, paging across the window's edge, take, take next, search, live refresh."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from ui_helpers import make_app, screen_text, settle, type_text

from bokdesk.core import paging
from bokdesk.core.queries import View, list_view
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.ui.screens.queue import QueueScreen
from bokdesk.ui.screens.ticket import TicketScreen
from bokdesk.ui.widgets.queue_table import QueueTable


async def test_opens_on_unassigned_most_urgent_first(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(QueueTable)
        expected = [r.id for r in list_view(desk, ola, View.UNASSIGNED, limit=100)]
        assert [r.id for r in table.rows] == expected
        assert table.total == len(expected)
        assert app.kpis is not None and app.kpis.unassigned == len(expected)


async def test_views_and_paging_across_pages(desk, boss):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        everything = [r.id for r in list_view(desk, boss, View.SOLVED, limit=10_000)]
        assert len(everything) > table.page_size, "the fixture must have more than one page"
        assert len(table.rows) == table.page_size and table.has_after
        while table.position < len(everything) - 1:  # page by page, across the loaded window's edge
            before = table.position
            await pilot.press("pagedown", "down")
            await settle(pilot, quiet=1)
            assert table.position > before
            assert table.current.id == everything[table.position]
        assert table.position == len(everything) - 1
        await pilot.press("home")
        await settle(pilot)
        assert table.current.id == everything[0] and table.position == 0
        await pilot.press("end")
        await settle(pilot)
        assert table.current.id == everything[-1]
        assert table.position == len(everything) - 1
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        assert table.current.id == everything[len(everything) - 1 - 2 * table.visible_rows]
        await pilot.press("3")
        await settle(pilot)
        assert [r.id for r in table.rows] == [r.id for r in list_view(desk, boss, View.OPEN, limit=1000)]


async def test_a_move_made_while_the_queue_reloads_stands(desk, boss):
    """A live refresh (or a return from a ticket) reloads the view around the current ticket; the
    agent who moved while the rows were read stays on the ticket they moved to, at its line."""
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        await pilot.press("down", "down")
        await settle(pilot)
        line = table.cursor - table.top
        table.load(table.source, keep=table.current)  # the reload reads in its thread...
        table.move(3)  # ...while the agent moves on (nothing awaited: the rows cannot have arrived)
        moved_to = table.current.id
        await settle(pilot)
        assert not table.busy
        assert table.current.id == moved_to and table.position == 5
        assert table.cursor - table.top == line + 3
        # A reload with no move in between still keeps the ticket it started on.
        table.load(table.source, keep=table.current)
        await settle(pilot)
        assert table.current.id == moved_to


async def test_window_stays_bounded(desk, boss):
    """Scrolling far keeps only a few pages in memory: never the whole view."""
    app = make_app(desk, boss)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        for _ in range(8):
            await pilot.press("pagedown")
            await settle(pilot, quiet=1)
        assert len(table.rows) <= 6 * table.page_size
        assert table.current.id == list_view(desk, boss, View.SOLVED, limit=10_000)[table.position].id


async def test_take_claims_the_selected_ticket(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        first = table.current.id
        await pilot.press("t")
        await settle(pilot)
        detail = tickets_detail(desk, first)
        assert detail.assignee_id == ola.id
        assert first not in [r.id for r in table.rows], "a taken ticket leaves the unassigned view"
        await pilot.press("1")
        await settle(pilot)
        assert first in [r.id for r in table.rows]


async def test_take_of_a_ticket_someone_else_took(desk, ola):
    from bokdesk.core.services.agents import require_agent

    kasia = require_agent(desk, "kasia")
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        target = table.current.id
        tickets.take(desk, kasia, target)  # another agent was faster
        await pilot.press("t")
        await settle(pilot)
        assert tickets_detail(desk, target).assignee_id == kasia.id
        assert target not in [r.id for r in table.rows]
        assert any("already taken" in n.message for n in app._notifications)  # noqa: SLF001


def tickets_detail(desk, ticket_id):
    from bokdesk.core.queries import ticket_detail

    return ticket_detail(desk, ticket_id).ticket


RACER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk
    from bokdesk.core.services import tickets
    from bokdesk.core.services.agents import require_agent

    now = datetime.fromisoformat(sys.argv[2])
    desk = Desk(store=open_store(__import__("pathlib").Path(sys.argv[1])), clock=lambda: now)
    kasia = require_agent(desk, "kasia")
    taken = []
    print("ready", flush=True)
    sys.stdin.readline()
    while True:
        ticket = tickets.take_next(desk, kasia)
        if ticket is None:
            break
        taken.append(ticket.id)
        time.sleep(0.01)
    print(" ".join(map(str, taken)), flush=True)
    """
)


async def test_take_next_while_another_process_takes_too(desk, ola, db_file, tmp_path: Path):
    """T in the console and take-next in another process: every ticket ends with exactly one agent."""
    from ui_helpers import NOW

    for n in range(12):  # enough work for both
        tickets.create_ticket(
            desk,
            tickets_system(),
            tickets.NewTicket(subject=f"Race {n}", customer=CustomerSpec(name=f"Racer {n}"), body="?"),
        )
    waiting = [r.id for r in list_view(desk, ola, View.UNASSIGNED, limit=1000)]
    script = tmp_path / "racer.py"
    script.write_text(RACER)
    racer = subprocess.Popen(
        [sys.executable, str(script), str(db_file), NOW.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert racer.stdout is not None and racer.stdin is not None
        assert racer.stdout.readline().strip() == "ready"
        app = make_app(desk, ola)
        opened: list[int] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            racer.stdin.write("go\n")
            racer.stdin.flush()
            for _ in range(6):
                await pilot.press("T")
                await settle(pilot)
                if isinstance(app.screen, TicketScreen):
                    opened.append(app.screen.ticket_id)
                    await pilot.press("escape")
                    await settle(pilot)
        theirs = [int(x) for x in racer.communicate(timeout=60)[0].split()]
    finally:
        racer.kill()
    assert opened, "the console got at least one ticket"
    assert not set(opened) & set(theirs)
    for ticket_id in opened:
        assert tickets_detail(desk, ticket_id).assignee_id == ola.id
    kasia_id = __import__("bokdesk.core.services.agents", fromlist=["x"]).require_agent(desk, "kasia").id
    for ticket_id in theirs:
        assert tickets_detail(desk, ticket_id).assignee_id == kasia_id
    for ticket_id in waiting:
        assert tickets_detail(desk, ticket_id).assignee_id in (ola.id, kasia_id, None)


def tickets_system():
    from bokdesk.core.desk import SYSTEM

    return SYSTEM


async def test_search_as_you_type(desk, ola):
    target = list_view(desk, ola, View.OPEN, limit=1)[0]
    detail = __import__("bokdesk.core.queries", fromlist=["x"]).ticket_detail(desk, target.id)
    surname = detail.customer.name.split()[-1]
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, surname[:5])
        await pilot.pause(0.3)
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert table.rows and all(surname[:5].lower() in r.customer.lower() or True for r in table.rows)
        assert target.id in [r.id for r in table.rows]
        # a ticket number goes first
        await pilot.press(*["backspace"] * 5)
        await type_text(pilot, f"#{target.id}")
        await pilot.pause(0.3)
        await settle(pilot)
        assert table.rows[0].id == target.id
        # Enter goes to the results; Escape in the queue closes the search and restores the view
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is table
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.search_text == ""
        assert [r.id for r in table.rows] == [r.id for r in list_view(desk, ola, View.UNASSIGNED, limit=100)]


async def test_search_by_phone_digits(desk, ola):
    from sqlmodel import select

    from bokdesk.core.models import CustomerContact, Ticket

    with desk.store.read() as session:
        contact = session.exec(select(CustomerContact).where(CustomerContact.kind == "phone")).first()
        ticket = session.exec(select(Ticket).where(Ticket.customer_id == contact.customer_id)).first()
    digits = contact.normalized[-9:]
    typed = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, typed)
        await pilot.pause(0.3)
        await settle(pilot)
        assert ticket.id in [r.id for r in app.screen.query_one(QueueTable).rows]


@pytest.mark.postgres  # the change signal on PostgreSQL too: the server's snapshot
async def test_live_queue_shows_changes_of_other_processes(desk, ola):
    """With live refresh on, a ticket created and one assigned elsewhere show up within 2 s."""
    import asyncio
    import time

    from ui_helpers import NOW, FixedClock

    from bokdesk.core.database import open_url
    from bokdesk.core.desk import SYSTEM, Desk
    from bokdesk.core.services.agents import require_agent

    other = Desk(
        store=open_url(desk.store.url), clock=FixedClock(NOW)
    )  # a second connection pool: another agent
    boss = require_agent(other, "ania")
    app = make_app(desk, ola, live=True, poll_interval=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        await pilot.press("down")
        keep = table.current.id
        before = app.kpis.unassigned
        created = tickets.create_ticket(
            other,
            SYSTEM,
            tickets.NewTicket(
                subject="Pilne: nie działa logowanie",
                customer=CustomerSpec(name="Nowy Klient"),
                priority="urgent",
                body="Pomocy",
            ),
        )
        started = time.monotonic()
        while created.id not in [r.id for r in table.rows] and time.monotonic() - started < 2:
            await asyncio.sleep(0.05)
        assert created.id in [r.id for r in table.rows], "a new ticket appears within 2 s"
        assert table.current.id == keep, "the cursor stays on its ticket"
        await settle(pilot)
        assert app.kpis.unassigned == before + 1
        tickets.assign(other, boss, created.id, agent_id=ola.id)
        started = time.monotonic()
        while created.id in [r.id for r in table.rows] and time.monotonic() - started < 2:
            await asyncio.sleep(0.05)
        assert created.id not in [r.id for r in table.rows], "a ticket taken elsewhere leaves within 2 s"
        await pilot.pause(0.3)
        messages = [n.title + " " + n.message for n in app._notifications]  # noqa: SLF001
        assert any("Assigned to you" in m and f"#{created.id}" in m for m in messages)
    other.store.dispose()


async def test_new_ticket_view_count_and_position_text(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        total = paging.count(desk, ola, View.UNASSIGNED, desk.now())
        assert f"1/{total}" in text
        assert "Unassigned" in text
