"""What customers write is shown literally everywhere: no markup, no actions, no escape sequences."""

from __future__ import annotations

from textual.content import Content
from ui_helpers import make_app, screen_text, settle, type_text

from bokdesk.core.desk import SYSTEM
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.ui.safe_text import clean, one_line, safe
from bokdesk.ui.screens.queue import QueueScreen
from bokdesk.ui.screens.ticket import TicketScreen
from bokdesk.ui.widgets.queue_table import QueueTable

SUBJECT = "[@click=app.quit]x[/] [link=http://evil]y[/link] [b]bold\x1b]52;c;aGFjaw==\x07\x1b[2J\x9b31m"
BODY = (
    "Hello [@click=app.quit]click me[/]\n[link=x]broken\n\x1b]52;c;cm0gLXJmIH4=\x07 clipboard\n"
    "\x1b[2J\x1b[H screen clear \u202eevil\u202c \x00nul \x08bs \r\nwindows line"
)
NAME = "[red]Mallory[/red] \x1b[31m"


def bad_ticket(desk):
    return tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject=SUBJECT,
            customer=CustomerSpec(name=NAME, email="mallory@example.com"),
            body=BODY,
            priority="urgent",
        ),
    ).id


def rendered_controls(app) -> set[str]:
    """Control characters in what the compositor would send (our text only; Textual adds its own later)."""
    found = set()
    for strip in app.screen._compositor.render_strips():  # noqa: SLF001
        for segment in strip:
            if segment.control:
                continue
            found |= {
                ch
                for ch in segment.text
                if (ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F or ch in "\u202e\u202c"
            }
    return found


def test_clean_strips_controls_and_keeps_text():
    assert clean("a\x1b]52;c;x\x07b\x9b\x00\x08c\r\nd\te") == "a]52;c;xbc\nd\te"
    assert one_line("a\n\n b\tc") == "a b c"
    content = safe("[@click=app.quit]x[/]")
    assert isinstance(content, Content) and content.plain == "[@click=app.quit]x[/]"
    assert not content.spans


async def test_markup_and_escapes_in_queue_search_detail_and_notifications(desk, ola):
    ticket_id = bad_ticket(desk)
    app = make_app(desk, ola)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert table.move_to_ticket(ticket_id)
        await settle(pilot)
        text = screen_text(app)
        assert "[@click=app.quit]x[/]" in text and "[link=http://evil]y" in text
        assert "[red]Mallory[/red]" in text
        assert not rendered_controls(app)
        # clicking the subject must not run any action
        row = table.rows.index(table.current) - table.top + 1
        await pilot.click(QueueTable, offset=(60, row))
        await pilot.click(QueueTable, offset=(60, row))
        await settle(pilot)
        assert app.is_running
        # search results
        await pilot.press("slash")
        await type_text(pilot, "mallory")
        await pilot.pause(0.3)
        await settle(pilot)
        assert table.rows and table.rows[0].id == ticket_id
        assert "[@click=app.quit]x[/]" in screen_text(app)
        assert not rendered_controls(app)
        await pilot.press("enter", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        text = screen_text(app)
        assert "Hello [@click=app.quit]click me[/]" in text
        assert "[link=x]broken" in text
        assert "screen clear" in text and "windows line" in text
        assert not rendered_controls(app)
        # taking it notifies with the subject: literally
        await pilot.press("t")
        await settle(pilot)
        assert app.is_running
        await pilot.click("#ticket-header")
        await pilot.click("#conversation")
        await settle(pilot)
        assert app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("t")  # a notification that embeds the subject
        await settle(pilot)
        for notification in app._notifications:  # noqa: SLF001
            assert not notification.markup
            assert "\x1b" not in notification.message and "\x07" not in notification.message


async def test_new_assignment_notification_is_literal(desk, ola):
    ticket_id = bad_ticket(desk)
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tickets.take(desk, ola, ticket_id)  # assigned outside this console
        app.request_refresh()
        await settle(pilot)
        mine = [n for n in app._notifications if f"#{ticket_id}" in n.message]  # noqa: SLF001
        assert mine and "[@click=app.quit]x[/]" in mine[0].message and not mine[0].markup
        assert "\x1b" not in mine[0].message
