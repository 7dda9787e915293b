"""``n``: a phone call from a known customer found by phone, solved on first contact; a new customer."""

from __future__ import annotations

from sqlmodel import select
from ui_helpers import focus, make_app, paste, settle, type_text

from bokdesk.core.models import CustomerContact, Ticket
from bokdesk.core.queries import ticket_detail
from bokdesk.ui.screens.new_ticket import NewTicketScreen
from bokdesk.ui.screens.queue import QueueScreen
from bokdesk.ui.screens.ticket import TicketScreen


def newest_ticket(desk):
    with desk.store.read() as session:
        return session.exec(select(Ticket).order_by(Ticket.id.desc())).first()  # type: ignore[union-attr]


async def test_phone_call_from_a_known_customer_solved_on_first_contact(desk, ola):
    with desk.store.read() as session:
        contact = session.exec(select(CustomerContact).where(CustomerContact.kind == "phone")).first()
    digits = contact.normalized[-9:]
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewTicketScreen)
        await type_text(pilot, digits[:6])
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.matches and screen.matches[0].customer_id == contact.customer_id
        await pilot.press("enter")
        await settle(pilot)
        assert screen.customer is not None and screen.customer.customer_id == contact.customer_id
        assert app.focused.id == "subject"
        await paste(pilot, "Pytanie o fakturę")
        await focus(pilot, "#message")
        await paste(pilot, "Klientka pytała o termin płatności; wyjaśniłam, że 14 dni.")
        screen.query_one("#solved").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen), "a ticket solved on the spot does not open"
    ticket = newest_ticket(desk)
    assert ticket.subject == "Pytanie o fakturę" and ticket.channel == "phone"
    assert ticket.customer_id == contact.customer_id
    assert ticket.status == "solved" and ticket.assignee_id == ola.id
    assert ticket.first_response_at == ticket.created_at
    detail = ticket_detail(desk, ticket.id)
    assert [m.message.kind for m in detail.messages] == ["call"]


async def test_walk_in_of_a_new_customer_opens_the_ticket(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        await type_text(pilot, "nowa.klientka@example.pl")
        await pilot.pause(0.3)
        await settle(pilot)
        assert not screen.matches
        await pilot.press("enter")  # the only option: a new customer
        await settle(pilot)
        assert screen.new_customer
        assert screen.query_one("#new-email").value == "nowa.klientka@example.pl"
        await paste(pilot, "Zofia Nowa")  # the name field has the focus
        screen.query_one("#channel").value = "walk_in"
        screen.query_one("#category").value = "complaint"
        await focus(pilot, "#subject")
        await paste(pilot, "Reklamacja butów")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    ticket = newest_ticket(desk)
    detail = ticket_detail(desk, ticket.id)
    assert detail.customer.name == "Zofia Nowa"
    assert [c.value for c in detail.contacts] == ["nowa.klientka@example.pl"]
    assert ticket.category == "complaint" and ticket.complaint_due_at is not None
    assert ticket.status == "open" and ticket.assignee_id == ola.id


async def test_refuses_without_customer_or_subject(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        before = newest_ticket(desk).id
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NewTicketScreen)
        assert app.focused.id == "customer-search"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    assert newest_ticket(desk).id == before
