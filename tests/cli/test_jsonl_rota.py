"""JSONL carries the rota: agents' weekly timetables and absences round-trip; bad rota lines refuse the file."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from bokdesk.core.database import open_store
from bokdesk.core.desk import Desk
from bokdesk.core.errors import ValidationError
from bokdesk.core.jsonl import export_jsonl, import_jsonl
from bokdesk.core.services import agents, shifts


def export(desk: Desk) -> str:
    out = io.StringIO()
    export_jsonl(desk, out)
    return out.getvalue()


@pytest.fixture
def rota_desk(desk, staff):
    shifts.set_week(desk, staff.boss, "ola", "pon-pt 8-12 13-17, sob 9-13")
    shifts.set_week(desk, staff.boss, "kasia", "fri 22-6")
    shifts.add_absence(desk, staff.boss, "ola", date(2026, 11, 23), date(2026, 11, 27), "leave", note="urlop")
    shifts.add_absence(desk, staff.boss, "kasia", date(2026, 12, 1), kind="training")
    return desk


def test_rota_round_trip_is_identical(rota_desk, tmp_path):
    first = export(rota_desk)
    records = [json.loads(line) for line in first.splitlines()]
    assert [r for r in records if r["type"] == "shifts"] == [
        {"type": "shifts", "agent": "ola", "week": "mon-fri 08:00-12:00 13:00-17:00, sat 09:00-13:00"},
        {"type": "shifts", "agent": "kasia", "week": "fri 22:00-06:00"},
    ]
    assert [
        (r["agent"], r["first_day"], r["last_day"], r["kind"], r["note"], r["recorded_by"])
        for r in records
        if r["type"] == "absence"
    ] == [
        ("ola", "2026-11-23", "2026-11-27", "leave", "urlop", "Marek Wiśniewski"),
        ("kasia", "2026-12-01", "2026-12-01", "training", None, "Marek Wiśniewski"),
    ]
    file = tmp_path / "desk.jsonl"
    file.write_text(first, encoding="utf-8")
    copy = Desk(store=open_store(tmp_path / "copy.db"), clock=rota_desk.clock)
    try:
        counts = import_jsonl(copy, file)
        assert (counts["shifts"], counts["absence"]) == (2, 2)
        assert export(copy) == first
        [ola] = shifts.rota_of_desk(copy, date(2026, 11, 24), login="ola")
        assert ola.rota.absence_on(date(2026, 11, 24)).kind == "leave"
    finally:
        copy.store.dispose()


def test_importing_the_rota_into_a_desk_keeps_its_own_timetable(rota_desk, staff, tmp_path):
    file = tmp_path / "desk.jsonl"
    header = json.dumps({"type": "header", "format": "bokdesk-jsonl", "version": 1})
    file.write_text(
        "\n".join(
            [
                header,
                json.dumps({"type": "shifts", "agent": "ola", "week": "sat 10-14"}),
                json.dumps({"type": "shifts", "agent": "marek", "week": "mon-fri 7-15"}),
                json.dumps(
                    {
                        "type": "absence",
                        "agent": "ola",
                        "first_day": "2026-11-23",
                        "last_day": "2026-11-27",
                        "kind": "leave",
                        "note": "urlop",
                        "recorded_by": "x",
                        "recorded_at": "2026-11-01T10:00:00Z",
                    }
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    counts = import_jsonl(rota_desk, file)
    assert (counts["shifts"], counts["absence"]) == (1, 0)  # Marek's week; Ola's own week and leave stay
    weeks = {r.login: r.week for r in shifts.rota_of_desk(rota_desk)}
    assert weeks["ola"] == "mon-fri 08:00-12:00 13:00-17:00, sat 09:00-13:00"
    assert weeks["marek"] == "mon-fri 07:00-15:00"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"type": "shifts", "agent": "ola", "week": "mon 8-12 11-14"}, "line 2: Shifts overlap"),
        ({"type": "shifts", "week": "mon 8-16"}, "line 2: shifts without an agent login"),
        (
            {
                "type": "absence",
                "agent": "ola",
                "first_day": "2026-11-27",
                "last_day": "2026-11-23",
                "kind": "leave",
            },
            "line 2: absence of ola ends before it starts",
        ),
        (
            {
                "type": "absence",
                "agent": "ola",
                "first_day": "23.11.2026",
                "last_day": "2026-11-23",
                "kind": "leave",
            },
            "line 2: Invalid isoformat",
        ),
        (
            {
                "type": "absence",
                "agent": "ola",
                "first_day": "2026-11-23",
                "last_day": "2026-11-23",
                "kind": "vacation",
            },
            "line 2: unknown absence kind 'vacation'",
        ),
        (
            {"type": "shifts", "agent": "nobody", "week": "mon 8-16"},
            "line 2: shifts of unknown agent 'nobody'",
        ),
    ],
)
def test_a_bad_rota_line_imports_nothing(desk, staff, tmp_path, record, message):
    file = tmp_path / "bad.jsonl"
    header = json.dumps({"type": "header", "format": "bokdesk-jsonl", "version": 1})
    team = json.dumps({"type": "team", "name": "Nowy zespół"})
    file.write_text("\n".join([header, json.dumps(record), team]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        import_jsonl(desk, file)
    assert "Nowy zespół" not in {t.name for t in agents.list_teams(desk)}
    assert all(r.rota.follows_desk for r in shifts.rota_of_desk(desk))
