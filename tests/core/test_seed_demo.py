"""Demo and seed data: believable, deterministic, searchable, and consistent with the services."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from sqlalchemy import text

from bokdesk.core import demo_data as data
from bokdesk.core.database import open_store
from bokdesk.core.demo import build_demo
from bokdesk.core.desk import Desk
from bokdesk.core.jsonl import export_jsonl
from bokdesk.core.seed import seed

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _demo_export(path) -> tuple[str, dict[str, int], Desk]:
    desk = Desk(store=open_store(path))
    counts = build_demo(desk, me="tester", me_name="Tester", seed=11, days=8, per_day=14, now=NOW)
    out = io.StringIO()
    export_jsonl(desk, out)
    return out.getvalue(), counts, desk


def test_demo_is_deterministic_and_believable(tmp_path):
    first, counts, desk = _demo_export(tmp_path / "a.db")
    second, _, other = _demo_export(tmp_path / "b.db")
    # Outgoing Message-IDs are random by design (RFC 5322 uniqueness); everything else repeats.
    random_ids = re.compile(r"[^\"<> ]+@bokdesk\.invalid")
    assert random_ids.sub("ID", first) == random_ids.sub("ID", second)
    with desk.store.read() as s:
        q = lambda sql: s.execute(text(sql)).scalar()  # noqa: E731
        assert q("SELECT count(*) FROM ticket") == counts["tickets"] > 50
        assert q("SELECT count(DISTINCT channel) FROM ticket") >= 5
        assert q("SELECT count(*) FROM ticket WHERE category = 'complaint'") > 0
        assert q("SELECT count(*) FROM ticket WHERE transfer_count > 0") > 0
        assert q("SELECT count(*) FROM ticket WHERE reopen_count > 0") > 0
        assert q("SELECT count(*) FROM surveyanswer") == counts["surveys"] > 0
        assert q("SELECT count(DISTINCT language) FROM cannedresponse") == 2
        assert q("SELECT count(*) FROM team") == 2
        assert q("SELECT role FROM agent WHERE login = 'tester'") == "supervisor"
        assert q("SELECT count(*) FROM ticket WHERE status IN ('new','open') AND assignee_id IS NULL") > 0
        # Every ticket's history starts with its creation, and durations match its timestamps.
        assert (
            q(
                "SELECT count(*) FROM ticket t WHERE NOT EXISTS (SELECT 1 FROM ticketevent e "
                "WHERE e.ticket_id = t.id AND e.field = 'created')"
            )
            == 0
        )
        assert q("SELECT count(*) FROM ticket WHERE first_response_at IS NOT NULL AND frt_secs IS NULL") == 0
    desk.store.dispose()
    other.store.dispose()


def test_seed_writes_searchable_consistent_tickets(tmp_path):
    desk = Desk(store=open_store(tmp_path / "seed.db"), clock=lambda: NOW)
    seen = []
    assert seed(desk, 1200, progress=seen.append) == 1200
    assert sum(seen) == 1200
    assert seed(desk, 300) == 300  # appending to a seeded desk continues the numbering
    with desk.store.read() as s:
        q = lambda sql: s.execute(text(sql)).scalar()  # noqa: E731
        assert q("SELECT count(*) FROM ticket") == 1500 and q("SELECT max(id) FROM ticket") == 1500
        assert q("SELECT count(*) FROM ticket_search") == 1500
        assert (
            q("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ticket_search%'") == 6
        )
        assert q("SELECT count(*) FROM ticket_search WHERE ticket_search MATCH 'zalogowac'") > 0
        assert q("SELECT count(*) FROM ticket WHERE solved_at IS NOT NULL AND resolution_secs IS NULL") == 0
        assert q("SELECT count(*) FROM ticket WHERE status IN ('new','open','pending','on_hold')") > 0
        assert q("PRAGMA integrity_check") == "ok"
        # the desk's known answers come with the roster, once, shared by everyone
        assert q("SELECT count(*) FROM cannedresponse WHERE owner_id IS NULL") == len(data.CANNED)
        assert q("SELECT count(DISTINCT language) FROM cannedresponse") == 2
    desk.store.dispose()
