"""Hostile input to the command line (issue 12): planted links, huge numbers, invalid UTF-8, odd
paths, overwrites, terminal and bidi control characters, spreadsheet formulas. Every refusal is
one line on stderr with a documented exit code, and leaves the database as it was."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_desk import ME, Desk, bad_stdin, build, dump, environment, one_line_error, run

from bokdesk.cli.files import attachment_name

HUGE = "9223372036854775808"  # 2**63: no database column holds it
UNSAFE = ["\u202e", "\u2067", "\u200f", "\x1b", "\x07", "\x9b", "\u061c"]


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Desk:
    environment(monkeypatch, tmp_path)
    built = build(tmp_path, capsys)
    capsys.readouterr()
    return built


def cli(capsys: pytest.CaptureFixture[str], desk: Desk, *argv: str) -> tuple[int, str, str]:
    return run(capsys, *argv, "--db", str(desk.db), "--config", str(desk.config))


def refused(capsys: pytest.CaptureFixture[str], desk: Desk, code: int, *argv: str) -> str:
    """Run a command that must be refused with ``code``, one line, the database unchanged."""
    before = dump(desk.db)
    got, out, err = cli(capsys, desk, *argv)
    assert got == code and one_line_error(got, err), (argv, got, err)
    assert dump(desk.db) == before
    return err


# --- (5) saving an attachment ---------------------------------------------------------------------


def saved_name(capsys: pytest.CaptureFixture[str], desk: Desk) -> str:
    """The name ``mail attachment 1`` gives the file: the stored name, cleaned."""
    code, out, _ = cli(capsys, desk, "mail", "attachments", "1", "--json")
    assert code == 0
    return attachment_name(json.loads(out)[0]["filename"], 1)


def test_a_link_planted_where_the_attachment_goes_is_not_followed(desk, capsys):
    victim = desk.root / "victim.txt"
    victim.write_text("keep me")
    name = saved_name(capsys, desk)
    Path(name).symlink_to(victim)
    err = refused(capsys, desk, 2, "mail", "attachment", "1")
    assert "already exists" in err
    Path("link.pdf").symlink_to(desk.root / "created-through-link.pdf")  # dangling: O_CREAT would follow it
    refused(capsys, desk, 2, "mail", "attachment", "1", "--out", "link.pdf")
    assert victim.read_text() == "keep me" and not (desk.root / "created-through-link.pdf").exists()
    assert Path(name).is_symlink() and sorted(os.listdir(".")) == sorted([name, "link.pdf"])


def test_the_attachment_is_saved_here_under_its_cleaned_name(desk, capsys):
    name = saved_name(capsys, desk)
    code, out, _ = cli(capsys, desk, "mail", "attachment", "1")
    assert code == 0 and "\u202e" not in out
    assert os.listdir(".") == [name] and Path(name).read_bytes() == b"%PDF-1.4 paragon"


@pytest.mark.parametrize(
    ("sent", "saved"),
    [
        ("../../etc/cron.d/x", "x"),
        ("..\\..\\win.ini", "win.ini"),
        ("/etc/passwd", "passwd"),
        ("..", "attachment-7"),
        (".bashrc", "bashrc"),
        ("", "attachment-7"),
        (None, "attachment-7"),
        ("faktura\u202efdp.exe", "fakturafdp.exe"),
        ("a\x1b[2J\nb.pdf", "a[2J b.pdf"),
        ("ż" * 300 + ".pdf", "ż" * 98 + ".pdf"),
    ],
)
def test_the_senders_file_name_is_never_a_path(sent, saved):
    assert attachment_name(sent, 7) == saved
    assert len(saved.encode()) <= 200


def test_an_attachment_never_overwrites_and_a_missing_directory_is_one_line(desk, capsys):
    Path("kept.pdf").write_bytes(b"mine")
    refused(capsys, desk, 2, "mail", "attachment", "1", "--out", "kept.pdf")
    assert Path("kept.pdf").read_bytes() == b"mine"
    err = refused(capsys, desk, 2, "mail", "attachment", "1", "--out", "/nonexistent/x")
    assert "does not exist" in err
    refused(capsys, desk, 2, "mail", "attachment", "1", "--out", str(desk.root))  # a directory
    assert sorted(os.listdir(".")) == ["kept.pdf"]  # no temporary file left behind


# --- (6) a mistyped --db ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["ticket", "show", "1"],
        ["ticket", "list"],
        ["agent", "list"],
        ["agent", "add", "zosia", "--name", "Zosia"],
        ["who"],
        ["status", "away"],
        ["report"],
        ["export", "jsonl"],
        ["mail", "fetch"],
        ["admin", "sla"],
        ["db", "check"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_a_mistyped_db_is_not_created(desk, capsys, argv):
    typo = desk.root / "dsek.db"
    code, _, err = run(capsys, *argv, "--db", str(typo), "--config", str(desk.config))
    assert code == 3 and one_line_error(code, err) and "does not exist" in err
    assert not typo.exists()


def test_only_the_commands_that_make_a_desk_create_one(desk, capsys):
    made = desk.root / "new.db"
    assert run(capsys, "db", "upgrade", "--db", str(made))[0] == 0 and made.exists()
    exported = desk.root / "desk.jsonl"
    assert cli(capsys, desk, "export", "jsonl", str(exported))[0] == 0
    moved = desk.root / "moved.db"
    assert run(capsys, "import", "jsonl", str(exported), "--db", str(moved))[0] == 0 and moved.exists()
    seeded = desk.root / "seeded.db"
    assert run(capsys, "seed", "--tickets", "1", "--db", str(seeded))[0] == 0 and seeded.exists()


# --- (8) what used to be an internal error -----------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["ticket", "show", HUGE],
        ["ticket", "list", "--limit", HUGE],
        ["ticket", "take", HUGE],
        ["ticket", "reply", HUGE, "--body", "x"],
        ["ticket", "status", "1", "open", "--version", HUGE],
        ["mail", "attachment", HUGE],
        ["mail", "attachments", HUGE],
        ["mail", "outbox", "--ticket", HUGE],
        ["mail", "outbox", "retry", HUGE],
        ["mail", "quarantine", "show", "99999999999999999999999"],
        ["agent", "absence", "cancel", HUGE],
        ["admin", "sla", "set", "normal", "--first-response", HUGE],
        ["admin", "audit", "--limit", HUGE],
        ["report", "--weeks", HUGE],
        ["seed", "--tickets", HUGE],
        ["demo", "--seed", str(2**70)],
        ["ticket", "show", "1" * 5000],
    ],
    ids=lambda argv: " ".join(a[:12] for a in argv),
)
def test_numbers_no_database_can_hold_are_refused_in_one_line(desk, capsys, argv):
    err = refused(capsys, desk, 2, *argv)
    assert "internal error" not in err


def test_invalid_utf8_in_an_argument_is_one_line(desk, capsys):
    err = refused(capsys, desk, 2, "ticket", "new", "--subject", "caf\udce9", "--phone", "600100200")
    assert "not valid UTF-8" in err
    refused(capsys, desk, 2, "ticket", "new", "--subject", "nul\x00byte", "--phone", "600100200")
    # the real thing: bytes from the shell, decoded by Python with surrogateescape
    before = dump(desk.db)
    argv: list[str | bytes] = ["ticket", "new", "--subject", b"caf\xe9", "--phone", "600100200"]
    done = subprocess.run(
        [sys.executable, "-m", "bokdesk", *argv, "--db", str(desk.db), "--config", str(desk.config)],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and b"Traceback" not in done.stderr
    assert dump(desk.db) == before


def test_invalid_utf8_on_standard_input_is_one_line(desk, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", bad_stdin())
    err = refused(capsys, desk, 2, "ticket", "note", "1", "--body", "-")
    assert "standard input is not UTF-8" in err
    monkeypatch.setattr(sys, "stdin", bad_stdin())
    refused(capsys, desk, 2, "ticket", "new", "--subject", "x", "--phone", "600100200", "--body", "-")


def test_a_period_at_the_end_of_the_calendar_is_one_line(desk, capsys):
    err = refused(capsys, desk, 2, "report", "--from", "9999-12-01", "--to", "9999-12-31")
    assert "9998-12-31" in err
    refused(capsys, desk, 2, "report", "--from", "0001-01-01", "--to", "0001-01-31")


def test_a_db_that_is_a_dangling_link_or_a_device_is_one_line(desk, capsys):
    dangling = desk.root / "dangling.db"
    dangling.symlink_to(desk.root / "nowhere.db")
    for db in (dangling, Path("/dev/null"), desk.root):
        code, _, err = run(capsys, "ticket", "list", "--db", str(db))
        assert code == 3 and one_line_error(code, err), (db, err)
    assert not (desk.root / "nowhere.db").exists()


def test_export_to_a_directory_or_a_missing_one_is_one_line_and_leaves_nothing(desk, capsys):
    target = desk.root / "exports"
    target.mkdir()
    err = refused(capsys, desk, 2, "export", "jsonl", str(target))
    assert "is a directory" in err
    refused(capsys, desk, 2, "export", "jsonl", str(desk.root / "missing" / "x.jsonl"))
    assert not list(desk.root.glob("*.partial")) and not list(desk.root.glob(".*partial"))
    assert list(target.iterdir()) == []


def test_a_survey_csv_with_a_huge_field_or_number_is_one_line(desk, capsys):
    big = desk.root / "big.csv"
    big.write_text("ticket,nps,answered_at,comment\n1,9,2026-11-01," + "x" * 200_000 + "\n")
    err = refused(capsys, desk, 2, "survey", "import", str(big))
    assert "line 2" in err and len(err) < 300
    for number in (HUGE, "9" * 5000, "0"):
        huge = desk.root / "huge.csv"
        huge.write_text(f"ticket,nps,answered_at\n{number},9,2026-11-01\n")
        err = refused(capsys, desk, 2, "survey", "import", str(huge))
        assert "line 2: ticket must be a ticket number" in err and len(err) < 300


def test_a_refused_agent_add_leaves_no_new_team(desk, capsys):
    refused(capsys, desk, 2, "agent", "add", "ola", "--name", "Ola", "--team", "Nowy zespół")


# --- (12) never overwrite without --force ------------------------------------------------------------


def test_export_and_report_refuse_to_overwrite_unless_forced(desk, capsys):
    for argv in (["export", "jsonl", "out.txt"], ["report", "--output", "out.txt"]):
        Path("out.txt").write_text("precious")
        err = refused(capsys, desk, 2, *argv)
        assert "already exists" in err and "--force" in err and Path("out.txt").read_text() == "precious"
        code, _, err = cli(capsys, desk, *argv, "--force")
        assert code == 0 and Path("out.txt").read_text() != "precious", err
        Path("out.txt").unlink()
    Path("link.txt").symlink_to(desk.root / "victim.txt")
    refused(capsys, desk, 2, "export", "jsonl", "link.txt")
    assert cli(capsys, desk, "report", "--output", "link.txt", "--force")[0] == 0
    # replaced, not followed
    assert not Path("link.txt").is_symlink() and not (desk.root / "victim.txt").exists()
    assert sorted(os.listdir(".")) == ["link.txt"]


# --- (13) untrusted text in the command line's output -----------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["ticket", "show", "1"],
        ["ticket", "list"],
        ["agent", "list"],
        ["who"],
        ["mail", "attachments", "1"],
        ["report", "--by", "team"],
        ["report", "--by", "agent"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_plain_output_has_no_control_or_bidi_characters(desk, capsys, argv):
    code, out, err = cli(capsys, desk, *argv)
    assert code == 0, err
    assert not [ch for ch in UNSAFE if ch in out]


def test_json_escapes_c1_and_bidi_characters(desk, capsys):
    code, _, _ = cli(capsys, desk, "ticket", "new", "--subject", "C1 \x9b31m", "--customer", "Jan \u202eK")
    assert code == 0
    for argv in (
        ["ticket", "show", "3", "--json"],
        ["ticket", "list", "--json"],
        ["agent", "list", "--json"],
    ):
        code, out, _ = cli(capsys, desk, *argv)
        assert code == 0 and not [ch for ch in UNSAFE if ch in out]
    code, out, _ = cli(capsys, desk, "ticket", "show", "3", "--json")
    data = json.loads(out)
    assert "\\u009b31m" in out and "\\u202e" in out
    assert data["subject"] == "C1 \x9b31m" and data["customer"]["name"] == "Jan \u202eK"  # exact in JSON


def test_an_error_naming_untrusted_text_is_one_clean_line(desk, capsys):
    err = refused(capsys, desk, 1, "agent", "shifts", "x\u202ey\nz\x1b[2J")
    assert not [ch for ch in UNSAFE if ch in err]
    err = refused(capsys, desk, 2, "ticket", "list", "--view", "a\u202eb\nc")
    assert not [ch for ch in UNSAFE if ch in err]


# --- (14) spreadsheet formulas -------------------------------------------------------------------------


def test_report_csv_writes_formulas_as_text(desk, capsys):
    code, out, _ = cli(capsys, desk, "report", "--format", "csv", "--by", "team")
    labels = [r[2] for r in list(csv.reader(io.StringIO(out)))[1:]]
    assert code == 0 and "'=cmd|' /C calc'!A0" in labels
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)
    code, out, _ = cli(capsys, desk, "report", "--format", "csv", "--by", "agent")
    labels = [r[2] for r in list(csv.reader(io.StringIO(out)))[1:]]
    assert code == 0 and not any(label.startswith(("=", "+", "-", "@")) for label in labels)


def test_the_stats_screens_csv_writes_formulas_as_text(desk, monkeypatch, tmp_path):
    from bokdesk.core import metrics, periods
    from bokdesk.core.database import open_store
    from bokdesk.core.desk import Desk as CoreDesk
    from bokdesk.core.services.agents import actor_of, find_agent
    from bokdesk.ui.screens import stats

    monkeypatch.setattr(stats.export, "export_dir", lambda: tmp_path / "exports")
    store = open_store(desk.db, create=False)
    try:
        core = CoreDesk(store=store)
        me = find_agent(core, ME)
        assert me is not None
        period = periods.preset(core.calendar.tz, "30d", core.now())
        report = metrics.report(core, actor_of(me), period, by=metrics.DIMENSIONS)
        path = stats.export_csv("teams", report, [])
    finally:
        store.dispose()
    labels = [r[2] for r in list(csv.reader(path.open(encoding="utf-8")))[1:]]
    assert "'=cmd|' /C calc'!A0" in labels
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)


def test_the_shared_csv_writer_neutralises_every_formula_start():
    from bokdesk.core.report_csv import write_csv

    out = io.StringIO()
    cells = ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\u202e=x", "ok", "a=b"]
    write_csv(out, ["h"] * len(cells), [[*cells], [-5, 1.5, None, "", "x", "y", "z", "w", "v"]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1] == ["'=1+2", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\nx", "'=x", "ok", "a=b"]
    assert rows[2][:3] == ["-5", "1.5", ""]  # numbers are numbers
