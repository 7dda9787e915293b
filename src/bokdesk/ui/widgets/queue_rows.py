"""How a queue row looks: the columns for a width, their headers, and a row's cells as one strip.

Each run of text starts with its text: the spaces before it are a run of their own (``GAP``, a
style equal on screen but not in value), so an SVG screenshot places each run at its column and a
renderer that drops a run's leading spaces cannot shift the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ...i18n import format_age, format_duration, pgettext
from .. import labels
from ..safe_text import one_line

if TYPE_CHECKING:
    from ...core.paging import QueueItem

PRIORITY_GLYPH = {"urgent": "‼", "high": "!", "normal": " ", "low": "↓"}
GAP = Style(italic=False)  # looks like the row's own style; differs in value, so it is a run apart

StyleOf = Callable[[str], Style]
"""The table's style for a name (``breached``, ``muted``, ...: its ``queue-table--<name>`` class)."""


@dataclass(frozen=True)
class Column:
    key: str
    width: int
    align: str = "left"


Cell = tuple[str, Column, Style | None]


def layout(width: int) -> list[Column]:
    """Columns for a table ``width`` cells wide; the subject takes what is left."""
    if width >= 110:
        fixed = [Column("id", 7, "right"), Column("priority", 6), Column("status", 8), Column("channel", 7)]
        tail = [
            Column("customer", 20),
            Column("assignee", 15),
            Column("age", 5, "right"),
            Column("sla", 8, "right"),
        ]
    elif width >= 90:
        fixed = [Column("id", 7, "right"), Column("priority", 6), Column("status", 8)]
        tail = [
            Column("customer", 17),
            Column("assignee", 12),
            Column("age", 4, "right"),
            Column("sla", 8, "right"),
        ]
    else:
        fixed = [Column("id", 7, "right"), Column("priority", 1), Column("status", 8)]
        tail = [
            Column("customer", 14),
            Column("assignee", 3),
            Column("age", 4, "right"),
            Column("sla", 7, "right"),
        ]
    used = sum(c.width for c in fixed + tail) + len(fixed + tail)  # one space between columns
    subject = max(8, width - used - 1)
    return [*fixed, Column("subject", subject), *tail]


def header_label(key: str, complaints: bool, width: int) -> str:
    if key == "assignee" and width <= 3:
        return pgettext("column, max 3 characters", "Who")
    return {
        "id": pgettext("column", "#"),
        "priority": pgettext("column, max 6 characters", "Prio"),
        "status": pgettext("column", "Status"),
        "channel": pgettext("column", "Channel"),
        "subject": pgettext("column", "Subject"),
        "customer": pgettext("column", "Customer"),
        "assignee": pgettext("column", "Assignee"),
        "age": pgettext("column, max 4 characters", "Age"),
        "sla": pgettext("column", "Deadline") if complaints else pgettext("column", "SLA left"),
    }[key]


def short_name(name: str | None, width: int) -> str:
    """``Aleksandra Nowak`` -> ``Aleksandra N.`` or initials ``AN`` when very narrow."""
    if not name:
        return ""
    parts = one_line(name).split()
    if width <= 3:
        return "".join(p[0] for p in parts[:2]).upper()
    if len(" ".join(parts)) <= width or len(parts) < 2:
        return " ".join(parts)
    return f"{parts[0]} {parts[-1][0]}."


def header_cells(columns: list[Column], complaints: bool, style: StyleOf) -> list[Cell]:
    return [(header_label(c.key, complaints, c.width), c, style("header")) for c in columns]


def row_cells(
    row: QueueItem, columns: list[Column], now: datetime, complaints: bool, style: StyleOf
) -> list[Cell]:
    """A row's text in each column, with its style where the column has one."""
    cells: list[Cell] = []
    for column in columns:
        cell_style: Style | None = None
        key = column.key
        if key == "id":
            text = str(row.id)
        elif key == "priority":
            if column.width == 1:
                text = PRIORITY_GLYPH.get(row.priority, " ")
            else:
                text = labels.label("priority_short", row.priority)
            cell_style = (
                style("urgent")
                if row.priority == "urgent"
                else (
                    style("high")
                    if row.priority == "high"
                    else (style("muted") if row.priority == "low" else None)
                )
            )
        elif key == "status":
            text = labels.label("status_short", row.status)
        elif key == "channel":
            text = labels.label("channel_short", row.channel)
        elif key == "subject":
            text = one_line(labels.subject(row.subject))
            if getattr(row, "mail_failed", False):  # an e-mail of this ticket failed (not on boot's preview)
                text, cell_style = "✉✗ " + text, style("breached")
        elif key == "customer":
            name = one_line(row.customer)
            text = f"★ {name}" if row.customer_vip else name
            cell_style = style("vip") if row.customer_vip else None
        elif key == "assignee":
            text = short_name(row.assignee, column.width) if row.assignee else "—"
            cell_style = None if row.assignee else style("unassigned")
        elif key == "age":
            text = format_age((now - row.created_at).total_seconds())
            cell_style = style("muted")
        else:
            text, cell_style = deadline(row, now, complaints, style)
        cells.append((text, column, cell_style))
    return cells


def deadline(row: QueueItem, now: datetime, complaints: bool, style: StyleOf) -> tuple[str, Style | None]:
    """Time left to the SLA target (in the complaints view: to the complaint's deadline)."""
    if complaints and row.complaint_due_at is not None and row.status not in ("solved", "closed"):
        left = (row.complaint_due_at - now).total_seconds()
        state = "breached" if left < 0 else ("at-risk" if left < 3 * 86400 else "ok")
        return format_duration(left, compact=True), style(state)
    state = row.sla_state(now)
    if state == "none" or row.next_due_at is None:
        return "—", style("muted")
    left = (row.next_due_at - now).total_seconds()
    return format_duration(left, compact=True), style(state.replace("_", "-"))


def strip(cells: list[Cell], row_style: Style, width: int) -> Strip:
    """The cells as one line ``width`` cells wide, each cut or padded to its column."""
    gap = row_style + GAP
    segments: list[Segment] = [Segment(" ", gap)]
    for text, column, style in cells:
        if cell_len(text) > column.width:
            text = set_cell_size(text, column.width - 1) + "…" if column.width > 1 else text[:1]
        if column.align == "right":
            text = " " * (column.width - cell_len(text)) + text
        else:
            text = set_cell_size(text, column.width)
        body = text.lstrip(" ")
        if len(body) < len(text):
            segments.append(Segment(" " * (len(text) - len(body)), gap))
        if body:
            segments.append(Segment(body, row_style + style if style else row_style))
        segments.append(Segment(" ", gap))
    used = sum(cell_len(s.text) for s in segments)
    if used < width:
        segments.append(Segment(" " * (width - used), row_style))
    return Strip(segments).crop(0, width)
