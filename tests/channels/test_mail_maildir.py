"""Reading real Maildir folders: moved to cur/ only after the commit, crash-safe, concurrent-safe."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mailservers import deliver, mail
from sqlmodel import func, select

from bokdesk.channels.ingest import Ingestor
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.maildir import Maildir
from bokdesk.channels.runner import fetch_maildir
from bokdesk.core.errors import ConfigError
from bokdesk.core.models import MailQuarantine, MailSeen, Message, Ticket


@pytest.fixture
def cfg():  # type: ignore[no-untyped-def]
    return load_mail_config({"from": "bok@firma.example"})


@pytest.fixture
def box(tmp_path: Path) -> Path:
    path = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True)
    return path


def names(path: Path, sub: str) -> list[str]:
    return sorted(os.listdir(path / sub))


def counts(desk) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with desk.store.read() as s:
        return {
            "tickets": s.exec(select(func.count()).select_from(Ticket)).one(),
            "messages": s.exec(select(func.count()).select_from(Message)).one(),
            "seen": s.exec(select(func.count()).select_from(MailSeen)).one(),
            "quarantine": s.exec(select(func.count()).select_from(MailQuarantine)).one(),
        }


@pytest.mark.postgres  # Maildir into a PostgreSQL desk too
def test_new_mail_is_filed_and_moved_to_cur_with_the_seen_flag(desk, cfg, box):
    a = deliver(box, mail(message_id="a@example.pl"), "1700000001.a.host")
    deliver(box, b"garbage, not mail", "1700000002.b.host")
    # a mail client looked at this one (moved it to cur/, flagged it) but did not read it
    (box / "cur" / "1700000003.c.host:2,F").write_bytes(mail(message_id="c@example.pl", subject="Inna"))
    (box / "cur" / "1700000000.old.host:2,S").write_bytes(mail(message_id="old@example.pl"))
    seen: list[tuple[int, int]] = []
    report = fetch_maildir(desk, cfg, box, progress=lambda d, t: seen.append((d, t)))
    assert report.counts == {"ticket": 2, "quarantined": 1}
    assert report.quarantined[0].source.endswith("/1700000002.b.host")
    assert names(box, "new") == []
    assert names(box, "cur") == [
        "1700000000.old.host:2,S",
        "1700000001.a.host:2,S",
        "1700000002.b.host:2,S",
        "1700000003.c.host:2,FS",
    ]
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert not a.exists()
    # nothing new: nothing happens
    assert fetch_maildir(desk, cfg, box).total == 0
    assert counts(desk) == {"tickets": 2, "messages": 2, "seen": 3, "quarantine": 1}


@pytest.mark.postgres  # Maildir into a PostgreSQL desk too
def test_nothing_is_moved_when_the_commit_fails(desk, cfg, box, monkeypatch):
    from sqlalchemy.exc import OperationalError

    for n in range(3):
        deliver(box, mail(message_id=f"{n}@example.pl"))

    def failing_file(self, prepared, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(Ingestor, "file", failing_file)
    with pytest.raises(OperationalError):
        fetch_maildir(desk, cfg, box)
    assert len(names(box, "new")) == 3 and names(box, "cur") == []


@pytest.mark.postgres  # Maildir into a PostgreSQL desk too
def test_a_crash_between_commit_and_move_files_nothing_twice(desk, cfg, box, monkeypatch):
    for n in range(5):
        deliver(box, mail(message_id=f"{n}@example.pl", subject=f"Sprawa {n}"))
    monkeypatch.setattr(Maildir, "mark_done", lambda self, entry: (_ for _ in ()).throw(SystemExit("killed")))
    with pytest.raises(SystemExit):
        fetch_maildir(desk, cfg, box)
    assert counts(desk)["tickets"] == 5 and len(names(box, "new")) == 5  # committed, not moved
    monkeypatch.undo()
    report = fetch_maildir(desk, cfg, box)
    assert report.counts == {"duplicate": 5}
    assert names(box, "new") == [] and len(names(box, "cur")) == 5
    assert counts(desk)["tickets"] == 5 and counts(desk)["messages"] == 5


@pytest.mark.postgres  # Maildir into a PostgreSQL desk too
def test_an_oversized_file_is_read_only_up_to_its_headers(desk, box):
    cfg = load_mail_config({"from": "bok@firma.example", "max_message_bytes": 10_000})
    deliver(
        box,
        mail(
            message_id="big@example.pl",
            subject="Duży",
            attachments=[("a.bin", "application/octet-stream", os.urandom(200_000))],
        ),
    )
    report = fetch_maildir(desk, cfg, box)
    assert report.counts == {"ticket": 1}
    with desk.store.read() as s:
        [m] = s.exec(select(Message)).all()
    assert "only its headers were imported" in m.body


def test_a_folder_that_is_not_a_maildir_is_refused(desk, cfg, tmp_path):
    with pytest.raises(ConfigError, match="is not a Maildir"):
        fetch_maildir(desk, cfg, tmp_path)


def _fetch_cmd(db: Path, box: Path, cfg_file: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bokdesk",
        "mail",
        "fetch",
        "--maildir",
        str(box),
        "--db",
        str(db),
        "--config",
        str(cfg_file),
    ]


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_DIRS=str(tmp_path / "site"),
    )
    env.pop("BOKDESK_DB", None)
    env.pop("BOKDESK_CONFIG", None)
    return env


def _prepare(tmp_path: Path, box: Path, desk, n: int) -> tuple[Path, set[str]]:  # type: ignore[no-untyped-def]
    """A config file and ``n`` messages in the Maildir; the test's own connection is closed."""
    cfg_file = tmp_path / "mail.toml"
    cfg_file.write_text('[mail]\nfrom = "bok@firma.example"\n')
    ids = _deliver_many(box, n)
    desk.store.dispose()
    return cfg_file, ids


def _deliver_many(box: Path, n: int) -> set[str]:
    ids = set()
    for i in range(n):
        mid = f"m{i}@example.pl"
        ids.add(mid)
        deliver(box, mail(message_id=mid, sender=f"klient{i % 37}@example.pl", subject=f"Sprawa {i}"))
    return ids


@pytest.mark.slow
def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_kill_9_during_an_import_loses_and_doubles_nothing(tmp_path, box, desk, db_path):
    cfg_file, ids = _prepare(tmp_path, box, desk, 600)
    rng = random.Random(6)
    for _ in range(3):
        proc = subprocess.Popen(
            _fetch_cmd(db_path, box, cfg_file),
            env=_env(tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.8, 2.0))
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # Its parse worker leaves too (it used to wait on its queue for ever, an orphan).
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)]
    done = subprocess.run(
        _fetch_cmd(db_path, box, cfg_file), env=_env(tmp_path), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert names(box, "new") == [] and len(names(box, "cur")) == 600
    with desk.store.read() as s:
        stored = set(s.exec(select(Message.email_message_id)).all())
        seen = s.exec(select(func.count()).select_from(MailSeen)).one()
        tickets = s.exec(select(func.count()).select_from(Ticket)).one()
    assert stored == ids and seen == 600 and tickets == 600


@pytest.mark.slow
def test_two_fetchers_on_one_maildir_file_each_message_once(tmp_path, box, desk, db_path):
    cfg_file, ids = _prepare(tmp_path, box, desk, 300)
    procs = [
        subprocess.Popen(
            _fetch_cmd(db_path, box, cfg_file),
            env=_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    with desk.store.read() as s:
        stored = s.exec(select(Message.email_message_id)).all()
    assert sorted(stored) == sorted(ids)
    assert names(box, "new") == [] and len(names(box, "cur")) == 300
