"""NPS surveys by e-mail: sent once after solve (desk setting), answered by a reply starting with 0-10."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from mailservers import mail
from sqlmodel import select

from bokdesk.channels.ingest import Ingestor, Outcome, RawMail
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import outbox_rows, publish_identity
from bokdesk.channels.surveys import parse_nps, set_survey_enabled, survey_enabled, sweep_surveys
from bokdesk.core.errors import PermissionDenied
from bokdesk.core.models import Message, SurveyAnswer, Ticket
from bokdesk.core.services import tickets

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)


@pytest.fixture
def cfg():  # type: ignore[no-untyped-def]
    return load_mail_config(
        {"from": "BOK <bok@firma.example>", "survey_after_solve": True, "survey_delay_minutes": 30}
    )


@pytest.fixture
def solved(desk, staff, cfg, clock):  # type: ignore[no-untyped-def]
    publish_identity(desk, cfg)
    Ingestor(desk, cfg).ingest([RawMail(mail(message_id="s@example.pl", subject="Faktura"), "t")])
    tickets.reply(desk, staff.ola, 1, "Faktura w załączniku.", set_status="solved")
    return Ingestor(desk, cfg)


def surveys(desk):  # type: ignore[no-untyped-def]
    return [r for r in outbox_rows(desk) if r.kind == "survey"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10", (10, "")),
        ("9 – bardzo sprawnie, dziękuję", (9, "bardzo sprawnie, dziękuję")),
        ("  8/10 ok", (8, "ok")),
        ("7 na 10", (7, "")),
        ("0. Nikt nie odpisał", (0, "Nikt nie odpisał")),
        ("> 6\n", (6, "")),
        ("*5*", (5, "*")),
        ("11", None),
        ("100 razy dzwoniłam", None),
        ("7,5", None),
        ("Dziękuję, 10", None),
        ("", None),
    ],
)
def test_parse_nps(text, expected):
    assert parse_nps(text) == expected


def test_survey_is_sent_once_after_the_delay(desk, solved, cfg, clock):
    assert sweep_surveys(desk, cfg) == 0  # solved just now; the customer may still write back
    clock.advance(minutes=31)
    assert sweep_surveys(desk, cfg) == 1
    assert sweep_surveys(desk, cfg) == 0
    [row] = surveys(desk)
    msg = BytesParser(policy=policy.default).parsebytes(row.raw)
    assert row.to_addr == "anna@example.pl" and msg["Subject"] == "[#1] Jak oceniasz naszą pomoc?"
    assert msg["Auto-Submitted"] == "auto-generated" and msg["In-Reply-To"]
    assert "od 0 (wcale) do 10" in msg.get_content()


def test_an_answer_records_nps_and_does_not_reopen(desk, solved, cfg, clock):
    clock.advance(minutes=31)
    sweep_surveys(desk, cfg)
    [row] = surveys(desk)
    r = solved.ingest(
        [
            RawMail(
                mail(
                    message_id="a@example.pl",
                    subject="Re: [#1] Jak oceniasz naszą pomoc?",
                    in_reply_to=row.email_message_id,
                    body="9 - szybko i konkretnie\n\nW dniu 17.11 BOK pisze:\n> Na ile...\n",
                ),
                "t",
            )
        ]
    )[0]
    assert (r.outcome, r.ticket_id, r.detail) == (Outcome.SURVEY, 1, "NPS 9")
    with desk.store.read() as s:
        [answer] = s.exec(select(SurveyAnswer)).all()
        ticket = s.get(Ticket, 1)
    assert (answer.nps, answer.comment, answer.source) == (9, "szybko i konkretnie", "email")
    assert ticket.status == "solved" and answer.agent_id == ticket.assignee_id
    # the same answer fetched again is not counted twice
    again = solved.ingest(
        [RawMail(mail(message_id="a@example.pl", in_reply_to=row.email_message_id, body="9"), "t")]
    )
    assert again[0].outcome is Outcome.DUPLICATE


def test_a_reply_to_the_survey_without_a_number_is_a_customer_message(desk, solved, cfg, clock):
    clock.advance(minutes=31)
    sweep_surveys(desk, cfg)
    [row] = surveys(desk)
    r = solved.ingest(
        [
            RawMail(
                mail(
                    message_id="b@example.pl", in_reply_to=row.email_message_id, body="Faktura ma zły NIP!\n"
                ),
                "t",
            )
        ]
    )[0]
    assert (r.outcome, r.ticket_id) == (Outcome.THREADED, 1)
    with desk.store.read() as s:
        assert s.get(Ticket, 1).status == "open"


def test_a_numbered_answer_by_subject_only_counts_for_a_surveyed_ticket(desk, staff, solved, cfg, clock):
    r = solved.ingest(
        [RawMail(mail(message_id="c@example.pl", subject="Re: [#1]", body="5 paczek doszło\n"), "t")]
    )[0]
    assert r.outcome is Outcome.THREADED  # no survey was sent: a normal message
    tickets.set_status(desk, staff.ola, 1, "solved")
    clock.advance(minutes=31)
    sweep_surveys(desk, cfg)
    r = solved.ingest(
        [
            RawMail(
                mail(message_id="d@example.pl", subject="Re: [#1] Jak oceniasz naszą pomoc?", body="8\n"), "t"
            )
        ]
    )[0]
    assert (r.outcome, r.detail) == (Outcome.SURVEY, "NPS 8")


def test_an_auto_reply_to_the_survey_is_ignored(desk, solved, cfg, clock):
    clock.advance(minutes=31)
    sweep_surveys(desk, cfg)
    [row] = surveys(desk)
    r = solved.ingest(
        [
            RawMail(
                mail(
                    message_id="e@example.pl",
                    in_reply_to=row.email_message_id,
                    subject="Out of office",
                    headers={"Auto-Submitted": "auto-replied"},
                    body="10 dni urlopu\n",
                ),
                "t",
            )
        ]
    )[0]
    assert r.outcome is Outcome.IGNORED
    with desk.store.read() as s:
        assert s.exec(select(SurveyAnswer)).all() == []


def test_no_survey_when_off_reopened_answered_or_not_email(desk, staff, solved, cfg, clock):
    set_survey_enabled(desk, staff.boss, False)
    assert not survey_enabled(desk, cfg)
    clock.advance(minutes=31)
    assert sweep_surveys(desk, cfg) == 0
    set_survey_enabled(desk, staff.boss, True)
    with pytest.raises(PermissionDenied):
        set_survey_enabled(desk, staff.ola, False)
    # reopened by the customer before the delay passed: no survey
    solved.ingest(
        [RawMail(mail(message_id="r@example.pl", in_reply_to="s@example.pl", body="Jednak nie.\n"), "t")]
    )
    assert sweep_surveys(desk, cfg) == 0
    # a phone ticket solved on first contact: no e-mail survey
    tickets.create_ticket(
        desk,
        staff.ola,
        tickets.NewTicket(
            subject="Telefon",
            customer=tickets.CustomerSpec(name="Ewa", email="ewa@example.pl"),
            channel="phone",
            body="Pytanie",
            solved_on_first_contact=True,
        ),
    )
    clock.advance(minutes=31)
    assert sweep_surveys(desk, cfg) == 0
    # solved again, with an answer recorded by the agent already: no survey
    tickets.set_status(desk, staff.ola, 1, "solved")
    from bokdesk.core.services import surveys as survey_service

    survey_service.record(desk, staff.ola, 1, nps=10)
    clock.advance(minutes=31)
    assert sweep_surveys(desk, cfg) == 0


def test_the_survey_follows_the_customers_language(desk, solved, cfg, clock):
    with desk.store.write() as s:
        from bokdesk.core.models import Customer

        customer = s.get(Customer, s.get(Ticket, 1).customer_id)
        customer.language = "en"
        s.add(customer)
    clock.advance(minutes=31)
    sweep_surveys(desk, cfg)
    [row] = surveys(desk)
    assert row.subject == "[#1] How did we do?"


def test_a_survey_history_row_is_written(desk, solved, cfg, clock):
    from bokdesk.core.models import TicketEvent

    clock.advance(minutes=31)
    sweep_surveys(desk, cfg)
    with desk.store.read() as s:
        fields = s.exec(select(TicketEvent.field).where(TicketEvent.ticket_id == 1)).all()
        assert s.exec(select(Message).where(Message.kind == "system")).all() == []
    assert "survey_sent" in fields
