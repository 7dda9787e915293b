"""IMAP against a real Dovecot on loopback: SSL and STARTTLS, UID cursor, UIDVALIDITY, no early marks."""

from __future__ import annotations

import pytest
from mailservers import Dovecot, mail
from sqlmodel import select

from bokdesk.channels.imap import ImapFolder, MailboxError, imap_utf7
from bokdesk.channels.ingest import Ingestor, read_cursor
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.runner import fetch_imap, fetch_once
from bokdesk.core.models import MailQuarantine, Message, Ticket


@pytest.fixture(scope="module")
def dovecot():  # type: ignore[no-untyped-def]
    server = Dovecot.start()
    yield server
    server.stop()


_folders = iter(range(1000))


@pytest.fixture
def folder(dovecot) -> str:  # type: ignore[no-untyped-def]
    """A fresh folder per test (the server is shared by the module)."""
    return f"Test{next(_folders)}"


def config(dovecot, folder: str, **kw):  # type: ignore[no-untyped-def]
    return load_mail_config({"from": "bok@firma.example", "imap": dovecot.imap_config(folder=folder, **kw)})


def stored_ids(desk) -> list[str]:  # type: ignore[no-untyped-def]
    with desk.store.read() as s:
        return sorted(s.exec(select(Message.email_message_id)).all())


def test_imap_utf7_folder_names():
    assert imap_utf7("INBOX") == "INBOX"
    assert imap_utf7("Zgłoszenia") == "Zg&AUI-oszenia"
    assert imap_utf7("A&B") == "A&-B"
    assert imap_utf7("Reklamacje/Łódź") == "Reklamacje/&AUEA8w-d&AXo-"


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_fetch_over_tls_files_everything_once(desk, dovecot, folder, security):
    dovecot.append(
        folder,
        mail(message_id="i1@example.pl"),
        mail(message_id="i2@example.pl", subject="Inna"),
        b"complete garbage",
    )
    cfg = config(dovecot, folder, security=security)
    report = fetch_imap(desk, cfg)
    assert report.counts == {"ticket": 2, "quarantined": 1}
    assert report.quarantined[0].source == f"{cfg.imap.source};UID=3"
    cursor = read_cursor(desk, cfg.imap.source)
    assert cursor.last_uid == 3 and cursor.uidvalidity
    assert fetch_imap(desk, cfg).total == 0  # nothing fetched twice
    dovecot.append(folder, mail(message_id="i3@example.pl", in_reply_to="i1@example.pl"))
    report = fetch_imap(desk, cfg)
    assert report.counts == {"threaded": 1}
    assert read_cursor(desk, cfg.imap.source).last_uid == 4
    assert stored_ids(desk) == ["i1@example.pl", "i2@example.pl", "i3@example.pl"]


def test_keep_mode_never_touches_the_server_and_seen_mode_marks_after_commit(desk, dovecot, folder):
    dovecot.append(folder, mail(message_id="k1@example.pl"))
    fetch_imap(desk, config(dovecot, folder))
    assert "\\Seen" not in dovecot.flags(folder)[1]
    dovecot.append(folder, mail(message_id="k2@example.pl"))
    fetch_imap(desk, config(dovecot, folder, after="seen"))
    flags = dovecot.flags(folder)
    assert "\\Seen" not in flags[1] and "\\Seen" in flags[2]


def test_a_failed_commit_moves_no_cursor_and_marks_nothing(desk, dovecot, folder, monkeypatch):
    from sqlalchemy.exc import OperationalError

    dovecot.append(folder, mail(message_id="f1@example.pl"), mail(message_id="f2@example.pl"))
    cfg = config(dovecot, folder, after="seen")

    def failing(self, prepared, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(Ingestor, "file", failing)
    with pytest.raises(OperationalError):
        fetch_imap(desk, cfg)
    assert read_cursor(desk, cfg.imap.source) is None
    assert all("\\Seen" not in f for f in dovecot.flags(folder).values())
    monkeypatch.undo()
    assert fetch_imap(desk, cfg).counts == {"ticket": 2}


def test_a_new_uidvalidity_rereads_the_folder_without_duplicates(desk, dovecot, folder):
    raws = [mail(message_id=f"v{n}@example.pl", subject=f"S{n}") for n in range(3)]
    dovecot.append(folder, *raws)
    cfg = config(dovecot, folder)
    fetch_imap(desk, cfg)
    old = read_cursor(desk, cfg.imap.source).uidvalidity
    dovecot.recreate(folder)  # the server rebuilt the mailbox: new UIDVALIDITY, UIDs from 1
    dovecot.append(folder, *raws, mail(message_id="v3@example.pl", subject="S3"))
    report = fetch_imap(desk, cfg)
    assert report.counts == {"duplicate": 3, "ticket": 1}
    assert any("UIDVALIDITY changed" in n for n in report.notes)
    cursor = read_cursor(desk, cfg.imap.source)
    assert cursor.uidvalidity != old and cursor.last_uid == 4
    with desk.store.read() as s:
        assert len(s.exec(select(Ticket)).all()) == 4


def test_folder_with_a_polish_name_and_many_messages_in_chunks(desk, dovecot):
    folder = "Zgłoszenia"
    dovecot.append(folder, *[mail(message_id=f"p{n}@example.pl", subject=f"Sprawa {n}") for n in range(120)])
    cfg = config(dovecot, folder)
    progress: list[tuple[int, int]] = []
    report = fetch_imap(desk, cfg, progress=lambda d, t: progress.append((d, t)))
    assert report.counts == {"ticket": 120}
    assert progress[0] == (0, 120) and progress[-1] == (120, 120)
    assert read_cursor(desk, cfg.imap.source).last_uid == 120


def test_skip_existing_starts_after_what_is_there(desk, dovecot, folder):
    dovecot.append(folder, mail(message_id="old1@example.pl"), mail(message_id="old2@example.pl"))
    cfg = config(dovecot, folder)
    report = fetch_imap(desk, cfg, skip_existing=True)
    assert report.total == 0 and "2 existing messages skipped" in report.notes[0]
    dovecot.append(folder, mail(message_id="new@example.pl"))
    assert fetch_imap(desk, cfg).counts == {"ticket": 1}
    assert stored_ids(desk) == ["new@example.pl"]


def test_an_oversized_message_is_fetched_as_headers_only(desk, dovecot, folder):
    dovecot.append(
        folder,
        mail(
            message_id="huge@example.pl",
            subject="Skany",
            attachments=[("skan.pdf", "application/pdf", b"%PDF" + b"x" * 300_000)],
        ),
    )
    cfg = load_mail_config(
        {"from": "bok@firma.example", "max_message_bytes": 50_000, "imap": dovecot.imap_config(folder=folder)}
    )
    assert fetch_imap(desk, cfg).counts == {"ticket": 1}
    with desk.store.read() as s:
        [m] = s.exec(select(Message)).all()
        assert s.exec(select(MailQuarantine)).all() == []
    assert "only its headers were imported" in m.body and f"{cfg.imap.source};UID=1" in m.body


def test_wrong_password_and_unknown_folder_say_why_without_the_password(desk, dovecot, folder):
    cfg = config(dovecot, folder, password="nie-to-haslo")
    with pytest.raises(MailboxError) as err:
        fetch_imap(desk, cfg)
    assert "refused" in str(err.value) and "nie-to-haslo" not in str(err.value)
    cfg = config(dovecot, "Nie ma takiego folderu")
    with pytest.raises(MailboxError, match="cannot be opened"):
        fetch_imap(desk, cfg)


def test_an_untrusted_certificate_is_refused(desk, dovecot, folder):
    imap = dovecot.imap_config(folder=folder)
    del imap["ca_file"]
    cfg = load_mail_config({"imap": imap})
    with pytest.raises(MailboxError, match=r"(?i)certificate|TLS"):
        fetch_imap(desk, cfg)


def test_fetch_once_reads_both_imap_and_maildir(desk, dovecot, folder, tmp_path):
    from mailservers import deliver

    dovecot.append(folder, mail(message_id="both1@example.pl"))
    box = tmp_path / "Maildir"
    deliver(box, mail(message_id="both2@example.pl"))
    cfg = load_mail_config(
        {
            "from": "bok@firma.example",
            "imap": dovecot.imap_config(folder=folder),
            "maildir": {"path": str(box)},
        }
    )
    assert fetch_once(desk, cfg).counts == {"ticket": 2}


def test_folder_context_reports_uidvalidity(dovecot, folder):
    dovecot.append(folder, mail(message_id="u@example.pl"))
    cfg = config(dovecot, folder)
    with ImapFolder(cfg.imap) as box:
        assert box.uidvalidity > 0 and box.uids_after(0) == [1] and box.uids_after(1) == []
        assert box.still_there([1, 99]) == [1]
