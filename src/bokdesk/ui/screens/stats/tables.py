"""The stats screen's tables: the figures by agent, team or channel, the open complaints, and the
tickets behind a figure, as columns and rows of content; ``fill_table`` puts them in a table."""

from __future__ import annotations

from datetime import timedelta, tzinfo

from textual.content import Content
from textual.widgets import DataTable

from ....core import metrics
from ....core.explain import format_hours
from ....i18n import _, format_date, format_number, pgettext
from ... import labels
from ...safe_text import safe_line
from ...widgets.stats_tiles import percent, signed

Rows = list[tuple[str, list[Content]]]
"""(row key, cells) of a table."""
_ONE_SECOND = timedelta(seconds=1)


def fill_table(table: DataTable, columns: list[str], rows: list[tuple[str, list[Content]]]) -> None:
    """Replace a table's columns and rows, each column as wide as its widest cell; keep the cursor."""
    keep = table.cursor_row
    table.clear(columns=True)
    for i, column in enumerate(columns):
        width = max([len(column)] + [cells[i].cell_length for _key, cells in rows])
        table.add_column(column, width=width)
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if table.row_count:
        table.move_cursor(row=min(max(keep, 0), table.row_count - 1))


def _compact(d: metrics.Durations) -> str:
    return format_hours(d.stats("business")["median"], compact=True)


def breakdown_table(report: metrics.Report, dimension: str) -> tuple[list[str], Rows]:
    """The period's figures by ``dimension`` (agent, team or channel): load first (who is
    overloaded), then speed and quality; agents who did nothing in the period are left out."""
    first = {"agent": _("Agent"), "team": _("Team"), "channel": _("Channel")}[dimension]
    columns = [first, pgettext("stats column: open tickets", "Open"), _("Solved")]
    if dimension == "agent":
        columns += [_("Active h"), _("After h")]
    columns += [_("Pickup"), _("FRT"), _("Resol."), _("SLA"), _("Reopen"), _("FCR"), _("NPS")]
    rows: Rows = []
    for row in report.breakdowns[dimension]:
        f = row.figures
        if (
            dimension == "agent"
            and f.solved == 0
            and row.open == 0
            and row.activity is not None
            and row.activity.actions == 0
        ):
            continue  # agents who did nothing in the period
        name = row.label if dimension != "channel" else labels.label("channel", str(row.key))
        if row.key is None:
            name = _("(unassigned)") if dimension == "agent" else _("(no team)")
        cells: list[Content] = [
            safe_line(name, limit=16),
            Content.styled(format_number(row.open), "bold $text-error" if row.breached else ""),
            Content(format_number(f.solved)),
        ]
        if row.activity is not None:
            cells += [
                Content(format_number(row.activity.active_hours)),
                Content.styled(
                    format_number(row.activity.after_hours_hours),
                    "$text-warning" if row.activity.after_hours_hours else "",
                ),
            ]
        cells += [
            Content(_compact(f.pickup)),
            Content(_compact(f.first_response)),
            Content(_compact(f.resolution)),
            Content(percent(f.sla_compliance, 0)),
            Content(percent(f.reopen_rate, 0)),
            Content(percent(f.fcr_rate, 0)),
            Content(signed(f.nps)),
        ]
        rows.append((repr(row.key), cells))
    return columns, rows


def complaint_table(complaints: metrics.Complaints, tz: tzinfo) -> tuple[list[str], Rows]:
    """The open complaints, closest to their deadline first."""
    rows: Rows = []
    for c in complaints.open:
        style = (
            "bold $text-error" if c.days_left < 0 else ("bold $text-warning" if c.days_left <= 3 else "bold")
        )
        rows.append(
            (
                str(c.number),
                [
                    Content(str(c.number)),
                    Content.styled(str(c.days_left), style),
                    Content(format_date(c.due_at - _ONE_SECOND, tz)),
                    safe_line(labels.subject(c.subject), limit=40),
                    Content(labels.label("status", c.status)),
                    safe_line(c.assignee or "—", limit=20),
                ],
            )
        )
    return ["#", _("Days left"), _("Due"), _("Subject"), _("Status"), _("Assignee")], rows


def drill_table(rows: list[metrics.DrillRow], tz: tzinfo) -> tuple[list[str], Rows]:
    """The tickets behind a figure, as the drill-down lists them."""
    cells = [
        (
            str(r.number),
            [
                Content(str(r.number)),
                Content.styled(
                    format_hours(r.seconds, compact=True) if r.seconds is not None else "—",
                    "bold $text-error" if r.breached else "",
                ),
                Content(format_date(r.at, tz) if r.at else "—"),
                Content(labels.label("status", r.status)),
                safe_line(r.assignee or "—", limit=18),
                safe_line(labels.subject(r.subject), limit=44),
            ],
        )
        for r in rows
    ]
    return ["#", _("Time"), _("When"), _("Status"), _("Assignee"), _("Subject")], cells
