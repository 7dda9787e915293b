"""The rota screen (``f5``): ``screen`` (the screen and its changes), ``view`` (the rota read and
shown as content) and ``dialogs`` (an agent's week, an absence)."""

from .dialogs import AbsenceDialog, AbsenceInput, WeekDialog
from .screen import RotaScreen
from .view import read_rota

__all__ = ["AbsenceDialog", "AbsenceInput", "RotaScreen", "WeekDialog", "read_rota"]
