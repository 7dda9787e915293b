"""Report figures as flat rows (CSV): one fixed column set, one line per group or for the desk.

Used by ``bokdesk report --format csv`` and by the stats screen's export, so both write the same
columns (documented in ``docs/metrics-json.md``). Durations in seconds, rates as ratios 0-1.
``write_csv`` is the one way the desk writes a CSV file: a text cell that a spreadsheet would run as
a formula is written as text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from .text_safety import clean

DURATION_COLUMNS = ("pickup", "first_response", "resolution", "first_resolution")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")  # clean() turns CR into LF


def csv_cell(value: Any) -> Any:
    """A cell as written: numbers as they are; text cleaned of control characters and, when it
    starts like a formula (``= + - @``, tab, carriage return), led by ``'`` so a spreadsheet shows
    it as text instead of running it."""
    if not isinstance(value, str):
        return value
    text = clean(value)  # first: a bidi mark before "=" is no protection
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """The desk's CSV: a header line, then the rows, every text cell through ``csv_cell``."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(c) for c in row])


def csv_header(dimension: str | None) -> list[str]:
    header = ["dimension", "key", "label", "received", "solved"]
    for name in DURATION_COLUMNS:
        header.append(f"{name}_count")
        for clock in ("business", "calendar"):
            header += [f"{name}_{clock}_mean_s", f"{name}_{clock}_median_s", f"{name}_{clock}_p90_s"]
    header += [
        "frt_targets",
        "frt_breached",
        "frt_compliance",
        "resolution_targets",
        "resolution_breached",
        "resolution_compliance",
        "sla_compliance",
        "first_solved",
        "reopened",
        "reopen_rate",
        "fcr_solved_inbound",
        "fcr",
        "fcr_rate",
        "transfers",
        "transfers_per_ticket",
        "nps_answers",
        "promoters",
        "detractors",
        "nps",
        "csat_answers",
        "csat_satisfied",
        "csat_rate",
        "open",
        "at_risk",
        "breached",
    ]
    if dimension == "agent":
        header += ["login", "actions", "active_hours", "after_hours_actions", "after_hours_hours"]
    return header


def csv_row(
    dimension: str | None,
    key: Any,
    label: str,
    figures: Any,
    backlog: tuple[int, int, int],
    agent: tuple[str | None, Any] | None = None,
) -> list[Any]:
    f = figures
    row: list[Any] = [dimension or "all", "" if key is None else key, label, f.received, f.solved]
    for name in DURATION_COLUMNS:
        d = f.duration(name)
        row.append(d.count)
        for clock in ("business", "calendar"):
            s = d.stats(clock)
            row += [_blank(s["mean"]), _blank(s["median"]), _blank(s["p90"])]
    row += [
        f.frt_targets,
        f.frt_breached,
        _blank(f.frt_compliance),
        f.resolution_targets,
        f.resolution_breached,
        _blank(f.resolution_compliance),
        _blank(f.sla_compliance),
        f.first_solved,
        f.reopened,
        _blank(f.reopen_rate),
        f.fcr_base,
        f.fcr,
        _blank(f.fcr_rate),
        f.transfers,
        _blank(f.transfers_per_ticket),
        f.nps_answers,
        f.promoters,
        f.detractors,
        _blank(f.nps),
        f.csat_answers,
        f.satisfied,
        _blank(f.csat),
        *backlog,
    ]
    if agent is not None:
        login, activity = agent
        row += [
            login or "",
            activity.actions,
            activity.active_hours,
            activity.after_hours_actions,
            activity.after_hours_hours,
        ]
    return row


def _blank(value: Any) -> Any:
    return "" if value is None else value


def table_rows(result: Any, dimension: str | None) -> tuple[list[str], list[list[Any]]]:
    """The CSV lines of a report: the whole desk, or one line per group of ``dimension``."""
    header = csv_header(dimension)
    if dimension is None:
        b = result.backlog
        return header, [csv_row(None, None, "all", result.totals, (b.total, b.at_risk, b.breached))]
    rows = []
    for r in result.breakdowns[dimension]:
        agent = (r.login, r.activity) if dimension == "agent" else None
        rows.append(csv_row(dimension, r.key, r.label, r.figures, (r.open, r.at_risk, r.breached), agent))
    return header, rows
