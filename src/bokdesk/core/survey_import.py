"""Import NPS / CSAT answers from an outside survey tool's CSV export.

All or nothing: every row is checked first; if any row is bad, the error names each bad row by its
line number in the file and nothing is imported. Importing the same file twice imports nothing the
second time: each answer is keyed by its ``external_id`` (the survey tool's response id), or, when
the file has none, by a fingerprint of the row (ticket, scores, time, comment).

Columns (header row required, names case-insensitive, in any order; comma or semicolon separated,
UTF-8 or Windows-1250 as Polish Excel writes it):

- ``ticket`` (or ``ticket_id``, ``zgloszenie``): the ticket number, ``#`` allowed;
- ``nps`` (or ``score``): 0-10, and/or ``csat``: 1-5; at least one of them per row;
- ``answered_at`` (or ``date``, ``submitted_at``, ``data``): ``2026-11-20``, ``2026-11-20 14:30``,
  ``2026-11-20T13:30:00Z`` or ``20.11.2026 14:30``; a time without a zone is the desk's local time;
- ``comment`` (or ``komentarz``), ``external_id`` (or ``id``, ``response_id``): optional.

The answer credits the ticket's assignee, like an answer recorded in the console.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from .desk import Actor, Desk
from .enums import SurveySource
from .errors import CodedError, ValidationError
from .models import SurveyAnswer, Ticket
from .notices import Notice
from .roles import Permission, require
from .services import surveys

MAX_ERRORS_SHOWN = 20
TICKET_MAX = 2**63 - 1  # the largest ticket number a database can hold
ALIASES: dict[str, tuple[str, ...]] = {
    "ticket": ("ticket", "ticket_id", "ticket_number", "number", "zgloszenie", "zgłoszenie"),
    "nps": ("nps", "score", "nps_score"),
    "csat": ("csat", "csat_score", "satisfaction"),
    "answered_at": ("answered_at", "date", "submitted_at", "timestamp", "data"),
    "comment": ("comment", "komentarz", "feedback"),
    "external_id": ("external_id", "id", "response_id"),
}


@dataclass(frozen=True)
class Answer:
    line: int
    ticket: int
    nps: int | None
    csat: int | None
    answered_at: datetime
    comment: str | None
    external_id: str


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already: int

    def summary(self) -> str:
        return (
            f"{self.imported} survey answer{'s' if self.imported != 1 else ''} imported"
            + (f", {self.already} already imported before" if self.already else "")
            + "."
        )


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("csv_not_text", path=path)  # pragma: no cover - cp1250 decodes most bytes


class BadRow(CodedError, ValueError):
    """What is wrong with one row (a code and its values)."""


def parse(text: str, tz: Any) -> tuple[list[Answer], list[tuple[int, Notice]]]:
    """Rows -> answers, and the line and problem of each bad row."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError("csv_empty") from None
    except csv.Error as exc:
        raise ValidationError("csv_unreadable_line", line=1, detail=str(exc)) from None
    columns = _columns(header)
    answers: list[Answer] = []
    errors: list[tuple[int, Notice]] = []
    seen: dict[str, int] = {}
    for row in _rows(reader):
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        try:
            answer = _answer(row, columns, line, tz)
        except BadRow as exc:
            errors.append((line, exc.notice))
            continue
        if answer.external_id in seen:
            errors.append((line, Notice("csv_same_answer", {"line": seen[answer.external_id]})))
            continue
        seen[answer.external_id] = line
        answers.append(answer)
    return answers, errors


def _rows(reader: Any) -> Any:
    """The reader's rows; a row the csv module cannot read (a field over its 128 KiB limit, a NUL)
    is refused by its line number."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValidationError("csv_unreadable_line", line=reader.line_num, detail=str(exc)) from None


def _shown(text: str) -> str:
    """A cell quoted in an error line, cut short."""
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().replace(" ", "_") for h in header]
    columns: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        for i, name in enumerate(names):
            if name in aliases:
                columns[field] = i
                break
    if "ticket" not in columns:
        raise ValidationError("csv_no_ticket_column")
    if "nps" not in columns and "csat" not in columns:
        raise ValidationError("csv_no_score_column")
    if "answered_at" not in columns:
        raise ValidationError("csv_no_time_column")
    return columns


def _cell(row: list[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _score(text: str, low: int, high: int, what: str) -> int | None:
    if text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        raise BadRow("csv_score_not_number", what=what, low=low, high=high, value=_shown(text)) from None
    if not low <= value <= high:
        raise BadRow("csv_score_range", what=what, low=low, high=high, value=value)
    return value


_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)


def parse_time(text: str, tz: Any) -> datetime:
    """A survey tool's time: ISO 8601 (with or without a zone) or Polish ``dd.mm.yyyy hh:mm``."""
    value = text.strip()
    if not value:
        raise BadRow("csv_time_empty")
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise BadRow("csv_time_bad", value=_shown(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def _answer(row: list[str], columns: dict[str, int], line: int, tz: Any) -> Answer:
    ticket_text = _cell(row, columns, "ticket").lstrip("#")
    try:
        ticket = int(ticket_text) if len(ticket_text) <= 20 else -1
    except ValueError:
        ticket = -1
    if not 1 <= ticket <= TICKET_MAX:
        raise BadRow("csv_ticket_bad", value=_shown(ticket_text))
    nps = _score(_cell(row, columns, "nps"), 0, 10, "nps")
    csat = _score(_cell(row, columns, "csat"), 1, 5, "csat")
    if nps is None and csat is None:
        raise BadRow("csv_no_score")
    answered_at = parse_time(_cell(row, columns, "answered_at"), tz)
    comment = _cell(row, columns, "comment") or None
    external = _cell(row, columns, "external_id")
    if not external:
        digest = hashlib.sha256(
            repr((ticket, nps, csat, answered_at.isoformat(), comment)).encode()
        ).hexdigest()
        external = "csv:" + digest[:32]
    if len(external) > 120:
        raise BadRow("csv_external_long")
    return Answer(line, ticket, nps, csat, answered_at, comment, external)


def _bad_rows(errors: list[tuple[int, Notice]]) -> ValidationError:
    """Nothing is imported: the bad rows by line, the first ``MAX_ERRORS_SHOWN`` of them named."""
    ordered = sorted(errors, key=lambda error: error[0])
    rows = [Notice("csv_row", {"line": line, "why": why}) for line, why in ordered[:MAX_ERRORS_SHOWN]]
    if len(ordered) == 1:
        return ValidationError("csv_bad_row", rows=rows)
    if len(ordered) > MAX_ERRORS_SHOWN:
        more = len(ordered) - MAX_ERRORS_SHOWN
        return ValidationError("csv_bad_rows_more", count=len(ordered), rows=rows, more=more)
    return ValidationError("csv_bad_rows", count=len(ordered), rows=rows)


def import_csv(desk: Desk, actor: Actor, path: Path) -> ImportResult:
    """Check every row, then import all answers in one transaction (or none)."""
    require(actor, Permission.VIEW_REPORTS, "action_import_surveys")
    answers, errors = parse(read_text(path), desk.calendar.tz)
    now = desk.now()
    with desk.store.read() as session:
        numbers = sorted({a.ticket for a in answers})
        existing_tickets: set[int] = set()
        for i in range(0, len(numbers), 500):
            chunk = numbers[i : i + 500]
            found = session.exec(select(Ticket.id).where(col(Ticket.id).in_(chunk))).all()
            existing_tickets |= {number for number in found if number is not None}
        ids = [a.external_id for a in answers]
        known: set[str] = set()
        for i in range(0, len(ids), 500):
            id_chunk = ids[i : i + 500]
            known |= {
                x
                for x in session.exec(
                    select(SurveyAnswer.external_id).where(col(SurveyAnswer.external_id).in_(id_chunk))
                ).all()
                if x
            }
    for a in answers:
        if a.ticket not in existing_tickets:
            errors.append((a.line, Notice("csv_ticket_missing", {"number": a.ticket})))
        elif a.answered_at > now:
            errors.append((a.line, Notice("csv_future")))
    if errors:
        raise _bad_rows(errors)
    fresh = [a for a in answers if a.external_id not in known]
    # History names the importer, but an import is not the importer's work on those tickets: the
    # rows carry no agent id, so activity figures (active hours, after-hours work) ignore them.
    importer = Actor(id=None, login=actor.login, name=f"{actor.name} (import)", role=actor.role)
    with desk.store.batch():
        for a in fresh:
            surveys.record(
                desk,
                importer,
                a.ticket,
                nps=a.nps,
                csat=a.csat,
                comment=a.comment,
                answered_at=a.answered_at,
                source=SurveySource.IMPORT.value,
                external_id=a.external_id,
            )
    return ImportResult(len(fresh), len(answers) - len(fresh))
