"""The ticket screen: ``screen`` (the screen itself), ``view`` (what it shows of a read),
``actions`` (what an agent writes on the ticket) and ``dialogs`` (assign, survey, conflict)."""

from .screen import SLOW_OPEN, Neighbours, TicketScreen
from .view import Loaded

__all__ = ["SLOW_OPEN", "Loaded", "Neighbours", "TicketScreen"]
