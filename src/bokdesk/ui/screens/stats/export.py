"""The stats screen's exports: a section's table, or the tickets behind a figure, as CSV files in
the user's data directory."""

from __future__ import annotations

from pathlib import Path

from ....core import metrics
from .view import TABLES


def export_dir() -> Path:
    """Where exports go: ``<user data dir>/exports`` (created on first use)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("bokdesk")) / "exports"


def export_csv(pane: str, report: metrics.Report, weeks: list[metrics.WeekFigures]) -> Path:
    """Write the table of a section as CSV into the export directory; returns the file."""
    from ....core.report_csv import csv_header, csv_row, table_rows, write_csv

    p = report.period
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = {"overview": "totals", "trends": "weeks"}.get(pane, pane)
    path = directory / f"bokdesk-{name}-{p.first.isoformat()}_{p.last.isoformat()}.csv"
    if pane in TABLES:
        header, rows = table_rows(report, TABLES[pane])
    elif pane == "trends":
        header = ["week", "from", *csv_header(None)[3:]]
        rows = [
            [w.week.label, w.week.monday.isoformat(), *csv_row(None, None, "", w.figures, (0, 0, 0))[3:-3]]
            for w in weeks
        ]
        header = header[:-3]
    elif pane == "complaints":
        header = ["number", "days_left", "due_at", "received_at", "status", "assignee", "team", "subject"]
        rows = [
            [
                c.number,
                c.days_left,
                c.due_at.isoformat(),
                c.received_at.isoformat(),
                c.status,
                c.assignee or "",
                c.team or "",
                c.subject,
            ]
            for c in report.complaints.open
        ]
    else:
        header, rows = table_rows(report, None)
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        write_csv(fh, header, rows)  # text that would be a formula is written as text
    tmp.replace(path)
    return path


def export_drill(rows: list[metrics.DrillRow], name: str) -> Path:
    """Write the tickets behind a figure as CSV (file ``name``) into the export directory."""
    from ....core.report_csv import write_csv

    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_csv(
            fh,
            [
                "number",
                "subject",
                "status",
                "priority",
                "channel",
                "assignee",
                "at",
                "seconds",
                "breached",
            ],
            (
                [
                    r.number,
                    r.subject,
                    r.status,
                    r.priority,
                    r.channel,
                    r.assignee or "",
                    r.at.isoformat() if r.at else "",
                    "" if r.seconds is None else r.seconds,
                    "" if r.breached is None else int(r.breached),
                ]
                for r in rows
            ),
        )
    return path
