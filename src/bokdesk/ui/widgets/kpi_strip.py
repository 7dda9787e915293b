"""The live KPI strip: one line, fed by the app's poller (never queries the database itself)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from ...i18n import _, format_duration, format_number
from ..typed import bokdesk_app

if TYPE_CHECKING:
    from textual.geometry import Size

    from ...core.kpi import Kpis


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def strip_content(kpis: Kpis | None, width: int) -> Content:
    """The strip for a given width: full labels on one line when they fit, else short labels,
    on two lines if one is not enough (an item is never split)."""
    if kpis is None:
        return Content.styled(_("Reading the desk…"), "$text-muted")
    full = Content("  ").join(_items(kpis, compact=False))
    if full.cell_length <= width:
        return full
    lines: list[list[Content]] = [[]]
    for item in _items(kpis, compact=True):
        line = lines[-1]
        length = sum(c.cell_length for c in line) + 2 * len(line) + item.cell_length
        if line and length > width:
            lines.append([item])
        else:
            line.append(item)
    return Content("\n").join(Content("  ").join(line) for line in lines)


def _items(k: Kpis, compact: bool) -> list[Content]:
    label = "$text-muted"

    def item(name: str, value: str, style: str = "bold") -> Content:
        return Content.assemble((name + " ", label), (value, style))

    oldest = format_duration(k.oldest_waiting, compact=compact) if k.oldest_waiting is not None else "—"
    unassigned_style = "bold $text-accent" if k.unassigned else "bold"
    risk_style = "bold $text-warning" if k.at_risk else "bold"
    late_style = "bold $text-error" if k.breached else "bold"
    nps = _signed(k.nps) if k.nps is not None else "—"
    if compact:
        return [
            item(_("Unass."), format_number(k.unassigned), unassigned_style),
            item(_("oldest"), oldest),
            item(_("Risk"), format_number(k.at_risk), risk_style),
            item(_("Late"), format_number(k.breached), late_style),
            item(_("Mine"), format_number(k.my_open)),
            item(_("FRT"), format_duration(k.frt_median_today, compact=True)),
            item(_("Res."), format_duration(k.resolution_median_today, compact=True)),
            item(_("NPS"), nps),
            item(_("On"), format_number(k.agents_online)),
        ]
    return [
        item(_("Unassigned"), format_number(k.unassigned), unassigned_style),
        item(_("oldest waiting"), oldest),
        item(_("At risk"), format_number(k.at_risk), risk_style),
        item(_("Breached"), format_number(k.breached), late_style),
        item(_("My open"), format_number(k.my_open)),
        item(_("FRT today"), format_duration(k.frt_median_today)),
        item(_("Resolution today"), format_duration(k.resolution_median_today)),
        item(_("NPS 30 d"), nps),
        item(_("Online"), format_number(k.agents_online)),
    ]


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
        self.refresh(layout=True)

    def render(self) -> Content:
        return strip_content(bokdesk_app(self).kpis, max(1, self.size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(strip_content(bokdesk_app(self).kpis, max(1, width)).plain.split("\n"))
