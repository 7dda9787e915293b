"""Import's first reading: every line parsed and checked, a bad one named, before anything is written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..clock import parse_iso
from ..enums import Category, Channel, MessageKind, Priority, Role, Status
from ..errors import ValidationError
from ..shifts import AbsenceKind, ShiftSpecError, parse_week
from .records import FORMAT, TICKET_TIMES, VERSION


class ImportError_(ValidationError):
    """A line of an import file is wrong; nothing was imported."""


def fail(line: int, why: str) -> ImportError_:
    return ImportError_(f"line {line}: {why}; nothing was imported.")


def parse_time(value: Any, line: int, key: str, required: bool = False) -> datetime | None:
    """A record's timestamp (ISO 8601), or None when absent and not required."""
    if value is None:
        if required:
            raise fail(line, f"{key} is missing")
        return None
    try:
        return parse_iso(str(value))
    except ValueError:
        raise fail(line, f"{key} {value!r} is not an ISO 8601 timestamp") from None


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from None
    with fh:
        try:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise fail(number, f"not valid JSON ({exc.msg})") from None
                if not isinstance(record, dict) or "type" not in record:
                    raise fail(number, 'not a record with a "type"')
                yield number, record
        except UnicodeDecodeError:
            raise ValidationError(f"{path} is not UTF-8 text; nothing was imported.") from None


def check_record(number: int, record: dict[str, Any], seen_customers: set[int], numbers: set[int]) -> None:
    kind = record["type"]
    if kind == "header":
        if record.get("format") != FORMAT or record.get("version") != VERSION:
            raise fail(
                number, f"unsupported format {record.get('format')!r} version {record.get('version')!r}"
            )
    elif kind in ("team", "agent"):
        key = "name" if kind == "team" else "login"
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise fail(number, f"{kind} without {key}")
        if kind == "agent" and record.get("role", "agent") not in {r.value for r in Role}:
            raise fail(number, f"unknown role {record.get('role')!r}")
    elif kind == "customer":
        if not isinstance(record.get("id"), int) or not isinstance(record.get("name"), str):
            raise fail(number, "customer needs an integer id and a name")
        seen_customers.add(record["id"])
    elif kind == "canned":
        for key in ("title", "shortcut", "body"):
            if not isinstance(record.get(key), str):
                raise fail(number, f"canned response without {key}")
    elif kind == "ticket":
        _check_ticket(number, record, seen_customers, numbers)
    elif kind in ("shifts", "absence"):
        _check_rota(number, record)
    else:
        raise fail(number, f"unknown record type {kind!r}")


def _check_ticket(number: int, r: dict[str, Any], seen_customers: set[int], numbers: set[int]) -> None:
    if not isinstance(r.get("number"), int) or r["number"] < 1:
        raise fail(number, "ticket without a positive integer number")
    if r["number"] in numbers:
        raise fail(number, f"ticket #{r['number']} appears twice")
    numbers.add(r["number"])
    if r.get("customer") not in seen_customers:
        raise fail(
            number, f"ticket #{r['number']} refers to customer {r.get('customer')!r} not defined before it"
        )
    if not isinstance(r.get("subject"), str) or not r["subject"].strip():
        raise fail(number, f"ticket #{r['number']} has an empty subject")
    for key, kind in (
        ("channel", Channel),
        ("category", Category),
        ("priority", Priority),
        ("status", Status),
    ):
        if r.get(key) not in {m.value for m in kind}:
            raise fail(number, f"ticket #{r['number']} has an unknown {key} {r.get(key)!r}")
    parse_time(r.get("created_at"), number, "created_at", required=True)
    for key in TICKET_TIMES:
        parse_time(r.get(key), number, key)
    for m in r.get("messages", []):
        if (
            not isinstance(m, dict)
            or m.get("kind") not in {k.value for k in MessageKind}
            or not isinstance(m.get("body"), str)
        ):
            raise fail(number, f"ticket #{r['number']} has a malformed message")
        parse_time(m.get("created_at"), number, "message created_at", required=True)
    for e in r.get("history", []):
        if not isinstance(e, dict) or not isinstance(e.get("field"), str):
            raise fail(number, f"ticket #{r['number']} has a malformed history row")
        parse_time(e.get("at"), number, "history at", required=True)
    for s in r.get("surveys", []):
        if not isinstance(s, dict):
            raise fail(number, f"ticket #{r['number']} has a malformed survey")
        nps, csat = s.get("nps"), s.get("csat")
        if (
            (nps is not None and not (isinstance(nps, int) and 0 <= nps <= 10))
            or (csat is not None and not (isinstance(csat, int) and 1 <= csat <= 5))
            or (nps is None and csat is None)
        ):
            raise fail(number, f"ticket #{r['number']} has a survey outside NPS 0-10 / CSAT 1-5")
        parse_time(s.get("answered_at"), number, "survey answered_at", required=True)


def _check_rota(number: int, r: dict[str, Any]) -> None:
    if not isinstance(r.get("agent"), str):
        raise fail(number, f"{r['type']} without an agent login")
    try:
        if r["type"] == "shifts":
            if not isinstance(r.get("week"), str):
                raise ShiftSpecError("a shifts record needs a week")
            parse_week(r["week"])
            return
        first, last = parse_day(r.get("first_day")), parse_day(r.get("last_day"))
        if last < first:
            raise ShiftSpecError(f"absence of {r['agent']} ends before it starts")
        if r.get("kind") not in {k.value for k in AbsenceKind}:
            raise ShiftSpecError(f"unknown absence kind {r.get('kind')!r}")
    except (ShiftSpecError, TypeError, ValueError) as error:
        raise fail(number, str(error).rstrip(".")) from None
    parse_time(r.get("recorded_at"), number, "recorded_at")


def parse_day(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    return date.fromisoformat(value)
