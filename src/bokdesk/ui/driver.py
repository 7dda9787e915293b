"""The console's terminal driver on Linux and macOS: Escape without Textual's 100 ms wait.

A lone ESC byte may be the start of an escape sequence (an arrow key is ``ESC [ A``), so the
parser waits ``ESCAPE_DELAY`` for more before it calls it the Escape key. Textual's input thread
(``LinuxDriver.run_input_thread``, Textual 8) only looks at that deadline after its
``select(0.1)`` returns, so a lone Escape waited ~100 ms whatever the delay said. This driver's
input loop is Textual's, except that it selects until the parser's pending deadline when there
is one (else 0.1 s, as Textual does).

The delay itself: 25 ms by default (modern terminal programs use 10-50 ms: neovim's
``ttimeoutlen`` 50, tmux's ``escape-time`` 10); a terminal sends a key's sequence in one write,
and SSH carries it in one packet. ``[ui] escape_delay_ms`` in the config sets it; the user's own
``ESCDELAY`` environment variable (the curses convention Textual reads) wins over both.

The loop uses Textual's private names (its parser, the parser's ``_timeout_time``, its clock)
through ``ui/warmup.py``, their one home; ``console_driver`` gives Textual's own driver when the
parser lacks that shape (``tests/ui/test_textual_private.py`` and ``tests/ui/test_driver.py`` fail
if it changes). The Windows driver is left alone.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from typing import Any

from textual import constants
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from . import warmup

DEFAULT_ESCAPE_DELAY_MS = 25
IDLE_SELECT = 0.1  # seconds: Textual's own select timeout when nothing is pending


def escape_delay_ms(configured: Any = None) -> int | None:
    """The lone-Escape delay in ms to set, or None to keep Textual's (the user's ``ESCDELAY``)."""
    if os.environ.get("ESCDELAY"):
        return None
    try:
        value = int(configured) if configured is not None else DEFAULT_ESCAPE_DELAY_MS
    except (TypeError, ValueError):
        value = DEFAULT_ESCAPE_DELAY_MS
    return max(1, min(value, 1000))


def supported() -> bool:
    """Whether Textual's parser still keeps its pending timeout where this driver reads it."""
    return warmup.parser_has_escape_deadline(warmup.xterm_parser())


def apply_escape_delay(configured: Any = None) -> None:
    """Set the parser's lone-Escape delay (read at each ESC) unless the user's ``ESCDELAY`` is set."""
    delay = escape_delay_ms(configured)
    if delay is not None:
        # Textual declares it Final; its parser reads it at each ESC, so setting it is the way.
        constants.ESCAPE_DELAY = delay / 1000  # type: ignore[misc]


class ConsoleDriver(LinuxDriver):
    """Textual's Linux driver whose input thread wakes when the parser's Escape delay ends."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        settings = getattr(app, "ui_settings", None)  # the console's UiSettings; other apps have none
        apply_escape_delay(settings.escape_delay_ms if settings is not None else None)

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual 8's loop; only the select timeout differs)."""
        parser = warmup.xterm_parser(warmup.driver_debug(self))
        if not warmup.parser_has_escape_deadline(parser):  # Textual changed: its own loop, 100 ms wait
            super().run_input_thread()
            return
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        EVENT_READ = selectors.EVENT_READ
        feed, tick = parser.feed, parser.tick
        decode = getincrementaldecoder("utf-8")().decode
        read = os.read
        get_time, deadline = warmup.textual_clock(), warmup.escape_deadline

        def timeout() -> float:
            pending = deadline(parser)
            if pending is None:
                return IDLE_SELECT
            return min(IDLE_SELECT, max(0.0, pending - get_time()))

        def process(selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for index, (_key, mask) in enumerate(selector_events):
                if mask & EVENT_READ:
                    last = index == len(selector_events) - 1
                    unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:  # stdin is a pipe that closed
                        break
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(timeout()))
            selector.unregister(self.fileno)
            process(selector.select(IDLE_SELECT), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, warmup.parse_error()):
                pass


def console_driver(base: type[Driver]) -> type[Driver]:
    """The driver class for the console: ours in place of Textual's Linux driver (when Textual's
    parser still has the shape it relies on), anything else (Windows, ``TEXTUAL_DRIVER``) as is."""
    if base is not LinuxDriver or not supported():
        return base
    return ConsoleDriver


__all__ = [
    "DEFAULT_ESCAPE_DELAY_MS",
    "ConsoleDriver",
    "apply_escape_delay",
    "console_driver",
    "escape_delay_ms",
    "supported",
]
