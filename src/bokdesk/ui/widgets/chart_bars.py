"""A horizontal bar chart of a weekly series: one line per week, the bar, and the figure.

Written for terminals (any width from 60 columns): eighth-block bars, a label column, the value
on the right; a week without data shows ``—``. The widget renders plain data (``Series``) and
never queries anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

EIGHTHS = " ▏▎▍▌▋▊▉█"


@dataclass(frozen=True)
class Series:
    """A titled series: labels (weeks), values (None = no data) and their formatted texts."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    texts: tuple[str, ...]
    note: str = ""
    highlight_last: bool = True


def bar(value: float, top: float, width: int) -> str:
    """A bar of ``value / top`` of ``width`` cells, in eighths of a cell."""
    if top <= 0 or width <= 0 or value <= 0:
        return ""
    eighths = round(min(1.0, value / top) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def render_series(series: Series, width: int) -> Content:
    values = [v for v in series.values if v is not None]
    top = max(values) if values else 0.0
    label_width = max((len(label) for label in series.labels), default=0)
    text_width = max((len(text) for text in series.texts), default=1)
    bar_width = max(4, width - label_width - text_width - 3)
    lines: list[Content] = [Content.styled(series.title, "bold")]
    if series.note:
        lines.append(Content.styled(series.note, "$text-muted"))
    last = len(series.labels) - 1
    for i, (label, value, text) in enumerate(zip(series.labels, series.values, series.texts, strict=True)):
        style = "$text-accent" if i == last and series.highlight_last else "$primary"
        drawn = bar(value, top, bar_width) if value is not None else ""
        lines.append(
            Content.assemble(
                (label.ljust(label_width), "$text-muted"),
                " ",
                (drawn.ljust(bar_width), style),
                " ",
                (text.rjust(text_width), "bold" if i == last else ""),
            )
        )
    return Content("\n").join(lines)


class BarChart(Widget):
    """Shows one ``Series``; the screen swaps it when another metric is chosen."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")

    series: reactive[Series | None] = reactive(None, layout=True)  # a note adds a line
    empty: reactive[str] = reactive("")

    def render(self) -> Content:
        if self.series is None:
            return Content.styled(self.empty, "$text-muted")
        return render_series(self.series, max(20, self.size.width))

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        if self.series is None:
            return 1
        return len(self.series.labels) + 1 + (1 if self.series.note else 0)


def series_of(
    title: str, labels: Sequence[str], values: Sequence[float | None], texts: Sequence[str], note: str = ""
) -> Series:
    return Series(title, tuple(labels), tuple(values), tuple(texts), note)
