"""Every ticket service and status transition, with the history rows it writes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bokdesk.core.desk import SYSTEM
from bokdesk.core.errors import AlreadyTaken, InvalidTransition, NotFound, StaleWrite, ValidationError
from bokdesk.core.models import Message, Ticket, TicketEvent, TicketTag
from bokdesk.core.queries import ticket_detail
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres  # every service on SQLite and on PostgreSQL


def email_ticket(desk, subject="Nie mogę się zalogować", email="jan.kowalski@example.pl", **kw):
    new = tickets.NewTicket(
        subject=subject,
        customer=CustomerSpec(name="Jan Kowalski", email=email),
        body="Od wczoraj nie działa logowanie.",
        **kw,
    )
    return tickets.create_ticket(desk, SYSTEM, new)


def events(desk, ticket_id):
    with desk.store.read() as s:
        return [
            (e.actor, e.field, e.old_value, e.new_value, e.note)
            for e in s.exec(
                select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
            )
        ]


def get(desk, ticket_id) -> Ticket:
    with desk.store.read() as s:
        return s.get(Ticket, ticket_id)


def test_create_email_ticket_records_customer_message_and_history(desk, staff, clock):
    t = email_ticket(desk)
    assert t.id == 1 and t.status == "new" and t.assignee_id is None
    assert t.created_at == clock.now and t.first_response_at is None and t.picked_up_at is None
    assert t.frt_due_at is not None and t.next_due_at == t.frt_due_at
    detail = ticket_detail(desk, t.id)
    assert [m.message.kind for m in detail.messages] == ["customer"]
    assert detail.customer.name == "Jan Kowalski"
    assert [c.normalized for c in detail.contacts] == ["jan.kowalski@example.pl"]
    assert events(desk, t.id) == [("bokdesk", "created", None, "email", None)]


def test_same_email_finds_the_same_customer(desk, staff):
    a = email_ticket(desk, email="Jan.Kowalski@Example.PL")
    b = email_ticket(desk, subject="Drugie pytanie", email="jan.kowalski@example.pl")
    assert a.customer_id == b.customer_id


def test_phone_ticket_by_agent_is_theirs_and_answered_at_creation(desk, staff, clock):
    new = tickets.NewTicket(
        subject="Pytanie o fakturę",
        channel="phone",
        customer=CustomerSpec(name="Anna Nowak", phone="600 123 456"),
        body="Klientka pytała o fakturę.",
    )
    t = tickets.create_ticket(desk, staff.ola, new)
    assert t.assignee_id == staff.ola.id and t.status == "open"
    assert t.first_response_at == t.created_at == t.picked_up_at
    assert t.frt_secs == 0 and t.pickup_secs == 0 and t.public_response_count == 1
    detail = ticket_detail(desk, t.id)
    assert [m.message.kind for m in detail.messages] == ["call"]
    assert detail.contacts[0].normalized == "48600123456"


def test_solved_on_first_contact(desk, staff):
    new = tickets.NewTicket(
        subject="Godziny otwarcia",
        channel="walk_in",
        customer=CustomerSpec(name="Ewa Mazur"),
        body="Podałam godziny otwarcia.",
        solved_on_first_contact=True,
    )
    t = tickets.create_ticket(desk, staff.ola, new)
    assert t.status == "solved" and t.solved_at == t.first_solved_at == t.created_at
    assert t.resolution_secs == 0
    fields = [e[1] for e in events(desk, t.id)]
    assert fields == ["created", "assignee", "status", "solved_at"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"subject": "   "}, "subject must not be empty"),
        ({"channel": "fax"}, "Unknown channel 'fax'"),
        ({"priority": "asap"}, "Unknown priority"),
    ],
)
def test_create_refuses_bad_input_and_stores_nothing(desk, staff, bad, message):
    fields = {"subject": "Ok", "customer": CustomerSpec(name="X", email="x@example.pl")} | bad
    with pytest.raises(ValidationError, match=message):
        tickets.create_ticket(desk, staff.ola, tickets.NewTicket(**fields))
    with desk.store.read() as s:
        assert s.exec(select(Ticket)).all() == []


def test_bad_email_is_refused(desk, staff):
    with pytest.raises(ValidationError, match="not a valid e-mail"):
        email_ticket(desk, email="jan@@example")


def test_take_sets_assignee_pickup_and_opens(desk, staff, clock):
    t = email_ticket(desk)
    clock.advance(minutes=12)
    taken = tickets.take(desk, staff.ola, t.id)
    assert taken.assignee_id == staff.ola.id and taken.status == "open"
    assert taken.picked_up_at == clock.now and taken.pickup_secs == 12 * 60
    assert taken.version == t.version + 1
    assert events(desk, t.id)[1:] == [
        ("Aleksandra Nowak", "team", None, "BOK Warszawa", None),
        ("Aleksandra Nowak", "assignee", None, "ola", None),
        ("Aleksandra Nowak", "picked_up_at", None, clock.now.isoformat(), None),
        ("Aleksandra Nowak", "status", "new", "open", None),
    ]


def test_take_taken_ticket_names_the_owner(desk, staff):
    t = email_ticket(desk)
    tickets.take(desk, staff.ola, t.id)
    with pytest.raises(AlreadyTaken, match="already taken by Aleksandra Nowak"):
        tickets.take(desk, staff.kasia, t.id)
    assert tickets.take(desk, staff.ola, t.id).assignee_id == staff.ola.id  # idempotent for the owner


def test_take_next_picks_most_urgent_then_oldest(desk, staff, clock):
    low = email_ticket(desk, subject="low", priority="low")
    clock.advance(minutes=1)
    urgent = email_ticket(desk, subject="urgent", priority="urgent", email="b@example.pl")
    clock.advance(minutes=1)
    normal = email_ticket(desk, subject="normal", email="c@example.pl")
    order = [tickets.take_next(desk, staff.ola).id for _ in range(3)]
    assert order == [urgent.id, normal.id, low.id]
    assert tickets.take_next(desk, staff.ola) is None


def test_take_next_respects_team_ownership(desk, staff):
    with desk.store.read() as s:
        from bokdesk.core.models import Team

        dev_team = s.exec(select(Team).where(Team.name == "Developers")).one()
    email_ticket(desk, team_id=dev_team.id)
    assert tickets.take_next(desk, staff.ola) is None
    assert tickets.take_next(desk, staff.dev) is not None


def test_transfer_needs_handover_note_and_records_it(desk, staff):
    t = email_ticket(desk)
    tickets.take(desk, staff.ola, t.id)
    with pytest.raises(ValidationError, match="handover note"):
        tickets.assign(desk, staff.ola, t.id, agent_id=staff.dev.id)
    after = tickets.assign(desk, staff.ola, t.id, agent_id=staff.dev.id, note="Błąd aplikacji, logi z 14:20.")
    assert after.assignee_id == staff.dev.id and after.transfer_count == 1
    detail = ticket_detail(desk, t.id)
    assert detail.team.name == "Developers"
    # the handover note is the agent's own words, kept apart from plain notes (no generated text)
    assert detail.messages[-1].message.kind == "handover"
    assert detail.messages[-1].message.body == "Błąd aplikacji, logi z 14:20."
    rows = events(desk, t.id)
    assert ("Aleksandra Nowak", "team", "BOK Warszawa", "Developers", "Błąd aplikacji, logi z 14:20.") in rows
    assert ("Aleksandra Nowak", "assignee", "ola", "tomek", "Błąd aplikacji, logi z 14:20.") in rows


def test_reply_stops_first_response_clock_once(desk, staff, clock):
    t = email_ticket(desk)
    clock.advance(minutes=30)
    tickets.reply(desk, staff.ola, t.id, "Dzień dobry, sprawdzamy.")
    first = get(desk, t.id)
    assert first.first_response_at == clock.now and first.frt_secs == 1800 and first.frt_bsecs == 1800
    assert first.assignee_id == staff.ola.id and first.status == "open" and first.public_response_count == 1
    clock.advance(minutes=30)
    tickets.reply(desk, staff.ola, t.id, "Jeszcze jedno.")
    second = get(desk, t.id)
    assert second.first_response_at == first.first_response_at and second.public_response_count == 2


def test_internal_note_is_not_a_response(desk, staff):
    t = email_ticket(desk)
    tickets.add_note(desk, staff.ola, t.id, "Klient dzwonił wcześniej.")
    after = get(desk, t.id)
    assert after.first_response_at is None and after.public_response_count == 0
    assert events(desk, t.id)[-1][1] == "note"


def test_call_log_counts_as_first_response(desk, staff, clock):
    t = email_ticket(desk)
    clock.advance(minutes=5)
    tickets.log_call(desk, staff.ola, t.id, "Oddzwoniłam, wyjaśnione.")
    assert get(desk, t.id).first_response_at == clock.now


def test_empty_reply_refused(desk, staff):
    t = email_ticket(desk)
    with pytest.raises(ValidationError, match="must not be empty"):
        tickets.reply(desk, staff.ola, t.id, " \n ")


def test_stale_write_is_refused_naming_who_and_when(desk, staff, clock):
    t = email_ticket(desk)
    loaded_version = t.version
    clock.advance(minutes=3)
    tickets.take(desk, staff.kasia, t.id)
    with pytest.raises(StaleWrite, match=r"changed by Katarzyna Zielińska at 2026-11-17 08:03 UTC"):
        tickets.reply(desk, staff.ola, t.id, "Moja odpowiedź", expected_version=loaded_version)
    with desk.store.read() as s:
        assert s.exec(select(Message).where(Message.kind == "reply")).all() == []


@pytest.mark.parametrize(
    "path",
    [
        ["pending", "open", "on_hold", "solved", "closed"],
        ["pending", "solved", "open", "solved"],
        ["on_hold", "pending", "on_hold", "closed"],
    ],
)
def test_allowed_transitions(desk, staff, path):
    t = email_ticket(desk)
    tickets.take(desk, staff.ola, t.id)
    for status in path:
        assert tickets.set_status(desk, staff.ola, t.id, status).status == status
    status_events = [(e[2], e[3]) for e in events(desk, t.id) if e[1] == "status"]
    assert status_events[1:] == list(zip(["open", *path[:-1]], path, strict=True))


def test_closed_is_final(desk, staff):
    t = email_ticket(desk)
    tickets.set_status(desk, staff.ola, t.id, "closed")
    for status in ("open", "solved", "pending"):
        with pytest.raises(InvalidTransition, match="closed is final"):
            tickets.set_status(desk, staff.ola, t.id, status)
    with pytest.raises(InvalidTransition):
        tickets.reply(desk, staff.ola, t.id, "x")


def test_solved_cannot_go_pending(desk, staff):
    t = email_ticket(desk)
    tickets.solve(desk, staff.ola, t.id)
    with pytest.raises(InvalidTransition, match="from solved to pending"):
        tickets.set_status(desk, staff.ola, t.id, "pending")


def test_customer_message_reopens_solved_ticket(desk, staff, clock):
    t = email_ticket(desk)
    tickets.reply(desk, staff.ola, t.id, "Naprawione.")
    clock.advance(hours=1)
    tickets.solve(desk, staff.ola, t.id)
    first_solved = get(desk, t.id).solved_at
    clock.advance(hours=2)
    result = tickets.add_customer_message(desk, SYSTEM, t.id, "Znowu nie działa.")
    assert result.reopened and result.follow_up_of is None
    after = get(desk, t.id)
    assert after.status == "open" and after.reopen_count == 1 and after.first_solved_at == first_solved
    clock.advance(hours=1)
    tickets.solve(desk, staff.ola, t.id)
    final = get(desk, t.id)
    assert final.first_solved_at == first_solved and final.solved_at == clock.now
    assert final.resolution_secs == 4 * 3600 and final.first_resolution_secs == 3600
    assert ("bokdesk", "status", "solved", "open", "customer replied") in events(desk, t.id)


def test_customer_message_on_closed_ticket_opens_linked_follow_up(desk, staff):
    t = email_ticket(desk)
    tickets.set_status(desk, staff.ola, t.id, "closed")
    result = tickets.add_customer_message(desk, SYSTEM, t.id, "Mam jeszcze pytanie.")
    assert result.follow_up_of == t.id and result.ticket.id != t.id
    follow = get(desk, result.ticket.id)
    assert follow.parent_id == t.id and follow.link_kind == "follow_up" and follow.status == "new"
    assert get(desk, t.id).status == "closed"
    assert ticket_detail(desk, t.id).follow_ups == [follow.id]


def test_pending_pauses_resolution_clock(desk, staff, clock):
    t = email_ticket(desk)
    tickets.reply(desk, staff.ola, t.id, "Proszę o zrzut ekranu.", set_status="pending")
    due_before = get(desk, t.id).resolution_due_at
    assert get(desk, t.id).next_due_at is None  # nothing is due while we wait on the customer
    clock.advance(hours=2)
    tickets.add_customer_message(desk, SYSTEM, t.id, "Zrzut w załączniku.")
    after = get(desk, t.id)
    assert after.status == "open" and after.paused_seconds == 2 * 3600
    assert (after.resolution_due_at - due_before).total_seconds() >= 2 * 3600


def test_priority_change_recomputes_due_times(desk, staff):
    t = email_ticket(desk)
    before = get(desk, t.id).frt_due_at
    tickets.set_priority(desk, staff.ola, t.id, "urgent")
    after = get(desk, t.id)
    assert after.priority == "urgent" and after.frt_due_at < before
    assert any(e[1] == "priority" and e[2] == "normal" and e[3] == "urgent" for e in events(desk, t.id))


def test_complaint_has_statutory_deadline_and_decision(desk, staff):
    t = email_ticket(desk, subject="Reklamacja: uszkodzony towar", category="complaint")
    assert (t.complaint_due_at - t.created_at).days == 14
    with pytest.raises(ValidationError, match="reason"):
        tickets.reply(desk, staff.ola, t.id, "Odrzucamy.", complaint_decision="rejected")
    tickets.reply(desk, staff.ola, t.id, "Reklamacja uznana.", complaint_decision="accepted")
    after = get(desk, t.id)
    assert after.complaint_decision == "accepted" and after.complaint_decided_at is not None


def test_tags_add_remove_with_history(desk, staff):
    t = email_ticket(desk)
    assert tickets.set_tags(desk, staff.ola, t.id, add=["Faktura", "pilne klient"]) == [
        "faktura",
        "pilne-klient",
    ]
    assert tickets.set_tags(desk, staff.ola, t.id, remove=["faktura"]) == ["pilne-klient"]
    with desk.store.read() as s:
        assert [r.tag for r in s.exec(select(TicketTag))] == ["pilne-klient"]
    assert [(e[2], e[3]) for e in events(desk, t.id) if e[1] == "tag"] == [
        (None, "faktura"),
        (None, "pilne-klient"),
        ("faktura", None),
    ]


def test_merge_closes_source_and_shows_its_conversation_in_target(desk, staff):
    a = email_ticket(desk, subject="Pierwsze")
    b = email_ticket(desk, subject="Duplikat")
    tickets.merge(desk, staff.ola, b.id, a.id, note="To samo zgłoszenie")
    src = get(desk, b.id)
    assert src.status == "closed" and src.parent_id == a.id and src.link_kind == "merged"
    detail = ticket_detail(desk, a.id)
    assert detail.merged == [b.id]
    assert {m.message.ticket_id for m in detail.messages} == {a.id, b.id}
    with pytest.raises(ValidationError):
        tickets.merge(desk, staff.ola, a.id, a.id)


def test_merge_refuses_other_customers_tickets(desk, staff):
    a = email_ticket(desk)
    b = email_ticket(desk, email="inny@example.pl")
    with pytest.raises(ValidationError, match="same customer"):
        tickets.merge(desk, staff.ola, b.id, a.id)


def test_unknown_ticket(desk, staff):
    with pytest.raises(NotFound, match="#999 does not exist"):
        tickets.take(desk, staff.ola, 999)


def test_system_cannot_take(desk, staff):
    t = email_ticket(desk)
    with pytest.raises(ValidationError, match="needs an agent"):
        tickets.take(desk, SYSTEM, t.id)


def test_international_addresses(desk, staff):
    t = email_ticket(desk, email="Jan@Żółw.pl")
    detail = ticket_detail(desk, t.id)
    assert [(c.value, c.normalized) for c in detail.contacts] == [
        ("Jan@xn--w-uga1v8h.pl", "jan@xn--w-uga1v8h.pl")
    ]
    tickets.reply(desk, staff.ola, t.id, "Dzień dobry")  # goes out to the ASCII form
    with pytest.raises(ValidationError, match="non-ASCII letters before the @"):
        email_ticket(desk, email="żółw@example.pl")
