"""The command line pointed at PostgreSQL by the config's ``[database] url``: `bokdesk db upgrade`
creates the schema in an empty database, the scripting commands work, the report is the same
shape, JSONL moves the desk, and `db check` / `db backup` say what they mean on a server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bokdesk.cli import main

ME = os.environ.get("USER") or __import__("getpass").getuser()


@pytest.fixture
def pg_config(pg_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.delenv("BOKDESK_DB", raising=False)
    monkeypatch.delenv("BOKDESK_CONFIG", raising=False)
    name = pg_server.create_database(prefix="cli")  # empty: no schema yet
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{pg_server.url(name).replace("postgres@", "postgres:not-shown@")}"\n',
        encoding="utf-8",
    )
    yield str(config)
    pg_server.drop_database(name)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_desk_on_postgresql_from_the_command_line(pg_config, capsys, tmp_path):
    code, out, err = run(capsys, "db", "upgrade", "--config", pg_config)
    assert code == 0, err
    assert "is at schema" in out and "not-shown" not in out  # the password is never printed
    assert (
        run(
            capsys,
            "agent",
            "add",
            ME,
            "--name",
            "Test Admin",
            "--role",
            "admin",
            "--team",
            "BOK Warszawa",
            "--config",
            pg_config,
        )[0]
        == 0
    )
    code, out, err = run(
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
        "--config",
        pg_config,
    )
    assert code == 0, err
    number = json.loads(out)["number"]
    assert run(capsys, "ticket", "take", str(number), "--config", pg_config)[0] == 0
    assert (
        run(
            capsys, "ticket", "reply", str(number), "--body", "Wysłaliśmy ją ponownie.", "--config", pg_config
        )[0]
        == 0
    )
    assert run(capsys, "ticket", "status", str(number), "solved", "--config", pg_config)[0] == 0
    code, out, err = run(capsys, "ticket", "show", str(number), "--json", "--config", pg_config)
    assert code == 0, err
    assert "Wysłaliśmy ją ponownie." in out
    code, out, err = run(capsys, "report", "--period", "today", "--format", "json", "--config", pg_config)
    assert code == 0, err
    assert json.loads(out)  # the documented shape is checked on SQLite; here: it runs on the server
    export = tmp_path / "desk.jsonl"
    assert run(capsys, "export", "jsonl", str(export), "--config", pg_config)[0] == 0
    assert "Brak faktury" in export.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "db", "check", "--config", pg_config)
    assert code == 0 and out.startswith("ok (a server database")
    code, _, err = run(capsys, "db", "backup", str(tmp_path / "copy.db"), "--config", pg_config)
    assert code != 0 and "pg_dump" in err and not (tmp_path / "copy.db").exists()
