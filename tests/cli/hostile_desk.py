"""A small desk for the hostile-input tests: you (admin), ola (agent), one e-mailed ticket with an
attachment, a phone ticket; run in-process with a clean environment; a logical dump to compare."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

from bokdesk.cli import main

ME = __import__("pwd").getpwuid(os.getuid()).pw_name
EXIT_CODES = {0, 1, 2, 3, 4, 5}  # docs/cli-json.md, "Exit codes" (70 is an internal error: never)


@dataclass
class Desk:
    db: Path
    config: Path
    maildir: Path
    root: Path


def environment(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """No real config or data: the XDG directories point into ``root``; cwd is ``root/cwd``."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(root / "state"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(root / "site"))
    for name in ("BOKDESK_DB", "BOKDESK_CONFIG", "BOKDESK_IMAP_PASSWORD", "BOKDESK_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    (root / "cwd").mkdir(exist_ok=True)
    monkeypatch.chdir(root / "cwd")


def message(subject: str, sender: str, body: str, attachment: tuple[str, bytes] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "BOK <bok@firma.example>"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 17 Nov 2026 09:00:00 +0100"
    msg["Message-ID"] = f"<{hashlib.sha1(subject.encode()).hexdigest()}@klient.example>"
    msg.set_content(body)
    if attachment:
        msg.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    return msg.as_bytes()


def build(root: Path, capsys: pytest.CaptureFixture[str] | None = None) -> Desk:
    """The desk, built through the command line."""
    db = root / "desk.db"
    box = root / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    config = root / "bokdesk.toml"
    config.write_text(f'[mail]\nfrom = "BOK Firma <bok@firma.example>"\n[mail.maildir]\npath = "{box}"\n')
    config.chmod(0o600)
    (box / "new" / "1.hostile").write_bytes(
        message(
            "Zwrot \u202egnp.exe",
            "=HYPERLINK(1) <anna@example.pl>",
            "Dzień dobry\x1b]52;c;ZXZpbA==\x07, oddaję \u202ebuty.\n",
            ("../../evil\u202e.pdf", b"%PDF-1.4 paragon"),
        )
    )
    steps = [
        ["db", "upgrade"],
        ["agent", "add", ME, "--name", "Adam Admin", "--role", "admin", "--team", "=cmd|' /C calc'!A0"],
        ["agent", "add", "ola", "--name", "Ola \u202eNowak", "--team", "=cmd|' /C calc'!A0"],
        ["mail", "fetch"],
        ["ticket", "new", "--subject", "Telefon", "--phone", "+48 600 100 200", "--name", "Jan\u2067 Kowal"],
    ]
    for argv in steps:
        code = main([*argv, "--db", str(db), "--config", str(config)])
        assert code == 0, (argv, capsys.readouterr() if capsys else "")
    return Desk(db=db, config=config, maildir=box, root=root)


def dump(db: Path) -> str:
    """A digest of every row of every table (a logical dump: the same rows give the same digest)."""
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for line in con.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        con.close()


def bad_stdin() -> io.TextIOWrapper:
    """Standard input that is not UTF-8 (for ``--body -``)."""
    return io.TextIOWrapper(io.BytesIO(b"caf\xe9 \xff\xfe"), encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``bokdesk ARGV`` in this process: exit code, stdout, stderr (``sys.exit`` counts as exit)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: --help, a usage error
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str) -> bool:
    """A refusal as documented: a known exit code, one line on stderr, no traceback."""
    return code in EXIT_CODES and err.count("\n") == 1 and "Traceback" not in err and err.endswith("\n")
