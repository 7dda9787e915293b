"""Filing inbound mail: threading, dedupe, no loops, quarantine, attachments, one transaction per batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailservers import mail
from sqlmodel import col, select

from bokdesk.channels.ingest import Ingestor, Outcome, RawMail, clean_filename
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import outbox_rows, publish_identity
from bokdesk.core.desk import SYSTEM
from bokdesk.core.models import (
    Attachment,
    Customer,
    MailQuarantine,
    MailSeen,
    Message,
    Ticket,
)
from bokdesk.core.services import policies, tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def cfg():  # type: ignore[no-untyped-def]
    return load_mail_config(
        {"from": "BOK Firma <bok@firma.example>", "max_attachment_bytes": 1000, "max_message_bytes": 200_000}
    )


@pytest.fixture
def ing(desk, cfg):  # type: ignore[no-untyped-def]
    publish_identity(desk, cfg)  # what `mail run` does at start: agents' replies carry From
    return Ingestor(desk, cfg)


def one(ing: Ingestor, raw: bytes, source: str = "test"):  # type: ignore[no-untyped-def]
    [result] = ing.ingest([RawMail(raw, source)])
    return result


def messages(desk, ticket_id: int) -> list[Message]:  # type: ignore[no-untyped-def]
    with desk.store.read() as s:
        return list(
            s.exec(select(Message).where(Message.ticket_id == ticket_id).order_by(col(Message.id))).all()
        )


def ticket(desk, ticket_id: int) -> Ticket:  # type: ignore[no-untyped-def]
    with desk.store.read() as s:
        t = s.get(Ticket, ticket_id)
        assert t is not None
        return t


def count(desk, model) -> int:  # type: ignore[no-untyped-def]
    with desk.store.read() as s:
        return len(s.exec(select(model)).all())


# --- new tickets and threading ----------------------------------------------------------------------


def test_new_mail_opens_a_ticket_with_the_customer_found_or_created(desk, ing):
    r = one(ing, mail(message_id="m1@example.pl", subject="Brak faktury"))
    assert r.outcome is Outcome.NEW_TICKET and r.ticket_id == 1
    t = ticket(desk, 1)
    assert t.subject == "Brak faktury" and t.channel == "email" and t.status == "new"
    assert t.email_thread_id == "m1@example.pl"
    [m] = messages(desk, 1)
    assert m.kind == "customer" and "gdzie jest moja paczka" in m.body
    assert m.email_message_id == "m1@example.pl" and m.email_from == "Anna Kowalska <anna@example.pl>"
    assert m.email_to == "bok@firma.example"
    with desk.store.read() as s:
        customer = s.get(Customer, t.customer_id)
    assert customer.name == "Anna Kowalska"
    # the same customer writes about something else: her record is reused
    r2 = one(ing, mail(message_id="m2@example.pl", subject="Inna sprawa"))
    assert r2.outcome is Outcome.NEW_TICKET and ticket(desk, 2).customer_id == t.customer_id


def test_reply_threads_by_in_reply_to_and_by_references(desk, ing):
    one(ing, mail(message_id="root@example.pl"))
    r = one(
        ing, mail(message_id="r1@example.pl", subject="Re: Zamówienie 123", in_reply_to="root@example.pl")
    )
    assert (r.outcome, r.ticket_id, r.detail) == (Outcome.THREADED, 1, "in-reply-to")
    # a mail program that only sends References (and an unknown In-Reply-To)
    r = one(
        ing,
        mail(
            message_id="r2@example.pl",
            subject="Re: x",
            in_reply_to="unknown@elsewhere",
            references="<root@example.pl> <r1@example.pl> <unknown@elsewhere>",
        ),
    )
    assert (r.outcome, r.ticket_id) == (Outcome.THREADED, 1)
    assert [m.email_message_id for m in messages(desk, 1)] == [
        "root@example.pl",
        "r1@example.pl",
        "r2@example.pl",
    ]
    assert messages(desk, 1)[2].email_in_reply_to == "unknown@elsewhere"


def test_reply_to_our_e_mail_threads_back(desk, ing, staff):
    one(ing, mail(message_id="q1@example.pl"))
    reply = tickets.reply(desk, staff.ola, 1, "Paczka wyszła wczoraj.")
    assert reply.email_message_id and reply.email_message_id.startswith("bokdesk.1.")
    r = one(
        ing,
        mail(
            message_id="q2@example.pl", subject="Re: Zamówienie 123 [#1]", in_reply_to=reply.email_message_id
        ),
    )
    assert (r.outcome, r.ticket_id) == (Outcome.THREADED, 1)


def test_ticket_number_in_subject_threads_only_for_the_tickets_customer(desk, ing):
    one(ing, mail(message_id="t1@example.pl"))
    r = one(ing, mail(message_id="t2@example.pl", subject="Re: [#1] jeszcze raz"))
    assert (r.outcome, r.ticket_id, r.detail) == (Outcome.THREADED, 1, "subject")
    # a stranger quoting ticket #1 gets a ticket of their own, not a say on Anna's
    r = one(
        ing, mail(message_id="t3@example.pl", sender="obcy@example.com", subject="[#1] a co z moją sprawą?")
    )
    assert r.outcome is Outcome.NEW_TICKET and r.ticket_id == 2
    # an unknown number is just a new ticket
    r = one(ing, mail(message_id="t4@example.pl", subject="[#999] zgubione"))
    assert r.outcome is Outcome.NEW_TICKET


def test_solved_ticket_reopens_and_closed_ticket_gets_a_follow_up(desk, ing, staff):
    one(ing, mail(message_id="s1@example.pl"))
    tickets.reply(desk, staff.ola, 1, "Rozwiązane.", set_status="solved")
    r = one(ing, mail(message_id="s2@example.pl", in_reply_to="s1@example.pl"))
    assert (r.outcome, r.ticket_id) == (Outcome.THREADED, 1)
    assert ticket(desk, 1).status == "open" and ticket(desk, 1).reopen_count == 1
    tickets.set_status(desk, staff.ola, 1, "closed")
    r = one(ing, mail(message_id="s3@example.pl", in_reply_to="s2@example.pl"))
    assert r.outcome is Outcome.FOLLOW_UP and r.ticket_id == 2 and r.detail == "follow-up of #1"
    follow = ticket(desk, 2)
    assert (
        follow.parent_id == 1
        and follow.link_kind == "follow_up"
        and follow.email_thread_id == "s1@example.pl"
    )


def test_mail_to_a_merged_ticket_lands_on_the_ticket_it_was_merged_into(desk, ing, staff):
    one(ing, mail(message_id="a@example.pl", subject="Pierwsza"))
    one(ing, mail(message_id="b@example.pl", subject="Druga"))
    tickets.merge(desk, staff.ola, 2, 1)
    r = one(ing, mail(message_id="c@example.pl", in_reply_to="b@example.pl"))
    assert (r.outcome, r.ticket_id) == (Outcome.THREADED, 1)


def test_a_colleague_in_the_thread_is_credited_as_the_author(desk, ing):
    # Piotr is on the thread (in Cc of the customer's mail); a stranger would get a ticket of their own.
    one(ing, mail(message_id="c1@example.pl", headers={"Cc": "Piotr <piotr@example.pl>"}))
    r = one(
        ing, mail(message_id="c2@example.pl", sender="Piotr <piotr@example.pl>", in_reply_to="c1@example.pl")
    )
    assert (r.outcome, r.ticket_id) == (Outcome.THREADED, 1)
    first, second = messages(desk, 1)
    assert first.author_customer_id != second.author_customer_id
    with desk.store.read() as s:
        assert s.get(Customer, second.author_customer_id).name == "Piotr"


def test_reply_to_names_the_customer_of_a_web_form(desk, ing, staff):
    raw = mail(
        message_id="w1@shop.example",
        sender="Formularz <noreply@shop.example>",
        headers={"Reply-To": "jan.nowak@example.pl"},
        subject="Kontakt ze strony",
    )
    assert one(ing, raw).outcome is Outcome.NEW_TICKET
    reply = tickets.reply(desk, staff.ola, 1, "Dzień dobry, odpowiadamy.")
    [row] = outbox_rows(desk)
    assert row.to_addr == "jan.nowak@example.pl" and row.message_id == reply.id


# --- duplicates -------------------------------------------------------------------------------------------


def test_a_message_id_is_filed_once(desk, ing):
    raw = mail(message_id="dup@example.pl")
    results = ing.ingest([RawMail(raw, "a"), RawMail(raw, "b")])
    assert [r.outcome for r in results] == [Outcome.NEW_TICKET, Outcome.DUPLICATE]
    assert one(ing, raw).outcome is Outcome.DUPLICATE
    # the same message through another route (other Received headers, same text) is the same message
    assert one(ing, b"Received: from relay2\r\n" + raw).outcome is Outcome.DUPLICATE
    assert count(desk, Ticket) == 1 and count(desk, Message) == 1 and count(desk, MailSeen) == 1


def test_mail_without_message_id_is_recognised_by_its_bytes(desk, ing):
    raw = mail()
    first, second = ing.ingest([RawMail(raw, "a"), RawMail(raw, "b")])
    assert first.outcome is Outcome.NEW_TICKET and first.key.startswith("sha256:")
    assert second.outcome is Outcome.DUPLICATE


def test_a_reused_message_id_on_a_different_message_is_not_lost(desk, ing):
    one(ing, mail(message_id="same@broken-mailer", body="Pierwsza wiadomość\n"))
    r = one(ing, mail(message_id="same@broken-mailer", body="Zupełnie inna treść\n", subject="Inne"))
    assert r.outcome is Outcome.NEW_TICKET and r.key.startswith("same@broken-mailer#")
    assert (
        one(ing, mail(message_id="same@broken-mailer", body="Zupełnie inna treść\n", subject="Inne")).outcome
        is Outcome.DUPLICATE
    )


# --- no loops, no noise ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, subject, detail",
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Zamówienie", "auto_reply"),
        ({"X-Autoreply": "yes"}, "Nieobecność", "auto_reply"),
        ({"Precedence": "bulk", "X-Auto-Response-Suppress": "All"}, "Out of office: urlop", "auto_reply"),
        ({}, "Automatyczna odpowiedź: urlop do 20.11", "auto_reply"),
        ({"List-Id": "<promo.shop.example>"}, "Newsletter", "list"),
        ({"Precedence": "list"}, "Lista dyskusyjna", "list"),
    ],
)
def test_auto_replies_and_lists_never_open_tickets(desk, ing, headers, subject, detail):
    r = one(ing, mail(message_id="auto@example.pl", subject=subject, headers=headers))
    assert (r.outcome, r.detail) == (Outcome.IGNORED, detail)
    assert count(desk, Ticket) == 0
    with desk.store.read() as s:
        assert s.get(MailSeen, "auto@example.pl").outcome == f"ignored:{detail}"


def test_ignored_mail_is_kept_and_can_be_filed_after_all(desk, ing, cfg, staff):
    from bokdesk.channels.quarantine import count_open, list_entries, release

    raw = mail(
        message_id="ooo1@example.pl",
        subject="Odpowiedź automatyczna: prawie",
        headers={"X-Autoreply": "yes"},
        body="To jednak ja, reklamuję buty!\n",
    )
    assert one(ing, raw).outcome is Outcome.IGNORED
    assert count_open(desk) == 0 and list_entries(desk, staff.admin) == []
    [entry] = list_entries(desk, staff.admin, include_resolved=True)
    assert entry.resolved and entry.reason.startswith("Ignored: an auto-reply")
    result = release(desk, cfg, staff.admin, entry.id)
    assert result.outcome is Outcome.NEW_TICKET
    assert "reklamuję buty" in messages(desk, result.ticket_id)[0].body
    [entry] = list_entries(desk, staff.admin, include_resolved=True)
    assert entry.reason.startswith("Released by admin:")
    assert one(ing, raw).outcome is Outcome.DUPLICATE


def test_an_out_of_office_answer_to_our_reply_adds_nothing_and_sends_nothing(desk, ing, staff):
    one(ing, mail(message_id="o1@example.pl"))
    reply = tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
    before = len(outbox_rows(desk))
    r = one(
        ing,
        mail(
            message_id="o2@example.pl",
            subject="Automatic reply: Re: Zamówienie 123 [#1]",
            in_reply_to=reply.email_message_id,
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )
    assert (r.outcome, r.ticket_id) == (Outcome.IGNORED, 1)
    assert len(messages(desk, 1)) == 2 and len(outbox_rows(desk)) == before
    assert ticket(desk, 1).status == "open"


def test_our_own_mail_coming_back_is_ignored(desk, ing, staff):
    one(ing, mail(message_id="x1@example.pl"))
    tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
    [row] = outbox_rows(desk)
    # the desk's mailbox gets a copy of what it sent (Bcc, a forwarding rule)
    assert one(ing, row.raw).outcome is Outcome.DUPLICATE
    r = one(ing, mail(message_id="y@firma.example", sender="BOK Firma <bok@firma.example>"))
    assert (r.outcome, r.detail) == (Outcome.IGNORED, "own")
    assert count(desk, Ticket) == 1


def _dsn(original_id: str, action: str = "failed") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.pl>\r\n"
        "To: bok@firma.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-" + action + "@mx.example.pl>\r\nAuto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.pl\r\n\r\n"
        "Final-Recipient: rfc822; anna@example.pl\r\nAction: " + action + "\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <anna@example.pl>: mailbox unknown\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "Message-ID: <" + original_id + ">\r\nSubject: Re: Zamówienie\r\n--B--\r\n"
    ).encode()


def test_a_bounce_of_our_reply_shows_on_the_ticket_and_opens_nothing(desk, ing, staff):
    one(ing, mail(message_id="b1@example.pl"))
    reply = tickets.reply(desk, staff.ola, 1, "Odpowiedź.")
    r = one(ing, _dsn("dsn-unrelated@nowhere", "delayed"))
    assert (r.outcome, r.detail, r.ticket_id) == (Outcome.IGNORED, "bounce", None)
    r = one(ing, _dsn(reply.email_message_id))
    assert (r.outcome, r.detail, r.ticket_id) == (Outcome.IGNORED, "bounce", 1)
    [row] = outbox_rows(desk)
    assert row.status == "failed" and "550 5.1.1" in row.last_error
    system = [m for m in messages(desk, 1) if m.kind == "system"]
    assert len(system) == 1 and "bounced" in system[0].body and "anna@example.pl" in system[0].body
    assert count(desk, Ticket) == 1


# --- quarantine ----------------------------------------------------------------------------------------


def test_unreadable_mail_goes_to_quarantine_raw_and_the_next_message_is_filed(desk, ing):
    bad = [b"", b"not an e-mail at all", b"Subject: no sender\r\n\r\nbody\r\n"]
    good = mail(message_id="good@example.pl")
    results = ing.ingest([RawMail(b, f"src{i}") for i, b in enumerate(bad)] + [RawMail(good, "ok")])
    assert [r.outcome for r in results] == [Outcome.QUARANTINED] * 3 + [Outcome.NEW_TICKET]
    with desk.store.read() as s:
        rows = s.exec(select(MailQuarantine).order_by(col(MailQuarantine.id))).all()
    assert [r.raw for r in rows] == bad
    assert [r.source for r in rows] == ["src0", "src1", "src2"]
    assert "no From header" in rows[2].reason and "empty message" in rows[0].reason
    # fetched again: recognised, not quarantined twice
    assert one(ing, bad[1]).outcome is Outcome.DUPLICATE
    assert count(desk, MailQuarantine) == 3


def test_a_message_the_desk_cannot_file_is_quarantined_alone(desk, ing, monkeypatch):
    import bokdesk.channels.ingest as ingest_module

    real = ingest_module.create_ticket

    def flaky(desk_, actor, new):  # type: ignore[no-untyped-def]
        if "boom" in new.subject:
            raise RuntimeError("disk says no")
        return real(desk_, actor, new)

    monkeypatch.setattr(ingest_module, "create_ticket", flaky)
    results = ing.ingest(
        [
            RawMail(mail(message_id=f"{n}@example.pl", subject=s), n)
            for n, s in (("a", "jeden"), ("b", "boom"), ("c", "trzy"))
        ]
    )
    assert [r.outcome for r in results] == [Outcome.NEW_TICKET, Outcome.QUARANTINED, Outcome.NEW_TICKET]
    assert "RuntimeError: disk says no" in results[1].detail
    assert count(desk, Ticket) == 2 and count(desk, Message) == 2  # nothing half-written of "boom"


def test_an_invalid_sender_address_is_quarantined_with_the_reason(desk, ing):
    r = one(ing, mail(message_id="bad@x", sender="postmaster"))
    assert r.outcome is Outcome.QUARANTINED and "not a valid e-mail address" in r.detail


def test_a_database_failure_aborts_the_batch_and_marks_nothing(desk, ing, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import bokdesk.channels.ingest as ingest_module

    def broken(*a, **k):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(ingest_module, "create_ticket", broken)
    with pytest.raises(OperationalError):
        ing.ingest([RawMail(mail(message_id="first@example.pl"), "a")])
    assert count(desk, MailSeen) == 0 and count(desk, MailQuarantine) == 0


def test_an_oversized_message_opens_a_ticket_from_its_headers(desk, cfg):
    small = load_mail_config({"from": "bok@firma.example", "max_message_bytes": 5000})
    ing = Ingestor(desk, small)
    raw = mail(
        message_id="big@example.pl",
        subject="Zdjęcia szkody",
        attachments=[("foto.jpg", "image/jpeg", b"\xff" * 20_000)],
    )
    r = one(ing, raw, "maildir:/x/new/1")
    assert r.outcome is Outcome.NEW_TICKET
    [m] = messages(desk, 1)
    assert "only its headers were imported" in m.body and "maildir:/x/new/1" in m.body
    assert ticket(desk, 1).subject == "Zdjęcia szkody"


# --- content ----------------------------------------------------------------------------------------------


def test_attachments_are_stored_up_to_the_limit_and_listed(desk, ing):
    raw = mail(
        message_id="att@example.pl",
        attachments=[
            ("faktura.pdf", "application/pdf", b"%PDF-1.4 small"),
            ("skan.png", "image/png", b"\x89PNG" + b"0" * 5000),
        ],
    )
    one(ing, raw)
    with desk.store.read() as s:
        atts = s.exec(select(Attachment).order_by(col(Attachment.id))).all()
    assert [(a.filename, a.content_type, a.size) for a in atts] == [
        ("faktura.pdf", "application/pdf", 14),
        ("skan.png", "image/png", 5004),
    ]
    assert atts[0].data == b"%PDF-1.4 small" and atts[1].data is None  # over max_attachment_bytes


def test_an_attachment_named_with_a_slash_is_stored_under_its_whole_name(desk, ing):
    raw = (Path(__file__).parent / "corpus" / "attachment_names_with_slashes.eml").read_bytes()
    one(ing, raw)
    with desk.store.read() as s:
        names = s.exec(select(Attachment.filename).order_by(col(Attachment.id))).all()
    assert names == ["faktura 2026_11.pdf", "_Umowa 1_2026 załącznik.txt"]


def test_an_empty_body_with_only_an_attachment_still_has_a_message(desk, ing):
    raw = mail(message_id="e@example.pl", body="", attachments=[("a.txt", "text/plain", b"x")])
    one(ing, raw)
    [m] = messages(desk, 1)
    assert m.body.strip() in ("(no text)", "")


def test_every_corpus_message_ends_somewhere(desk, ing):
    files = sorted(CORPUS.glob("*.eml"))
    results = ing.ingest([RawMail(f.read_bytes(), f.name) for f in files])
    assert len(results) == len(files)
    by_name = {r.source: r for r in results}
    assert by_name["not_an_email.eml"].outcome is Outcome.QUARANTINED
    assert by_name["no_from_address.eml"].outcome is Outcome.QUARANTINED
    assert by_name["bounce_dsn.eml"].outcome is Outcome.IGNORED
    assert by_name["auto_reply_auto_submitted.eml"].outcome is Outcome.IGNORED
    assert by_name["mailing_list.eml"].outcome is Outcome.IGNORED
    assert by_name["subject_iso8859-2_q.eml"].outcome is Outcome.NEW_TICKET
    with desk.store.read() as s:
        subjects = set(s.exec(select(Ticket.subject)).all())
    assert "Reklamacja: Zażółć gęślą jaźń" in subjects and "Zwrot towaru – Zażółć gęślą jaźń" in subjects
    with desk.store.read() as s:
        seen = len(s.exec(select(MailSeen)).all())
    filed = sum(r.outcome is not Outcome.DUPLICATE for r in results)
    assert seen == filed


def test_new_mail_goes_to_the_configured_team_and_is_auto_assigned(desk, staff, clock):
    from bokdesk.core.services import presence

    policies.set_assignment_mode(desk, staff.admin, "BOK Warszawa", "round_robin")
    presence.heartbeat(desk, staff.ola)
    cfg = load_mail_config({"from": "bok@firma.example", "team": "BOK Warszawa"})
    r = one(Ingestor(desk, cfg), mail(message_id="rr@example.pl"))
    t = ticket(desk, r.ticket_id)
    assert t.team_id == staff.ola.team_id and t.assignee_id is not None


def test_an_unknown_team_is_reported_not_fatal(desk):
    ing = Ingestor(desk, load_mail_config({"team": "Nie ma takiego"}))
    assert one(ing, mail(message_id="nt@example.pl")).outcome is Outcome.NEW_TICKET
    assert ing.warnings and "does not exist" in ing.warnings[0]


def test_clean_filename():
    assert clean_filename("../../etc/passwd", 1) == "_.._etc_passwd"
    assert clean_filename("", 3) == "attachment-3"
    assert clean_filename("a\x00b\nc.pdf", 1) == "a_b_c.pdf"
    assert clean_filename("faktura 2026/11.pdf", 1) == "faktura 2026_11.pdf"
    assert clean_filename(" .. ", 2) == "attachment-2"
    long = clean_filename("x" * 400 + ".pdf", 1)
    assert len(long) <= 255 and long.endswith(".pdf")


def test_phone_ticket_of_a_customer_with_e_mail_gets_the_reply_by_e_mail(desk, staff):
    t = tickets.create_ticket(
        desk,
        staff.ola,
        tickets.NewTicket(
            subject="Telefon",
            customer=CustomerSpec(name="Ewa", email="ewa@example.pl", phone="600100200"),
            channel="phone",
            body="Dzwoniła",
        ),
    )
    tickets.reply(desk, staff.ola, t.id, "Potwierdzamy mailem.")
    [row] = outbox_rows(desk)
    assert row.to_addr == "ewa@example.pl"
    t2 = tickets.create_ticket(
        desk,
        staff.ola,
        tickets.NewTicket(
            subject="Bez maila", customer=CustomerSpec(name="Jan", phone="600100201"), channel="phone"
        ),
    )
    tickets.reply(desk, staff.ola, t2.id, "Odpowiedź.")
    assert len(outbox_rows(desk)) == 1


def test_system_actor_is_used_for_channel_writes(desk, ing):
    one(ing, mail(message_id="sys@example.pl"))
    with desk.store.read() as s:
        from bokdesk.core.models import TicketEvent

        actors = set(s.exec(select(TicketEvent.actor).where(TicketEvent.ticket_id == 1)).all())
    assert actors == {SYSTEM.name}


def test_a_customer_met_earlier_in_the_fetch_is_reused_and_a_stale_one_falls_back(desk, ing):
    first = ing.ingest([RawMail(mail(message_id="k1@example.pl", subject="Pierwsze"), "t")])[0]
    second = ing.ingest([RawMail(mail(message_id="k2@example.pl", subject="Drugie"), "t")])[0]
    assert first.outcome is second.outcome is Outcome.NEW_TICKET
    with desk.store.read() as s:
        owners = {t.customer_id for t in s.exec(select(Ticket)).all()}
        assert len(owners) == 1 and len(s.exec(select(Customer)).all()) == 1
    # A remembered id that no longer exists (the customer was removed meanwhile): filed by address.
    ing.customers.remember("ewa@example.pl", 9999)
    third = ing.ingest(
        [RawMail(mail(message_id="k3@example.pl", sender="Ewa <ewa@example.pl>", subject="Trzecie"), "t")]
    )[0]
    assert third.outcome is Outcome.NEW_TICKET
    with desk.store.read() as s:
        ticket = s.get(Ticket, third.ticket_id)
        assert s.get(Customer, ticket.customer_id).name == "Ewa"
