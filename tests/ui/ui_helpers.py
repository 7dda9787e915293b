"""Helpers of the console tests: a fixed clock, the app factory, waiting for workers, typing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerState

from bokdesk.core.desk import Actor, Desk
from bokdesk.core.settings import DeskSettings

# Tuesday 24 November 2026, 14:30 in Warsaw: the desk is open.
NOW = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)
DESK_SETTINGS = DeskSettings(complaints_team="BOK Warszawa", desk_name="BOK")


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_app(desk: Desk, actor: Actor, **options: Any) -> Any:
    from bokdesk.ui.app import BokdeskApp
    from bokdesk.ui.presence import NoPresence

    options.setdefault("live", False)
    options.setdefault("cursor_blink", False)
    options.setdefault("presence", NoPresence())
    return BokdeskApp(desk, actor, **options)


def busy(app: Any) -> bool:
    return any(
        w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group != "live" for w in app.workers
    )


async def settle(pilot: Pilot[Any], *, quiet: int = 2) -> None:
    """Wait until no worker is running and the messages they posted back are handled."""
    app = pilot.app
    calm = 0
    for _ in range(200):
        await pilot.pause()
        if busy(app):
            calm = 0
            await pilot.pause(0.01)
            continue
        calm += 1
        if calm >= quiet:
            return
    raise AssertionError("the app did not settle")


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type text key by key (as an agent would)."""
    from textual.keys import _character_to_key

    await pilot.press(*[_character_to_key(ch) for ch in text])


def screen_text(app: Any) -> str:
    """Everything on screen as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())  # noqa: SLF001


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Put text into the focused editor or input at once (long texts; ``type_text`` for search-as-you-type)."""
    from textual.widgets import Input, TextArea

    focused = pilot.app.focused
    if isinstance(focused, TextArea):
        focused.insert(text)
    elif isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
    else:
        raise AssertionError(f"nothing to paste into ({focused!r})")
    await pilot.pause()


async def focus(pilot: Pilot[Any], selector: str) -> None:
    """Move the focus (as Tab or a click would) and let it land."""
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()
