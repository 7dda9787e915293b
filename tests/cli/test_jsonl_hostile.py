"""A hostile or careless JSONL file: every field checked as the services would, ``line N: …``,
nothing stored; and importing the same canned responses twice adds them once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from bokdesk.cli import main
from bokdesk.core.database import open_store
from bokdesk.core.desk import Desk
from bokdesk.core.jsonl import ImportError_, import_jsonl

HEADER = {"type": "header", "format": "bokdesk-jsonl", "version": 1}
TEAM = {"type": "team", "name": "BOK", "kind": "office", "assignment_mode": "manual"}
AGENT = {"type": "agent", "login": "ola", "name": "Ola", "role": "agent", "team": "BOK", "active": True}
CUSTOMER = {"type": "customer", "id": 1, "name": "Jan", "emails": ["jan@example.pl"], "phones": []}
CANNED = {"type": "canned", "title": "Powitanie", "shortcut": "hello", "body": "Dzień dobry", "owner": None}


def ticket(**changes):
    record = {
        "type": "ticket",
        "number": 1,
        "customer": 1,
        "subject": "Faktura",
        "channel": "email",
        "category": "question",
        "priority": "normal",
        "status": "open",
        "direction": "inbound",
        "created_at": "2026-11-01T10:00:00Z",
        "assignee": "ola",
        "team": "BOK",
        "tags": ["faktura"],
        "messages": [{"kind": "customer", "body": "Pytanie", "created_at": "2026-11-01T10:00:00Z"}],
        "paused_seconds": 0,
        "version": 1,
    }
    record.update(changes)
    return record


def write(path: Path, records: list) -> Path:
    path.write_text("".join(r if isinstance(r, str) else json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture
def desk(tmp_path):
    d = Desk(store=open_store(tmp_path / "target.db"))
    yield d
    d.store.dispose()


def counts(desk) -> tuple[int, ...]:
    with desk.store.read() as s:
        return tuple(
            s.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("ticket", "customer", "agent", "team", "cannedresponse", "message")
        )


def test_a_good_file_imports(desk, tmp_path):
    file = write(tmp_path / "ok.jsonl", [HEADER, TEAM, AGENT, CUSTOMER, CANNED, ticket()])
    assert import_jsonl(desk, file)["ticket"] == 1


LINE = 6  # the ticket's line
HOSTILE = [
    ("paused text", ticket(paused_seconds="lots"), "line 6: paused_seconds must be a whole number"),
    ("huge version", ticket(version=2**70), "line 6: version must be a whole number"),
    ("bool count", ticket(reopen_count=True), "line 6: reopen_count must be a whole number"),
    ("unknown assignee", ticket(assignee="mallory"), "line 6: unknown agent 'mallory'"),
    ("unknown team", ticket(team="Nowhere"), "line 6: unknown team 'Nowhere'"),
    ("own parent", ticket(parent=1), "line 6: ticket #1 cannot be its own parent"),
    ("missing parent", ticket(parent=99), "line 6: parent ticket #99 is neither in the file"),
    ("long subject", ticket(subject="x" * 100_000), "line 6: subject is longer than 500 characters"),
    (
        "huge body",
        ticket(
            messages=[{"kind": "customer", "body": "x" * 1_000_001, "created_at": "2026-11-01T10:00:00Z"}]
        ),
        "line 6: messages.body is longer than 1000000 characters",
    ),
    ("tag object", ticket(tags=[{}]), "line 6: a tag must be non-empty text"),
    ("tags text", ticket(tags="abc"), "line 6: tags must be a list"),
    ("bad flag", ticket(frt_breached="yes"), "line 6: frt_breached must be true or false"),
    ("bad direction", ticket(direction="sideways"), "line 6: unknown direction 'sideways'"),
    (
        "unknown author",
        ticket(
            messages=[{"kind": "reply", "author": "eve", "body": "x", "created_at": "2026-11-01T10:00:00Z"}]
        ),
        "line 6: unknown agent 'eve'",
    ),
    ("deep", "[" * 100_000 + "]" * 100_000 + "\n", "line 6: not valid JSON"),
    ("long number", '{"type": "ticket", "number": ' + "9" * 5000 + "}\n", "line 6: not valid JSON"),
]


@pytest.mark.parametrize("record, message", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_a_hostile_line_is_named_and_nothing_is_stored(desk, tmp_path, record, message):
    file = write(tmp_path / "bad.jsonl", [HEADER, TEAM, AGENT, CUSTOMER, CANNED, record])
    before = counts(desk)
    with pytest.raises(ImportError_) as refused:
        import_jsonl(desk, file)
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value) and "INSERT" not in str(refused.value)
    assert refused.value.code == "import_line"
    assert counts(desk) == before


@pytest.mark.parametrize(
    "record, message",
    [
        ({**CANNED, "shortcut": "Zła skrót!"}, "line 5: The shortcut must be 1-40 characters"),
        ({**CANNED, "owner": "mallory"}, "line 5: unknown agent 'mallory'"),
        ({**CUSTOMER, "id": "1"}, "line 5: id must be a whole number"),
        ({**CUSTOMER, "emails": [{}]}, "line 5: emails must be a list"),
    ],
)
def test_other_records_are_checked_too(desk, tmp_path, record, message):
    file = write(tmp_path / "bad.jsonl", [HEADER, TEAM, AGENT, CUSTOMER, record])
    with pytest.raises(ImportError_, match=message):
        import_jsonl(desk, file)
    assert counts(desk) == (0, 0, 0, 0, 0, 0)


def test_the_command_says_one_line(tmp_path, capsys):
    file = write(tmp_path / "bad.jsonl", [HEADER, TEAM, AGENT, CUSTOMER, CANNED, ticket(version=2**70)])
    code = main(["import", "jsonl", str(file), "--db", str(tmp_path / "cli.db")])
    out, err = capsys.readouterr()
    assert code != 0 and code != 70
    assert err.strip().count("\n") == 0 and "line 6: version must be a whole number" in err
    assert "Traceback" not in err and "INSERT" not in err


def test_importing_cannedresponses_twice_adds_them_once(desk, tmp_path):
    personal = {**CANNED, "title": "Moje", "owner": "ola"}
    file = write(tmp_path / "canned.jsonl", [HEADER, TEAM, AGENT, CANNED, personal, CANNED])
    assert import_jsonl(desk, file)["canned"] == 2  # the same shortcut twice in a file: once
    assert import_jsonl(desk, file)["canned"] == 0
    with desk.store.read() as s:
        rows = s.execute(text("SELECT shortcut, owner_id IS NULL FROM cannedresponse ORDER BY 2")).all()
    assert sorted(rows) == [("hello", False), ("hello", True)]
