"""The only route for untrusted text (customers, e-mail, anything from the database) to the screen.

Three dangers, all measured on Textual 8: a ``Static`` or a notification parses markup, so a
subject like ``[@click=app.quit]x[/]`` becomes a live action and ``[link=...`` raises
``MarkupError``; and even ``Content(text)`` passes escape sequences (OSC 52 clipboard writes,
screen clears) through to the terminal. So every such string goes through ``clean`` (C0 and C1
control characters and DEL removed, newline and tab kept; bidirectional overrides removed so a
subject cannot reorder what is shown) and is wrapped as plain ``Content``: markup is never parsed.

Use ``safe`` / ``safe_line`` to build content, ``styled`` to combine them with our own styles,
and ``notify`` instead of ``App.notify`` whenever a message may contain such text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual.content import Content

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

# C0 except \t (09) and \n (0a); DEL; C1; bidi embeddings/overrides/isolates; line/paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_SPACES = re.compile(r"[\s]+")
# A gap between two styled runs is a run of its own, styled apart: SVG screenshots drop a run's
# leading spaces, so a gap glued to the next run's text would vanish from them.
SEPARATOR = "not bold"
GAP = (" ", SEPARATOR)


def clean(text: object) -> str:
    """The text without control characters (newline and tab kept); CRLF becomes LF."""
    if text is None:
        return ""
    value = str(text)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def one_line(text: object, limit: int | None = None) -> str:
    """Clean text on one line (newlines and tabs become single spaces), optionally shortened."""
    value = _SPACES.sub(" ", clean(text)).strip()
    if limit is not None and len(value) > limit:
        value = value[: max(0, limit - 1)] + "…"
    return value


def safe(text: object, style: str = "") -> Content:
    """Untrusted text as plain content (markup is not parsed), optionally in one of our styles."""
    value = clean(text).expandtabs(4)
    return Content.styled(value, style) if style else Content(value)


def safe_line(text: object, style: str = "", limit: int | None = None) -> Content:
    """Untrusted text on one line as plain content."""
    value = one_line(text, limit)
    return Content.styled(value, style) if style else Content(value)


def assemble(*parts: str | Content | tuple[str, str]) -> Content:
    """Join our own labels (plain strings, never markup) and safe content into one line.

    Plain ``str`` parts are cleaned too, so a formatted label that embeds untrusted text
    (``_("Taken: {subject}").format(...)``) stays safe.
    """
    cleaned: list[str | Content | tuple[str, str]] = []
    for part in parts:
        if isinstance(part, str):
            cleaned.append(clean(part))
        elif isinstance(part, tuple):
            cleaned.append((clean(part[0]), part[1]))
        else:
            cleaned.append(part)
    return Content.assemble(*cleaned)


def notify(
    app: App[object],
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """``App.notify`` for messages that may contain untrusted text: cleaned, markup off."""
    app.notify(clean(message), title=one_line(title), severity=severity, timeout=timeout, markup=False)
