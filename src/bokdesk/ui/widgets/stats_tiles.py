"""KPI tiles of the stats screen: a figure, a detail line, and its 13-week sparkline.

A tile renders itself from plain data (``TileData``); the screen computes the data in a thread
worker and hands it over. Tiles are focusable: Enter on a tile asks the screen to drill down to
the tickets behind the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ...i18n import _, language
from .. import keymap

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None], width: int | None = None) -> str:
    """One character per value, ▁ (lowest) to █ (highest); ``·`` where there is no value."""
    if width is not None and len(values) > width:
        values = values[-width:]
    present = [v for v in values if v is not None]
    if not present:
        return "·" * len(values)
    low, high = min(present), max(present)
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append("·")
        elif span == 0:
            out.append(BLOCKS[3])
        else:
            out.append(BLOCKS[round((v - low) / span * (len(BLOCKS) - 1))])
    return "".join(out)


def decimal(value: float | None, digits: int = 2) -> str:
    """A number with ``digits`` decimals and the language's decimal mark (``0.09`` / ``0,09``); None -> ``—``."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language() == "pl" else text


def percent(value: float | None, digits: int = 1) -> str:
    """A ratio 0-1 as a percentage in the console's language (``93.1 %`` / ``93,1 %``); None -> ``—``."""
    if value is None:
        return "—"
    return f"{decimal(100 * value, digits)} %"


def signed(value: int | None) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


@dataclass(frozen=True)
class TileData:
    """What one tile shows."""

    value: str
    detail: str | tuple[str, ...] = ""
    """The detail line, or alternatives from the longest to the shortest (the first that fits is shown)."""
    trend: tuple[float | None, ...] = ()
    style: str = "bold"
    """Style of the value: ``bold``, or a warning/error colour when the figure needs attention."""


class Tile(Widget, can_focus=True):
    """One KPI: label, value, detail line and sparkline; Enter drills down."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")
    BINDINGS = keymap.STATS_TILE

    data: reactive[TileData | None] = reactive(None, layout=False)
    trend_ready: reactive[bool] = reactive(False, layout=False)

    class Drill(Message):
        """Enter on a tile: show the tickets behind its figure."""

        def __init__(self, tile: Tile) -> None:
            super().__init__()
            self.tile = tile

    def __init__(self, label: str, figure: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        keymap.translate_bindings(self)
        self.label = label
        self.figure = figure
        self.border_title = label

    def render(self) -> Content:
        data = self.data
        width = max(1, self.size.width)
        if data is None:
            return Content.styled("…", "$text-muted")
        lines: list[Content] = [Content.styled(data.value, data.style).truncate(width, ellipsis=True)]
        details = (data.detail,) if isinstance(data.detail, str) else data.detail
        detail = next((d for d in details if len(d) <= width), details[-1] if details else "")
        lines.append(Content.styled(detail, "$text-muted").truncate(width, ellipsis=True))
        if data.trend:
            spark = sparkline(data.trend, width)
            lines.append(
                Content.assemble(
                    (spark, "$text-accent"),
                    (" " + _("13 wk") if len(spark) + 6 <= width else "", "$text-muted"),
                )
            )
        elif not self.trend_ready:
            lines.append(Content.styled("", "$text-muted"))
        return Content("\n").join(lines)

    def action_drill(self) -> None:
        self.post_message(self.Drill(self))

    def on_click(self) -> None:
        self.focus()
