"""Printing results: JSON for scripts, aligned plain text for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from ..core.text_safety import clean, json_text


def print_json(value: Any) -> None:
    """JSON on stdout; control and bidirectional characters in strings are escaped (``\\u202e``)."""
    sys.stdout.write(json_text(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)))
    sys.stdout.write("\n")


def safe(text: object) -> str:
    """Untrusted text for the terminal: the console's cleaning (``core.text_safety.clean``), so
    customer text can neither drive the terminal nor reorder the line (newline and tab kept)."""
    return clean(text)


def flat(text: object) -> str:
    """Untrusted text cleaned as by ``safe``, on one line (newlines and tabs become spaces)."""
    return clean(text).replace("\n", " ").replace("\t", " ")


def cell(value: object, max_width: int = 48) -> str:
    """One table cell: ``flat`` and cut to ``max_width``."""
    return flat(value)[:max_width]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 48) -> None:
    cells = [[cell(c, max_width) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


class Progress:
    """A plain progress bar on stderr (no terminal library needed)."""

    def __init__(self, total: int, label: str) -> None:
        self.total = max(total, 1)
        self.label = label
        self.done = 0
        self.enabled = sys.stderr.isatty()
        self._last = -1

    def advance(self, n: int = 1) -> None:
        self.done += n
        pct = int(100 * self.done / self.total)
        if pct != self._last:
            self._last = pct
            bar = "#" * (pct // 4)
            line = f"\r{self.label} [{bar:<25}] {pct:3d}% {self.done:,}/{self.total:,}"
            if self.enabled:
                sys.stderr.write(line)
                sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
        else:
            sys.stderr.write(f"{self.label}: {self.done:,}/{self.total:,} done\n")
        sys.stderr.flush()
