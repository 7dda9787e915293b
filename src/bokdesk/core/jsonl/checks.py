"""Import's first reading: every line parsed and checked, a bad one named, before anything is written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..clock import parse_iso
from ..enums import Category, Channel, MessageKind, Priority, Role, Status
from ..errors import CodedError, ValidationError
from ..notices import Notice, verbatim
from ..shifts import AbsenceKind, parse_week
from .records import FORMAT, TICKET_TIMES, VERSION


class ImportError_(ValidationError):
    """A line of an import file is wrong; nothing was imported."""


def fail(line: int, code: str, **params: Any) -> ImportError_:
    """Line ``line`` is wrong: ``code`` and its values say why."""
    return ImportError_("import_line", line=line, why=Notice(code, params))


def fail_because(line: int, error: Exception) -> ImportError_:
    """Line ``line`` is wrong: ``error`` (a check of the desk's, or Python's words) says why."""
    why = error.notice if isinstance(error, CodedError) else verbatim(str(error))
    return ImportError_("import_line", line=line, why=why.as_clause())


def parse_time(value: Any, line: int, key: str, required: bool = False) -> datetime | None:
    """A record's timestamp (ISO 8601), or None when absent and not required."""
    if value is None:
        if required:
            raise fail(line, "jsonl_missing", key=key)
        return None
    try:
        return parse_iso(str(value))
    except ValueError:
        raise fail(line, "jsonl_bad_time", key=key, value=value) from None


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise ValidationError("file_unreadable", path=path, reason=exc.strerror) from None
    with fh:
        try:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise fail(number, "jsonl_not_json", detail=exc.msg) from None
                except (ValueError, RecursionError):  # a number of thousands of digits; deep nesting
                    raise fail(number, "jsonl_too_deep") from None
                if not isinstance(record, dict) or "type" not in record:
                    raise fail(number, "jsonl_no_type")
                yield number, record
        except UnicodeDecodeError:
            raise ValidationError("jsonl_not_utf8", path=path) from None


def check_record(number: int, record: dict[str, Any], seen_customers: set[int], numbers: set[int]) -> None:
    kind = record["type"]
    if kind == "header":
        if record.get("format") != FORMAT or record.get("version") != VERSION:
            raise fail(number, "jsonl_format", format=record.get("format"), version=record.get("version"))
    elif kind in ("team", "agent"):
        key = "name" if kind == "team" else "login"
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise fail(number, "jsonl_without", kind=kind, key=key)
        if kind == "agent" and record.get("role", "agent") not in {r.value for r in Role}:
            raise fail(number, "jsonl_unknown_role", value=record.get("role"))
    elif kind == "customer":
        if not isinstance(record.get("id"), int) or not isinstance(record.get("name"), str):
            raise fail(number, "jsonl_customer")
        seen_customers.add(record["id"])
    elif kind == "canned":
        for key in ("title", "shortcut", "body"):
            if not isinstance(record.get(key), str):
                raise fail(number, "jsonl_canned_without", key=key)
    elif kind == "ticket":
        _check_ticket(number, record, seen_customers, numbers)
    elif kind in ("shifts", "absence"):
        _check_rota(number, record)
    else:
        raise fail(number, "jsonl_unknown_type", kind=kind)


def _check_ticket(number: int, r: dict[str, Any], seen_customers: set[int], numbers: set[int]) -> None:
    if not isinstance(r.get("number"), int) or r["number"] < 1:
        raise fail(number, "jsonl_ticket_number")
    if r["number"] in numbers:
        raise fail(number, "jsonl_ticket_twice", number=r["number"])
    numbers.add(r["number"])
    if r.get("customer") not in seen_customers:
        raise fail(number, "jsonl_ticket_customer", number=r["number"], customer=r.get("customer"))
    if not isinstance(r.get("subject"), str) or not r["subject"].strip():
        raise fail(number, "jsonl_ticket_subject", number=r["number"])
    for key, kind in (
        ("channel", Channel),
        ("category", Category),
        ("priority", Priority),
        ("status", Status),
    ):
        if r.get(key) not in {m.value for m in kind}:
            raise fail(number, "jsonl_ticket_unknown", number=r["number"], key=key, value=r.get(key))
    parse_time(r.get("created_at"), number, "created_at", required=True)
    for key in TICKET_TIMES:
        parse_time(r.get(key), number, key)
    for m in r.get("messages", []):
        if (
            not isinstance(m, dict)
            or m.get("kind") not in {k.value for k in MessageKind}
            or not isinstance(m.get("body"), str)
        ):
            raise fail(number, "jsonl_ticket_message", number=r["number"])
        parse_time(m.get("created_at"), number, "message created_at", required=True)
    for e in r.get("history", []):
        if not isinstance(e, dict) or not isinstance(e.get("field"), str):
            raise fail(number, "jsonl_ticket_history", number=r["number"])
        parse_time(e.get("at"), number, "history at", required=True)
    for s in r.get("surveys", []):
        if not isinstance(s, dict):
            raise fail(number, "jsonl_ticket_survey", number=r["number"])
        nps, csat = s.get("nps"), s.get("csat")
        if (
            (nps is not None and not (isinstance(nps, int) and 0 <= nps <= 10))
            or (csat is not None and not (isinstance(csat, int) and 1 <= csat <= 5))
            or (nps is None and csat is None)
        ):
            raise fail(number, "jsonl_ticket_scores", number=r["number"])
        parse_time(s.get("answered_at"), number, "survey answered_at", required=True)


def _check_rota(number: int, r: dict[str, Any]) -> None:
    if not isinstance(r.get("agent"), str):
        raise fail(number, "jsonl_rota_without_agent", kind=r["type"])
    if r["type"] == "shifts":
        if not isinstance(r.get("week"), str):
            raise fail(number, "jsonl_shifts_no_week")
        try:
            parse_week(r["week"])
        except (TypeError, ValueError) as error:  # a ShiftSpecError says what is wrong
            raise fail_because(number, error) from None
        return
    try:
        first, last = parse_day(r.get("first_day")), parse_day(r.get("last_day"))
    except (CodedError, TypeError, ValueError) as error:
        raise fail_because(number, error) from None
    if last < first:
        raise fail(number, "jsonl_absence_order", agent=r["agent"])
    if r.get("kind") not in {k.value for k in AbsenceKind}:
        raise fail(number, "jsonl_absence_kind", value=r.get("kind"))
    parse_time(r.get("recorded_at"), number, "recorded_at")


def parse_day(value: Any) -> date:
    if not isinstance(value, str):
        raise ValidationError("jsonl_not_a_date", value=value)
    return date.fromisoformat(value)
