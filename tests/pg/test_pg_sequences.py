"""Rows written with explicit ids (JSONL import, the synthetic seed) leave PostgreSQL's id
sequences behind them, so the next ticket created by a service gets a free number."""

from __future__ import annotations

import io

import pytest

from bokdesk.core import jsonl, seed
from bokdesk.core.database import open_url
from bokdesk.core.desk import SYSTEM, Desk
from bokdesk.core.services import tickets
from bokdesk.core.services.customers import CustomerSpec

pytestmark = pytest.mark.postgres


def _new(desk, email="nowy@example.pl"):
    return tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(subject="Po imporcie", customer=CustomerSpec(name="Nowy Klient", email=email)),
    ).id


def test_a_ticket_after_a_jsonl_import_gets_the_next_number(desk, staff, tmp_path, clock, new_store_url):
    for n in range(3):
        _new(desk, f"k{n}@example.pl")
    out = io.StringIO()
    jsonl.export_jsonl(desk, out)
    # Into an empty desk of the same backend: tickets 1-3 and their customers keep their ids.
    path = tmp_path / "desk.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    target_store = open_url(new_store_url())
    try:
        target = Desk(store=target_store, clock=clock)
        counts = jsonl.import_jsonl(target, path)
        assert counts["ticket"] == 3
        assert _new(target, "k1@example.pl") == 4  # an imported customer, a new ticket number
        assert _new(target, "inny@example.pl") == 5  # a new customer too
    finally:
        target_store.dispose()


def test_a_ticket_after_the_synthetic_seed_gets_the_next_number(desk, staff):
    written = seed.seed(desk, 25, days=30)
    assert written == 25
    assert _new(desk) == 26
