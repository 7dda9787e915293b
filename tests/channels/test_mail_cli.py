"""`bokdesk mail ...` from the command line: fetch, send, check, quarantine, outbox, attachment, survey."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mailservers import deliver, mail, start_smtp

from bokdesk.cli import main

ME = __import__("pwd").getpwuid(os.getuid()).pw_name


@pytest.fixture
def env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, Path]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.delenv("BOKDESK_DB", raising=False)
    monkeypatch.delenv("BOKDESK_CONFIG", raising=False)
    db = tmp_path / "desk.db"
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    config = tmp_path / "mail.toml"
    config.write_text(f'[mail]\nfrom = "BOK Firma <bok@firma.example>"\n[mail.maildir]\npath = "{box}"\n')
    config.chmod(0o600)
    assert main(["db", "upgrade", "--db", str(db)]) == 0  # only a few commands create a desk
    assert (
        main(["agent", "add", ME, "--name", "Admin", "--role", "admin", "--team", "BOK", "--db", str(db)])
        == 0
    )
    capsys.readouterr()
    return {"db": db, "box": box, "config": config, "tmp": tmp_path}


def run(capsys, env, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main([*argv, "--db", str(env["db"]), "--config", str(env["config"])])
    out, err = capsys.readouterr()
    return code, out, err


def test_fetch_show_quarantine_release_and_dismiss(capsys, env):
    deliver(
        env["box"],
        mail(
            message_id="c1@example.pl",
            subject="Zwrot",
            attachments=[("paragon.pdf", "application/pdf", b"%PDF-1.4 paragon")],
        ),
    )
    deliver(env["box"], b"Subject: bez nadawcy\r\nMessage-ID: <q1@x>\r\n\r\nProsze o kontakt\r\n")
    deliver(env["box"], b"\x00\x01 binary junk")
    code, out, err = run(capsys, env, "mail", "fetch", "--json")
    assert code == 0 and out.startswith("{"), (out, err)
    report = json.loads(out)
    assert code == 0 and report["total"] == 3 and report["ticket"] == 1 and report["quarantined"] == 2
    assert "importing mail" not in err  # no progress bar for three messages
    code, out, _ = run(capsys, env, "mail", "fetch")
    assert "no new mail" in out

    code, out, _ = run(capsys, env, "mail", "quarantine", "list", "--json")
    entries = json.loads(out)
    assert [e["number"] for e in entries] == [2, 1] and "no From header" in entries[1]["reason"]
    code, out, _ = run(capsys, env, "mail", "quarantine")
    assert "bez nadawcy" in out and "no From header" in out
    code, out, _ = run(capsys, env, "mail", "quarantine", "show", "1")
    assert "reason:" in out and "Prosze o kontakt" in out
    code, out, _ = run(capsys, env, "mail", "quarantine", "show", "1", "--raw")
    assert out.startswith("Subject: bez nadawcy")

    code, _, err = run(capsys, env, "mail", "quarantine", "release", "1")
    assert code == 1 and "Still cannot be filed" in err
    code, out, _ = run(capsys, env, "mail", "quarantine", "release", "1", "--sender", "jan@example.pl")
    assert code == 0 and "ticket #2" in out
    code, out, _ = run(capsys, env, "ticket", "show", "2", "--json")
    shown = json.loads(out)
    assert (
        shown["customer"]["emails"] == ["jan@example.pl"]
        and "Prosze o kontakt" in shown["messages"][0]["body"]
    )
    code, out, _ = run(capsys, env, "mail", "quarantine", "dismiss", "2")
    assert code == 0
    code, out, _ = run(capsys, env, "mail", "quarantine")
    assert "empty" in out
    code, out, _ = run(capsys, env, "mail", "quarantine", "list", "--all")
    assert out.count("yes") == 2

    # the attachment of ticket #1
    code, out, _ = run(capsys, env, "mail", "attachments", "1", "--json")
    [att] = json.loads(out)
    assert (att["filename"], att["size"], att["stored"]) == ("paragon.pdf", 16, True)
    code, out, _ = run(capsys, env, "mail", "attachments", "1")
    assert "paragon.pdf · application/pdf · 16 B" in out
    code, out, _ = run(capsys, env, "mail", "attachments", "2")
    assert "no attachments" in out
    target = env["tmp"] / "saved.pdf"
    code, out, _ = run(capsys, env, "mail", "attachment", str(att["number"]), "--out", str(target))
    assert code == 0 and target.read_bytes() == b"%PDF-1.4 paragon"
    code, _, err = run(capsys, env, "mail", "attachment", "1", "--out", str(target))
    assert code != 0 and "already exists" in err


def test_quarantine_is_for_admins_only(capsys, env):
    assert main(["agent", "add", "ola", "--name", "Ola", "--db", str(env["db"])]) == 0
    site = env["tmp"] / "site" / "bokdesk"
    site.mkdir(parents=True)
    (site / "config.toml").write_text("[security]\nallow_as = true\n")
    code, _, err = run(capsys, env, "mail", "quarantine", "list", "--as", "ola")
    assert code == 4 and "admin role" in err


def test_send_retry_and_outbox(capsys, env):
    server = start_smtp(env["tmp"])
    try:
        env["config"].write_text(
            env["config"].read_text() + f'[mail.smtp]\nhost = "127.0.0.1"\nport = {server.port}\n'
            'security = "none"\nmax_attempts = 1\n'
        )
        deliver(env["box"], mail(message_id="s1@example.pl"))
        run(capsys, env, "mail", "fetch")
        code, out, _ = run(capsys, env, "ticket", "reply", "1", "--body", "Dzień dobry, już wysłane.")
        assert code == 0
        code, out, _ = run(capsys, env, "mail", "outbox", "--json")
        [row] = json.loads(out)
        assert row["status"] == "queued" and row["to"] == "anna@example.pl" and row["ticket"] == 1
        assert row["cc"] == []  # the customer wrote to the desk alone
        server.recorder.refuse["anna@example.pl"] = "550 5.1.1 no such user"
        code, out, _ = run(capsys, env, "mail", "send")
        assert code == 1 and "1 failed" in out and "550" in out
        code, out, _ = run(capsys, env, "mail", "outbox", "list", "--status", "failed")
        assert "550 5.1.1" in out
        code, out, _ = run(capsys, env, "ticket", "show", "1")
        assert "could not be sent" in out
        del server.recorder.refuse["anna@example.pl"]
        code, out, _ = run(capsys, env, "mail", "outbox", "retry", str(row["number"]))
        assert code == 0 and "queued again" in out
        code, out, _ = run(capsys, env, "mail", "send", "--json")
        assert json.loads(out)["sent"] == 1 and len(server.recorder.messages) == 1
        code, _, err = run(capsys, env, "mail", "outbox", "retry", str(row["number"]))
        assert code != 0 and "already sent" in err
        code, out, _ = run(capsys, env, "mail", "check")
        assert code == 0 and "smtp 127.0.0.1" in out and "maildir" in out and "ok" in out
    finally:
        server.stop()


def test_survey_setting(capsys, env):
    code, out, _ = run(capsys, env, "mail", "survey", "status")
    assert "off" in out
    code, out, _ = run(capsys, env, "mail", "survey", "on")
    assert code == 0
    code, out, _ = run(capsys, env, "mail", "survey", "status")
    assert "are on" in out


def test_fetch_without_a_mailbox_is_a_clear_error(capsys, env):
    env["config"].write_text('[mail]\nfrom = "bok@firma.example"\n')
    code, _, err = run(capsys, env, "mail", "fetch")
    assert code == 2 and "No mailbox is configured" in err
    code, _, err = run(capsys, env, "mail", "fetch", "--maildir", str(env["tmp"]))
    assert code == 2 and "is not a Maildir" in err


def test_a_large_import_shows_progress(capsys, env):
    for n in range(120):
        deliver(env["box"], mail(message_id=f"p{n}@example.pl", subject=f"S{n}"))
    code, out, err = run(capsys, env, "mail", "fetch")
    assert code == 0 and "120 messages: 120 ticket" in out
    assert "importing mail: 120/120 done" in err  # not a terminal: one summary line instead of the bar
