"""Canned responses: ``screen`` (the ``f3`` manager), ``form`` (create or edit one), ``picker``
(the editor's ``Ctrl+T``) and ``rows`` (listing, ranking and the preview's sample values)."""

from .form import CannedForm
from .picker import CannedPicker
from .rows import PLACEHOLDER_HELP, CannedRow, rank
from .screen import CannedScreen

__all__ = ["PLACEHOLDER_HELP", "CannedForm", "CannedPicker", "CannedRow", "CannedScreen", "rank"]
