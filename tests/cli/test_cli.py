"""The command line: every scripting command, --json shapes, and bad input without tracebacks."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bokdesk.cli import main

ME = os.environ.get("USER") or __import__("getpass").getuser()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.delenv("BOKDESK_DB", raising=False)
    monkeypatch.delenv("BOKDESK_CONFIG", raising=False)
    path = tmp_path / "desk.db"
    assert main(["db", "upgrade", "--db", str(path)]) == 0  # only a few commands create a desk
    assert (
        main(
            [
                "agent",
                "add",
                ME,
                "--name",
                "Test Admin",
                "--role",
                "admin",
                "--team",
                "BOK Warszawa",
                "--db",
                str(path),
            ]
        )
        == 0
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ticket_lifecycle_through_the_cli(db, capsys):
    code, out, _ = run(
        capsys,
        "ticket",
        "new",
        "--subject",
        "Brak faktury",
        "--email",
        "anna@example.pl",
        "--name",
        "Anna Nowak",
        "--body",
        "Nie dostałam faktury.",
        "--json",
        "--db",
        str(db),
    )
    assert code == 0
    created = json.loads(out)
    assert (
        created["number"] == 1 and created["status"] == "new" and created["customer"]["name"] == "Anna Nowak"
    )
    code, out, _ = run(capsys, "ticket", "list", "--view", "unassigned", "--json", "--db", str(db))
    assert [r["number"] for r in json.loads(out)] == [1]
    code, out, _ = run(capsys, "ticket", "take-next", "--json", "--db", str(db))
    assert json.loads(out)["assignee"] == ME
    code, out, _ = run(
        capsys, "ticket", "reply", "1", "--body", "Wysłaliśmy fakturę.", "--json", "--db", str(db)
    )
    assert json.loads(out)["timestamps"]["first_response_at"] is not None
    code, out, _ = run(capsys, "ticket", "note", "1", "--body", "Sprawdzone w systemie.", "--db", str(db))
    assert code == 0
    code, out, _ = run(capsys, "ticket", "status", "1", "solved", "--json", "--db", str(db))
    shown = json.loads(out)
    assert shown["status"] == "solved"
    assert [m["kind"] for m in shown["messages"]] == ["customer", "reply", "note"]
    code, out, _ = run(capsys, "ticket", "show", "1", "--db", str(db))
    assert "Brak faktury" in out and "history:" in out
    code, out, _ = run(capsys, "ticket", "take-next", "--db", str(db))
    assert "No unassigned ticket" in out


def test_body_from_stdin(db, capsys, monkeypatch):
    run(
        capsys,
        "ticket",
        "new",
        "--subject",
        "S",
        "--phone",
        "600100200",
        "--channel",
        "phone",
        "--db",
        str(db),
    )
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("Treść z potoku\n"))
    code, out, _ = run(capsys, "ticket", "note", "1", "--body", "-", "--json", "--db", str(db))
    assert json.loads(out)["messages"][-1]["body"] == "Treść z potoku\n"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["ticket", "show", "42"], "Ticket #42 does not exist"),
        (["ticket", "new", "--subject", " ", "--email", "a@example.pl"], "subject must not be empty"),
        (["ticket", "new", "--subject", "x", "--email", "a@@example"], "not a valid e-mail address"),
        (["ticket", "status", "1", "flying"], "Unknown status 'flying'"),
        (["ticket", "list", "--view", "everything"], "Unknown view"),
        (["agent", "add", "Bad Login", "--name", "X"], "not a valid login"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(db, capsys, argv, message):
    run(capsys, "ticket", "new", "--subject", "Jeden", "--email", "jeden@example.pl", "--db", str(db))
    before = db.read_bytes()
    code, out, err = run(capsys, *argv, "--db", str(db))
    assert code != 0
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM ticket").fetchone()[0] == 1
    con.close()
    del before


def test_unknown_login_is_told_how_to_be_added(db, capsys, tmp_path):
    other = tmp_path / "other.db"
    main(["db", "upgrade", "--db", str(other)])
    main(["agent", "add", "someone", "--name", "Some One", "--role", "admin", "--db", str(other)])
    code, _, err = run(capsys, "ticket", "take-next", "--db", str(other))
    assert code == 4 and f"{ME!r} is not an agent" in err and "bokdesk agent add" in err


def test_as_is_refused_unless_site_config_allows_it(db, capsys):
    code, _, err = run(capsys, "--as", "ola", "ticket", "take-next", "--db", str(db))
    assert code != 0 and "--as is not allowed" in err


def test_foreign_file_and_missing_directory(capsys, tmp_path):
    foreign = tmp_path / "photo.jpg"
    foreign.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 200)
    code, _, err = run(capsys, "ticket", "list", "--db", str(foreign))
    assert code == 3 and "not a bokdesk database" in err
    assert foreign.read_bytes() == b"\xff\xd8\xff\xe0" + b"\x00" * 200
    code, _, err = run(capsys, "ticket", "list", "--db", str(tmp_path / "missing" / "x.db"))
    assert code == 3 and "does not exist" in err


def test_db_check_backup_and_upgrade(db, capsys, tmp_path):
    assert run(capsys, "db", "upgrade", "--db", str(db))[0] == 0
    code, out, _ = run(capsys, "db", "check", "--db", str(db))
    assert code == 0 and out.strip() == "ok"
    dest = tmp_path / "backup.db"
    code, out, _ = run(capsys, "db", "backup", str(dest), "--db", str(db))
    assert code == 0 and "integrity ok" in out
    code, out, _ = run(capsys, "agent", "list", "--json", "--db", str(dest))
    assert json.loads(out)[0]["login"] == ME
    code, _, err = run(capsys, "db", "backup", str(dest), "--db", str(db))
    assert code != 0 and "already exists" in err


def test_malformed_config_is_a_clear_error(db, capsys, tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[calendar\ntimezone = 'Europe/Warsaw'\n")
    code, _, err = run(capsys, "ticket", "list", "--config", str(cfg), "--db", str(db))
    assert code == 2 and "not valid TOML" in err


def test_db_from_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("BOKDESK_DB", str(db))
    code, out, _ = run(capsys, "agent", "list", "--json")
    assert code == 0 and json.loads(out)[0]["login"] == ME


def test_help_runs_without_textual():
    out = subprocess.run([sys.executable, "-m", "bokdesk", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "ticket" in out.stdout and "demo" in out.stdout


def test_export_needs_a_supervisor_and_import_an_admin(db, capsys, tmp_path):
    run(capsys, "ticket", "new", "--subject", "Jeden", "--email", "jeden@example.pl", "--db", str(db))
    out_file = tmp_path / "desk.jsonl"
    assert run(capsys, "export", "jsonl", str(out_file), "--db", str(db))[0] == 0  # the admin may
    fresh = tmp_path / "fresh.db"
    assert run(capsys, "import", "jsonl", str(out_file), "--db", str(fresh))[0] == 0  # a new desk is open
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk
    from bokdesk.core.services import agents

    desk = Desk(store=open_store(db))
    admin = agents.require_agent(desk, ME)
    agents.add_agent(desk, admin, "ola", "Aleksandra Nowak")
    desk.store.dispose()
    con = sqlite3.connect(db)
    con.execute("UPDATE agent SET role = 'agent' WHERE login = ?", (ME,))
    con.commit()
    con.close()
    code, _, err = run(capsys, "export", "jsonl", str(tmp_path / "x.jsonl"), "--db", str(db))
    assert code == 4 and "Exporting the desk" in err
    code, _, err = run(capsys, "import", "jsonl", str(out_file), "--db", str(db))
    assert code == 4 and "Configuring the desk" in err
