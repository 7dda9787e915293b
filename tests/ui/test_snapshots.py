"""Snapshots of every console screen at 120x40 (and the queue at 80x24), in English and Polish.

The desk is the deterministic demo on a fixed clock, the cursor does not blink, presence is off
and notifications are cleared, so a changed snapshot means the screen changed. Look at the SVG
(``tests/ui/__snapshots__``) before accepting it with ``--snapshot-update``.
"""

from __future__ import annotations

import pytest
from ui_helpers import focus, make_app, paste, settle, type_text

from bokdesk import i18n
from bokdesk.core.queries import View, list_view
from bokdesk.core.services import drafts, tickets
from bokdesk.core.services.agents import require_agent

LANGUAGES = ["en", "pl"]


@pytest.fixture(params=LANGUAGES)
def language(request):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


def quiet(app):
    app.clear_notifications()


def _run(snap_compare, app, steps, size=(120, 40)):
    async def run_before(pilot):
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        quiet(pilot.app)
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=run_before)


def the_ticket(desk, boss):
    """A ticket with a conversation: the first of the 'waiting' view, taken by the supervisor."""
    return list_view(desk, boss, View.WAITING, limit=1)[0].id


async def nothing(pilot):
    return None


def test_queue(snap_compare, desk, ola, language):
    assert _run(snap_compare, make_app(desk, ola), nothing)


def test_queue_all_open(snap_compare, desk, boss, language):
    async def steps(pilot):
        await pilot.press("3", "down", "down")

    assert _run(snap_compare, make_app(desk, boss), steps)


@pytest.mark.parametrize("view", ["3", "7"])
def test_queue_80x24(snap_compare, desk, boss, language, view):
    async def steps(pilot):
        await pilot.press(view)

    assert _run(snap_compare, make_app(desk, boss), steps, size=(80, 24))


def test_search(snap_compare, desk, ola, language):
    async def steps(pilot):
        await pilot.press("slash")
        await type_text(pilot, "faktur")
        await pilot.pause(0.3)

    assert _run(snap_compare, make_app(desk, ola), steps)


def test_ticket(snap_compare, desk, boss, language):
    ticket_id = the_ticket(desk, boss)

    async def steps(pilot):
        pilot.app.screen.open_ticket(ticket_id)

    assert _run(snap_compare, make_app(desk, boss), steps)


def test_ticket_80x24(snap_compare, desk, boss, language):
    ticket_id = the_ticket(desk, boss)

    async def steps(pilot):
        pilot.app.screen.open_ticket(ticket_id)

    assert _run(snap_compare, make_app(desk, boss), steps, size=(80, 24))


def test_history(snap_compare, desk, boss, language):
    ticket_id = the_ticket(desk, boss)

    async def steps(pilot):
        pilot.app.screen.open_ticket(ticket_id)
        await settle(pilot)
        await pilot.press("h")

    assert _run(snap_compare, make_app(desk, boss), steps)


def test_editor_with_canned_picker(snap_compare, desk, ola, language):
    row = list_view(desk, ola, View.UNASSIGNED, limit=1)[0]
    tickets.take(desk, ola, row.id)

    async def steps(pilot):
        pilot.app.screen.open_ticket(row.id)
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await paste(pilot, "Dzień dobry,\n")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await type_text(pilot, "reset")

    assert _run(snap_compare, make_app(desk, ola), steps)


def test_note_editor_with_restored_draft(snap_compare, desk, ola, language):
    row = list_view(desk, ola, View.UNASSIGNED, limit=1)[0]
    tickets.take(desk, ola, row.id)
    drafts.save(desk, ola, row.id, "note", "Klient oddzwoni jutro rano.")

    async def steps(pilot):
        pilot.app.screen.open_ticket(row.id)
        await settle(pilot)
        await pilot.press("i")

    assert _run(snap_compare, make_app(desk, ola), steps)


def test_new_ticket(snap_compare, desk, ola, language):
    async def steps(pilot):
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "kowal")
        await pilot.pause(0.3)

    assert _run(snap_compare, make_app(desk, ola), steps)


def test_canned_responses(snap_compare, desk, boss, language):
    async def steps(pilot):
        await pilot.press("f3")

    assert _run(snap_compare, make_app(desk, boss), steps)


def test_canned_form(snap_compare, desk, boss, language):
    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("e")

    assert _run(snap_compare, make_app(desk, boss), steps)


def test_help(snap_compare, desk, ola, language):
    async def steps(pilot):
        await pilot.press("question_mark")

    assert _run(snap_compare, make_app(desk, ola), steps)


def test_assign_dialog(snap_compare, desk, boss, language):
    ticket_id = the_ticket(desk, boss)

    async def steps(pilot):
        pilot.app.screen.open_ticket(ticket_id)
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "to")

    assert _run(snap_compare, make_app(desk, boss), steps)


def test_conflict_dialog(snap_compare, desk, ola, language):
    row = list_view(desk, ola, View.UNASSIGNED, limit=1)[0]
    tickets.take(desk, ola, row.id)
    kasia = require_agent(desk, "kasia")

    async def steps(pilot):
        pilot.app.screen.open_ticket(row.id)
        await settle(pilot)
        await pilot.press("r")
        await paste(pilot, "Odpowiedź, która czeka")
        tickets.add_note(desk, kasia, row.id, "Dzwoniłam do klienta.")
        await pilot.press("ctrl+s")

    assert _run(snap_compare, make_app(desk, ola), steps)


def test_drafts(snap_compare, desk, ola, language):
    for row in list_view(desk, ola, View.UNASSIGNED, limit=2):
        drafts.save(desk, ola, row.id, "reply", "Dzień dobry, w nawiązaniu do zgłoszenia…")

    async def steps(pilot):
        await pilot.press("d")

    assert _run(snap_compare, make_app(desk, ola), steps)


def test_status_dialog(snap_compare, desk, boss, language):
    ticket_id = the_ticket(desk, boss)

    async def steps(pilot):
        pilot.app.screen.open_ticket(ticket_id)
        await settle(pilot)
        await pilot.press("s")

    assert _run(snap_compare, make_app(desk, boss), steps)


def test_survey_dialog(snap_compare, desk, boss, language):
    ticket_id = the_ticket(desk, boss)

    async def steps(pilot):
        pilot.app.screen.open_ticket(ticket_id)
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await type_text(pilot, "9")
        await focus(pilot, "#comment")

    assert _run(snap_compare, make_app(desk, boss), steps)
