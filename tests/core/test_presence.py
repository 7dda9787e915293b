"""Presence and collisions: who is online, who has a ticket open, and never a silent overwrite."""

from __future__ import annotations

import pytest

from bokdesk.core.desk import SYSTEM
from bokdesk.core.errors import AlreadyTaken, NotFound, StaleWrite, ValidationError
from bokdesk.core.services import agents, drafts, presence, tickets
from bokdesk.core.services.customers import CustomerSpec


@pytest.fixture
def ticket(desk, staff):
    spec = CustomerSpec(name="Jan Kowalski", email="jan@example.pl")
    return tickets.create_ticket(
        desk, SYSTEM, tickets.NewTicket(subject="Zwrot", customer=spec, body="Proszę o zwrot.")
    )


def test_others_see_who_is_viewing_and_who_is_replying(desk, staff, ticket):
    presence.touch(desk, staff.ola, ticket.id, "replying")
    presence.touch(desk, staff.kasia, ticket.id)
    presence.touch(desk, staff.boss, ticket.id, "noting")
    seen_by_kasia = presence.others(desk, staff.kasia, ticket.id)
    assert [(v.login, v.activity) for v in seen_by_kasia] == [("ola", "replying"), ("marek", "noting")]
    assert seen_by_kasia[0].writing and seen_by_kasia[0].sentence == "Aleksandra Nowak is replying"
    assert (
        presence.summary(seen_by_kasia) == "Aleksandra Nowak is replying; Marek Wiśniewski is writing a note"
    )
    assert [v.login for v in presence.others(desk, staff.ola, ticket.id)] == ["marek", "kasia"]


def test_touch_updates_the_activity_and_leave_removes_the_entry(desk, staff, ticket):
    presence.touch(desk, staff.ola, ticket.id, "replying")
    presence.touch(desk, staff.ola, ticket.id, "viewing")
    assert [v.activity for v in presence.others(desk, staff.kasia, ticket.id)] == ["viewing"]
    presence.leave(desk, staff.ola, ticket.id)
    assert presence.others(desk, staff.kasia, ticket.id) == []
    presence.touch(desk, staff.ola, ticket.id)
    presence.leave(desk, staff.ola)  # the console quits: all of mine
    assert presence.others(desk, staff.kasia, ticket.id) == []


def test_stale_entries_expire_and_are_purged(desk, staff, ticket, clock):
    presence.touch(desk, staff.ola, ticket.id, "replying")
    clock.advance(seconds=presence.TTL_SECONDS - 1)
    assert len(presence.others(desk, staff.kasia, ticket.id)) == 1
    clock.advance(seconds=2)  # Ola's console was killed: no refresh, no leave
    assert presence.others(desk, staff.kasia, ticket.id) == []
    presence.touch(desk, staff.kasia, ticket.id)  # the next writer deletes the dead row
    from sqlmodel import select

    from bokdesk.core.models import Presence

    with desk.store.read() as s:
        assert [(p.agent_id) for p in s.exec(select(Presence)).all()] == [staff.kasia.id]


def test_bad_activity_or_ticket_is_refused(desk, staff, ticket):
    with pytest.raises(ValidationError, match="Unknown activity"):
        presence.touch(desk, staff.ola, ticket.id, "typing")
    with pytest.raises(NotFound):
        presence.touch(desk, staff.ola, 999)


def test_online_agents_and_their_status(desk, staff, ticket, clock):
    presence.heartbeat(desk, staff.ola)
    presence.touch(desk, staff.kasia, ticket.id, "replying")
    agents.set_status(desk, staff.boss, "away")
    by_login = {a.login: a for a in presence.online(desk)}
    assert by_login["ola"].state == "available" and by_login["ola"].online
    assert by_login["kasia"].open_tickets == ((ticket.id, "replying"),)
    assert by_login["marek"].state == "away"
    assert by_login["tomek"].state == "offline" and by_login["tomek"].last_seen_at is None
    assert presence.available_count(desk) == 2
    assert presence.available_count(desk, staff.dev.team_id) == 0
    clock.advance(minutes=5)  # nobody heard from since
    assert presence.online(desk, include_offline=False) == []
    assert {a.state for a in presence.online(desk)} == {"offline"}


def test_viewers_by_ticket_for_the_queue(desk, staff, ticket):
    other = tickets.create_ticket(
        desk, SYSTEM, tickets.NewTicket(subject="Inny", customer=CustomerSpec(name="Ewa"))
    )
    presence.touch(desk, staff.ola, ticket.id)
    presence.touch(desk, staff.kasia, other.id, "replying")
    seen = presence.viewers_by_ticket(desk, staff.ola, [ticket.id, other.id])
    assert list(seen) == [other.id] and seen[other.id][0].login == "kasia"
    assert presence.viewers_by_ticket(desk, staff.ola, []) == {}


def test_watch_shows_the_change_underneath(desk, staff, ticket):
    opened = presence.watch(desk, staff.ola, ticket.id)
    presence.touch(desk, staff.kasia, ticket.id, "replying")
    tickets.take(desk, staff.kasia, ticket.id)
    now = presence.watch(desk, staff.ola, ticket.id)
    assert now.changed_since(opened.version) and not opened.changed_since(opened.version)
    assert now.assignee_name == "Katarzyna Zielińska" and now.last_change_by == "Katarzyna Zielińska"
    assert [v.login for v in now.others] == ["kasia"]


def test_taking_a_just_taken_ticket_says_who_has_it(desk, staff, ticket):
    seen = presence.watch(desk, staff.ola, ticket.id)
    tickets.take(desk, staff.kasia, ticket.id)
    with pytest.raises(AlreadyTaken, match="already taken by Katarzyna Zielińska"):
        tickets.take(desk, staff.ola, ticket.id, expected_version=seen.version)


def test_a_reply_to_a_changed_ticket_is_refused_and_the_draft_survives(desk, staff, ticket, clock):
    tickets.take(desk, staff.ola, ticket.id)
    loaded = presence.watch(desk, staff.ola, ticket.id)
    loaded_at = clock.now
    drafts.save(
        desk, staff.ola, ticket.id, "reply", "Dzień dobry, zwrot zlecony.", base_version=loaded.version
    )
    clock.advance(minutes=2)
    tickets.add_note(desk, staff.boss, ticket.id, "Sprawdziłem, zwrot OK.")
    with pytest.raises(StaleWrite, match="changed by Marek Wiśniewski"):
        tickets.reply(
            desk, staff.ola, ticket.id, "Dzień dobry, zwrot zlecony.", expected_version=loaded.version
        )
    draft = drafts.load(desk, staff.ola, ticket.id, "reply")
    assert (
        draft is not None
        and draft.body == "Dzień dobry, zwrot zlecony."
        and draft.base_version == loaded.version
    )
    report = presence.changes_since(desk, staff.ola, ticket.id, loaded.version, loaded_at)
    assert report.changed and report.safe_to_send and report.other_replies == []
    assert [e.field for e in report.events] == ["note"]
    # send anyway (the UI's third choice): no version check, the draft goes
    tickets.reply(desk, staff.ola, ticket.id, draft.body)
    drafts.discard(desk, staff.ola, ticket.id, "reply")
    assert drafts.load(desk, staff.ola, ticket.id, "reply") is None


def test_send_anyway_is_unsafe_when_a_colleague_answered_or_it_closed(desk, staff, ticket, clock):
    tickets.take(desk, staff.ola, ticket.id)
    base, since = presence.watch(desk, staff.ola, ticket.id).version, clock.now
    clock.advance(minutes=1)
    tickets.reply(desk, staff.boss, ticket.id, "Zwrot już zlecony.")  # a supervisor may answer it
    tickets.add_customer_message(desk, SYSTEM, ticket.id, "Dziękuję!")
    report = presence.changes_since(desk, staff.ola, ticket.id, base, since)
    assert not report.safe_to_send
    said = [r.english() for r in report.reasons]
    assert any(r.startswith("Marek Wiśniewski answered the customer at ") for r in said), said
    assert any(r.startswith("The customer wrote again at ") for r in said), said
    tickets.set_status(desk, staff.ola, ticket.id, "closed")
    closed = presence.changes_since(desk, staff.ola, ticket.id, base, since)
    assert closed.status == "closed"
    assert closed.reasons[-1].english() == "The ticket is closed; a new message needs a follow-up ticket."


def test_unchanged_ticket_reports_nothing(desk, staff, ticket, clock):
    seen = presence.watch(desk, staff.ola, ticket.id)
    report = presence.changes_since(desk, staff.ola, ticket.id, seen.version, clock.now)
    assert not report.changed and report.events == [] and report.reasons == [] and report.safe_to_send
