"""Text the desk wrote itself, said in the agent's language at display time.

System messages, the e-mail channel's notes in place of a customer's text, quarantine reasons and
our own delivery errors are stored in English with a code and its values (``core/notices.py``,
schema 0005). Here a row's code and values are said again through ``ui.errors`` (the route every
code of the desk takes: its English template is the ``msgid``, nested codes in the same language).
Rows without a code (written before 0005), unknown codes and values that do not fit are shown as
stored. The result is plain text: show it through ``ui.safe_text``.
"""

from __future__ import annotations

from ..core import notices
from .errors import say_notice


def say(code: str | None, params: str | None, stored: str) -> str:
    """A row's code and values (as stored) in the agent's language, else its stored text."""
    return say_notice(notices.load(code, params), stored) if code else stored


__all__ = ["say", "say_notice"]
