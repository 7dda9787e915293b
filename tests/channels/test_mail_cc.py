"""Cc of inbound mail kept on the message, and replies going to the customer with the others in Cc."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from mailservers import mail, start_smtp
from sqlalchemy import inspect, text
from sqlmodel import select

from bokdesk.channels.ingest import Ingestor, Outcome, RawMail
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import outbox_rows, publish_identity
from bokdesk.channels.sender import send_due
from bokdesk.channels.view import delivery_states
from bokdesk.core import migrate
from bokdesk.core.database import open_store
from bokdesk.core.models import Message
from bokdesk.core.services import tickets
from bokdesk.core.store import SCHEMA_HEAD, Store, sqlite_url


def test_db_upgrade_brings_a_0001_database_to_the_cc_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Store(sqlite_url(path))
    migrate.upgrade(old, "0001")
    with old.engine.begin() as con:
        policies = con.execute(text("SELECT count(*) FROM slapolicy")).scalar()
        before = {c["name"] for c in inspect(con).get_columns("message")}
    old.dispose()
    assert "email_cc" not in before
    store = open_store(path, upgrade=True)
    try:
        assert migrate.current_revision(store) == SCHEMA_HEAD
        with store.engine.connect() as con:
            assert "email_cc" in {c["name"] for c in inspect(con).get_columns("message")}
            assert "cc_addrs" in {c["name"] for c in inspect(con).get_columns("outboxmessage")}
            assert con.execute(text("SELECT count(*) FROM slapolicy")).scalar() == policies > 0
    finally:
        store.dispose()


# --- Cc kept on inbound mail, and on the reply ------------------------------------------------------

BASE = {
    "from": "BOK Firma <bok@firma.example>",
    "reply_to": "bok+odpowiedz@firma.example",
    "addresses": ["kontakt@firma.example"],
}


@pytest.fixture
def smtp(tmp_path):  # type: ignore[no-untyped-def]
    server = start_smtp(tmp_path)
    yield server
    server.stop()


def ingest(desk, raw: bytes, cfg=None):  # type: ignore[no-untyped-def]
    cfg = cfg or load_mail_config(BASE)
    [result] = Ingestor(desk, cfg).ingest([RawMail(raw, "test")])
    return result


def test_a_reply_keeps_the_others_in_cc_without_the_desk(desk, staff, smtp):
    cfg = load_mail_config({**BASE, "smtp": smtp.config()})
    publish_identity(desk, cfg)
    first = ingest(
        desk,
        mail(
            message_id="q1@example.pl",
            subject="Faktura",
            to="BOK <bok@firma.example>, Jan Nowak <jan.nowak@example.pl>",
            headers={
                "Cc": "Księgowość <KSIEGOWOSC@example.pl>, kontakt@firma.example, Anna <anna@example.pl>"
            },
        ),
    )
    assert first.outcome is Outcome.NEW_TICKET
    with desk.store.read() as s:
        [m] = s.exec(select(Message).where(Message.kind == "customer")).all()
    assert m.email_to == "bok@firma.example, jan.nowak@example.pl"
    assert m.email_cc == "ksiegowosc@example.pl, kontakt@firma.example, anna@example.pl"

    # The agent's process has no [mail] config: the desk's addresses come from what mail run published.
    reply = tickets.reply(desk, staff.ola, first.ticket_id, "Faktura w załączniku.")
    [row] = outbox_rows(desk)
    assert row.to_addr == "anna@example.pl"
    assert row.cc_addrs == "jan.nowak@example.pl, ksiegowosc@example.pl"
    assert reply.email_cc == row.cc_addrs
    report = send_due(desk, cfg)
    assert report.sent == 1
    [(mail_from, rcpt, raw)] = smtp.recorder.messages
    assert mail_from == "bok@firma.example"
    assert rcpt == ["anna@example.pl", "jan.nowak@example.pl", "ksiegowosc@example.pl"]
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert msg["To"] == "anna@example.pl"
    assert [a.addr_spec for a in msg["Cc"].addresses] == ["jan.nowak@example.pl", "ksiegowosc@example.pl"]
    with desk.store.read() as s:
        assert delivery_states(s, [reply.id])[reply.id].cc == (
            "jan.nowak@example.pl",
            "ksiegowosc@example.pl",
        )


def test_a_colleague_answering_in_the_thread_is_kept_in_cc_and_the_customer_stays_the_recipient(desk, staff):
    publish_identity(desk, load_mail_config(BASE))
    first = ingest(desk, mail(message_id="q2@example.pl", subject="Umowa", headers={"Cc": "szef@example.pl"}))
    tickets.reply(desk, staff.ola, first.ticket_id, "Proszę o numer umowy.")
    [ours] = outbox_rows(desk)
    # The boss answers (reply-all) instead of the customer.
    ingest(
        desk,
        mail(
            message_id="q3@example.pl",
            sender="Szef <szef@example.pl>",
            subject="Re: Umowa",
            to="bok@firma.example",
            in_reply_to=ours.email_message_id,
            headers={"Cc": "anna@example.pl"},
        ),
    )
    tickets.reply(desk, staff.ola, first.ticket_id, "Dziękujemy.")
    latest = outbox_rows(desk)[0]
    assert latest.to_addr == "anna@example.pl" and latest.cc_addrs == "szef@example.pl"


def test_no_cc_no_header_and_a_survey_never_copies_anyone(desk, staff):
    publish_identity(desk, load_mail_config(BASE))
    first = ingest(desk, mail(message_id="q4@example.pl"))
    tickets.reply(desk, staff.ola, first.ticket_id, "Odpowiedź.")
    [row] = outbox_rows(desk)
    assert row.cc_addrs is None
    assert BytesParser(policy=policy.default).parsebytes(row.raw)["Cc"] is None


def test_a_refused_cc_does_not_fail_the_reply_but_a_refused_customer_does(desk, staff, smtp):
    cfg = load_mail_config({**BASE, "smtp": smtp.config()})
    publish_identity(desk, cfg)
    first = ingest(desk, mail(message_id="q5@example.pl", headers={"Cc": "zly@example.pl"}))
    tickets.reply(desk, staff.ola, first.ticket_id, "Jeden.")
    smtp.recorder.refuse["zly@example.pl"] = "550 5.1.1 no such user"
    assert send_due(desk, cfg).sent == 1
    [row] = outbox_rows(desk)
    assert row.status == "sent" and "zly@example.pl: 550" in (row.last_error or "")
    [(_, rcpt, _raw)] = smtp.recorder.messages
    assert rcpt == ["anna@example.pl"]
    # The customer refused while the Cc accepts: not delivered to the customer, so failed.
    smtp.recorder.refuse = {"anna@example.pl": "550 5.1.1 mailbox unavailable"}
    tickets.reply(desk, staff.ola, first.ticket_id, "Dwa.")
    report = send_due(desk, cfg)
    assert (report.sent, report.failed) == (0, 1)
    assert outbox_rows(desk)[0].status == "failed"
