"""Text the desk writes itself (system messages, the e-mail channel's notes, quarantine reasons, our
own delivery errors) is stored in English with a code and its values (schema 0005) and said in the
agent's language on screen; rows written before keep showing their text as it is."""

from __future__ import annotations

from string import Formatter

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select
from test_conversation import open_ticket, refused_connection, replied
from test_quarantine import admin, open_quarantine, quarantined  # noqa: F401 - fixtures
from ui_helpers import make_app, screen_text, settle

from bokdesk import i18n
from bokdesk.channels.outbox import outbox_rows
from bokdesk.channels.sender import send_due
from bokdesk.core import migrate
from bokdesk.core.database import open_store
from bokdesk.core.models import MailQuarantine, Message
from bokdesk.core.notices import TEMPLATES, Notice, load
from bokdesk.core.services import tickets
from bokdesk.core.store import SCHEMA_HEAD, Store, sqlite_url
from bokdesk.ui.notices import say, say_notice
from bokdesk.ui.widgets.conversation import MessageBox


@pytest.fixture
def polish():
    i18n.set_language("pl")
    yield
    i18n.set_language("en")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def test_every_code_is_said_in_polish_with_the_same_values(polish):
    for code, template in TEMPLATES.items():
        polish_text = i18n._(template)
        assert polish_text != template, code
        assert fields(polish_text) == fields(template), code


def test_stored_english_and_the_polish_screen_say_the_same_values(polish):
    notice = Notice(
        "reply_failed",
        {
            "to": "anna@example.pl",
            "tries": Notice("tries_many", {"n": 3}),
            "error": Notice("unreachable", {"detail": "Connection refused"}),
            "outbox": 7,
        },
    )
    assert notice.english() == (
        "The e-mail reply to anna@example.pl could not be sent (after 3 attempts): cannot reach the mail server: "
        "Connection refused. It is kept; `bokdesk mail outbox retry 7` sends it again."
    )
    assert say(notice.code, notice.dumps(), notice.english()) == (
        "Nie udało się wysłać odpowiedzi e-mailem do anna@example.pl (po 3 próbach): brak połączenia z serwerem "
        "poczty: Connection refused. Została zachowana; `bokdesk mail outbox retry 7` wyśle ją ponownie."
    )
    # A row from before 0005, an unknown code or values that do not fit: the stored text as it is.
    assert say(None, None, "Merged into #5.") == "Merged into #5."
    assert say("no_such_code", "{}", "stored text") == "stored text"
    assert say("reply_failed", '{"to": "x@example.pl"}', "stored text") == "stored text"
    assert say("reply_failed", "not json", "stored text") == "stored text"
    assert say_notice(load("merged_into", '{"ticket": 5, "note": "duplikat"}'), "") == (
        "Scalono ze zgłoszeniem #5. duplikat"
    )  # the agent's note as written


def test_db_upgrade_brings_a_0004_database_to_the_notice_columns_and_keeps_old_text(tmp_path):
    path = tmp_path / "old.db"
    old = Store(sqlite_url(path))
    migrate.upgrade(old, "0004")
    with old.engine.begin() as con:
        assert "notice_code" not in {c["name"] for c in inspect(con).get_columns("message")}
    old.dispose()
    store = open_store(path, upgrade=True)
    try:
        assert migrate.current_revision(store) == SCHEMA_HEAD
        with store.engine.connect() as con:
            for table, code, params in (
                ("message", "notice_code", "notice_params"),
                ("mailquarantine", "reason_code", "reason_params"),
                ("outboxmessage", "error_code", "error_params"),
            ):
                assert {code, params} <= {c["name"] for c in inspect(con).get_columns(table)}
            assert con.execute(text("SELECT count(*) FROM slapolicy")).scalar() > 0
    finally:
        store.dispose()


async def test_polish_screen_says_a_failed_reply_and_a_merge_in_polish(desk, ola, polish):
    ticket_id, cfg = replied(desk, ola)
    assert send_due(desk, cfg, connect=refused_connection(550, b"5.1.1 mailbox unavailable")).failed == 1
    [row] = outbox_rows(desk, ticket_id=ticket_id)
    other = tickets.create_ticket(
        desk,
        ola,
        tickets.NewTicket(
            subject="Paczka 4711 (drugi raz)", customer=tickets.CustomerSpec(email="zofia.w@example.pl")
        ),
    )
    tickets.merge(desk, ola, other.id, ticket_id, note="ta sama paczka")
    with desk.store.write() as session:  # a system message from before schema 0005: English, no code
        session.add(
            Message(ticket_id=ticket_id, kind="system", body="Old English notice.", created_at=desk.now())
        )
    with desk.store.read() as session:
        stored = session.exec(
            select(Message.body)
            .where(Message.ticket_id == ticket_id, Message.kind == "system")
            .order_by(Message.id)
        ).all()
    # Stored in English, as the command line and exports show them.
    assert stored[0].startswith(
        "The e-mail reply to zofia.w@example.pl could not be sent (at once): recipient refused"
    )
    assert stored[1] == f"#{other.id} was merged into this ticket. ta sama paczka"
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, ticket_id)
        said = [box.new for box in screen.query(MessageBox) if "message-system" in box.classes]
        assert (
            said
            == [
                "Nie udało się wysłać odpowiedzi e-mailem do zofia.w@example.pl (od razu): odbiorca odrzucony "
                "(zofia.w@example.pl: 550 5.1.1 mailbox unavailable; jan.w@example.pl: 550 5.1.1 mailbox unavailable). "
                "Została zachowana; "
                f"`bokdesk mail outbox retry {row.id}` wyśle ją ponownie.",
                f"Scalono ze zgłoszeniem #{ticket_id}. ta sama paczka",  # the merged ticket's conversation is shown too
                f"Zgłoszenie #{other.id} zostało scalone z tym zgłoszeniem. ta sama paczka",
                "Old English notice.",
            ]
        )
        shown = screen_text(app)
        # The header's flag and the reply's box: our words in Polish, the server's answer as it wrote it.
        assert "odbiorca odrzucony (zofia.w@example.pl: 550 5.1.1" in shown
        assert "recipient refused" not in shown


async def test_polish_quarantine_says_the_reasons_in_polish(desk, admin, quarantined, polish):  # noqa: F811
    with desk.store.write() as session:  # kept before schema 0005: English, no code
        session.add(
            MailQuarantine(
                source="maildir:old",
                raw=b"x",
                reason="could not be filed: old reason",
                received_at=desk.now(),
            )
        )
    app = make_app(desk, admin)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        shown = screen_text(app)
        assert "nie da się odczytać jako e-mail: brak nagłówków e-mail" in shown
        assert "could not be filed: old reason" in shown
        assert "cannot be read" not in shown
        await pilot.press("a")  # also what was dealt with: the ignored out-of-office answer
        await settle(pilot)
        assert "Pominięto: automatyczna odpowiedź lub informacja o" in screen_text(app)


def test_a_mail_without_text_gets_the_no_text_code(desk):
    from email.message import EmailMessage

    from bokdesk.channels.ingest import Ingestor, RawMail
    from bokdesk.channels.mailconfig import load_mail_config

    msg = EmailMessage()
    msg["From"] = "Pusty <pusty@example.pl>"
    msg["To"] = "bok@firma.example"
    msg["Subject"] = "bez treści"
    msg.set_content("")
    [result] = Ingestor(desk, load_mail_config({"from": "bok@firma.example"})).ingest(
        [RawMail(msg.as_bytes(), "t")]
    )
    with desk.store.read() as session:
        message = session.exec(select(Message).where(Message.ticket_id == result.ticket_id)).one()
    assert (message.body, message.notice_code) == ("(no text)", "mail_no_text")
    i18n.set_language("pl")
    try:
        assert say(message.notice_code, message.notice_params, message.body) == "(brak treści)"
    finally:
        i18n.set_language("en")


def test_the_queue_marks_a_page_with_one_indexed_look_up_of_the_outbox(desk, ola):
    """The flag costs one statement per page, through the outbox's ticket index (no scan)."""
    from sqlalchemy import event

    from bokdesk.core.enums import View as UiView
    from bokdesk.core.queries import View, list_view
    from bokdesk.ui.queue_source import ViewSource, mark_failed_mail

    ticket_id, cfg = replied(desk, ola)
    assert send_due(desk, cfg, connect=refused_connection(550, b"5.1.1 mailbox unavailable")).failed == 1
    rows = ViewSource(desk, ola, UiView.OPEN).first(50)
    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(desk.store.engine, "before_cursor_execute", capture)
    try:
        marked = mark_failed_mail(desk, rows)
    finally:
        event.remove(desk.store.engine, "before_cursor_execute", capture)
    assert [r.id for r in marked if r.mail_failed] == [ticket_id]
    selects = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    raw = desk.store.engine.raw_connection()
    try:
        plan = " | ".join(
            str(r[3]) for r in raw.cursor().execute(f"EXPLAIN QUERY PLAN {selects[0][0]}", selects[0][1])
        )
    finally:
        raw.close()
    assert "USING INDEX ix_outboxmessage_ticket_id" in plan and "SCAN outboxmessage" not in plan, plan
    assert len(list_view(desk, ola, View.OPEN, limit=50)) == len(rows)


async def test_the_queue_marks_a_ticket_whose_e_mail_failed(desk, ola, polish):
    ticket_id, cfg = replied(desk, ola)
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        line = next(row for row in screen_text(app).splitlines() if f" {ticket_id} " in row)
        assert "✉✗" not in line and "Paczka 4711" in line
        assert send_due(desk, cfg, connect=refused_connection(550, b"5.1.1 mailbox unavailable")).failed == 1
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        line = next(row for row in screen_text(app).splitlines() if f" {ticket_id} " in row)
        assert "✉✗ Paczka 4711" in line
        # Sent again: the mark goes.
        [row] = outbox_rows(desk, ticket_id=ticket_id)
        from bokdesk.channels.outbox import retry

        retry(desk, ola, row.id)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        line = next(row for row in screen_text(app).splitlines() if f" {ticket_id} " in row)
        assert "✉✗" not in line
