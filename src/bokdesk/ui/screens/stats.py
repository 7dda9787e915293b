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
catches up when it comes back; under a dialog it is still seen, so it stays live). The 13 weeks are read again at most every ``TRENDS_EVERY``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import (
    DataTable,
    Input,
    Label,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker

from ...core import metrics, periods
from ...core.desk import Actor, Desk
from ...core.errors import BokdeskError, PermissionDenied
from ...core.explain import format_hours
from ...core.periods import Period, PeriodKind
from ...i18n import N_, _, format_date, format_number, format_time, pgettext
from .. import keymap, labels
from ..safe_text import SEPARATOR, assemble, notify, one_line, safe_line
from ..tasks import show_unexpected
from ..widgets.bars import TopBar
from ..widgets.chart_bars import BarChart, Series, series_of
from ..widgets.key_bar import KeyBar
from ..widgets.stats_tiles import Tile, TileData, decimal, percent, signed
from .base import DeskScreen
from .dialogs import ChoiceDialog, Dialog

log = logging.getLogger("bokdesk.ui")

TABLES = {"agents": "agent", "teams": "team", "channels": "channel"}
TRENDS = ("received", "pickup", "first_response", "resolution", "sla", "nps")
REFRESH_EVERY = 15.0
"""Seconds between two live refreshes at the most (a busy desk changes several times a second)."""
TRENDS_EVERY = 300.0
"""Seconds between two reads of the 13 weeks at the most (one ticket hardly moves a quarter)."""


def _tab(key: str, title: str) -> Content:
    """A section's tab title showing its key once: the key's letter underlined inside the title
    (``Agents`` with the A underlined), or after the title when it has no such letter
    (``Trends w``, ``Przegląd o``). Never the letter and then the word that starts with it."""
    at = title.lower().find(key.lower()) if len(key) == 1 else -1
    if at < 0:
        return Content.assemble(title, " ", (key, "underline"))
    return Content.assemble(title[:at], (title[at], "underline"), title[at + 1 :])


def _compact(d: metrics.Durations) -> str:
    return format_hours(d.stats("business")["median"], compact=True)


def _fill(table: DataTable, columns: list[str], rows: list[tuple[str, list[Content]]]) -> None:
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


def export_dir() -> Path:
    """Where exports go: ``<user data dir>/exports`` (created on first use)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("bokdesk")) / "exports"


def period_names() -> dict[str, str]:
    return {
        PeriodKind.TODAY.value: _("Today"),
        PeriodKind.DAYS_7.value: _("7 days"),
        PeriodKind.DAYS_30.value: _("30 days"),
        PeriodKind.MONTH.value: _("Month"),
        PeriodKind.QUARTER.value: _("Quarter"),
        PeriodKind.CUSTOM.value: _("Custom…"),
    }


# ---------------------------------------------------------------------- what a load brings back


@dataclass
class Loaded:
    """The period's figures, read in a thread. ``stage``: 1 the whole desk's figures (tiles),
    2 with the breakdowns (tables), 3 with the weeks too."""

    period: Period
    report: metrics.Report | None = None
    refused: str | None = None
    stage: int = 0


@dataclass
class Trends:
    weeks: list[metrics.WeekFigures] = field(default_factory=list)


def _dur(seconds: int | None) -> str:
    """Durations on this screen are on the business clock: hours, never 24-hour days."""
    return format_hours(seconds)


def _duration_tile(d: metrics.Durations, trend: tuple[float | None, ...]) -> TileData:
    s = d.stats("business")
    if d.count == 0:
        return TileData("—", _("no tickets"), trend)
    p90, average = _dur(s["p90"]), _dur(s["mean"])
    return TileData(
        _dur(s["median"]),
        (_("p90 {p90} · mean {mean}").format(p90=p90, mean=average), _("p90 {p90}").format(p90=p90)),
        trend,
    )


def tile_data(report: metrics.Report, weeks: list[metrics.WeekFigures]) -> dict[str, TileData]:
    """Every tile's text from a report (and the trend points, when they have arrived)."""
    t = report.totals

    def trend(getter: Any) -> tuple[float | None, ...]:
        return tuple(getter(w.figures) for w in weeks)

    def median_of(name: str) -> Any:
        return lambda f: f.duration(name).stats("business")["median"]

    backlog = report.backlog
    complaints = report.complaints
    soonest = complaints.open[0].days_left if complaints.open else None
    return {
        "received": TileData(
            format_number(t.received),
            _("solved {n}").format(n=format_number(t.solved)),
            trend(lambda f: f.received),
        ),
        "pickup": _duration_tile(t.pickup, trend(median_of("pickup"))),
        "first_response": _duration_tile(t.first_response, trend(median_of("first_response"))),
        "resolution": _duration_tile(t.resolution, trend(median_of("resolution"))),
        "sla": TileData(
            percent(t.sla_compliance),
            (
                _("first response {frt} · resolution {res}").format(
                    frt=percent(t.frt_compliance, 0), res=percent(t.resolution_compliance, 0)
                ),
                _("FRT {frt} · res. {res}").format(
                    frt=percent(t.frt_compliance, 0), res=percent(t.resolution_compliance, 0)
                ),
                _("FRT {frt}").format(frt=percent(t.frt_compliance, 0)),
            ),
            trend(lambda f: f.sla_compliance),
            "bold" if t.sla_compliance is None or t.sla_compliance >= 0.9 else "bold $text-warning",
        ),
        "nps": TileData(
            signed(t.nps),
            (
                _("{n} answers · CSAT {csat}").format(
                    n=format_number(t.nps_answers), csat=percent(t.csat, 0)
                ),
                _("{n} answers").format(n=format_number(t.nps_answers)),
            ),
            trend(lambda f: f.nps),
        ),
        "backlog": TileData(
            format_number(backlog.total),
            (
                _("unassigned {u} · at risk {r} · late {b}").format(
                    u=format_number(backlog.unassigned),
                    r=format_number(backlog.at_risk),
                    b=format_number(backlog.breached),
                ),
                _("unass. {u} · late {b}").format(
                    u=format_number(backlog.unassigned), b=format_number(backlog.breached)
                ),
                _("late {b}").format(b=format_number(backlog.breached)),
            ),
            (),
            "bold $text-error" if backlog.breached else "bold",
        ),
        "complaints": TileData(
            format_number(complaints.open_total),
            _("overdue {n}").format(n=format_number(complaints.overdue))
            if complaints.overdue
            else (_("next due in {days} d").format(days=soonest) if soonest is not None else _("none open")),
            (),
            "bold $text-error"
            if complaints.overdue
            else ("bold $text-warning" if soonest is not None and soonest <= 3 else "bold"),
        ),
    }


TILES: tuple[tuple[str, str, str], ...] = (
    # (id, label, drill-down figure)
    ("received", N_("Received"), "received"),
    ("pickup", N_("Pickup"), "pickup"),
    ("first_response", N_("First response"), "first_response"),
    ("resolution", N_("Resolution"), "resolution"),
    ("sla", N_("SLA met"), "frt_breached"),
    ("nps", N_("NPS"), ""),
    ("backlog", N_("Backlog now"), "open"),
    ("complaints", N_("Complaints"), "complaints"),
)


def secondary_line(report: metrics.Report) -> Content:
    t = report.totals
    per_ticket = decimal(t.transfers_per_ticket, 2)
    parts = [
        (_("Solved"), format_number(t.solved)),
        (_("Reopened"), percent(t.reopen_rate)),
        (_("FCR"), percent(t.fcr_rate)),
        (_("Transfers/ticket"), per_ticket),
        (_("CSAT"), percent(t.csat)),
    ]
    pieces: list[Any] = []
    for name, value in parts:
        if pieces:
            pieces.append(("  ", ""))
        pieces += [(name + " ", "$text-muted"), (value, "bold")]
    pieces.append(
        (
            "\n"
            + _(
                "Medians on the business clock; each figure counts on the day its clock stopped. "
                "FCR: solved with one response and no transfer."
            ),
            "$text-muted",
        )
    )
    return Content.assemble(*pieces)


def overview_lists(report: metrics.Report, tz: Any) -> Content:
    """Below the tiles: the complaints closest to their deadline and the agents with the most open
    tickets (who is overloaded), so the overview answers both at a glance."""
    pieces: list[Any] = [(_("Complaints closest to the deadline"), "bold"), "\n"]
    complaints = report.complaints.open[:5]
    if not complaints:
        pieces += [(_("none open"), "$text-muted"), "\n"]
    numbers = [f"#{c.number}" for c in complaints]
    days = [_("{days} d").format(days=c.days_left) for c in complaints]
    number_width = max([len(n) + 1 for n in numbers] + [7])  # ticket numbers grow to 7 digits
    days_width = max([len(d) + 1 for d in days] + [5])  # and overdue days to -351 d
    for c, number, left in zip(complaints, numbers, days, strict=True):
        style = (
            "bold $text-error" if c.days_left < 0 else ("bold $text-warning" if c.days_left <= 3 else "bold")
        )
        pieces += [
            (number.ljust(number_width), "$text-muted"),
            (left.rjust(days_width), style),
            "  ",
            one_line(labels.subject(c.subject), 40).ljust(40),
            "  ",
            (one_line(c.assignee or "—", 24), "$text-muted"),
            "\n",
        ]
    pieces += ["\n", (_("Open tickets per agent"), "bold"), "\n"]
    agents = [r for r in report.breakdowns.get("agent", []) if r.key is not None and r.open]
    agents.sort(key=lambda r: (-r.open, -r.breached, r.label))
    for r in agents[:6]:
        activity = r.activity or metrics.Activity()
        pieces += [
            (format_number(r.open).rjust(4), "bold"),
            "  ",
            one_line(r.label, 24).ljust(24),
            "  ",
            (
                _("late {b} · active {h} h, after hours {a} h").format(
                    b=format_number(r.breached),
                    h=format_number(activity.active_hours),
                    a=format_number(activity.after_hours_hours),
                ),
                "$text-muted",
            ),
            "\n",
        ]
    return assemble(*pieces)


def week_label(week: metrics.WeekFigures) -> str:
    _year, number, _day = week.week.monday.isocalendar()
    return _("W{week} {day}").format(week=f"{number:02d}", day=week.week.monday.strftime("%d.%m"))


def trend_series(name: str, weeks: list[metrics.WeekFigures]) -> Series:
    labels_ = [week_label(w) for w in weeks]
    figures = [w.figures for w in weeks]
    if name == "received":
        values: list[float | None] = [f.received for f in figures]
        return series_of(
            _("Received per week"), labels_, values, [format_number(f.received) for f in figures]
        )
    if name in ("pickup", "first_response", "resolution"):
        title = {
            "pickup": _("Pickup time per week (median, business clock)"),
            "first_response": _("First response time per week (median, business clock)"),
            "resolution": _("Resolution time per week (median, business clock)"),
        }[name]
        medians = [f.duration(name).stats("business")["median"] for f in figures]
        return series_of(title, labels_, medians, [_dur(m) for m in medians])
    if name == "sla":
        rates = [f.sla_compliance for f in figures]
        return series_of(
            _("SLA compliance per week"),
            labels_,
            rates,
            [percent(r) for r in rates],
            _("Targets met / targets decided in the week"),
        )
    scores = [f.nps for f in figures]
    shifted: list[float | None] = [None if s is None else s + 100 for s in scores]
    return series_of(
        _("NPS per week"),
        labels_,
        shifted,
        [f"{signed(s)} ({format_number(f.nps_answers)})" for s, f in zip(scores, figures, strict=True)],
        _("Bars from −100 to +100; answers in brackets"),
    )


# ---------------------------------------------------------------------- dialogs


class PeriodDialog(Dialog[Period]):
    """Choose a custom period: first and last day (inclusive), in the desk's time zone."""

    BINDINGS = keymap.STATS_PERIOD

    def __init__(self, desk: Desk, current: Period) -> None:
        super().__init__()
        self.desk = desk
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(_("Custom period"), id="dialog-title")
            yield Label(_("From (YYYY-MM-DD)"), classes="field-label")
            yield Input(self.current.first.isoformat(), id="first", compact=True)
            yield Label(_("To (YYYY-MM-DD, included)"), classes="field-label")
            yield Input(self.current.last.isoformat(), id="last", compact=True)
            yield Label(_("Ctrl+S shows the period · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        for field_ in self.query(Input):
            field_.cursor_blink = getattr(self.app, "cursor_blink", True)
        self.query_one("#first", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "first":
            self.focus_next()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        try:
            first = periods.parse_day(self.query_one("#first", Input).value, _("From"))
            last = periods.parse_day(self.query_one("#last", Input).value, _("To"))
            chosen = periods.days(self.desk.calendar.tz, first, last)
        except BokdeskError as exc:
            notify(self, str(exc), severity="warning")
            return
        self.dismiss(chosen)


# ---------------------------------------------------------------------- the screen


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
        self._refresh_timer: Any = None

    @property
    def desk(self) -> Any:
        return self._desk if self._desk is not None else self.app.desk  # type: ignore[attr-defined]

    @property
    def actor(self) -> Any:
        return self._actor if self._actor is not None else self.app.actor  # type: ignore[attr-defined]

    def _key(self, section: str, default: str) -> str:
        """The key a section is bound to now (``[keys]`` may remap ``stats.<section>``)."""
        bound = str(getattr(self.app, "_keymap", {}).get(f"stats.{section}", default))
        return bound.split(",")[0].strip() or default

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        yield Static(id="stats-period")
        with TabbedContent(id="stats-tabs", initial="overview"):
            with TabPane(_tab(self._key("overview", "o"), _("Overview")), id="overview"):
                with VerticalScroll(id="overview-scroll"):
                    with Grid(id="tiles"):
                        for tile_id, label, figure in TILES:
                            yield Tile(_(label), figure, id=f"tile-{tile_id}")
                    yield Static(id="secondary")
                    yield Static(id="overview-lists")
            with TabPane(_tab(self._key("trends", "w"), _("Trends")), id="trends"):
                with VerticalScroll(id="trends-scroll"):
                    yield BarChart(id="trend-chart")
                    yield Static(id="trend-hint")
            for pane, key, title in (
                ("agents", "a", _("Agents")),
                ("teams", "t", _("Teams")),
                ("channels", "c", _("Channels")),
            ):
                with TabPane(_tab(self._key(pane, key), title), id=pane):
                    yield DataTable(id=f"table-{pane}", cursor_type="row", zebra_stripes=True)
            with TabPane(_tab(self._key("complaints", "m"), _("Complaints")), id="complaints"):
                yield DataTable(id="table-complaints", cursor_type="row", zebra_stripes=True)
        yield Static(id="stats-refused")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#stats-refused").display = False
        self.query_one("#trend-chart", BarChart).empty = _("Reading 13 weeks…")
        self.set_top((_("Stats"), "bold"))
        changed = getattr(self.app, "desk_changed", None)
        if changed is not None:
            changed.subscribe(self, self._desk_changed)
        self._set_period(self.kind, None)

    # ------------------------------------------------------------------ live

    def _desk_changed(self, _update: Any) -> None:
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

    def on_resize(self) -> None:
        if self.period is not None:  # the bar names every period only where they fit
            self._show_period_bar()

    def _show_period_bar(self) -> None:
        assert self.period is not None
        tz = self.desk.calendar.tz
        bar = self.query_one("#stats-period", Static)
        first = format_date(periods.local_midnight(tz, self.period.first), tz)
        last = format_date(periods.local_midnight(tz, self.period.last), tz)
        span = first if first == last else f"{first} – {last}"

        def choices(names_all: bool) -> list[Any]:
            parts: list[Any] = []
            for number, (kind, name) in enumerate(period_names().items(), start=1):
                chosen = kind == self.kind
                parts += [(f"{number} ", "$text-muted")]
                parts += [(name, "bold reverse" if chosen else ""), "  "] if names_all or chosen else [" "]
            return [*parts, (span, "bold $text-accent")]

        parts = choices(names_all=True)
        if 0 < bar.size.width - 2 < Content.assemble(*parts).cell_length:  # narrow: only the chosen one named
            parts = choices(names_all=False)
        if self.loaded is None or self.loaded.period != self.period:
            parts += ["  ", (_("reading…"), "$text-muted")]
        elif self.loaded.report is not None:  # live: when the figures on screen were read (if it fits)
            at = format_time(self.loaded.report.generated_at, tz)
            fuller = [*parts, "  ", (_("as of {time}").format(time=at), "$text-muted")]
            if Content.assemble(*fuller).cell_length <= bar.size.width - 2:
                parts = fuller
        bar.update(Content.assemble(*parts))

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
            self.app.call_from_thread(self._show, Loaded(period, refused=str(exc)))
        except BokdeskError as exc:
            self.app.call_from_thread(notify, self.app, str(exc), severity="error")
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
        table = self.query_one(f"#table-{pane}", DataTable)
        first = {"agent": _("Agent"), "team": _("Team"), "channel": _("Channel")}[dimension]
        # Load first (who is overloaded), then speed and quality.
        columns = [first, pgettext("stats column: open tickets", "Open"), _("Solved")]
        if dimension == "agent":
            columns += [_("Active h"), _("After h")]
        columns += [_("Pickup"), _("FRT"), _("Resol."), _("SLA"), _("Reopen"), _("FCR"), _("NPS")]
        rows: list[tuple[str, list[Content]]] = []
        for row in self.loaded.report.breakdowns[dimension]:
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
        _fill(table, columns, rows)

    def _fill_complaints(self) -> None:
        assert self.loaded is not None and self.loaded.report is not None
        complaints = self.loaded.report.complaints
        table = self.query_one("#table-complaints", DataTable)
        tz = self.desk.calendar.tz
        rows: list[tuple[str, list[Content]]] = []
        for c in complaints.open:
            style = (
                "bold $text-error"
                if c.days_left < 0
                else ("bold $text-warning" if c.days_left <= 3 else "bold")
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
        _fill(table, ["#", _("Days left"), _("Due"), _("Subject"), _("Status"), _("Assignee")], rows)
        if complaints.closed_without_decision:
            self.notify_once_closed(complaints.closed_without_decision)

    def notify_once_closed(self, n: int) -> None:
        if getattr(self, "_told_closed", False):
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


_ONE_SECOND = timedelta(seconds=1)


def export_csv(pane: str, report: metrics.Report, weeks: list[metrics.WeekFigures]) -> Path:
    """Write the table of a section as CSV into the export directory; returns the file."""
    from ...core.report_csv import csv_header, csv_row, table_rows, write_csv

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


# ---------------------------------------------------------------------- drill-down


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
            self.app.call_from_thread(notify, self.app, str(exc), severity="error")
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
        _fill(
            self.query_one("#drill-table", DataTable),
            ["#", _("Time"), _("When"), _("Status"), _("Assignee"), _("Subject")],
            cells,
        )

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

        def write() -> Path:
            from ...core.report_csv import write_csv

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

        from ..tasks import run_service

        run_service(
            self.app,
            write,
            done=lambda path: notify(self.app, str(path), title=_("Exported"), timeout=10),
            group="stats-export",
        )

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["DrillScreen", "StatsScreen", "export_csv", "tile_data", "trend_series"]
