"""Outbound mail: queued with the reply in one transaction, sent over real SMTP (aiosmtpd), retried."""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from mailservers import free_port, mail, start_smtp
from sqlmodel import col, select

from bokdesk.channels.ingest import Ingestor, Outcome, RawMail
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import outbox_rows, publish_identity, retry
from bokdesk.channels.sender import backoff, send_due
from bokdesk.channels.view import delivery_problem, delivery_states
from bokdesk.core.errors import StaleWrite
from bokdesk.core.models import Message, OutboxMessage, TicketEvent
from bokdesk.core.services import tickets

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)


def parse(raw: bytes):  # type: ignore[no-untyped-def]
    return BytesParser(policy=policy.default).parsebytes(raw)


@pytest.fixture
def base_cfg() -> dict:
    return {"from": "BOK Firma <bok@firma.example>", "reply_to": "bok+odpowiedz@firma.example"}


@pytest.fixture
def smtp(tmp_path):  # type: ignore[no-untyped-def]
    server = start_smtp(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def thread(desk, base_cfg, staff):  # type: ignore[no-untyped-def]
    """A customer's mail on ticket #1 and the desk's identity published."""
    cfg = load_mail_config(base_cfg)
    publish_identity(desk, cfg)
    [r] = Ingestor(desk, cfg).ingest(
        [RawMail(mail(message_id="root@example.pl", subject="Zwrot towaru"), "t")]
    )
    assert r.outcome is Outcome.NEW_TICKET
    return cfg


def test_reply_is_queued_with_threading_headers(desk, staff, thread):
    reply = tickets.reply(desk, staff.ola, 1, "Dzień dobry,\nzwrot przyjęty. Pozdrawiamy – Ola\n")
    [row] = outbox_rows(desk)
    assert (row.status, row.kind, row.to_addr, row.message_id) == (
        "queued",
        "reply",
        "anna@example.pl",
        reply.id,
    )
    msg = parse(row.raw)
    assert msg["From"] == "BOK Firma <bok@firma.example>"
    assert msg["Reply-To"] == "bok+odpowiedz@firma.example"
    assert msg["To"] == "anna@example.pl"
    assert msg["Subject"] == "Re: Zwrot towaru [#1]"
    assert msg["Message-ID"] == f"<{reply.email_message_id}>" and reply.email_message_id.endswith(
        "@firma.example"
    )
    assert msg["In-Reply-To"] == "<root@example.pl>" and msg["References"] == "<root@example.pl>"
    assert msg["X-Bokdesk-Ticket"] == "1" and msg["Auto-Submitted"] is None
    assert msg.get_content().replace("\r\n", "\n") == "Dzień dobry,\nzwrot przyjęty. Pozdrawiamy – Ola\n"
    assert all(len(line) <= 998 for line in row.raw.split(b"\r\n"))
    assert row.raw.isascii()  # quoted-printable: safe through any relay
    # the second reply continues the chain
    second = tickets.reply(desk, staff.ola, 1, "Jeszcze jedno.")
    msg2 = parse(outbox_rows(desk)[0].raw)
    assert msg2["In-Reply-To"] == f"<{reply.email_message_id}>"
    assert msg2["References"] == f"<root@example.pl> <{reply.email_message_id}>"
    assert second.email_in_reply_to == reply.email_message_id


def test_a_refused_reply_queues_nothing(desk, staff, thread):
    with desk.store.read() as s:
        from bokdesk.core.models import Ticket

        old_version = s.get(Ticket, 1).version
    tickets.add_note(desk, staff.kasia, 1, "Kasia była pierwsza")
    with pytest.raises(StaleWrite):
        tickets.reply(desk, staff.ola, 1, "Za późno", expected_version=old_version)
    assert outbox_rows(desk) == []
    with desk.store.read() as s:
        assert s.exec(select(Message).where(Message.kind == "reply")).all() == []


def test_a_reply_whose_e_mail_cannot_be_queued_is_not_saved_either(desk, staff, thread, monkeypatch):
    import bokdesk.core.services.outbox as outbox

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("cannot build the message")

    monkeypatch.setattr(outbox, "build_mime", broken)
    with pytest.raises(ValueError):
        tickets.reply(desk, staff.ola, 1, "Odpowiedź")
    with desk.store.read() as s:
        assert s.exec(select(Message).where(Message.kind == "reply")).all() == []
    assert outbox_rows(desk) == []


def test_notes_and_call_logs_send_nothing(desk, staff, thread):
    tickets.add_note(desk, staff.ola, 1, "Wewnętrzna notatka")
    tickets.log_call(desk, staff.ola, 1, "Rozmowa telefoniczna")
    assert outbox_rows(desk) == []


def test_sent_over_smtp_with_the_envelope_and_marked_sent(desk, staff, thread, smtp, base_cfg, clock):
    cfg = load_mail_config({**base_cfg, "smtp": smtp.config()})
    reply = tickets.reply(desk, staff.ola, 1, "Wysłane.")
    report = send_due(desk, cfg)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [(mail_from, rcpt, raw)] = smtp.recorder.messages
    assert mail_from == "bok@firma.example" and rcpt == ["anna@example.pl"]
    assert parse(raw)["Message-ID"] == f"<{reply.email_message_id}>"
    [row] = outbox_rows(desk)
    assert row.status == "sent" and row.sent_at == clock.now and row.attempts == 1
    with desk.store.read() as s:
        states = delivery_states(s, [reply.id])
    assert states[reply.id].label == "e-mailed to anna@example.pl"
    assert send_due(desk, cfg).sent == 0  # nothing twice


def test_the_sender_adds_from_when_the_reply_was_queued_without_an_identity(desk, staff, smtp):
    [r] = Ingestor(desk, load_mail_config({})).ingest([RawMail(mail(message_id="n@example.pl"), "t")])
    tickets.reply(desk, staff.ola, r.ticket_id, "Odpowiedź.")
    assert parse(outbox_rows(desk)[0].raw)["From"] is None
    cfg = load_mail_config({"from": "BOK <bok@firma.example>", "smtp": smtp.config()})
    assert send_due(desk, cfg).sent == 1
    assert parse(smtp.recorder.messages[0][2])["From"] == "BOK <bok@firma.example>"
    assert parse(outbox_rows(desk)[0].raw)["From"] == "BOK <bok@firma.example>"  # stored as sent


def test_temporary_failure_is_retried_with_backoff(desk, staff, thread, smtp, base_cfg, clock):
    cfg = load_mail_config({**base_cfg, "smtp": smtp.config()})
    tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
    smtp.recorder.refuse["anna@example.pl"] = "451 4.3.0 try again later"
    report = send_due(desk, cfg)
    assert (report.sent, report.retrying) == (0, 1) and "451" in report.errors[0]
    [row] = outbox_rows(desk)
    assert (
        row.status == "queued"
        and row.attempts == 1
        and row.next_attempt_at == clock.now + timedelta(minutes=1)
    )
    assert send_due(desk, cfg).retrying == 0  # not due yet
    clock.advance(minutes=1)
    del smtp.recorder.refuse["anna@example.pl"]
    assert send_due(desk, cfg).sent == 1
    assert outbox_rows(desk)[0].status == "sent" and len(smtp.recorder.messages) == 1


def test_permanent_failure_is_shown_on_the_ticket_and_can_be_retried(
    desk, staff, thread, smtp, base_cfg, clock
):
    cfg = load_mail_config({**base_cfg, "smtp": smtp.config()})
    reply = tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
    smtp.recorder.refuse["anna@example.pl"] = "550 5.1.1 mailbox unknown"
    report = send_due(desk, cfg)
    assert report.failed == 1
    [row] = outbox_rows(desk)
    assert row.status == "failed" and "550 5.1.1" in row.last_error
    with desk.store.read() as s:
        system = s.exec(select(Message).where(Message.kind == "system")).all()
        problem = delivery_problem(s, 1)
        states = delivery_states(s, [reply.id])
        events = s.exec(select(TicketEvent.field).where(TicketEvent.ticket_id == 1)).all()
    assert (
        len(system) == 1 and "could not be sent" in system[0].body and "mail outbox retry" in system[0].body
    )
    assert problem is not None and "550" in problem and "FAILED" in states[reply.id].label
    assert "mail_failed" in events
    del smtp.recorder.refuse["anna@example.pl"]
    retry(desk, staff.ola, row.id)
    assert send_due(desk, cfg).sent == 1


def test_an_unreachable_server_is_retried_until_the_attempts_run_out(desk, staff, thread, base_cfg, clock):
    cfg = load_mail_config(
        {
            **base_cfg,
            "smtp": {
                "host": "127.0.0.1",
                "port": free_port(),
                "security": "none",
                "max_attempts": 3,
                "timeout": 5,
            },
        }
    )
    tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
    for attempt in (1, 2):
        report = send_due(desk, cfg)
        assert report.retrying == 1 and "cannot reach the mail server" in report.errors[0]
        assert outbox_rows(desk)[0].attempts == attempt
        clock.advance(hours=1)
    assert send_due(desk, cfg).failed == 1
    row = outbox_rows(desk)[0]
    assert row.status == "failed" and row.attempts == 3
    with desk.store.read() as s:
        [note] = s.exec(select(Message).where(Message.kind == "system")).all()
    assert "after 3 attempts" in note.body


def test_backoff_grows_and_is_capped():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == timedelta(hours=6)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_authentication(desk, staff, thread, base_cfg, tmp_path, security):
    server = start_smtp(tmp_path, security=security, auth=("bok@firma.example", "hasło-ąę 1"))
    try:
        cfg = load_mail_config({**base_cfg, "smtp": server.config()})
        tickets.reply(desk, staff.ola, 1, "Przez TLS.")
        assert send_due(desk, cfg).sent == 1
        assert len(server.recorder.messages) == 1
        # a wrong password keeps the mail and says why, without the password
        tickets.reply(desk, staff.ola, 1, "Druga.")
        bad = load_mail_config({**base_cfg, "smtp": {**server.config(), "password": "zle-haslo"}})
        report = send_due(desk, bad)
        assert report.retrying == 1 and "535" in report.errors[0] and "zle-haslo" not in report.errors[0]
        assert outbox_rows(desk)[0].status == "queued"
    finally:
        server.stop()


def test_an_untrusted_certificate_is_refused(desk, staff, thread, base_cfg, tmp_path):
    server = start_smtp(tmp_path, security="starttls")
    try:
        smtp_cfg = {k: v for k, v in server.config().items() if k != "ca_file"}
        cfg = load_mail_config({**base_cfg, "smtp": smtp_cfg})
        tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
        report = send_due(desk, cfg)
        assert report.retrying == 1 and "certificate" in report.errors[0].lower()
        assert server.recorder.messages == []
    finally:
        server.stop()


def test_a_crashed_sender_leaves_a_lease_that_runs_out(desk, staff, thread, smtp, base_cfg, clock):
    from bokdesk.channels.sender import claim_due

    cfg = load_mail_config({**base_cfg, "smtp": smtp.config()})
    tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
    assert len(claim_due(desk)) == 1  # ...and the process dies before sending
    assert outbox_rows(desk)[0].status == "sending"
    assert send_due(desk, cfg).sent == 0  # leased: nobody else sends it meanwhile
    clock.advance(minutes=11)
    assert send_due(desk, cfg).sent == 1 and len(smtp.recorder.messages) == 1


def test_two_senders_never_take_the_same_mail(desk, staff, thread):
    from concurrent.futures import ThreadPoolExecutor

    from bokdesk.channels.sender import claim_due

    for n in range(20):
        tickets.reply(desk, staff.ola, 1, f"Odpowiedź {n}.")
    with ThreadPoolExecutor(4) as pool:
        claimed = list(pool.map(lambda _: [r.id for r in claim_due(desk, limit=7)], range(4)))
    ids = [i for batch in claimed for i in batch]
    assert len(ids) == len(set(ids)) == 20


def test_outbox_rows_are_found_by_message_and_ticket(desk, staff, thread):
    reply = tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
    with desk.store.read() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.message_id == reply.id)).one()
        assert (
            s.exec(
                select(OutboxMessage).where(OutboxMessage.email_message_id == reply.email_message_id)
            ).one()
            == row
        )
        assert s.exec(select(OutboxMessage).where(col(OutboxMessage.ticket_id) == 1)).all() == [row]
