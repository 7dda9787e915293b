"""Search on both backends: the index follows every change (its triggers), and on PostgreSQL the
typed words are folded exactly as the index folds the text."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bokdesk.core import search
from bokdesk.core.desk import SYSTEM
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres


def found(desk, typed):
    return [r.id for r in search.search(desk, typed).items]


def test_the_index_follows_replies_renames_and_new_contacts(desk, staff):
    ticket = tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject="Kaloryfer cieknie",
            customer=CustomerSpec(name="Jan Kowalski", email="jan@example.pl"),
            body="Woda na podłodze.",
        ),
    ).id
    assert found(desk, "podlodze") == [ticket]  # the first message, without Polish letters
    tickets.take(desk, staff.ola, ticket)
    tickets.reply(desk, staff.ola, ticket, "Hydraulik przyjedzie jutro.")
    assert found(desk, "hydraulik") == [ticket]  # a reply's body
    assert found(desk, "KOWALSKI kalor") == [ticket]  # customer and subject together, prefixes
    assert found(desk, "Kowalski Hydraulik Zebra") == []  # every word must match
    # The customer calls from a new phone: the contact joins the customer, and the first
    # ticket is found by it too (the contact trigger updates every ticket of the customer).
    tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject="Telefon",
            customer=CustomerSpec(name="Jan Kowalski", email="jan@example.pl", phone="+48 601 222 333"),
        ),
    )
    assert ticket in found(desk, "601 222 333")
    assert ticket in found(desk, "601222333")
    with desk.store.write() as s:  # a rename (the customer trigger)
        s.execute(
            text(
                "UPDATE customer SET name = 'Jan Żółtowski' WHERE id = "
                "(SELECT customer_id FROM ticket WHERE id = :t)"
            ),
            {"t": ticket},
        )
    assert ticket in found(desk, "zoltowski")
    assert ticket not in found(desk, "kowalski")


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_typed_words_are_folded_as_the_index_folds(desk):
    with desk.store.read() as s:
        for letter, plain in zip(search.FOLD_FROM, search.FOLD_TO, strict=True):
            assert s.execute(text("SELECT bokdesk_fold(:v)"), {"v": letter}).scalar() == plain, letter
        assert (
            s.execute(text("SELECT bokdesk_fold(:v)"), {"v": "Jan.Kowalski@Example.pl, ŻÓŁW"}).scalar()
            == "jan kowalski example pl zolw"
        )


def test_tsquery_expression_is_never_syntax():
    assert search.tsquery_expression("Żółw  płatność") == "zolw:* & platnosc:*"
    assert search.tsquery_expression("a & b | !c <-> (d) :* 'x'") is None  # one-letter words only
    assert search.tsquery_expression("faktura & (zwrot)") == "faktura:* & zwrot:*"
    assert search.tsquery_expression("601 222 333") == "(601:* & 222:* & 333:*) | 601222333:*B"
    assert search.tsquery_expression("") is None
