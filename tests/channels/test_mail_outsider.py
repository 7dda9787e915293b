"""An outside sender: guessed or foreign Message-IDs do not join a ticket, and a hostile
Message-ID never stops the replies (through a real Maildir, the outbox and an SMTP server)."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from mailservers import Dovecot, deliver, mail, start_smtp
from sqlmodel import col, select

from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import outbox_rows, publish_identity
from bokdesk.channels.runner import fetch_imap, fetch_maildir
from bokdesk.channels.sender import send_due
from bokdesk.core.models import Message, Ticket
from bokdesk.core.services import tickets

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)

STRANGER = "Obcy <stranger@evil.example>"


@pytest.fixture
def smtp(tmp_path):  # type: ignore[no-untyped-def]
    server = start_smtp(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def cfg(desk, smtp):  # type: ignore[no-untyped-def]
    config = load_mail_config({"from": "BOK Firma <bok@firma.example>", "smtp": smtp.config()})
    publish_identity(desk, config)
    return config


@pytest.fixture
def box(tmp_path: Path) -> Path:
    return tmp_path / "Maildir"


def fetch(desk, cfg, box: Path, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    deliver(box, raw)
    report = fetch_maildir(desk, cfg, box)
    assert report.total == 1


def tickets_of(desk) -> dict[int, tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Ticket id -> (customer id, number of messages)."""
    with desk.store.read() as s:
        out = {}
        for t in s.exec(select(Ticket).order_by(col(Ticket.id))).all():
            n = len(s.exec(select(Message.id).where(Message.ticket_id == t.id)).all())
            out[t.id] = (t.customer_id, n)
        return out


def sent_ids(desk) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.email_message_id for r in outbox_rows(desk)]


def test_a_guessed_desk_message_id_opens_the_strangers_own_ticket_and_copies_nobody(
    desk, staff, cfg, box, smtp
):
    fetch(desk, cfg, box, mail(message_id="q1@example.pl", subject="Faktura"))
    tickets.reply(desk, staff.ola, 1, "Sprawdzamy.")
    assert send_due(desk, cfg).sent == 1
    anna = tickets_of(desk)[1][0]
    # An id shaped like ours, on our domain, with the right ticket number: never sent by the desk.
    fetch(
        desk,
        cfg,
        box,
        mail(sender=STRANGER, subject="Re: Faktura", in_reply_to="bokdesk.1.x@firma.example", body="Hej\n"),
    )
    state = tickets_of(desk)
    assert state[1] == (anna, 2)  # the customer's message and the agent's reply, nothing more
    assert state[2][0] != anna and state[2][1] == 1
    tickets.reply(desk, staff.ola, 1, "Faktura w załączniku.")
    assert send_due(desk, cfg).sent == 1
    _, rcpt, _raw = smtp.recorder.messages[-1]
    assert rcpt == ["anna@example.pl"]


def test_a_stranger_replying_to_a_real_id_is_not_put_on_the_ticket_but_a_cc_colleague_is(
    desk, staff, cfg, box, smtp
):
    fetch(
        desk,
        cfg,
        box,
        mail(message_id="q1@example.pl", subject="Faktura", headers={"Cc": "jan@example.pl"}),
    )
    tickets.reply(desk, staff.ola, 1, "Sprawdzamy.")
    assert send_due(desk, cfg).sent == 1
    [real] = sent_ids(desk)
    anna = tickets_of(desk)[1][0]
    # A forwarded copy of our reply lets a stranger quote its real id: they still get a ticket of their own.
    fetch(desk, cfg, box, mail(sender=STRANGER, message_id="s1@evil.example", in_reply_to=real))
    assert tickets_of(desk)[1] == (anna, 2) and tickets_of(desk)[2][1] == 1
    # The colleague who was in Cc is on the thread: their answer joins it.
    fetch(desk, cfg, box, mail(sender="jan@example.pl", message_id="j1@example.pl", in_reply_to=real))
    assert tickets_of(desk)[1] == (anna, 3)
    tickets.reply(desk, staff.ola, 1, "Dziękujemy.")
    assert send_due(desk, cfg).sent == 1
    _, rcpt, _raw = smtp.recorder.messages[-1]
    assert "stranger@evil.example" not in rcpt and "anna@example.pl" in rcpt


def test_a_closed_tickets_follow_up_never_carries_its_customer_to_a_stranger(desk, staff, cfg, box, smtp):
    fetch(desk, cfg, box, mail(message_id="q1@example.pl", subject="Faktura"))
    tickets.reply(desk, staff.ola, 1, "Gotowe.")
    assert send_due(desk, cfg).sent == 1
    [real] = sent_ids(desk)
    tickets.set_status(desk, staff.ola, 1, "closed")
    anna = tickets_of(desk)[1][0]
    for in_reply_to in ("bokdesk.1.x@firma.example", real):
        fetch(desk, cfg, box, mail(sender=STRANGER, subject="Re: Faktura", in_reply_to=in_reply_to))
    state = tickets_of(desk)
    assert state[1] == (anna, 2)
    assert len(state) == 3 and all(customer != anna for customer, _n in (state[2], state[3]))
    with desk.store.read() as s:
        assert [t.parent_id for t in s.exec(select(Ticket).where(col(Ticket.id) > 1)).all()] == [None, None]


def test_a_non_ascii_message_id_never_stops_the_replies(desk, staff, cfg, box, smtp):
    fetch(desk, cfg, box, mail(message_id="q1@example.pl", subject="Faktura"))
    tickets.reply(desk, staff.ola, 1, "Sprawdzamy.")
    assert send_due(desk, cfg).sent == 1
    [real] = sent_ids(desk)
    hostile = _hostile(real)
    fetch(desk, cfg, box, hostile)
    _replies_build(desk, staff, cfg, smtp, real)


def _hostile(real: str) -> bytes:
    return (
        "From: Anna Kowalska <anna@example.pl>\r\nTo: bok@firma.example\r\nSubject: Re: Faktura\r\n"
        "Date: Tue, 17 Nov 2026 09:00:00 +0100\r\nMessage-ID: <żółw2@evil.example>\r\n"
        f"In-Reply-To: <{real}>\r\nReferences: <q1@example.pl> <{real}> <ćma@evil.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nDalej nic.\r\n"
    ).encode()


def _replies_build(desk, staff, cfg, smtp, real: str) -> None:  # type: ignore[no-untyped-def]
    assert tickets_of(desk)[1][1] == 3
    for n in range(2):
        tickets.reply(desk, staff.ola, 1, f"Odpowiedź {n}.")
        report = send_due(desk, cfg)
        assert report.sent == 1 and report.failed == 0
        _, _rcpt, raw = smtp.recorder.messages[-1]
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert head.isascii()
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        refs = str(msg["References"])
        assert real in refs and "evil.example" not in refs
        assert msg["In-Reply-To"] is None or "evil" not in str(msg["In-Reply-To"])


@pytest.fixture(scope="module")
def dovecot():  # type: ignore[no-untyped-def]
    server = Dovecot.start()
    yield server
    server.stop()


_folders = iter(range(1000))


def test_over_imap_a_stranger_gets_their_own_ticket_and_a_hostile_id_stops_nothing(
    desk, staff, smtp, dovecot
):
    folder = f"Outsider{next(_folders)}"  # the server is shared by the module
    cfg = load_mail_config(
        {
            "from": "BOK Firma <bok@firma.example>",
            "smtp": smtp.config(),
            "imap": dovecot.imap_config(folder=folder),
        }
    )
    publish_identity(desk, cfg)
    dovecot.append(folder, mail(message_id="q1@example.pl", subject="Faktura"))
    assert fetch_imap(desk, cfg).counts == {"ticket": 1}
    tickets.reply(desk, staff.ola, 1, "Sprawdzamy.")
    assert send_due(desk, cfg).sent == 1
    [real] = sent_ids(desk)
    dovecot.append(
        folder,
        mail(sender=STRANGER, subject="Re: Faktura", in_reply_to="bokdesk.1.x@firma.example"),
        _hostile(real),
    )
    fetch_imap(desk, cfg)
    state = tickets_of(desk)
    assert len(state) == 2 and state[2][0] != state[1][0]
    _replies_build(desk, staff, cfg, smtp, real)
    assert all("stranger@evil.example" not in rcpt for _f, rcpt, _raw in smtp.recorder.messages)
