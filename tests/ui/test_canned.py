"""F3: canned responses (create, search, edit, delete; shared vs personal) and the picker's ranking."""

from __future__ import annotations

from sqlmodel import select
from ui_helpers import focus, make_app, paste, screen_text, settle, type_text

from bokdesk.core.models import CannedResponse
from bokdesk.ui.screens.canned import CannedForm, CannedRow, CannedScreen, rank
from bokdesk.ui.screens.dialogs import ConfirmDialog


def canned(desk, shortcut):
    with desk.store.read() as session:
        return session.exec(select(CannedResponse).where(CannedResponse.shortcut == shortcut)).first()


async def test_agent_creates_edits_and_deletes_a_personal_response(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CannedScreen) and screen.shown
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CannedForm)
        assert form.query_one("#shared").disabled and not form.query_one("#shared").value
        await paste(pilot, "Moje podziękowanie")
        await focus(pilot, "#shortcut")
        await type_text(pilot, "dzieki")
        await focus(pilot, "#body")
        await paste(pilot, "Dziękuję, {{customer_first_name}}! {{agent_name}}")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CannedScreen)
        row = canned(desk, "dzieki")
        assert row is not None and row.owner_id == ola.id
        assert screen.current is not None and screen.current.id == row.id
        assert "Aleksandra" in screen_text(app), "the preview fills the placeholders"
        await pilot.press("e")
        await settle(pilot)
        await focus(pilot, "#title")
        await paste(pilot, " (krótkie)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert canned(desk, "dzieki").title == "Moje podziękowanie (krótkie)"
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert canned(desk, "dzieki") is None


async def test_agent_cannot_edit_shared_responses(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert screen.current.shared
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CannedScreen)
        assert any("supervisors" in n.message for n in app._notifications)  # noqa: SLF001


async def test_supervisor_search_and_language_filter(desk, boss):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        await pilot.press("g", "g")  # all -> Polish -> English
        await settle(pilot)
        assert screen.shown and all(r.language == "en" for r in screen.shown)
        await pilot.press("slash")
        await type_text(pilot, "passw")
        await settle(pilot)
        assert screen.shown[0].shortcut == "password-reset"
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, CannedScreen)


def row(id_, title, shortcut, body, language="pl", usage=0):
    return CannedRow(id_, title, shortcut, body, None, language, True, False, usage, 1)


def test_rank_prefers_matches_then_language_then_usage():
    rows = [
        row(1, "Powitanie", "powitanie", "Dzień dobry", usage=3),
        row(2, "Greeting", "greeting", "Hello", language="en", usage=50),
        row(3, "Reset hasła", "reset-hasla", "Link do resetu hasła", usage=9),
    ]
    assert [r.id for r in rank(rows, "")] == [2, 3, 1]
    assert [r.id for r in rank(rows, "", "pl")] == [3, 1, 2]
    assert next(r.id for r in rank(rows, "res")) == 3
    assert [r.id for r in rank(rows, "hello")] == [2]
    assert rank(rows, "zzz") == []
