"""``bokdesk report`` and ``bokdesk survey import`` (and the survey CSV importer under them)."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bokdesk.cli import main
from bokdesk.cli.context import unix_login
from bokdesk.core import metrics, periods
from bokdesk.core.desk import SYSTEM
from bokdesk.core.errors import PermissionDenied, ValidationError
from bokdesk.core.models import SurveyAnswer
from bokdesk.core.report_csv import csv_header
from bokdesk.core.services import agents, tickets
from bokdesk.core.services.customers import CustomerSpec
from bokdesk.core.survey_import import import_csv, parse_time

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def desk_with_work(desk, staff, clock):
    """Three solved tickets (Ola two, Kasia one) and the current Unix user as a supervisor."""
    me = unix_login()
    if agents.find_agent(desk, me) is None:
        agents.add_agent(desk, staff.admin, me, "Ja Kierownik", role="supervisor", team="BOK Warszawa")
    numbers = []
    for who, subject, mail in (
        (staff.ola, "Faktura", "f"),
        (staff.ola, "Dostawa", "d"),
        (staff.kasia, "Hasło", "h"),
    ):
        clock.now = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
        t = tickets.create_ticket(
            desk,
            SYSTEM,
            tickets.NewTicket(
                subject=subject, customer=CustomerSpec(name="Klient", email=f"{mail}@example.pl"), body="?"
            ),
        )
        clock.now = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
        tickets.take(desk, who, t.id)
        tickets.reply(desk, who, t.id, "Gotowe", set_status="solved")
        numbers.append(t.id)
    clock.now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    return numbers


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "answers.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def count_answers(desk) -> int:
    with desk.store.read() as s:
        return len(s.exec(__import__("sqlmodel").select(SurveyAnswer)).all())


# ---------------------------------------------------------------------- survey import


def test_import_is_all_or_nothing_and_names_the_bad_lines(desk, staff, desk_with_work, tmp_path):
    a, b, c = desk_with_work
    text = (
        "external_id,ticket,nps,csat,answered_at,comment\n"
        f"r1,{a},10,5,2026-11-18 10:00,Super\n"
        f"r2,{b},11,,2026-11-18 11:00,\n"  # line 3: nps out of range
        f"r3,9999,7,4,2026-11-18 12:00,\n"  # line 4: no such ticket
        f"r4,{c},,,2026-11-18 12:00,\n"  # line 5: no score
        f"r5,{c},5,,yesterday,\n"  # line 6: not a date
    )
    with pytest.raises(ValidationError) as error:
        import_csv(desk, staff.boss, write(tmp_path, text))
    message = str(error.value)
    assert message.startswith("Nothing was imported: 4 bad rows")
    assert "line 3: nps must be 0-10, not 11" in message and "line 4: ticket #9999 does not exist" in message
    assert "line 5:" in message and "line 6:" in message and "line 2" not in message
    assert count_answers(desk) == 0


def test_import_twice_imports_once_and_credits_the_assignee(desk, staff, desk_with_work, tmp_path):
    a, b, c = desk_with_work
    text = (
        "ticket,nps,csat,answered_at,external_id\n"
        f"#{a},10,5,2026-11-18T09:00:00Z,ext-1\n"
        f"{b},6,3,2026-11-18 10:30,ext-2\n"
        f"{c},8,4,2026-11-18,ext-3\n"
    )
    path = write(tmp_path, text)
    assert import_csv(desk, staff.boss, path).summary() == "3 survey answers imported."
    assert (
        import_csv(desk, staff.boss, path).summary()
        == "0 survey answers imported, 3 already imported before."
    )
    assert count_answers(desk) == 3
    # NPS per agent and team: Ola a promoter and a detractor (0), Kasia a passive (0); the desk 0.
    week = periods.days(desk.calendar.tz, datetime(2026, 11, 16).date(), datetime(2026, 11, 20).date())
    r = metrics.report(desk, staff.boss, week)
    by_agent = {row.key: (row.figures.nps_answers, row.figures.nps) for row in r.breakdowns["agent"]}
    assert by_agent[staff.ola.id] == (2, 0) and by_agent[staff.kasia.id] == (1, 0)
    by_team = {row.label: row.figures.nps_answers for row in r.breakdowns["team"]}
    assert by_team["BOK Warszawa"] == 3
    assert (r.totals.csat_answers, r.totals.satisfied) == (3, 2)


def test_polish_excel_export_without_ids_is_idempotent_too(desk, staff, desk_with_work, tmp_path):
    a, _b, _c = desk_with_work
    text = f"Zgłoszenie;NPS;Data;Komentarz\n{a};9;18.11.2026 14:30;Bardzo dobra obsługa, dziękuję\n"
    path = write(tmp_path, text, encoding="cp1250")
    assert import_csv(desk, staff.boss, path).imported == 1
    assert import_csv(desk, staff.boss, path).imported == 0
    with desk.store.read() as s:
        answer = s.exec(__import__("sqlmodel").select(SurveyAnswer)).one()
    assert answer.comment == "Bardzo dobra obsługa, dziękuję" and answer.source == "import"
    assert answer.answered_at == datetime(2026, 11, 18, 13, 30, tzinfo=UTC)  # 14:30 local (CET)
    assert answer.external_id.startswith("csv:") and answer.agent_id == staff.ola.id


def test_import_needs_a_supervisor_and_a_header(desk, staff, desk_with_work, tmp_path):
    with pytest.raises(PermissionDenied):
        import_csv(desk, staff.ola, write(tmp_path, "ticket,nps,answered_at\n1,9,2026-11-18\n"))
    with pytest.raises(ValidationError, match="line 1: no ticket column"):
        import_csv(desk, staff.boss, write(tmp_path, "nps,answered_at\n9,2026-11-18\n"))


def test_survey_times():
    assert parse_time("2026-11-18", WARSAW) == datetime(2026, 11, 17, 23, 0, tzinfo=UTC)
    assert parse_time("2026-07-01 12:00", WARSAW) == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # CEST
    assert parse_time("2026-07-01T12:00:00+00:00", WARSAW) == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


# ---------------------------------------------------------------------- bokdesk report


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_json_is_the_documented_shape(db_path, desk, desk_with_work, capsys):
    code, out, _err = run(
        capsys,
        "report",
        "--db",
        str(db_path),
        "--from",
        "2026-11-16",
        "--to",
        "2026-11-20",
        "--format",
        "json",
        "--weeks",
        "2",
    )
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "bokdesk.report/1"
    assert data["period"] == {
        "from": "2026-11-16",
        "to": "2026-11-20",
        "start": "2026-11-15T23:00:00Z",
        "end": "2026-11-20T23:00:00Z",
        "days": 5,
    }
    assert set(data["breakdowns"]) == {"agent", "team", "channel", "category", "priority"}
    totals = data["totals"]
    assert totals["solved"] == 3 and totals["first_response"]["business"]["median"] == 3600
    assert totals["nps"] == {"answers": 0, "promoters": 0, "passives": 0, "detractors": 0, "score": None}
    assert (
        len(data["weeks"]) == 2 and data["weeks"][0]["end"] == data["weeks"][1]["start"]
    )  # this week and the last
    assert set(totals) >= {
        "received",
        "pickup",
        "resolution",
        "first_resolution",
        "sla",
        "reopen",
        "first_contact_resolution",
        "transfers",
        "csat",
        "backlog_at_end",
    }


def test_report_csv_and_table(db_path, desk, staff, desk_with_work, capsys):
    code, out, _ = run(
        capsys,
        "report",
        "--db",
        str(db_path),
        "--from",
        "2026-11-16",
        "--to",
        "2026-11-20",
        "--format",
        "csv",
        "--by",
        "agent",
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == csv_header("agent")
    solved = {row[2]: row[4] for row in rows[1:]}
    assert solved[staff.ola.name] == "2" and solved[staff.kasia.name] == "1"
    code, out, _ = run(
        capsys, "report", "--db", str(db_path), "--from", "2026-11-16", "--to", "2026-11-20", "--by", "team"
    )
    assert code == 0 and "First response      mean 1 h, median 1 h, p90 1 h (3 tickets)" in out
    assert "BOK Warszawa" in out and "Developers" in out  # every team, even one without tickets
    code, out, _ = run(capsys, "report", "--db", str(db_path), "--period", "today")
    assert code == 0 and "(1 day, Europe/Warsaw)" in out


def test_report_errors_are_one_line(db_path, desk, staff, desk_with_work, capsys, monkeypatch):
    code, _, err = run(capsys, "report", "--db", str(db_path), "--from", "2026-11-20", "--to", "2026-11-01")
    assert code == 2 and err.strip() == "bokdesk: The period ends (2026-11-01) before it starts (2026-11-20)."
    code, _, err = run(capsys, "report", "--db", str(db_path), "--from", "20.11.2026")
    assert code == 2 and "--from must be a date like 2026-11-24" in err
    monkeypatch.setattr("bokdesk.core.identity.unix_login", lambda: "ola")
    code, _, err = run(capsys, "report", "--db", str(db_path))
    assert code == 4 and "needs the supervisor role" in err and "Traceback" not in err


def test_survey_import_command(db_path, desk, desk_with_work, tmp_path, capsys):
    a = desk_with_work[0]
    path = write(tmp_path, f"ticket,nps,answered_at\n{a},9,2026-11-18 10:00\n")
    code, out, _ = run(capsys, "survey", "import", str(path), "--db", str(db_path))
    assert code == 0 and out.strip() == "1 survey answer imported."
    bad = write(tmp_path, f"ticket,nps,answered_at\n{a},x,2026-11-18\n", name="bad.csv")
    code, _, err = run(capsys, "survey", "import", str(bad), "--db", str(db_path))
    assert code == 2 and "line 2: nps must be a whole number 0-10" in err


def test_scripting_commands_do_not_import_textual(db_path, desk, desk_with_work):
    import subprocess

    code = (
        f"import sys; from bokdesk.cli import main; main(['report', '--db', {str(db_path)!r}, '--format', 'json']); "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_ticket_show_json_explains_the_clocks(db_path, desk, desk_with_work, capsys):
    code, out, _ = run(capsys, "ticket", "show", str(desk_with_work[0]), "--db", str(db_path), "--json")
    explain = json.loads(out)["explain"]
    assert code == 0 and explain["policy"]["clock"] == "business"
    clocks = {c["metric"]: c for c in explain["clocks"]}
    assert list(clocks) == ["pickup", "first_response", "first_resolution", "resolution"]
    frt = clocks["first_response"]
    assert frt["state"] == "met" and frt["stopped"]["event"] == "first_response"
    assert frt["stopped"]["actor"] == "Aleksandra Nowak" and frt["business_seconds"] == 3600
    assert frt["stored"] == {"calendar_seconds": 3600, "business_seconds": 3600}
    assert frt["target"]["due_at"] == "2026-11-18T08:00:00Z" and frt["target"]["breached"] is False
    assert clocks["resolution"]["counted_on"] == "2026-11-17" and explain["complaint"] is None
    code, out, _ = run(capsys, "ticket", "show", str(desk_with_work[0]), "--db", str(db_path))
    assert "clocks:" in out and "First response: target met" in out
