"""Ticket detail: reply with a canned response, note, call, transfer, status, solve, survey, history,
drafts that survive closing the app, and edit conflicts that never lose the text."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import OptionList
from ui_helpers import make_app, paste, screen_text, settle, type_text

from bokdesk.core.models import CannedResponse, Message, SurveyAnswer
from bokdesk.core.queries import View, list_view, ticket_detail
from bokdesk.core.services import drafts, tickets
from bokdesk.core.services.agents import require_agent
from bokdesk.core.services.roster import roster
from bokdesk.ui.screens.dialogs import ChoiceDialog
from bokdesk.ui.screens.editor import Composer
from bokdesk.ui.screens.queue import QueueScreen
from bokdesk.ui.screens.ticket import TicketScreen
from bokdesk.ui.screens.ticket.dialogs import AssignDialog, ConflictDialog, SurveyDialog


def my_ticket(desk, actor):
    """A ticket of the agent's own, open, with a customer message."""
    row = list_view(desk, actor, View.UNASSIGNED, limit=1)[0]
    tickets.take(desk, actor, row.id)
    return row.id


async def open_ticket(pilot, ticket_id):
    app = pilot.app
    queue = app.screen
    assert isinstance(queue, QueueScreen)
    queue.open_ticket(ticket_id)
    await settle(pilot)
    assert isinstance(app.screen, TicketScreen) and app.screen.detail is not None
    return app.screen


def messages(desk, ticket_id):
    with desk.store.read() as session:
        return list(
            session.exec(select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)).all()
        )


@pytest.mark.postgres  # the console's whole path (queue, ticket, reply) on PostgreSQL too
async def test_reply_with_a_canned_response(desk, ola):
    ticket_id = my_ticket(desk, ola)
    detail = ticket_detail(desk, ticket_id)
    with desk.store.read() as session:
        before = (
            session.exec(select(CannedResponse).where(CannedResponse.shortcut == "powitanie"))
            .one()
            .usage_count
        )
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, ticket_id)
        assert detail.customer.name in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        composer = screen.query_one(Composer)
        assert composer.display and composer.kind == "reply"
        await pilot.press("ctrl+t")
        await settle(pilot)
        await type_text(pilot, "powit")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert composer.text.startswith("Dzień dobry,")
        assert f"#{ticket_id}" in composer.text and ola.name in composer.text and "{{" not in composer.text
        await paste(pilot, " Sprawdzam.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not composer.display
    sent = messages(desk, ticket_id)[-1]
    assert sent.kind == "reply" and sent.author_agent_id == ola.id
    assert sent.body.startswith("Dzień dobry,") and sent.body.endswith("Sprawdzam.")
    assert ticket_detail(desk, ticket_id).ticket.first_response_at is not None
    assert drafts.load(desk, ola, ticket_id, "reply") is None
    with desk.store.read() as session:
        assert (
            session.exec(select(CannedResponse).where(CannedResponse.shortcut == "powitanie"))
            .one()
            .usage_count
            == before + 1
        )


async def test_internal_note_and_call_log(desk, ola):
    ticket_id = my_ticket(desk, ola)
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, ticket_id)
        await pilot.press("i")
        await paste(pilot, "Klient prosi o kontakt po 16.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("l")
        await paste(pilot, "Oddzwoniłam, wyjaśnione.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Internal note" in text and "Call log" in text
    kinds = [(m.kind, m.body) for m in messages(desk, ticket_id)[-2:]]
    assert kinds == [("note", "Klient prosi o kontakt po 16."), ("call", "Oddzwoniłam, wyjaśnione.")]


async def test_transfer_with_a_handover_note(desk, ola):
    ticket_id = my_ticket(desk, ola)
    tomek = require_agent(desk, "tomek")
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, ticket_id)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AssignDialog)
        await type_text(pilot, "Tomasz")
        offered = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        load = next(e.load for e in roster(desk) if e.agent_id == tomek.id)
        assert "Tomasz Lewandowski" in offered and "offline · shift until 16:00" in offered
        assert f"· {load} ticket" in offered and "in work" in offered
        await pilot.press("down")  # to the list (Enter does it too)
        assert isinstance(app.screen.focused, OptionList)
        await pilot.press("enter")  # choose: to the note
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AssignDialog), "a transfer without a note is refused"
        await paste(pilot, "Błąd 500 przy płatności, logi w załączniku.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        handover = app.screen.query(".message-handover").last()
        assert "Handover note" in str(handover.border_title)
        assert "Błąd 500 przy płatności" in str(handover.render())
    ticket = ticket_detail(desk, ticket_id).ticket
    assert ticket.assignee_id == tomek.id and ticket.transfer_count == 1
    last = messages(desk, ticket_id)[-1]
    assert (last.kind, last.body) == ("handover", "Błąd 500 przy płatności, logi w załączniku.")


async def test_status_priority_survey_and_solve(desk, ola):
    ticket_id = my_ticket(desk, ola)
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, ticket_id)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        labels = [label for _value, label in app.screen.options]
        await pilot.press(*["down"] * labels.index("on hold"), "enter")
        await settle(pilot)
        assert ticket_detail(desk, ticket_id).ticket.status == "on_hold"
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("home", "enter")  # urgent is first
        await settle(pilot)
        assert ticket_detail(desk, ticket_id).ticket.priority == "urgent"
        await pilot.press("x")
        await settle(pilot)
        assert ticket_detail(desk, ticket_id).ticket.status == "solved"
        assert "solved" in screen_text(app).lower()
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, SurveyDialog)
        await type_text(pilot, "9")
        await pilot.press("enter")
        await type_text(pilot, "5")
        await pilot.press("enter")
        await paste(pilot, "Super")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert screen.showing_history
        history = screen_text(app)
        assert "History" in history and "on hold" in history
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.showing_history and isinstance(app.screen, TicketScreen)
    with desk.store.read() as session:
        answer = session.exec(select(SurveyAnswer).where(SurveyAnswer.ticket_id == ticket_id)).one()
    assert (answer.nps, answer.csat, answer.comment) == (9, 5, "Super")


async def test_draft_survives_closing_the_app(desk, ola):
    ticket_id = my_ticket(desk, ola)
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, ticket_id)
        await pilot.press("r")
        await paste(pilot, "Dzień dobry, sprawdzam")
        await pilot.pause(1.0)  # the debounced autosave
        await settle(pilot)
    # the console is gone (as after a crash or a lost SSH session): the draft is in the database
    assert drafts.load(desk, ola, ticket_id, "reply").body == "Dzień dobry, sprawdzam"
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("unsent draft" in n.message for n in app._notifications)  # noqa: SLF001
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen) and screen.ticket_id == ticket_id
        assert "Unsent draft" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        composer = screen.query_one(Composer)
        assert composer.text == "Dzień dobry, sprawdzam"
        # Escape keeps it too
        await paste(pilot, " zamówienie.")
        await pilot.press("escape")
        await settle(pilot)
        assert drafts.load(desk, ola, ticket_id, "reply").body == "Dzień dobry, sprawdzam zamówienie."
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert messages(desk, ticket_id)[-1].body == "Dzień dobry, sprawdzam zamówienie."
    assert drafts.load(desk, ola, ticket_id, "reply") is None


async def test_conflict_offers_reload_and_keeps_the_text(desk, ola):
    ticket_id = my_ticket(desk, ola)
    kasia = require_agent(desk, "kasia")
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, ticket_id)
        await pilot.press("r")
        await paste(pilot, "Moja odpowiedź")
        tickets.add_note(desk, kasia, ticket_id, "Klient dzwonił, już wie.")  # meanwhile, a colleague
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "Katarzyna" in str(app.screen.text)
        await pilot.press("enter")  # reload and review
        await settle(pilot)
        composer = screen.query_one(Composer)
        assert composer.text == "Moja odpowiedź" and composer.display
        assert "Klient dzwonił" in screen_text(app)
        assert drafts.load(desk, ola, ticket_id, "reply").body == "Moja odpowiedź"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not composer.display
    assert messages(desk, ticket_id)[-1].body == "Moja odpowiedź"


async def test_conflict_keep_writing(desk, ola, boss):
    ticket_id = my_ticket(desk, ola)
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, ticket_id)
        await pilot.press("i")
        await paste(pilot, "Notatka")
        current = ticket_detail(desk, ticket_id).ticket.priority
        tickets.set_priority(
            desk, boss, ticket_id, "low" if current == "urgent" else "urgent"
        )  # a real change, by the supervisor (an agent may not change a colleague's ticket)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("down", "enter")  # keep my draft
        await settle(pilot)
        assert screen.query_one(Composer).text == "Notatka"
    assert drafts.load(desk, ola, ticket_id, "note").body == "Notatka"


async def test_previous_and_next_ticket_of_the_queue(desk, boss):
    app = make_app(desk, boss)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        rows = [r.id for r in list_view(desk, boss, View.OPEN, limit=5)]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert screen.ticket_id == rows[0]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.ticket_id == rows[1]
        await pilot.press("right_square_bracket", "left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert screen.ticket_id == rows[0]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.table.current.id == rows[0]


async def test_take_from_the_detail(desk, ola):
    row = list_view(desk, ola, View.UNASSIGNED, limit=1)[0]
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, row.id)
        assert "nobody" in screen_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert "Aleksandra Nowak" in screen_text(app)
    assert ticket_detail(desk, row.id).ticket.assignee_id == ola.id


async def test_ticket_screen_is_built_while_the_agent_looks_at_the_queue(desk, ola):
    """The first ticket of a session does not wait for Textual to compose the screen."""
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(2.0)  # the console builds it 1.5 s after its start
        built = app.ticket_screen()
        assert built.is_running and built not in app.screen_stack
        assert isinstance(app.screen, QueueScreen)
        ticket_id = my_ticket(desk, ola)
        screen = await open_ticket(pilot, ticket_id)
        assert screen is built and screen.detail.ticket.id == ticket_id
        assert f"#{ticket_id}" in screen_text(app)
