"""The core's error messages reach the Polish console in Polish (``ui.errors``)."""

from __future__ import annotations

import pytest
from ui_helpers import focus, make_app, paste, settle, type_text

from bokdesk import i18n
from bokdesk.core.errors import BokdeskError, StaleWrite
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.ui.errors import MESSAGES, describe, translate
from bokdesk.ui.screens.new_ticket import NewTicketScreen


@pytest.fixture
def polish():
    i18n.set_language("pl")
    yield
    i18n.set_language("en")


async def test_a_core_error_is_shown_in_polish(desk, ola, polish):
    """A new customer with a phone number the core refuses: the notification speaks Polish."""
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        await type_text(pilot, "zofia.nowa@example.pl")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")  # the only option: a new customer
        await settle(pilot)
        assert screen.new_customer
        await paste(pilot, "Zofia Nowa")  # the name field has the focus
        screen.query_one("#new-phone").value = "12"
        await focus(pilot, "#subject")
        await paste(pilot, "Telefon w sprawie faktury")
        app.clear_notifications()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NewTicketScreen)  # nothing was created
        shown = [n.message for n in app._notifications]  # noqa: SLF001
    assert any("nie jest poprawnym numerem telefonu" in m for m in shown), shown
    assert not any("is not a valid" in m for m in shown), shown


def core_messages(desk, ola) -> list[str]:
    """Messages the core really raises, one per kind the console meets most."""
    messages = []
    ticket = tickets.create_ticket(
        desk,
        ola,
        tickets.NewTicket(
            subject="Faktura", customer=CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
        ),
    )
    tickets.set_status(desk, ola, ticket.id, "closed")
    for call in (
        lambda: tickets.set_status(desk, ola, ticket.id, "open"),
        lambda: tickets.reply(desk, ola, ticket.id, "Dzień dobry"),
        lambda: tickets.add_note(desk, ola, 10**9, "x"),
        lambda: tickets.create_ticket(
            desk, ola, tickets.NewTicket(subject="", customer=CustomerSpec(name="Jan"))
        ),
        lambda: tickets.create_ticket(
            desk,
            ola,
            tickets.NewTicket(subject="x", customer=CustomerSpec(name="Jan", email="not an address")),
        ),
    ):
        with pytest.raises(BokdeskError) as caught:
            call()
        messages.append(str(caught.value))
    return messages


def test_the_table_knows_the_messages_the_core_raises(desk, ola, polish):
    messages = core_messages(desk, ola)
    assert len(messages) == 5
    for message in messages:
        said = translate(message)
        assert said != message, f"not in ui/errors.py: {message!r}"


def test_every_message_of_the_table_is_in_the_polish_catalog(polish):
    for _pattern, message in MESSAGES:
        assert i18n._(message) != message, message


def test_a_stale_write_says_when_in_the_desks_time_and_language(desk, ola, polish):
    """The conflict names the other agent's change in the desk's local time, the language's way (the
    core's line says UTC for the command line); a canned response's conflict names the response."""
    ticket = tickets.create_ticket(
        desk,
        ola,
        tickets.NewTicket(
            subject="Faktura", customer=CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
        ),
    )
    tickets.add_note(desk, ola, ticket.id, "Sprawdzam.")
    with pytest.raises(StaleWrite) as caught:
        tickets.add_note(desk, ola, ticket.id, "Za późno.", expected_version=ticket.version)
    error = caught.value
    assert error.changed_at is not None and "UTC" in str(error)
    local = i18n.format_datetime(error.changed_at, desk.calendar.tz)
    said = describe(error, desk.calendar.tz)
    assert (
        said
        == f"Zgłoszenie #{ticket.id} zostało zmienione przez: {ola.name} ({local}) po tym, jak je otworzono."
    )
    assert "UTC" not in said
    canned_error = StaleWrite(
        7, "another agent", "2026-11-24 13:30 UTC", 1, 2, changed_at=error.changed_at, what="Canned response"
    )
    assert describe(canned_error, desk.calendar.tz).startswith("Szablon #7 ")
    assert local in describe(canned_error, desk.calendar.tz)
