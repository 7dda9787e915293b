"""An e-mail without a subject: its ticket stores an empty subject (schema 0008 turned the English
placeholder into empty) and every place says the missing subject in its own words: the console in the
agent's language (queue, search, ticket header, the customer's earlier tickets, notifications), the
command line in English; the reply's e-mail subject is "Re: Your message [#N]" in the customer's
language, and the survey does not quote an empty subject."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlmodel import select
from ui_helpers import make_app, screen_text, settle, type_text

from bokdesk import i18n
from bokdesk.channels.ingest import Ingestor, Outcome, RawMail
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import outbox_rows
from bokdesk.core.errors import ValidationError
from bokdesk.core.models import Customer, Message, Ticket
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.core.subjects import shown
from bokdesk.ui.widgets.queue_table import QueueTable

MAIL = {"from": "BOK Firma <bok@firma.example>"}


@pytest.fixture
def polish():
    i18n.set_language("pl")
    yield
    i18n.set_language("en")


def no_subject_mail(n: int = 1, sender: str = "Zofia Wrześniewska <zofia.w@example.pl>") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "bok@firma.example"
    msg["Message-ID"] = f"<bez-tematu-{n}@example.pl>"
    msg.set_content("Dzień dobry, paczka Kwiatkowskiego nadal nie dotarła.\nZofia\n")
    return msg.as_bytes()


def ingest(desk, raw: bytes) -> int:
    [result] = Ingestor(desk, load_mail_config(MAIL)).ingest([RawMail(raw, "test")])
    assert result.outcome is Outcome.NEW_TICKET
    return result.ticket_id


def test_the_ticket_stores_an_empty_subject_and_the_reply_gets_a_sensible_one(desk, ola):
    first = ingest(desk, no_subject_mail(1))
    with desk.store.read() as session:
        assert session.get(Ticket, first).subject == ""
        assert session.exec(select(Message.email_subject).where(Message.ticket_id == first)).one() == ""
    tickets.take(desk, ola, first)
    tickets.reply(desk, ola, first, "Dzień dobry, sprawdzamy.")
    assert outbox_rows(desk, ticket_id=first)[0].subject == f"Re: Twoja wiadomość [#{first}]"
    # A customer who speaks English gets it in English.
    second = ingest(desk, no_subject_mail(2, "John Smith <john.smith@example.com>"))
    with desk.store.write() as session:
        customer = session.get(Customer, session.get(Ticket, second).customer_id)
        customer.language = "en"
        session.add(customer)
    tickets.reply(desk, ola, second, "Hello, we are checking.")
    assert outbox_rows(desk, ticket_id=second)[0].subject == f"Re: Your message [#{second}]"
    # An agent still has to type a subject.
    with pytest.raises(ValidationError, match="subject must not be empty"):
        tickets.create_ticket(
            desk,
            ola,
            tickets.NewTicket(subject=" ", customer=CustomerSpec(name="Jan Nowak"), channel="phone"),
        )


def test_the_survey_does_not_quote_a_missing_subject(desk, ola):
    from bokdesk.channels.surveys import sweep_surveys

    number = ingest(desk, no_subject_mail(3))
    tickets.take(desk, ola, number)
    tickets.reply(desk, ola, number, "Załatwione.")
    tickets.solve(desk, ola, number)
    assert (
        sweep_surveys(desk, load_mail_config({**MAIL, "survey_after_solve": True, "survey_delay_minutes": 0}))
        >= 1
    )
    [survey] = [r for r in outbox_rows(desk, ticket_id=number) if r.kind == "survey"]
    from email import message_from_bytes, policy

    body = message_from_bytes(survey.raw, policy=policy.default).get_content()
    assert f"Twoje zgłoszenie #{number} zostało rozwiązane." in body


def test_the_command_line_says_no_subject_in_english(desk, capsys):
    from bokdesk.cli.commands import _print_ticket

    number = ingest(desk, no_subject_mail(4))
    assert (
        shown("") == "(no subject)"
        and shown("(no subject)") == "(no subject)"
        and shown("Faktura") == "Faktura"
    )

    class Ctx:
        pass

    ctx = Ctx()
    ctx.desk = desk
    _print_ticket(ctx, number, False)
    assert capsys.readouterr().out.startswith(f"#{number}  (no subject)  [")


async def test_polish_console_says_brak_tematu_everywhere(desk, ola, polish):
    earlier = ingest(desk, no_subject_mail(5))
    tickets.take(desk, ola, earlier)
    tickets.solve(desk, ola, earlier)
    number = ingest(desk, no_subject_mail(6))
    app = make_app(desk, ola)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert number in [r.id for r in table.rows]  # view 2, unassigned
        assert "(brak tematu)" in screen_text(app)
        await pilot.press("slash")
        await type_text(pilot, "Kwiatkowskiego")
        await pilot.pause(0.3)
        await settle(pilot)
        assert {earlier, number} <= {r.id for r in table.rows}
        shown_text = screen_text(app)
        assert "(brak tematu)" in shown_text and "(no subject)" not in shown_text
        await pilot.press("enter")
        await settle(pilot)
        assert table.move_to_ticket(number)
        await pilot.press("t")  # the notification names it too
        await settle(pilot)
        assert f"#{number} (brak tematu)" in [n.message for n in app._notifications]  # noqa: SLF001
        await pilot.press("enter")
        await settle(pilot)
        shown_text = screen_text(app)
        assert f"#{number} (brak tematu)" in shown_text  # the header
        assert (
            shown_text.count("(brak tematu)") >= 3
        )  # top bar, header, the earlier ticket in the customer panel
        assert "(no subject)" not in shown_text
