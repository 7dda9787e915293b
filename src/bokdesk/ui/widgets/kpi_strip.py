"""The live KPI strip: one line, fed by the app's poller (never queries the database itself)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from ...i18n import _, format_duration, format_number

if TYPE_CHECKING:
    from ...core.kpi import Kpis


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def strip_content(kpis: Kpis | None, width: int) -> Content:
    """The strip's text for a given width: full labels when they fit, short ones otherwise."""
    if kpis is None:
        return Content.styled(_("Reading the desk…"), "$text-muted")
    for compact in (False, True):
        content = _build(kpis, compact)
        if content.cell_length <= width or compact:
            return content
    raise AssertionError("unreachable")  # pragma: no cover


def _build(k: Kpis, compact: bool) -> Content:
    sep = ("  ", "")
    label = "$text-muted"
    parts: list[str | tuple[str, str]] = []

    def item(name: str, value: str, style: str = "bold") -> None:
        if parts:
            parts.append(sep)
        parts.append((name + " ", label))
        parts.append((value, style))

    oldest = format_duration(k.oldest_waiting, compact=compact) if k.oldest_waiting is not None else "—"
    if compact:
        item(_("Unass."), format_number(k.unassigned), "bold $text-accent" if k.unassigned else "bold")
        item(_("oldest"), oldest)
        item(_("Risk"), format_number(k.at_risk), "bold $text-warning" if k.at_risk else "bold")
        item(_("Late"), format_number(k.breached), "bold $text-error" if k.breached else "bold")
        item(_("Mine"), format_number(k.my_open))
        item(_("FRT"), format_duration(k.frt_median_today, compact=True))
        item(_("Res."), format_duration(k.resolution_median_today, compact=True))
        item(_("NPS"), _signed(k.nps) if k.nps is not None else "—")
        item(_("On"), format_number(k.agents_online))
    else:
        item(_("Unassigned"), format_number(k.unassigned), "bold $text-accent" if k.unassigned else "bold")
        item(_("oldest waiting"), oldest)
        item(_("At risk"), format_number(k.at_risk), "bold $text-warning" if k.at_risk else "bold")
        item(_("Breached"), format_number(k.breached), "bold $text-error" if k.breached else "bold")
        item(_("My open"), format_number(k.my_open))
        item(_("FRT today"), format_duration(k.frt_median_today))
        item(_("Resolution today"), format_duration(k.resolution_median_today))
        item(_("NPS 30 d"), _signed(k.nps) if k.nps is not None else "—")
        item(_("Online"), format_number(k.agents_online))
    return Content.assemble(*parts)


class KpiStrip(Widget):
    """Shows ``app.kpis``; re-renders when the app publishes a new reading or the width changes."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")

    def on_mount(self) -> None:
        self.watch(self.app, "kpis", self._kpis_changed, init=True)
        self.tooltip = _(
            "Live desk figures. FRT and resolution: medians of today's tickets on the business clock. "
            "NPS: last 30 days (— when nobody answered). Online: consoles seen in the last 3 minutes."
        )

    def _kpis_changed(self, _kpis: Kpis | None) -> None:
        self.refresh()

    def render(self) -> Content:
        return strip_content(getattr(self.app, "kpis", None), max(1, self.size.width))
