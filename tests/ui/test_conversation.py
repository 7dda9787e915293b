"""The e-mail side of the ticket screen: folded quotes and signatures, attachments, and each reply's
delivery state (a real refusal by an SMTP server shows on the reply and in the header)."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from ui_helpers import make_app, paste, screen_text, settle

from bokdesk import i18n
from bokdesk.channels.ingest import Ingestor, Outcome, RawMail
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import outbox_rows, publish_identity
from bokdesk.channels.sender import send_due
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.ui.screens.queue import QueueScreen
from bokdesk.ui.screens.ticket import TicketScreen
from bokdesk.ui.widgets.conversation import MessageBox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "channels"))
from mailservers import start_smtp  # noqa: E402
from test_snapshots import language  # noqa: E402, F401 - the fixture: English and Polish

MAIL = {"from": "BOK Firma <bok@firma.example>"}
QUOTED = "\n".join(f"> linia {n} poprzedniej wiadomości" for n in range(1, 10))
BODY = (
    "Dzień dobry,\npaczka nadal nie dotarła. Proszę o sprawdzenie.\n\nZofia\n\n"
    "W dniu 20.11.2026 o 10:00, BOK Firma <bok@firma.example> pisze:\n" + QUOTED + "\n"
)


def customer_mail(*, attachment: bool = True) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Zofia Wrześniewska <zofia.w@example.pl>"
    msg["To"] = "bok@firma.example"
    msg["Cc"] = "Mąż <jan.w@example.pl>"
    msg["Subject"] = "Paczka 4711 nie dotarła"
    msg["Message-ID"] = "<paczka-4711@example.pl>"
    msg.set_content(BODY)
    if attachment:
        msg.add_attachment(
            b"%PDF-1.4 " + b"x" * 2000,
            maintype="application",
            subtype="pdf",
            filename="potwierdzenie nadania.pdf",
        )
    return msg.as_bytes()


def mail_ticket(desk) -> int:
    """A customer's e-mail (quoted history, an attachment, someone in Cc) on a new ticket; the
    desk's identity is published as ``mail run`` does."""
    publish_identity(desk, load_mail_config(MAIL))
    [result] = Ingestor(desk, load_mail_config(MAIL)).ingest([RawMail(customer_mail(), "test")])
    assert result.outcome is Outcome.NEW_TICKET
    return result.ticket_id


async def open_ticket(pilot, ticket_id) -> TicketScreen:
    queue = pilot.app.screen
    assert isinstance(queue, QueueScreen)
    queue.open_ticket(ticket_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen) and screen.detail is not None
    return screen


async def test_quoted_history_is_folded_and_opens_with_a_click_and_the_key(desk, ola):
    ticket_id = mail_ticket(desk)
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, ticket_id)
        text = screen_text(app)
        assert "paczka nadal nie dotarła" in text
        assert "… 10 quoted lines" in text  # the attribution line and nine quoted lines
        assert "linia 5 poprzedniej" not in text
        # Attachments listed with name, type and size.
        assert "potwierdzenie nadania.pdf · application/pdf · 2 kB" in text
        [box] = [b for b in screen.query(MessageBox) if b.foldable]
        # A click on the fold line opens it ...
        await pilot.click(box, offset=(3, 1 + box.new.count("\n") + 1))
        await pilot.pause()
        assert box.expanded
        assert "linia 5 poprzedniej" in screen_text(app) and "▾ hide 10 quoted lines" in screen_text(app)
        # ... and the key folds every quote again (and opens them once more).
        await pilot.press("o")
        assert not box.expanded and "linia 5 poprzedniej" not in screen_text(app)
        await pilot.press("o")
        assert box.expanded


async def test_the_fold_line_is_translated(desk, ola):
    ticket_id = mail_ticket(desk)
    i18n.set_language("pl")
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, ticket_id)
        text = screen_text(app)
        assert "… 10 linii cytatu" in text and "Załącznik" in text


@pytest.fixture
def smtp(tmp_path):
    server = start_smtp(tmp_path)
    yield server
    server.stop()


def replied(desk, ola, smtp=None):
    """The e-mail ticket, taken by Ola and answered; the mail config (with the test's SMTP server)."""
    ticket_id = mail_ticket(desk)
    tickets.take(desk, ola, ticket_id)
    tickets.reply(desk, ola, ticket_id, "Dzień dobry,\nsprawdzamy u przewoźnika.\nOla")
    smtp_cfg = smtp.config() if smtp is not None else {"host": "127.0.0.1", "security": "none"}
    return ticket_id, load_mail_config({**MAIL, "smtp": smtp_cfg})


async def test_a_refused_reply_shows_failed_on_the_reply_and_in_the_header(desk, ola, smtp):
    ticket_id, cfg = replied(desk, ola, smtp)
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, ticket_id)
        text = screen_text(app)
        assert "✉ queued" in text and "E-mail to zofia.w@example.pl Cc jan.w@example.pl" in text
        assert "was not sent" not in text
        # The server refuses the customer for good: the reply fails, and the screen shows it on reload.
        smtp.recorder.refuse["zofia.w@example.pl"] = "550 5.1.1 mailbox unavailable"
        assert send_due(desk, cfg).failed == 1
        screen.load()
        await settle(pilot)
        text = screen_text(app)
        assert "✉ The e-mail reply to zofia.w@example.pl failed:" in text  # the header
        assert "✉ NOT SENT" in text  # the reply's border
        assert "The e-mail to zofia.w@example.pl was not sent:" in text and "550" in text
        [row] = list(outbox_rows(desk, ticket_id=ticket_id))
        assert f"bokdesk mail outbox retry {row.id}" in text


async def test_a_temporary_failure_shows_the_next_attempt_then_sent(desk, ola, smtp):
    ticket_id, cfg = replied(desk, ola, smtp)
    smtp.recorder.refuse["zofia.w@example.pl"] = "451 4.3.0 try again later"
    assert send_due(desk, cfg).retrying == 1
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, ticket_id)
        text = screen_text(app)
        # Retried one minute later: 14:31 in Warsaw (the clock says 14:30).
        assert "✉ not sent yet, retrying at 14:31 (1 attempt)" in text and "451 4.3.0 try again later" in text
        smtp.recorder.refuse.clear()
        desk.clock.now = desk.clock.now.replace(minute=desk.clock.now.minute + 2)
        assert send_due(desk, cfg).sent == 1
        screen.load()
        await settle(pilot)
        text = screen_text(app)
        assert "✉ sent 24/11/2026, 13:32" not in text  # the desk's time zone, not UTC
        assert "✉ sent 24/11/2026, 14:32" in text


def refused_connection(code: int, text: bytes):
    """An SMTP connection whose server refuses every recipient (a service-made failure, no network)."""

    class Refusing:
        def send_message(self, msg, from_addr=None, to_addrs=None):
            raise smtplib.SMTPRecipientsRefused(dict.fromkeys(to_addrs, (code, text)))

        def quit(self):
            return None

    return lambda cfg: Refusing()


def test_snapshot_folded_quote_and_failed_reply(snap_compare, desk, ola, language):
    ticket_id, cfg = replied(desk, ola)
    assert send_due(desk, cfg, connect=refused_connection(550, b"5.1.1 mailbox unavailable")).failed == 1

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.open_ticket(ticket_id)
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(desk, ola), terminal_size=(120, 40), run_before=run_before)


def test_fold_labels():
    from bokdesk.ui.widgets.conversation import folded_label

    assert folded_label("-- \nOla\ntel. 600", False) == "… signature (3 lines)"
    assert folded_label("-- \nOla\n\nW dniu … pisze:\n> a\n> b", False) == "… 6 quoted lines"
    assert folded_label("> a\n> b", True) == "▾ hide 2 quoted lines"


async def test_the_reply_editor_shows_to_and_cc_as_the_outbox_will_send(desk, ola):
    """Polish screen: the reply editor names the customer's address and the Cc before sending, and
    the e-mail the outbox then builds goes to exactly those; a phone customer's reply is not sent."""
    ticket_id = mail_ticket(desk)
    tickets.take(desk, ola, ticket_id)
    phone = tickets.create_ticket(
        desk,
        ola,
        tickets.NewTicket(
            subject="Telefon w sprawie faktury",
            channel="phone",
            customer=CustomerSpec(name="Jan Bez Maila", phone="600100200"),
        ),
    )
    i18n.set_language("pl")
    try:
        app = make_app(desk, ola)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = await open_ticket(pilot, ticket_id)
            await pilot.press("r")
            await settle(pilot)
            line = str(screen.query_one("#composer-to").render())
            assert line == "Do: zofia.w@example.pl  ·  DW: jan.w@example.pl"
            await paste(pilot, "Dzień dobry, sprawdzamy.")
            await pilot.press("ctrl+s")
            await settle(pilot)
            [row] = outbox_rows(desk, ticket_id=ticket_id)
            assert (row.to_addr, row.cc_addrs) == ("zofia.w@example.pl", "jan.w@example.pl")
            said = [n.message for n in app._notifications]  # noqa: SLF001
            assert "Odpowiedź zapisana; e-mail do zofia.w@example.pl czeka w kolejce do wysłania" in said
            # A customer without an e-mail address: the editor says the reply will not be e-mailed.
            pilot.app.pop_screen()
            await settle(pilot)
            screen = await open_ticket(pilot, phone.id)
            await pilot.press("r")
            await settle(pilot)
            assert str(screen.query_one("#composer-to").render()) == (
                "brak adresu e-mail: odpowiedź zostanie zapisana, ale nie wysłana"
            )
            # A note has no recipients line.
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("i")
            await settle(pilot)
            assert not screen.query_one("#composer-to").display
            # Sent anyway, the agent is told it was stored and not e-mailed.
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            await paste(pilot, "Dzień dobry, oddzwonimy jutro.")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert outbox_rows(desk, ticket_id=phone.id) == []
            said = [n.message for n in app._notifications]  # noqa: SLF001
            assert "Odpowiedź zapisana; nie wysłano e-maila (klient nie ma adresu e-mail)" in said
    finally:
        i18n.set_language("en")
