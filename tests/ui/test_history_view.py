"""The ticket's history (``h``) reads naturally in Polish: field names, values, the desk's own actors
and the notes the desk writes itself (schema 0008 codes); an agent's own words and rows from before
0008 are shown as written. The English stays in the database for the command line and exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from test_conversation import open_ticket, refused_connection, replied
from ui_helpers import make_app, screen_text, settle

from bokdesk import i18n
from bokdesk.channels.sender import send_due
from bokdesk.core import serialize
from bokdesk.core.models import TicketEvent
from bokdesk.core.notices import Notice
from bokdesk.core.queries import ticket_detail
from bokdesk.core.services import agents, tickets
from bokdesk.ui import history

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def polish():
    i18n.set_language("pl")
    yield
    i18n.set_language("en")


def event(
    field: str,
    old: str | None = None,
    new: str | None = None,
    note: str | Notice | None = None,
    actor: str = "Aleksandra Nowak",
    agent_id: int | None = 3,
) -> TicketEvent:
    row = TicketEvent(
        ticket_id=1,
        at=datetime(2026, 11, 17, 8, 0, tzinfo=UTC),
        agent_id=agent_id,
        actor=actor,
        field=field,
        old_value=old,
        new_value=new,
    )
    if isinstance(note, Notice):
        row.note, row.note_code, row.note_params = note.english(), note.code, note.dumps()
    else:
        row.note = note
    return row


def said(row: TicketEvent) -> str:
    return history.line(row, WARSAW).plain


def test_each_kind_of_row_in_polish(polish):
    assert said(event("status", "pending", "open", Notice("customer_replied"), "bokdesk", None)) == (
        "17.11.2026, 09:00  bokdesk  status: oczekuje na klienta → otwarte  klient odpowiedział"
    )
    auto = event(
        "assignee",
        None,
        "kasia",
        Notice("least_loaded", {"load": 2, "available": 3}),
        "bokdesk (auto-assignment)",
        None,
    )
    assert said(auto) == (
        "17.11.2026, 09:00  bokdesk (przydział automatyczny)  przypisanie: kasia  "
        "najmniejsze obciążenie (2 w pracy) wśród dostępnych konsultantów (3)"
    )
    assert said(event("status", "open", "closed", Notice("history_merged_into", {"ticket": 12}))).endswith(
        "status: otwarte → zamknięte  scalono ze zgłoszeniem #12"
    )
    assert said(event("parent_id", None, "12", "ta sama paczka")).endswith(
        "scalono z: #12  “ta sama paczka”"
    )  # the agent's own words, quoted as written
    policy = event(
        "due",
        None,
        "2026-11-18T08:00:00+00:00",
        Notice("due_for_policy_category", {"priority": "high", "category": "complaint"}),
    )
    assert said(policy).endswith(
        "termin: 18.11.2026, 09:00  przeliczony po zmianie zasad SLA dla priorytetu "
        "wysoki i kategorii reklamacja"
    )
    assert said(event("mail_retry", None, "anna@example.pl")).endswith(
        "e-mail wysłany ponownie: anna@example.pl"
    )
    # Assignees by name; a transfer's handover note (on its team and assignee rows) once.
    names = {"ola": "Aleksandra Nowak", "tomek": "Tomasz Lewandowski"}
    transfer = [
        event("team", "BOK Warszawa", "Developers", "Proszę oddzwonić."),
        event("assignee", "ola", "tomek", "Proszę oddzwonić."),
    ]
    shown = [c.plain for c in history.lines(transfer, WARSAW, names)[1:]]
    assert shown[0].endswith("zespół: BOK Warszawa → Developers  “Proszę oddzwonić.”")
    assert shown[1].endswith("przypisanie: Aleksandra Nowak → Tomasz Lewandowski")
    imported = event("survey", None, "NPS 9", "Super obsługa", "Marek Wiśniewski (import)", None)
    assert said(imported) == ("17.11.2026, 09:00  Marek Wiśniewski (import)  ankieta: NPS 9  “Super obsługa”")
    # A row from before schema 0008: its note as stored.
    assert said(event("status", "solved", "open", "customer replied", "bokdesk", None)).endswith(
        "“customer replied”"
    )


def test_the_english_note_is_kept_for_the_command_line_and_the_json_adds_the_code(desk, ola):
    ticket_id, cfg = replied(desk, ola)
    tickets.set_status(desk, ola, ticket_id, "pending")
    tickets.add_customer_message(desk, ola, ticket_id, "Nadal nic.")
    data = serialize.ticket_detail(ticket_detail(desk, ticket_id))
    reopened = [e for e in data["history"] if e["note"] == "customer replied"]
    assert reopened and reopened[0]["note_code"] == "customer_replied" and reopened[0]["note_params"] is None
    assert set(reopened[0]) == {"at", "actor", "field", "from", "to", "note", "note_code", "note_params"}


async def test_polish_history_of_a_worked_ticket(desk, ola, polish):
    ticket_id, cfg = replied(desk, ola)
    assert send_due(desk, cfg, connect=refused_connection(550, b"5.1.1 mailbox unavailable")).failed == 1
    tickets.set_priority(desk, ola, ticket_id, "high")
    tickets.set_status(desk, ola, ticket_id, "pending")
    tickets.add_customer_message(desk, ola, ticket_id, "Nadal nic.")
    other = tickets.create_ticket(
        desk,
        ola,
        tickets.NewTicket(
            subject="Paczka (drugi raz)", customer=tickets.CustomerSpec(email="zofia.w@example.pl")
        ),
    )
    tickets.merge(desk, ola, other.id, ticket_id, note="ta sama paczka")
    dev = agents.require_agent(desk, "tomek")
    tickets.assign(desk, ola, ticket_id, agent_id=dev.id, note="Proszę sprawdzić u przewoźnika.")
    with desk.store.read() as session:
        notes = {
            e.note_code for e in session.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id))
        }
        merged = session.exec(
            select(TicketEvent).where(TicketEvent.ticket_id == other.id, TicketEvent.field == "status")
        ).all()[-1]
    assert {"reply_failed", "due_for_priority", "customer_replied"} <= notes
    assert (merged.note, merged.note_code, json.loads(merged.note_params or "{}")) == (
        f"merged into #{ticket_id}",
        "history_merged_into",
        {"ticket": ticket_id},
    )
    app = make_app(desk, ola)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, ticket_id)
        await pilot.press("h")
        await settle(pilot)
        shown = screen_text(app)
    assert "Historia" in shown
    for polish_text in (
        "e-mail niewysłany: zofia.w@example.pl",
        "przeliczony dla nowego priorytetu",
        "oczekuje na klienta → otwarte  klient odpowiedział",
        "priorytet: normalny → wysoki",
        "“Proszę sprawdzić u przewoźnika.”",
        "przypisanie: Aleksandra Nowak → Tomasz Lewandowski",
        "odpowiedź",
    ):
        assert polish_text in shown, polish_text
    for english in (
        "customer replied",
        "recomputed",
        "could not be sent",
        "pending",
        "priority:",
        "assignee",
    ):
        assert english not in shown, english


def test_the_codes_travel_through_jsonl(desk, ola, tmp_path):
    import io

    from bokdesk.core import jsonl
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk

    ticket_id, _ = replied(desk, ola)
    tickets.set_status(desk, ola, ticket_id, "pending")
    tickets.add_customer_message(desk, ola, ticket_id, "Nadal nic.")
    out = io.StringIO()
    jsonl.export_jsonl(desk, out)
    path = tmp_path / "desk.jsonl"
    path.write_text(out.getvalue())
    copy = Desk(store=open_store(tmp_path / "copy.db"))
    try:
        jsonl.import_jsonl(copy, path)
        with copy.store.read() as session:
            rows = session.exec(
                select(TicketEvent).where(
                    TicketEvent.ticket_id == ticket_id, TicketEvent.note_code == "customer_replied"
                )
            ).all()
        assert [(r.note, r.note_params) for r in rows] == [("customer replied", None)]
    finally:
        copy.store.dispose()
