"""The rota screen (f5): everyone reads it; supervisors edit a week, add and cancel an absence;
the assign dialog says each agent's shift. Pilot tests on the demo desk (Tuesday 24 November 2026,
14:30 in Warsaw; Kasia's leave starts on Wednesday)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import OptionList
from ui_helpers import focus, make_app, paste, screen_text, settle

from bokdesk import i18n
from bokdesk.core import audit
from bokdesk.core.models import AuditEvent
from bokdesk.core.services import shifts
from bokdesk.ui.screens.rota import AbsenceDialog, RotaScreen, WeekDialog


@pytest.fixture
def polish():
    i18n.set_language("pl")
    yield
    i18n.set_language("en")


def week_of(desk, login):
    [row] = shifts.rota_of_desk(desk, login=login)
    return row.week


async def open_rota(pilot, *downs: str):
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RotaScreen)
    if downs:
        await pilot.press(*downs)
        await settle(pilot)


async def test_everyone_reads_the_rota_and_an_agent_cannot_change_it(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_rota(pilot, "down", "down", "down", "down")  # Katarzyna Zielińska
        text = screen_text(app)
        assert "8 of 8 agents on shift now" in text
        assert "Katarzyna Zielińska" in text and "Mon–Fri 08:00–16:00" in text and "desk hours" in text
        assert "No timetable of their own" not in text  # Kasia has her own week
        assert "on leave" in text and "urlop wypoczynkowy" in text  # Wednesday to Friday, in the week below
        assert 'bokdesk agent shift set kasia "mon-fri 08:00-16:00"' in text and "This week" in text
        await pilot.press("left_square_bracket")  # nothing before this week
        await pilot.press(*["right_square_bracket"] * 4)
        await settle(pilot)
        text = screen_text(app)
        assert "Week of 21/12/2026" in text and "◂ today" not in text
        assert "holiday: Wigilia Bożego Narodzenia" in text and "holiday: Boże Narodzenie" in text
        await pilot.press(*["right_square_bracket"] * 10)  # eight weeks ahead at most
        await settle(pilot)
        assert "Week of 18/01/2027" in screen_text(app)
        shown = {
            b.binding.id
            for b in app.screen.active_bindings.values()
            if app.screen.check_action(b.binding.action, ())
        }
        assert "rota.back" in shown and not shown & {"rota.edit", "rota.absence", "rota.cancel"}
        assert "Edit week" not in text and "Add absence" not in text  # not in the key bar
        await pilot.press("e", "a", "c")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)  # no dialog
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RotaScreen)


async def test_supervisor_edits_a_week_in_the_dialog(desk, boss):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_rota(pilot)  # Aleksandra Nowak first
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WeekDialog) and dialog.query_one("#week").value == "mon-fri 08:00-16:00"
        dialog.query_one("#week").value = ""
        await paste(pilot, "pon-pt 8-12 11-15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused in the dialog, nothing saved
        assert "Shifts overlap: mon 08:00-12:00 and mon 11:00-15:00." in str(
            dialog.query_one("#week-error").render()
        )
        dialog.query_one("#week").value = ""
        await paste(pilot, "pon-czw 12-20, pt 8-16")
        app.clear_notifications()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)
        assert [n.message for n in app._notifications] == [  # noqa: SLF001
            "The week of Aleksandra Nowak is saved. Outside the desk's opening hours: Mon–Thu 12:00–20:00; new "
            "tickets are routed to them then, while the SLA clocks stand still."
        ]
        assert week_of(desk, "ola") == "mon-thu 12:00-20:00, fri 08:00-16:00"
        text = screen_text(app)
        assert "Mon–Thu 12:00–20:00, Fri 08:00–16:00" in text
    from bokdesk.core.desk import SYSTEM

    [row] = audit.entries(desk, SYSTEM, action="shifts", since=desk.now())
    assert (row.actor, row.target, row.old, row.new) == (
        "Anna Kierownik",
        "ola",
        "mon-fri 08:00-16:00",
        "mon-thu 12:00-20:00, fri 08:00-16:00",
    )


async def test_supervisor_adds_and_cancels_an_absence(desk, boss):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_rota(pilot, "down", "down")  # Ewa Dąbrowska
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AbsenceDialog) and dialog.query_one("#first-day").value == "2026-11-24"
        dialog.query_one("#last-day").value = "26.11.2026"
        dialog.query_one("#kind").highlighted = 1  # sick
        await focus(pilot, "#note")
        await paste(pilot, "L4 [bold]od lekarza[/bold]")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)
        [absence] = shifts.list_absences(desk, login="ewa")
        assert (absence.first_day, absence.last_day, absence.kind, absence.note) == (
            date(2026, 11, 24),
            date(2026, 11, 26),
            "sick",
            "L4 [bold]od lekarza[/bold]",
        )
        text = screen_text(app)
        assert "✕ sick until 26/11/2026" in text and "1 away today" in text
        assert "L4 [bold]od lekarza[/bold]" in text  # shown as written, never as markup
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")  # Yes
        await settle(pilot)
        assert shifts.list_absences(desk, login="ewa") == []
        assert "✕ sick" not in screen_text(app)
    with desk.store.read() as s:
        actions = [r.action for r in s.exec(select(AuditEvent).where(AuditEvent.target == "ewa"))]
    assert actions[-2:] == ["absence_added", "absence_cancelled"]


async def test_absence_dialog_refuses_a_bad_date_in_polish(desk, boss, polish):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_rota(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#first-day").value = "31.02.2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "„31.02.2026” to nie data" in str(dialog.query_one("#absence-error").render())
        dialog.query_one("#first-day").value = "jutro"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)
        [absence] = shifts.list_absences(desk, login="ola")
        assert absence.first_day == absence.last_day == date(2026, 11, 25) and absence.kind == "leave"
        # Kasia's leave (from tomorrow) and Ola's day meet no clash; one more on the same day does
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#first-day").value = "25.11.2026"
        app.clear_notifications()
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = [n.message for n in app._notifications]  # noqa: SLF001
    assert any("Aleksandra Nowak ma już nieobecność 2026-11-25 – 2026-11-25" in m for m in shown), shown


async def test_rota_is_in_the_command_palette_and_remappable(desk, ola):
    app = make_app(desk, ola, keys={"app.rota": "ctrl+o"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Rota" in commands
        await pilot.press("f5")
        await settle(pilot)
        assert not isinstance(app.screen, RotaScreen)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)


async def test_assign_dialog_says_each_agents_shift(desk, boss):
    from bokdesk.core.queries import View, list_view

    shifts.set_week(desk, boss, "ewa", "mon-fri 8-12")  # gone home at 14:30
    shifts.add_absence(desk, boss, "piotr", date(2026, 11, 24), date(2026, 11, 27), "sick")
    ticket_id = list_view(desk, boss, View.WAITING, limit=1)[0].id
    app = make_app(desk, boss)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.open_ticket(ticket_id)
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    said = dict(p.split("\n", 1) for p in prompts if "\n" in p)
    assert said["Ewa Dąbrowska  BOK Warszawa"] == "  ○ off shift · starts Wed 08:00 · 5 tickets in work"
    assert said["Piotr Kamiński  BOK Warszawa"] == "  ✕ sick until 27/11/2026 · 3 tickets in work"
    assert (
        said["Aleksandra Nowak  BOK Warszawa  (current)"]
        == "  ○ offline · shift until 16:00 · 1 ticket in work"
    )
    assert all(len(line) <= 76 for p in prompts for line in p.splitlines())  # fits the dialog at 80 columns
