"""The stats screen (``f4``): ``screen`` (the screen), ``view`` (tiles, lines and trends of a
report), ``tables`` (its tables), ``drill`` (the tickets behind a figure), ``dialogs`` (a custom
period) and ``export`` (CSV files)."""

from .dialogs import PeriodDialog
from .drill import DrillScreen
from .export import export_csv, export_dir
from .screen import REFRESH_EVERY, TRENDS_EVERY, StatsScreen
from .view import TABLES, TRENDS, tile_data, trend_series

__all__ = [
    "REFRESH_EVERY",
    "TABLES",
    "TRENDS",
    "TRENDS_EVERY",
    "DrillScreen",
    "PeriodDialog",
    "StatsScreen",
    "export_csv",
    "export_dir",
    "tile_data",
    "trend_series",
]
