"""The tickets behind one figure of the stats screen (its drill-down); Enter opens one."""

from __future__ import annotations

import logging
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Static

from ....core import metrics
from ....core.errors import BokdeskError
from ....core.periods import Period
from ....i18n import _, format_number, pgettext
from ... import keymap
from ...safe_text import SEPARATOR, notify, safe_line
from ...tasks import describe, run_service, show_unexpected
from ...widgets.bars import TopBar
from ...widgets.key_bar import KeyBar
from ..base import DeskScreen
from .export import export_drill
from .tables import drill_table, fill_table

log = logging.getLogger("bokdesk.ui")


class DrillScreen(DeskScreen[None]):
    """The tickets behind one figure (same period and group), longest first; Enter opens one."""

    CSS_PATH = "stats.tcss"
    BINDINGS = keymap.STATS_DRILL
    AUTO_FOCUS = "#drill-table"

    def __init__(self, figure: str, period: Period, dimension: str | None, value: Any, title: str) -> None:
        super().__init__()
        self.figure = figure
        self.period = period
        self.dimension = dimension
        self.value = value
        self.title_text = title
        self.rows: list[metrics.DrillRow] = []

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        yield Static(id="drill-title")
        yield DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_top(_("Stats"), " › ", safe_line(self.title_text))
        self.query_one("#drill-title", Static).update(Content.styled(_("Reading…"), "$text-muted"))
        self._load()

    @work(thread=True, exclusive=True, group="stats-drill", exit_on_error=False)
    def _load(self) -> None:
        try:
            rows = metrics.drill_down(
                self.desk,
                self.actor,
                self.figure,
                self.period,
                dimension=self.dimension,
                value=self.value,
                limit=1000,
            )
        except BokdeskError as exc:
            self.app.call_from_thread(notify, self.app, describe(exc, self.app), severity="error")
            return
        except Exception as exc:  # noqa: BLE001
            log.exception("stats: reading the tickets behind a figure failed")
            self.app.call_from_thread(show_unexpected, self.app, exc)
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[metrics.DrillRow]) -> None:
        self.rows = rows
        tz = self.desk.calendar.tz
        self.query_one("#drill-title", Static).update(
            Content.assemble(  # the count first: 80 columns cut the end
                (
                    pgettext("tickets count", "{n} tickets").format(n=format_number(len(rows)))
                    + (" " + _("(the first 1000)") if len(rows) >= 1000 else ""),
                    "$text-muted",
                ),
                ("  ", SEPARATOR),
                (safe_line(self.title_text)),
            )
        )  # the gap a run of its own (SVG screenshots keep it)
        fill_table(self.query_one("#drill-table", DataTable), *drill_table(rows, tz))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.bokdesk.open_ticket(int(key or 0), opener=self)

    def action_export(self) -> None:
        rows = list(self.rows)
        name = f"bokdesk-tickets-{self.figure}-{self.period.first.isoformat()}_{self.period.last.isoformat()}.csv"

        run_service(
            self.app,
            lambda: export_drill(rows, name),
            done=lambda path: notify(self.app, str(path), title=_("Exported"), timeout=10),
            group="stats-export",
        )

    def action_back(self) -> None:
        self.dismiss(None)
