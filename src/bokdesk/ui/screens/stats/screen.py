"""The supervisor's stats screen (``f4``): how did we do, who is overloaded, which complaints are
about to run out, and is NPS improving over the quarter.

Everything shown comes from ``core.metrics`` (the same figures as ``bokdesk report``), read in
one thread worker that paints as the figures arrive (``metrics.report_stages``): the tiles as
soon as the period's tickets are read, then the tables, then the 13-week trends (read in the
same pass, never the same rows twice). Keys: 1-5 period (today, 7 days, 30 days, quarter,
custom), o/w/a/t/c/m sections, Enter drills down from a tile or a table row to the tickets behind
the figure, e exports the current table as CSV into the user's data directory.

Live: a supervisor leaves the screen open. It follows the console's change signal (the app's
``PRAGMA data_version`` poller, ``ui/live.py``): when another agent changes the desk, the figures
are read again in the worker, at most once per ``REFRESH_EVERY`` seconds, never two reads at once
(a change during a read is picked up when it ends), and not while another screen hides it (it
catches up when it comes back; under a dialog it is still seen, so it stays live). The 13 weeks
are read again at most every ``TRENDS_EVERY``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import DataTable, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from ....core import metrics, periods
from ....core.desk import Actor, Desk
from ....core.errors import BokdeskError, PermissionDenied
from ....core.periods import Period, PeriodKind
from ....i18n import _, format_number
from ... import keymap, warmup
from ...live import LiveUpdate
from ...safe_text import assemble, notify, safe_line
from ...tasks import describe, show_unexpected
from ...widgets.bars import TopBar
from ...widgets.chart_bars import BarChart
from ...widgets.key_bar import KeyBar
from ...widgets.stats_tiles import Tile
from ..base import DeskScreen
from ..dialogs import ChoiceDialog
from .dialogs import PeriodDialog
from .drill import DrillScreen
from .export import export_csv
from .tables import breakdown_table, complaint_table, fill_table
from .view import (
    TABLES,
    TILES,
    TRENDS,
    Loaded,
    Trends,
    overview_lists,
    period_bar,
    secondary_line,
    tab_title,
    tile_data,
    trend_series,
)

log = logging.getLogger("bokdesk.ui")

REFRESH_EVERY = 15.0
"""Seconds between two live refreshes at the most (a busy desk changes several times a second)."""
TRENDS_EVERY = 300.0
"""Seconds between two reads of the 13 weeks at the most (one ticket hardly moves a quarter)."""


class StatsScreen(DeskScreen[None]):
    """Figures of the desk for supervisors and admins."""

    CSS_PATH = "stats.tcss"
    BINDINGS = keymap.STATS
    AUTO_FOCUS = "#tile-received"

    def __init__(self, desk: Desk | None = None, actor: Actor | None = None, *, kind: str = "30d") -> None:
        super().__init__()
        self._desk = desk
        self._actor = actor
        self.kind = kind
        self.period: Period | None = None
        self.loaded: Loaded | None = None
        self.trends = Trends()
        self.metric = 0
        self.refresh_every = REFRESH_EVERY
        self.trends_every = TRENDS_EVERY
        self.refreshes = 0
        """Live refreshes done (for tests and the bench)."""
        self._reading = False
        self._stale = False
        self._last_read = 0.0
        self._trends_read = 0.0
        self._refresh_timer: Timer | None = None
        self._told_closed = False

    @property
    def desk(self) -> Desk:
        return self._desk if self._desk is not None else super().desk

    @property
    def actor(self) -> Actor:
        return self._actor if self._actor is not None else super().actor

    def _key(self, section: str, default: str) -> str:
        """The key a section is bound to now (``[keys]`` may remap ``stats.<section>``)."""
        bound = str(warmup.keymap_of(self.app).get(f"stats.{section}", default))
        return bound.split(",")[0].strip() or default

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        yield Static(id="stats-period")
        with TabbedContent(id="stats-tabs", initial="overview"):
            with TabPane(tab_title(self._key("overview", "o"), _("Overview")), id="overview"):
                with VerticalScroll(id="overview-scroll"):
                    with Grid(id="tiles"):
                        for tile_id, label, figure in TILES:
                            yield Tile(_(label), figure, id=f"tile-{tile_id}")
                    yield Static(id="secondary")
                    yield Static(id="overview-lists")
            with TabPane(tab_title(self._key("trends", "w"), _("Trends")), id="trends"):
                with VerticalScroll(id="trends-scroll"):
                    yield BarChart(id="trend-chart")
                    yield Static(id="trend-hint")
            for pane, key, title in (
                ("agents", "a", _("Agents")),
                ("teams", "t", _("Teams")),
                ("channels", "c", _("Channels")),
            ):
                with TabPane(tab_title(self._key(pane, key), title), id=pane):
                    yield DataTable(id=f"table-{pane}", cursor_type="row", zebra_stripes=True)
            with TabPane(tab_title(self._key("complaints", "m"), _("Complaints")), id="complaints"):
                yield DataTable(id="table-complaints", cursor_type="row", zebra_stripes=True)
        yield Static(id="stats-refused")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#stats-refused").display = False
        self.query_one("#trend-chart", BarChart).empty = _("Reading 13 weeks…")
        self.set_top((_("Stats"), "bold"))
        self.bokdesk.desk_changed.subscribe(self, self._desk_changed)
        self._set_period(self.kind, None)

    # ------------------------------------------------------------------ live

    def _desk_changed(self, _update: LiveUpdate) -> None:
        self._stale = True
        self._maybe_refresh()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._maybe_refresh()

    def _maybe_refresh(self) -> None:
        """Read the figures again if the desk changed, unless a read is running (its end calls
        this again), another screen is on top (resuming calls it), or the last read is too recent
        (a timer calls it when it is not)."""
        if (
            not self._stale
            or self._reading
            or not self._seen()
            or self.period is None
            or (self.loaded is not None and self.loaded.refused is not None)
        ):
            return
        wait = self._last_read + self.refresh_every - time.monotonic()
        if wait > 0:
            if self._refresh_timer is None:
                self._refresh_timer = self.set_timer(wait, self._refresh_due)
            return
        self._stale = False
        self.refreshes += 1
        if self.kind != PeriodKind.CUSTOM.value:  # "today" moves on at midnight
            self.period = periods.preset(self.desk.calendar.tz, self.kind, self.desk.now())
        self._read(self.period)

    def _seen(self) -> bool:
        """On top, or under a dialog (still on screen); not under another full screen."""
        top = self.app.screen
        return top is self or (top.is_modal and self.app.screen_stack[-2:-1] == [self])

    def _refresh_due(self) -> None:
        self._refresh_timer = None
        self._maybe_refresh()

    # ------------------------------------------------------------------ loading

    def _set_period(self, kind: str, custom: Period | None) -> None:
        self.kind = kind
        tz = self.desk.calendar.tz
        self.period = custom if custom is not None else periods.preset(tz, kind, self.desk.now())
        self._show_period_bar()
        self._read(self.period)

    def _read(self, period: Period) -> None:
        """Start the worker (the 13 weeks too, unless they were read recently)."""
        weeks = not self.trends.weeks or time.monotonic() - self._trends_read >= self.trends_every
        self._reading = True
        self._last_read = time.monotonic()
        self._load(period, periods.WEEKS if weeks else 0)

    def on_resize(self, event: events.Resize) -> None:
        if self.period is not None:  # the bar names every period only where they fit
            self._show_period_bar()

    def _show_period_bar(self) -> None:
        assert self.period is not None
        bar = self.query_one("#stats-period", Static)
        bar.update(period_bar(self.kind, self.period, self.loaded, self.desk.calendar.tz, bar.size.width))

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _load(self, period: Period, weeks: int) -> None:
        """Read the period (and the weeks) in one pass, handing each stage to the screen as it
        is ready: tiles, then tables, then trends."""
        worker = get_current_worker()
        try:
            stages = metrics.report_stages(
                self.desk, self.actor, period, by=tuple(TABLES.values()), weeks=weeks, tiles_first=True
            )
            for number, report in enumerate(stages, start=1):
                if worker.is_cancelled:
                    return
                self.app.call_from_thread(self._show, Loaded(period, report, stage=number))
        except PermissionDenied as exc:
            self.app.call_from_thread(self._show, Loaded(period, refused=describe(exc, self.app)))
        except BokdeskError as exc:
            self.app.call_from_thread(notify, self.app, describe(exc, self.app), severity="error")
        except Exception as exc:  # noqa: BLE001 - shown and logged; the console keeps running
            log.exception("stats: reading the figures failed")
            self.app.call_from_thread(show_unexpected, self.app, exc)
        finally:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._read_done, period)

    def _read_done(self, period: Period) -> None:
        if period != self.period:
            return  # a newer read is running
        self._reading = False
        self._maybe_refresh()

    def _show(self, loaded: Loaded) -> None:
        if loaded.period != self.period:
            return  # a newer period was chosen meanwhile
        if loaded.refused is not None:
            self.loaded = loaded
            self._refuse(loaded.refused)
            return
        assert loaded.report is not None
        if loaded.report.weeks:
            self.trends = Trends(loaded.report.weeks)
            self._trends_read = time.monotonic()
        if loaded.stage == 1:
            first = self.loaded is None or self.loaded.period != loaded.period
            if not first and self.loaded is not None and self.loaded.report is not None:
                # A live refresh: keep the tables of the previous read until the new ones arrive.
                loaded.report = replace(loaded.report, breakdowns=self.loaded.report.breakdowns)
            self.loaded = loaded
            self._show_period_bar()
            self._fill_overview()
            self._fill_complaints()
            if not first:
                self._fill_tables()
        elif loaded.stage == 2 or not loaded.report.weeks:
            self.loaded = loaded
            self._fill_overview()
            self._fill_tables()
        else:
            self.loaded = loaded
            self._fill_overview()
            self._fill_trend()

    def _fill_tables(self) -> None:
        assert self.loaded is not None and self.loaded.report is not None
        if not self.loaded.report.breakdowns:
            return
        for pane, dimension in TABLES.items():
            self._fill_table(pane, dimension)

    def _refuse(self, message: str) -> None:
        self.query_one("#stats-tabs").display = False
        self.query_one("#stats-period").display = False
        refused = self.query_one("#stats-refused", Static)
        refused.display = True
        refused.update(
            assemble(
                (_("The stats screen is for supervisors and admins."), "bold"), "\n\n", safe_line(message)
            )
        )

    # ------------------------------------------------------------------ filling

    def _fill_overview(self) -> None:
        if self.loaded is None or self.loaded.report is None:
            return
        data = tile_data(self.loaded.report, self.trends.weeks)
        for tile in self.query(Tile):
            key = (tile.id or "").removeprefix("tile-")
            tile.trend_ready = bool(self.trends.weeks)
            tile.data = data[key]
        self.query_one("#secondary", Static).update(secondary_line(self.loaded.report))
        self.query_one("#overview-lists", Static).update(
            overview_lists(self.loaded.report, self.desk.calendar.tz)
        )

    def _fill_trend(self) -> None:
        chart = self.query_one("#trend-chart", BarChart)
        if not self.trends.weeks:
            return
        chart.series = trend_series(TRENDS[self.metric], self.trends.weeks)
        names = [_("volume"), _("pickup"), _("first response"), _("resolution"), _("SLA"), _("NPS")]
        shown = [(f"[{n}]" if i == self.metric else n) for i, n in enumerate(names)]
        self.query_one("#trend-hint", Static).update(
            Content.assemble((_("] next, [ previous: ") + " · ".join(shown), "$text-muted"))
        )

    def _fill_table(self, pane: str, dimension: str) -> None:
        assert self.loaded is not None and self.loaded.report is not None
        fill_table(
            self.query_one(f"#table-{pane}", DataTable), *breakdown_table(self.loaded.report, dimension)
        )

    def _fill_complaints(self) -> None:
        assert self.loaded is not None and self.loaded.report is not None
        complaints = self.loaded.report.complaints
        table = self.query_one("#table-complaints", DataTable)
        fill_table(table, *complaint_table(complaints, self.desk.calendar.tz))
        if complaints.closed_without_decision:
            self.notify_once_closed(complaints.closed_without_decision)

    def notify_once_closed(self, n: int) -> None:
        if self._told_closed:
            return
        self._told_closed = True
        notify(
            self.app,
            _("{n} complaints were solved or closed without a recorded decision.").format(n=format_number(n)),
            severity="warning",
            timeout=8,
        )

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "drill":
            return self.query_one(TabbedContent).active != "trends"
        return True

    def action_period(self, kind: str) -> None:
        self._set_period(kind, None)

    def action_custom_period(self) -> None:
        assert self.period is not None

        def chosen(period: Period | None) -> None:
            if period is not None:
                self._set_period(PeriodKind.CUSTOM.value, period)

        self.app.push_screen(PeriodDialog(self.desk, self.period), chosen)

    def action_section(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        if pane in TABLES or pane == "complaints":
            self.query_one(f"#table-{pane}", DataTable).focus()
        elif pane == "overview":
            self.query_one("#tile-received", Tile).focus()
        else:
            self.query_one("#trends-scroll").focus()

    def action_metric(self, step: int) -> None:
        self.metric = (self.metric + step) % len(TRENDS)
        self.action_section("trends")
        self._fill_trend()

    def action_reload(self) -> None:
        self.trends = Trends()
        self._set_period(self.kind, self.period if self.kind == PeriodKind.CUSTOM.value else None)

    def action_back(self) -> None:
        self.dismiss(None)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()

    @on(Tile.Drill)
    def _tile_drill(self, event: Tile.Drill) -> None:
        figure = event.tile.figure
        if figure == "complaints":
            self.action_section("complaints")
        elif not figure:
            notify(self.app, _("NPS comes from survey answers; see the Agents table for NPS per agent."))
        else:
            self._drill(figure, None, None, event.tile.label)

    def action_drill(self) -> None:
        pane = self.query_one(TabbedContent).active
        if pane == "overview":
            focused = self.focused
            if isinstance(focused, Tile):
                focused.action_drill()
            return
        if pane == "complaints":
            table = self.query_one("#table-complaints", DataTable)
            if table.row_count:
                key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
                self._open_ticket(int(key or 0))
            return
        if (
            pane not in TABLES
            or self.loaded is None
            or self.loaded.report is None
            or TABLES[pane] not in self.loaded.report.breakdowns
        ):
            return  # the tables are still being read
        dimension = TABLES[pane]
        table = self.query_one(f"#table-{pane}", DataTable)
        if not table.row_count:
            return
        key_text = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        row = next(r for r in self.loaded.report.breakdowns[dimension] if repr(r.key) == key_text)
        options = [
            ("solved", _("Solved tickets (resolution time, longest first)")),
            ("first_response", _("First responses (longest first)")),
            ("pickup", _("Pickups (longest wait first)")),
            ("frt_breached", _("First-response target breached")),
            ("resolution_breached", _("Resolution target breached")),
            ("reopened", _("Reopened")),
            ("received", _("Received")),
        ]

        def chosen(figure: str | None) -> None:
            if figure is not None:
                title = dict(options)[figure]
                self._drill(figure, dimension, row.key, f"{row.label} · {title}")

        self.app.push_screen(
            ChoiceDialog(_("Which tickets of {name}?").format(name=row.label), options), chosen
        )

    def _drill(self, figure: str, dimension: str | None, value: Any, title: str) -> None:
        assert self.period is not None
        self.app.push_screen(DrillScreen(figure, self.period, dimension, value, title))

    def _open_ticket(self, number: int) -> None:
        self.bokdesk.open_ticket(number, opener=self)

    def action_export(self) -> None:
        if self.loaded is None or self.loaded.report is None:
            return
        pane = self.query_one(TabbedContent).active
        report, weeks = self.loaded.report, self.trends.weeks
        self._write_export(pane, report, weeks)

    @work(thread=True, group="stats-export", exit_on_error=False)
    def _write_export(self, pane: str, report: metrics.Report, weeks: list[metrics.WeekFigures]) -> None:
        try:
            path = export_csv(pane, report, weeks)
        except OSError as exc:
            self.app.call_from_thread(
                notify,
                self.app,
                _("Could not write the file: {error}").format(error=exc.strerror or str(exc)),
                severity="error",
            )
            return
        self.app.call_from_thread(notify, self.app, str(path), title=_("Exported"), timeout=10)
