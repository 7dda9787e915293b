"""The whole e-mail channel end to end, as a desk runs it.

A real Dovecot (IMAP over TLS) holds the desk's mailbox, aiosmtpd plays the outgoing relay, and
``bokdesk mail run`` runs as its own process, as systemd would start it. A customer writes; the
ticket appears; an agent answers from the command line; the answer leaves over SMTP with the
thread headers; the customer's reply lands on the same ticket; an out-of-office answer changes
nothing; the solved ticket gets its NPS survey and the customer's "9" is recorded. SIGTERM stops
the service cleanly.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "channels"))
from mailservers import Dovecot, mail, start_smtp  # noqa: E402

ME = __import__("pwd").getpwuid(os.getuid()).pw_name
pytestmark = pytest.mark.slow


def wait_for(what: str, check: Callable[[], object], timeout: float = 30.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_a_day_of_e_mail(tmp_path: Path) -> None:
    dovecot = Dovecot.start()
    smtp = start_smtp(tmp_path)
    proc = None
    try:
        db = tmp_path / "desk.db"
        config = tmp_path / "mail.toml"
        imap = dovecot.imap_config(folder="INBOX")
        config.write_text(
            "[mail]\n"
            'from = "BOK Firma <bok@firma.example>"\n'
            "poll_seconds = 0.5\nsend_poll_seconds = 0.3\n"
            "survey_after_solve = true\nsurvey_delay_minutes = 0\n"
            "[mail.imap]\n"
            + "".join(f"{k} = {json.dumps(v)}\n" for k, v in imap.items() if k != "password")
            + "[mail.smtp]\n"
            + f'host = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n',
            encoding="utf-8",
        )
        config.chmod(0o600)
        env = dict(
            os.environ,
            XDG_CONFIG_HOME=str(tmp_path / "cfg"),
            XDG_DATA_HOME=str(tmp_path / "data"),
            XDG_CONFIG_DIRS=str(tmp_path / "site"),
            BOKDESK_IMAP_PASSWORD=dovecot.password,
        )
        env.pop("BOKDESK_DB", None)
        env.pop("BOKDESK_CONFIG", None)

        def cli(*argv: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "bokdesk", *argv, "--db", str(db), "--config", str(config)],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr
            return done.stdout

        def query(sql: str) -> list[tuple]:  # type: ignore[type-arg]
            con = sqlite3.connect(db, timeout=30)
            try:
                return con.execute(sql).fetchall()
            finally:
                con.close()

        cli("db", "upgrade")  # only a few commands create a desk
        cli("agent", "add", ME, "--name", "Ola Nowak", "--role", "admin", "--team", "BOK Warszawa")
        dovecot.append(
            "INBOX",
            mail(
                message_id="q1@klient.example",
                sender="Zofia Zielińska <zofia@klient.example>",
                subject="Reklamacja butów",
                body="Dzień dobry,\npodeszwa odpadła po tygodniu.\n",
            ),
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "bokdesk", "mail", "run", "--db", str(db), "--config", str(config)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

        wait_for("the ticket", lambda: query("SELECT id FROM ticket"))
        shown = json.loads(cli("ticket", "show", "1", "--json"))
        assert shown["subject"] == "Reklamacja butów" and shown["customer"]["emails"] == [
            "zofia@klient.example"
        ]

        cli("ticket", "reply", "1", "--body", "Dzień dobry, prosimy odesłać buty na nasz koszt.")
        wait_for("the reply over SMTP", lambda: smtp.recorder.messages)
        [(envelope_from, rcpt, raw)] = smtp.recorder.messages
        sent = BytesParser(policy=policy.default).parsebytes(raw)
        assert envelope_from == "bok@firma.example" and rcpt == ["zofia@klient.example"]
        assert sent["Subject"] == "Re: Reklamacja butów [#1]" and sent["In-Reply-To"] == "<q1@klient.example>"
        assert sent["From"] == "BOK Firma <bok@firma.example>"
        wait_for(
            "the outbox row marked sent", lambda: query("SELECT 1 FROM outboxmessage WHERE status = 'sent'")
        )

        our_id = sent["Message-ID"].strip("<>")
        dovecot.append(
            "INBOX",
            mail(
                message_id="q2@klient.example",
                sender="zofia@klient.example",
                subject="Re: Reklamacja butów [#1]",
                in_reply_to=our_id,
                references=f"<q1@klient.example> <{our_id}>",
                body="Dobrze, wysyłam jutro.\n\nW dniu 17.11.2026 BOK Firma pisze:\n> Dzień dobry, prosimy\n",
            ),
            mail(
                message_id="ooo@klient.example",
                sender="zofia@klient.example",
                subject="Automatyczna odpowiedź: Re: Reklamacja butów [#1]",
                in_reply_to=our_id,
                headers={"Auto-Submitted": "auto-replied"},
                body="Jestem na urlopie.\n",
            ),
        )
        wait_for(
            "the customer's reply on ticket #1",
            lambda: query(
                "SELECT 1 FROM message WHERE email_message_id = 'q2@klient.example' AND ticket_id = 1"
            ),
        )
        wait_for(
            "the out-of-office recorded as ignored",
            lambda: query("SELECT 1 FROM mailseen WHERE message_id = 'ooo@klient.example'"),
        )
        assert query("SELECT count(*) FROM ticket") == [(1,)]
        assert query("SELECT outcome FROM mailseen WHERE message_id = 'ooo@klient.example'") == [
            ("ignored:auto_reply",)
        ]

        cli("ticket", "status", "1", "solved")
        wait_for("the survey", lambda: len(smtp.recorder.messages) >= 2)
        survey = BytesParser(policy=policy.default).parsebytes(smtp.recorder.messages[1][2])
        assert survey["Auto-Submitted"] == "auto-generated" and "[#1]" in survey["Subject"]
        dovecot.append(
            "INBOX",
            mail(
                message_id="nps@klient.example",
                sender="zofia@klient.example",
                subject="Re: " + survey["Subject"],
                in_reply_to=survey["Message-ID"].strip("<>"),
                body="9, szybko i bez problemu\n",
            ),
        )
        wait_for("the NPS answer", lambda: query("SELECT nps, comment, source FROM surveyanswer"))
        assert query("SELECT nps, comment, source FROM surveyanswer") == [
            (9, "szybko i bez problemu", "email")
        ]
        assert query("SELECT status FROM ticket WHERE id = 1") == [("solved",)]
        assert len(smtp.recorder.messages) == 2  # nothing answered the auto-reply or the survey answer

        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert "stopped" in out and dovecot.password not in out
        proc = None
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        smtp.stop()
        dovecot.stop()
