"""`mail run` waits in IMAP IDLE (RFC 2177) against a real Dovecot: a new message starts a round at
once, a stop request ends the wait, and a server or config without IDLE falls back to polling.

No timing assertions: each test waits on an event (with a generous limit that only a broken IDLE
would reach, since polling is set to an hour)."""

from __future__ import annotations

import queue
import threading

import pytest
from mailservers import mail
from test_mail_imap import dovecot  # noqa: F401 - the module's Dovecot

from bokdesk.channels import runner
from bokdesk.channels.imap import ImapFolder
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.runner import fetch_imap, wait_for_mail

GUARD = 60  # seconds: a failure limit, never reached when IDLE works


_folders = iter(range(1000))


@pytest.fixture
def folder(dovecot) -> str:  # type: ignore[no-untyped-def]
    name = f"Idle{next(_folders)}"
    dovecot.append(name, mail(message_id=f"{name}-first@example.pl"))
    return name


def config(dovecot, folder: str, *, idle: bool = True, poll: float = 3600, security: str = "ssl"):  # type: ignore[no-untyped-def]
    imap = {**dovecot.imap_config(folder=folder, security=security), "idle": idle, "idle_seconds": 1740}
    return load_mail_config({"from": "bok@firma.example", "poll_seconds": poll, "imap": imap})


def in_thread(call):  # type: ignore[no-untyped-def]
    out: queue.Queue = queue.Queue()
    thread = threading.Thread(target=lambda: out.put(call()), daemon=True)
    thread.start()
    return thread, out


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_idle_returns_when_a_message_arrives(dovecot, folder, security):
    cfg = config(dovecot, folder, security=security)
    with ImapFolder(cfg.imap) as box:
        assert box.supports_idle
        thread, out = in_thread(lambda: box.idle(1740))
        dovecot.append(folder, mail(message_id="idle-new@example.pl"))
        thread.join(GUARD)
        assert out.get_nowait() is True
        # DONE was sent and answered: the same connection goes on working.
        assert len(box.uids_after(0)) == 2


def test_idle_ends_when_asked_to_stop_and_the_connection_stays_usable(dovecot, folder):
    cfg = config(dovecot, folder)
    stop = threading.Event()
    with ImapFolder(cfg.imap) as box:
        thread, out = in_thread(lambda: box.idle(1740, stop))
        stop.set()
        thread.join(GUARD)
        assert out.get_nowait() is False
        assert box.uids_after(0) == [1]


def test_mail_run_files_a_new_message_at_once_in_idle(desk, dovecot, folder):
    cfg = config(dovecot, folder)
    lines: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    service = threading.Thread(
        target=runner.run, args=(desk,), kwargs={"cfg": cfg, "stop": stop, "log": lines.put}, daemon=True
    )
    service.start()
    try:
        seen = []
        while not any("IMAP IDLE" in line for line in seen):  # the first round is done, IDLE begins
            seen.append(lines.get(timeout=GUARD))
        assert any(line.startswith("fetch: 1 message") for line in seen)
        dovecot.append(folder, mail(message_id="dropped@example.pl", subject="Nowa sprawa"))
        # Polling is an hour away: only IDLE can bring this round now.
        line = lines.get(timeout=GUARD)
        while not line.startswith("fetch:"):
            line = lines.get(timeout=GUARD)
        assert line == "fetch: 1 message: 1 ticket"
    finally:
        stop.set()
        service.join(GUARD)
    assert not service.is_alive()


def test_without_idle_the_wait_is_the_poll_interval(desk, dovecot, folder, monkeypatch):
    fetch_imap(desk, config(dovecot, folder))
    waits: list[float] = []

    class Stop(threading.Event):
        def wait(self, timeout=None):  # type: ignore[no-untyped-def, override]
            waits.append(timeout)
            return False

    logged: list[str] = []
    # idle = false in the config: polling, the server is not asked
    wait_for_mail(
        desk, config(dovecot, folder, idle=False, poll=42), Stop(), logged.append, runner._IdleState()
    )
    assert waits == [42] and logged == []
    # a server without IDLE: said once, then polling every round without asking again
    monkeypatch.setattr(ImapFolder, "supports_idle", property(lambda self: False))
    state = runner._IdleState()
    cfg = config(dovecot, folder, poll=7)
    wait_for_mail(desk, cfg, Stop(), logged.append, state)
    wait_for_mail(desk, cfg, Stop(), logged.append, state)
    assert waits == [42, 7, 7] and len(logged) == 1 and "does not offer IDLE" in logged[0]


def test_mail_waiting_already_returns_without_idling(desk, dovecot, folder, monkeypatch):
    cfg = config(dovecot, folder)
    fetch_imap(desk, cfg)
    dovecot.append(folder, mail(message_id="while-filing@example.pl"))
    monkeypatch.setattr(ImapFolder, "idle", lambda self, seconds, stop=None: pytest.fail("should not idle"))
    wait_for_mail(desk, cfg, threading.Event(), lambda line: None, runner._IdleState())
