"""What the stats screen shows of a report: the tiles, the lines below them, the 13-week trend
charts, the sections' tab titles and the periods' names (content, no widgets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from textual.content import Content

from ....core import metrics, periods
from ....core.explain import format_hours
from ....core.periods import Period, PeriodKind
from ....i18n import N_, _, format_date, format_number, format_time
from ... import labels
from ...safe_text import assemble, one_line
from ...widgets.chart_bars import Series, series_of
from ...widgets.stats_tiles import TileData, decimal, percent, signed

TABLES = {"agents": "agent", "teams": "team", "channels": "channel"}
"""The sections that are a table of the figures by one dimension: section -> dimension."""
TRENDS = ("received", "pickup", "first_response", "resolution", "sla", "nps")


def tab_title(key: str, title: str) -> Content:
    """A section's tab title showing its key once: the key's letter underlined inside the title
    (``Agents`` with the A underlined), or after the title when it has no such letter
    (``Trends w``, ``Przegląd o``). Never the letter and then the word that starts with it."""
    at = title.lower().find(key.lower()) if len(key) == 1 else -1
    if at < 0:
        return Content.assemble(title, " ", (key, "underline"))
    return Content.assemble(title[:at], (title[at], "underline"), title[at + 1 :])


def period_names() -> dict[str, str]:
    return {
        PeriodKind.TODAY.value: _("Today"),
        PeriodKind.DAYS_7.value: _("7 days"),
        PeriodKind.DAYS_30.value: _("30 days"),
        PeriodKind.MONTH.value: _("Month"),
        PeriodKind.QUARTER.value: _("Quarter"),
        PeriodKind.CUSTOM.value: _("Custom…"),
    }


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


def period_bar(kind: str, period: Period, loaded: Loaded | None, tz: ZoneInfo, width: int) -> Content:
    """The line above the sections: the periods by their keys (each named where they fit, else only
    the chosen one), the days shown, and whether the figures are being read or as of when."""
    first = format_date(periods.local_midnight(tz, period.first), tz)
    last = format_date(periods.local_midnight(tz, period.last), tz)
    span = first if first == last else f"{first} – {last}"

    def choices(names_all: bool) -> list[Any]:
        parts: list[Any] = []
        for number, (key, name) in enumerate(period_names().items(), start=1):
            chosen = key == kind
            parts += [(f"{number} ", "$text-muted")]
            parts += [(name, "bold reverse" if chosen else ""), "  "] if names_all or chosen else [" "]
        return [*parts, (span, "bold $text-accent")]

    parts = choices(names_all=True)
    if 0 < width - 2 < Content.assemble(*parts).cell_length:  # narrow: only the chosen one named
        parts = choices(names_all=False)
    if loaded is None or loaded.period != period:
        parts += ["  ", (_("reading…"), "$text-muted")]
    elif loaded.report is not None:  # live: when the figures on screen were read (if it fits)
        at = format_time(loaded.report.generated_at, tz)
        fuller = [*parts, "  ", (_("as of {time}").format(time=at), "$text-muted")]
        if Content.assemble(*fuller).cell_length <= width - 2:
            parts = fuller
    return Content.assemble(*parts)


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


def overview_lists(report: metrics.Report, tz: tzinfo) -> Content:
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
