"""The only route for untrusted text (customers, e-mail, anything from the database) to the screen.

Three dangers, all measured on Textual 8: a ``Static`` or a notification parses markup, so a
subject like ``[@click=app.quit]x[/]`` becomes a live action and ``[link=...`` raises
``MarkupError``; and even ``Content(text)`` passes escape sequences (OSC 52 clipboard writes,
screen clears) through to the terminal. So every such string goes through ``clean`` (C0 and C1
control characters and DEL removed, newline and tab kept; bidirectional controls removed so a
subject cannot reorder what is shown) and is wrapped as plain ``Content``: markup is never parsed.
``clean`` and ``one_line`` live in ``core.text_safety``, shared with the command line.

Use ``safe`` / ``safe_line`` to build content, ``styled`` to combine them with our own styles,
and ``notify`` instead of ``App.notify`` whenever a message may contain such text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.content import Content

from ..core.text_safety import clean, one_line

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel

# A gap between two styled runs is a run of its own, styled apart: SVG screenshots drop a run's
# leading spaces, so a gap glued to the next run's text would vanish from them.
SEPARATOR = "not bold"
GAP = (" ", SEPARATOR)

__all__ = ["GAP", "SEPARATOR", "assemble", "clean", "notify", "one_line", "safe", "safe_line"]


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
    app: App[Any],
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """``App.notify`` for messages that may contain untrusted text: cleaned, markup off."""
    app.notify(clean(message), title=one_line(title), severity=severity, timeout=timeout, markup=False)
