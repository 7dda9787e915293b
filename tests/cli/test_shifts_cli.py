"""`bokdesk agent shifts`, `agent shift set`, `agent absence add/list/cancel`: output, one-line
errors, permissions, and that the scripting path never imports Textual."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

# The desk of tests/cli/test_admin.py: you (admin), ola (agent) and marek (supervisor).
from test_admin import ME, db, env, run  # noqa: F401


def test_set_show_and_json(db, capsys):
    code, out, _ = run(
        capsys, "agent", "shift", "set", "ola", "Pon-Pt 8-16; sob 9:00 - 13:00", "--db", str(db)
    )
    assert code == 0 and out.splitlines() == [
        "ola: mon-fri 08:00-16:00, sat 09:00-13:00",
        "Note: outside the desk's opening hours: sat 09:00-13:00. New tickets are routed to ola then, while the "
        "SLA clocks (business hours) stand still.",
    ]  # the default desk is open Mon-Fri 08:00-16:00
    code, out, _ = run(capsys, "agent", "shifts", "--db", str(db))
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["LOGIN", "NAME", "TEAM", "WEEK", "NOW"]
    assert "desk hours" in lines[1] and "mon-fri 08:00-16:00, sat 09:00-13:00" in lines[2]
    code, out, _ = run(capsys, "agent", "shifts", "ola", "--json", "--db", str(db))
    [row] = json.loads(out)
    assert (
        row["login"] == "ola"
        and not row["follows_desk"]
        and row["week"] == "mon-fri 08:00-16:00, sat 09:00-13:00"
    )
    assert row["blocks"][0] == {"day": "mon", "start": "08:00", "end": "16:00", "overnight": False}
    assert len(row["blocks"]) == 6 and set(row) >= {
        "on_shift",
        "until",
        "next_start",
        "absence",
        "absent_until",
    }
    code, out, _ = run(capsys, "agent", "shift", "set", "ola", "desk", "--db", str(db))
    assert "the desk opening hours" in out
    code, out, _ = run(capsys, "agent", "shifts", "ola", "--json", "--db", str(db))
    assert json.loads(out)[0]["follows_desk"] is True


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("mon 8-12 11-14", "bokdesk: Shifts overlap: mon 08:00-12:00 and mon 11:00-14:00.\n"),
        ("pn-pt 8-25", "bokdesk: Bad hours '8-25' in 'pn-pt 8-25'; write HH:MM-HH:MM, e.g. 08:00-16:00.\n"),
        ("xyz 8-16", "bokdesk: Unknown day 'xyz' in 'xyz 8-16'; use mon..sun or pon..niedz.\n"),
    ],
)
def test_bad_week_is_one_line(db, capsys, week, message):
    code, out, err = run(capsys, "agent", "shift", "set", "ola", week, "--db", str(db))
    assert code != 0 and out == "" and err == message


def test_absences_add_list_cancel(db, capsys, monkeypatch):
    # 23:30 UTC is already tomorrow at the desk (Europe/Warsaw): "today" is the desk's date.
    from bokdesk.core.desk import Desk

    monkeypatch.setattr(Desk, "now", lambda self: datetime(2026, 12, 7, 23, 30, tzinfo=UTC))
    today = date(2026, 12, 8)
    code, out, _ = run(
        capsys,
        "agent",
        "absence",
        "add",
        "ola",
        "today",
        (today + timedelta(days=4)).strftime("%d.%m.%Y"),
        "--note",
        "urlop",
        "--db",
        str(db),
    )
    assert code == 0 and out == f"Absence #1: ola leave {today}..{today + timedelta(days=4)} (5 days).\n"
    code, _, err = run(capsys, "agent", "absence", "add", "ola", "jutro", "--kind", "sick", "--db", str(db))
    assert code != 0 and "already away" in err and "#1" in err
    code, out, _ = run(
        capsys, "agent", "absence", "add", "ola", "2020-01-06", "--kind", "training", "--db", str(db)
    )
    assert out == "Absence #2: ola training 2020-01-06..2020-01-06 (1 day).\n"
    code, out, _ = run(capsys, "agent", "absence", "list", "--json", "--db", str(db))
    assert [(r["id"], r["kind"], r["note"], r["recorded_by"]) for r in json.loads(out)] == [
        (1, "leave", "urlop", "Adam Admin")
    ]
    code, out, _ = run(capsys, "agent", "absence", "list", "--all", "--db", str(db))
    assert [line.split()[0] for line in out.splitlines()] == ["ID", "2", "1"]
    code, out, _ = run(
        capsys,
        "agent",
        "absence",
        "list",
        "--from",
        "2020-01-01",
        "--to",
        "2020-12-31",
        "--json",
        "--db",
        str(db),
    )
    assert [r["id"] for r in json.loads(out)] == [2]
    code, out, _ = run(capsys, "agent", "shifts", "ola", "--db", str(db))
    assert f"absent (leave) until {today + timedelta(days=4)}" in out
    code, out, _ = run(capsys, "who", "--all", "--json", "--db", str(db))
    [ola] = [r for r in json.loads(out) if r["login"] == "ola"]
    assert (ola["status"], ola["state"]) == ("available", "absent")  # whatever the status says
    code, out, _ = run(capsys, "agent", "absence", "cancel", "1", "--db", str(db))
    assert code == 0 and out.startswith("Cancelled absence #1: ola leave")
    code, _, err = run(capsys, "agent", "absence", "cancel", "1", "--db", str(db))
    assert code != 0 and err == "bokdesk: No absence #1.\n"
    code, _, err = run(capsys, "agent", "absence", "add", "ola", "someday", "--db", str(db))
    assert err == "bokdesk: FROM must be a date like 2026-11-23 or 23.11.2026, not 'someday'.\n"
    code, out, _ = run(capsys, "admin", "audit", "--action", "absence_cancelled", "--json", "--db", str(db))
    assert [r["target"] for r in json.loads(out)] == ["ola"]


def test_agents_cannot_change_the_rota(db, tmp_path, capsys):
    site = tmp_path / "site" / "bokdesk" / "config.toml"
    site.parent.mkdir(parents=True)
    site.write_text(f'[security]\nallow_as = ["{ME}"]\n')
    code, _, err = run(capsys, "--as", "ola", "agent", "shift", "set", "ola", "mon 8-16", "--db", str(db))
    assert code != 0 and "Changing the rota needs the supervisor role" in err
    code, _, err = run(capsys, "--as", "ola", "agent", "absence", "add", "ola", "today", "--db", str(db))
    assert code != 0 and "needs the supervisor role" in err
    code, out, _ = run(capsys, "--as", "ola", "agent", "shifts", "--db", str(db))  # reading is for everyone
    assert code == 0 and "Aleksandra Nowak" in out


def test_rota_commands_do_not_import_textual(db):
    code = (
        "import sys\nfrom bokdesk.cli import main\n"
        f"assert main(['agent', 'shifts', '--db', {str(db)!r}]) == 0\n"
        f"assert main(['agent', 'absence', 'list', '--db', {str(db)!r}]) == 0\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
