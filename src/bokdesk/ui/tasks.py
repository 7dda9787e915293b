"""Running service calls off the event loop and bringing results (or errors) back to it.

Every database write runs in an app-level thread worker (so a write that waits on another agent's
transaction never freezes the screen, and closing a screen does not drop it); ``done`` and
``failed`` run on the event loop. A ``BokdeskError`` is the user's one-line message; anything
else is logged and shown as an unexpected error without bringing the console down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.errors import BokdeskError
from ..i18n import _
from .safe_text import notify
from .typed import bokdesk_app

if TYPE_CHECKING:
    from textual.app import App

log = logging.getLogger("bokdesk.ui")
T = TypeVar("T")


def run_service(
    app: App[Any],
    call: Callable[[], T],
    *,
    done: Callable[[T], None] | None = None,
    failed: Callable[[BokdeskError], None] | None = None,
    group: str = "service",
    exclusive: bool = False,
) -> None:
    """Run ``call`` in a thread; then ``done(result)`` or ``failed(error)`` on the event loop."""

    def back(callback: Callable[..., None], *args: Any) -> None:
        try:
            app.call_from_thread(callback, *args)
        except RuntimeError:  # the app has stopped
            pass

    def work() -> None:
        try:
            result = call()
        except BokdeskError as exc:
            back(failed or (lambda e: show_error(app, e)), exc)
            return
        except Exception as exc:  # noqa: BLE001 - shown, logged, and the console keeps running
            log.exception("unexpected error in %s", group)
            back(show_unexpected, app, exc)
            return
        if done is not None:
            back(done, result)

    app.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


def describe(error: BokdeskError, app: App[Any] | None = None) -> str:
    """The error in the agent's language (``ui.errors`` maps the core's messages), times in the
    desk's time zone when the app is given."""
    from .errors import describe as in_language

    desk = bokdesk_app(app).desk if app is not None else None
    return in_language(error, desk.calendar.tz if desk is not None else None)


def show_error(app: App[Any], error: BokdeskError) -> None:
    notify(app, describe(error, app), title=_("Not done"), severity="error", timeout=8)


def show_unexpected(app: App[Any], error: Exception) -> None:
    notify(
        app,
        _("Unexpected error: {error}. Nothing else was changed; details are in the log.").format(
            error=f"{type(error).__name__}: {error}"
        ),
        severity="error",
        timeout=10,
    )
