"""Text the desk wrote itself, said in the agent's language at display time.

System messages, the e-mail channel's notes in place of a customer's text, quarantine reasons and
our own delivery errors are stored in English with a code and its values (``core/notices.py``,
schema 0005). Here each code is said again from the catalog (its English template is the
``msgid``), nested codes in the same language, and an error message of the core carried as a value
goes through ``ui.errors``. Rows without a code (written before 0005), unknown codes and values
that do not fit are shown as stored. The result is plain text: show it through ``ui.safe_text``.
"""

from __future__ import annotations

from typing import Any

from ..core import notices
from ..core.notices import Notice
from ..i18n import _


def _value(name: str, raw: Any) -> Any:
    if name == "error" and isinstance(raw, str):
        from .errors import translate

        return translate(raw)
    if name in ("priority", "category") and isinstance(raw, str):  # an SLA policy's
        from . import labels

        return labels.label(name, raw)
    return raw


def say_notice(notice: Notice | None, stored: str) -> str:
    """The notice in the agent's language, else the stored text."""
    if notice is None:
        return stored
    text = notices.render(notice, _, _value)
    return stored if text is None else text


def say(code: str | None, params: str | None, stored: str) -> str:
    """A row's code and values (as stored) in the agent's language, else its stored text."""
    return say_notice(notices.load(code, params), stored) if code else stored


__all__ = ["say", "say_notice"]
