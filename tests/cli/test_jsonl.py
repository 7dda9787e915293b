"""JSONL export/import: a lossless round trip, and a bad file imports nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from bokdesk.core.database import open_store
from bokdesk.core.demo import build_demo
from bokdesk.core.desk import Desk
from bokdesk.core.errors import ValidationError
from bokdesk.core.jsonl import export_jsonl, import_jsonl


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from datetime import UTC, datetime

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    desk = Desk(store=open_store(path))
    build_demo(
        desk,
        me="tester",
        me_name="Tester",
        seed=3,
        days=10,
        per_day=12,
        now=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
    )
    out = io.StringIO()
    export_jsonl(desk, out)
    desk.store.dispose()
    return out.getvalue(), path


def test_round_trip_is_identical(demo_export, tmp_path):
    first, _ = demo_export
    file = tmp_path / "export.jsonl"
    file.write_text(first, encoding="utf-8")
    desk = Desk(store=open_store(tmp_path / "copy.db"))
    counts = import_jsonl(desk, file)
    assert counts["ticket"] == sum(1 for line in first.splitlines() if '"type":"ticket"' in line)
    again = io.StringIO()
    export_jsonl(desk, again)
    assert again.getvalue() == first
    kinds = {json.loads(line)["type"] for line in first.splitlines()}
    assert kinds == {"header", "team", "agent", "shifts", "absence", "customer", "canned", "ticket"}
    ticket = next(json.loads(line) for line in first.splitlines() if '"type":"ticket"' in line)
    assert ticket["messages"] and ticket["history"]
    desk.store.dispose()


def _counts(desk: Desk) -> tuple[int, int]:
    with desk.store.read() as s:
        return (
            s.execute(text("SELECT count(*) FROM ticket")).scalar(),
            s.execute(text("SELECT count(*) FROM customer")).scalar(),
        )


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda lines: [*lines[:5], "{not json", *lines[5:]], "line 6: not valid JSON"),
        (
            lambda lines: (
                [
                    *lines,
                    json.dumps(
                        {
                            "type": "ticket",
                            "number": 10**6,
                            "customer": 1,
                            "subject": "",
                            "channel": "email",
                            "category": "question",
                            "priority": "normal",
                            "status": "new",
                            "created_at": "2026-11-01T10:00:00Z",
                        }
                    ),
                ]
            ),
            "empty subject",
        ),
        (lambda lines: [*lines, lines[-1]], "appears twice"),
    ],
)
def test_bad_line_imports_nothing(demo_export, tmp_path, mutate, message):
    first, _ = demo_export
    lines = first.splitlines()
    file = tmp_path / "bad.jsonl"
    file.write_text("\n".join(mutate(lines)) + "\n", encoding="utf-8")
    desk = Desk(store=open_store(tmp_path / "target.db"))
    with pytest.raises(ValidationError, match=message):
        import_jsonl(desk, file)
    assert _counts(desk) == (0, 0)
    desk.store.dispose()


def test_importing_twice_is_refused(demo_export, tmp_path):
    first, _ = demo_export
    file = tmp_path / "export.jsonl"
    file.write_text(first, encoding="utf-8")
    desk = Desk(store=open_store(tmp_path / "twice.db"))
    import_jsonl(desk, file)
    before = _counts(desk)
    with pytest.raises(ValidationError, match="already exists"):
        import_jsonl(desk, file)
    assert _counts(desk) == before
    desk.store.dispose()
