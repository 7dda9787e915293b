"""Two connections at once, on SQLite and on PostgreSQL: the write lock makes "read, decide, write"
atomic (a claim that lost is told who won), and the change signal sees the other's commits."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlmodel import select

from bokdesk.core.database import open_url
from bokdesk.core.desk import SYSTEM, Desk
from bokdesk.core.errors import AlreadyTaken, StaleWrite
from bokdesk.core.models import Ticket, TicketEvent
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.ui.live import ChangeDetector

pytestmark = pytest.mark.postgres


def _ticket(desk, n=0):
    return tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject=f"Sprawa {n}", customer=CustomerSpec(name="Jan Kowalski", email=f"jan{n}@example.pl")
        ),
    ).id


def test_a_claim_waits_for_the_open_write_and_is_told_who_won(desk, staff, store_url, clock):
    """Ola's console holds a write transaction that claims #1 when Kasia's take starts; Kasia's take
    must wait for it (not read the ticket as free and overwrite the claim) and then refuse."""
    ticket_id = _ticket(desk)
    other = open_url(store_url)
    kasia_desk = Desk(store=other, clock=clock)
    holding, result = threading.Event(), {}

    def kasia() -> None:
        holding.wait(10)
        try:
            tickets.take(kasia_desk, staff.kasia, ticket_id)
            result["kasia"] = "took it"
        except AlreadyTaken as exc:
            result["kasia"] = str(exc)

    thread = threading.Thread(target=kasia)
    thread.start()
    try:
        with desk.store.write() as session:
            session.execute(
                text("UPDATE ticket SET assignee_id = :ola, version = version + 1 WHERE id = :id"),
                {"ola": staff.ola.id, "id": ticket_id},
            )
            holding.set()
            thread.join(0.5)  # Kasia's take is under way; it must not finish while Ola's write is open
            result["during"] = "kasia" in result
    finally:
        thread.join(30)
        other.dispose()
    assert result["during"] is False
    assert "already taken by Aleksandra Nowak" in result["kasia"]
    with desk.store.read() as session:
        assert session.get(Ticket, ticket_id).assignee_id == staff.ola.id


def test_racing_take_next_hands_every_ticket_out_once(desk, staff, store_url, clock):
    ids = {_ticket(desk, n) for n in range(24)}
    agents = [staff.ola, staff.kasia, staff.boss, staff.admin]
    stores = [open_url(store_url) for _ in agents]
    try:

        def work(i: int) -> list[int]:
            mine, d = [], Desk(store=stores[i], clock=clock)
            while (ticket := tickets.take_next(d, agents[i])) is not None:
                mine.append(ticket.id)
            return mine

        with ThreadPoolExecutor(len(agents)) as pool:
            taken = list(pool.map(work, range(len(agents))))
    finally:
        for store in stores:
            store.dispose()
    flat = [t for batch in taken for t in batch]
    assert sorted(flat) == sorted(ids)  # each ticket exactly once
    with desk.store.read() as session:
        claims = session.exec(select(TicketEvent).where(TicketEvent.field == "assignee")).all()
        assert len(claims) == len(ids)
        for batch, agent in zip(taken, agents, strict=True):
            for ticket_id in batch:
                assert session.get(Ticket, ticket_id).assignee_id == agent.id


def test_a_stale_version_is_refused_across_connections(desk, staff, store_url, clock):
    ticket_id = _ticket(desk)
    seen = tickets.take(desk, staff.ola, ticket_id).version
    other = open_url(store_url)
    try:
        tickets.add_note(
            Desk(store=other, clock=clock), staff.ola, ticket_id, "Z drugiej konsoli.", expected_version=seen
        )
    finally:
        other.dispose()
    with pytest.raises(StaleWrite):
        tickets.set_status(desk, staff.ola, ticket_id, "pending", expected_version=seen)


def test_change_signal_sees_another_connections_commit_and_nothing_else(desk, staff, store_url, clock):
    detector = ChangeDetector(desk.store)
    other = open_url(store_url)
    try:
        assert detector.poll() is True  # the first poll
        assert detector.poll() is False  # idle
        other_desk = Desk(store=other, clock=clock)
        with other.read() as session:
            session.execute(text("SELECT count(*) FROM ticket")).scalar()
        assert detector.poll() is False  # a read is no change
        _ticket(other_desk)
        assert detector.poll() is True  # another connection committed
        assert detector.poll() is False
        _ticket(desk)  # this console's own write, through its pooled connection
        assert detector.poll() is True
    finally:
        detector.close()
        other.dispose()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_timestamps_come_back_in_utc_whatever_the_servers_time_zone(desk, staff, clock):
    """The test server runs in Europe/Warsaw; the store's sessions are UTC, so what was written
    at 08:00 UTC reads back as 08:00+00:00 (and a stale-write message says 08:00 UTC)."""
    with desk.store.read() as session:
        assert session.execute(text("SHOW timezone")).scalar() == "UTC"
    ticket_id = _ticket(desk)
    with desk.store.read() as session:
        created = session.get(Ticket, ticket_id).created_at
    assert created == clock.now and created.utcoffset().total_seconds() == 0
    seen = tickets.take(desk, staff.ola, ticket_id).version
    tickets.add_note(desk, staff.kasia, ticket_id, "Notatka.")
    with pytest.raises(StaleWrite, match="08:00 UTC"):
        tickets.add_note(desk, staff.ola, ticket_id, "Druga.", expected_version=seen)


def test_racing_autosaves_of_one_draft_keep_one_row(desk, staff, store_url, clock):
    """Two consoles of one agent autosave the same draft at once (read, then insert or update):
    the write lock makes it one row, never a unique-constraint error."""
    from bokdesk.core.services import drafts

    ticket_id = _ticket(desk)
    stores = [open_url(store_url) for _ in range(2)]
    try:

        def typing(i: int) -> None:
            d = Desk(store=stores[i], clock=clock)
            for n in range(15):
                drafts.save(d, staff.ola, ticket_id, "reply", f"Szkic {i}.{n}")

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(typing, range(2)))
    finally:
        for store in stores:
            store.dispose()
    assert len(drafts.for_ticket(desk, staff.ola, ticket_id)) == 1
    assert drafts.load(desk, staff.ola, ticket_id, "reply").body.endswith(".14")
    drafts.discard(desk, staff.ola, ticket_id, "reply")
    assert drafts.load(desk, staff.ola, ticket_id, "reply") is None


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_write_that_waits_too_long_fails_whole_with_the_busy_message(desk, staff, store_url, clock):
    """As SQLite's busy timeout: past lock_timeout the waiting write fails with the desk's message."""
    from bokdesk.core.errors import DatabaseError

    ticket_id = _ticket(desk)
    other = open_url(store_url)
    try:
        with desk.store.write() as session:
            session.execute(text("SELECT 1"))  # the transaction begins: it holds the desk's write lock
            with other.engine.connect() as conn:
                conn.exec_driver_sql("SET lock_timeout = 200")  # not 30 s in a test
                conn.commit()
            with pytest.raises(DatabaseError, match="stayed busy"), other.write() as waiting:
                waiting.execute(text("UPDATE ticket SET subject = 'x' WHERE id = :id"), {"id": ticket_id})
    finally:
        other.dispose()
    with desk.store.read() as session:
        assert session.get(Ticket, ticket_id).subject == "Sprawa 0"
    with desk.store.read() as session:
        assert session.execute(text("SHOW lock_timeout")).scalar() == "30s"
