"""App-wide behaviour: help, command palette, stats access, keymap from the config, themes, language."""

from __future__ import annotations

import importlib.util

from textual.binding import Binding
from ui_helpers import make_app, screen_text, settle

from bokdesk import i18n
from bokdesk.core.queries import View, list_view
from bokdesk.core.settings import UiSettings
from bokdesk.ui import keymap
from bokdesk.ui.screens.help import HelpScreen
from bokdesk.ui.screens.queue import QueueScreen


async def test_help_lists_the_keys_of_the_screen(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        local = {d: k for k, d in app.screen.local}
        assert local["Take"] == "t" and local["Take next"].startswith("T")
        assert local["View: complaints"] == "6"
        assert local["Down"] == "↓ / j"
        shared = {d: k for k, d in app.screen.shared}
        assert shared["Canned"] == "f3" and shared["Stats"] == "f4"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_every_action_is_in_the_command_palette(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for wanted in (
            "Take",
            "Take next",
            "New",
            "Search",
            "Open",
            "View: waiting",
            "Drafts",
            "Canned",
            "Help",
            "Change theme",
            "Quit",
        ):
            assert wanted in titles
        # An agent is not offered what their role would refuse; the keys still explain the refusal.
        assert "Stats" not in titles and "Mail quarantine" not in titles
        app.screen.open_ticket(list_view(desk, ola, View.UNASSIGNED, limit=1)[0].id)
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for wanted in (
            "Reply",
            "Note",
            "Call log",
            "Assign",
            "Status",
            "Priority",
            "Solve",
            "Survey",
            "History",
            "Previous ticket",
            "Next ticket",
            "Customer panel",
        ):
            assert wanted in titles


async def test_stats_are_for_supervisors(desk, ola, boss):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert any("for supervisors" in n.message for n in app._notifications)  # noqa: SLF001
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        if importlib.util.find_spec("bokdesk.ui.screens.stats") is None:
            assert any("not available" in n.message for n in app._notifications)  # noqa: SLF001
        else:
            assert type(app.screen).__name__ == "StatsScreen"
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Mail quarantine" not in titles  # a supervisor is not an admin
        app.pop_screen()
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Stats" in titles


async def test_keys_can_be_remapped_in_the_config(desk, ola):
    keys = {"queue.take": "g", "queue": {"new": "ctrl+n"}, "no.such": "x", "queue.open": 5}
    app = make_app(desk, ola, keys=keys)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        problems = " ".join(n.message for n in app._notifications)  # noqa: SLF001
        assert "no.such" in problems and "queue.open" in problems
        first = app.screen.table.current.id
        await pilot.press("t")  # no longer take
        await settle(pilot)
        assert app.screen.table.current.id == first
        await pilot.press("g")
        await settle(pilot)
        from bokdesk.core.queries import ticket_detail

        assert ticket_detail(desk, first).ticket.assignee_id == ola.id
        keys_shown = {active.binding.id: active.binding.key for active in app.screen.active_bindings.values()}
        assert keys_shown["queue.take"] == "g" and keys_shown["queue.new"] == "ctrl+n"


def test_every_binding_has_an_id():
    for group in keymap.ALL:
        for binding in group:
            assert isinstance(binding, Binding) and binding.id, binding
    ids = [b.id for group in keymap.ALL for b in group]
    assert len(ids) == len(set(ids)) + ids.count("dialog.cancel") - 1  # the dialogs share their cancel


async def test_theme_from_the_config(desk, ola):
    app = make_app(desk, ola, ui=UiSettings(theme="nord"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


async def test_polish_console(desk, ola):
    i18n.set_language("pl")
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Nieprzypisane" in text and "Przejmij" in text and "Temat" in text
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Przejmij" in titles and "Zmień motyw" in titles


async def test_works_at_80x24(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.table
        assert table.visible_rows >= 15
        text = screen_text(app).splitlines()
        assert len(text) == 24 and all(len(line) <= 80 for line in text)
        app.screen.open_ticket(table.current.id)
        await settle(pilot)
        assert "#" in screen_text(app)
        await pilot.press("c")  # the customer panel replaces the conversation on a narrow screen
        await settle(pilot)
        assert app.screen.query_one("#customer").display


def test_language_resolution():
    env = {"LANG": "pl_PL.UTF-8"}
    assert i18n.resolve_language(None, None, env) == "pl"
    assert i18n.resolve_language("en", "pl", env) == "en"
    assert i18n.resolve_language(None, "en", env) == "en"
    assert i18n.resolve_language(None, None, {"LANG": "C.UTF-8", "LANGUAGE": "de:pl"}) == "pl"
    assert i18n.resolve_language(None, None, {}) == "en"
