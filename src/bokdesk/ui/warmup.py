"""The console's warm-up after start, and the one home of Textual's private API.

The warm-up makes the first ticket of a session (and a supervisor's first ``f4``) cost what later
ones do. ``start`` runs once the queue's first page is painted and the desk is open; every step on
the event loop waits for a pause in the agent's keys (``BokdeskApp.when_idle``: ``QUIET`` s without
a key or click) and steps are ``STEP`` s apart, so a key waits for one step at most:

1. a thread imports Babel's data and the ticket screen's modules (for supervisors also the stats
   screen's, with numpy), then takes what lives for the session out of the cyclic collector;
2. the one ticket screen is built off the stack: its CSS parsed, composed and mounted;
3. it rehearses the queue's current ticket off screen (``rehearse``).

Textual's private API: every use the console makes of it is in this module, each behind a small
function that degrades to doing less when the name is gone. They were checked against the Textual
versions in ``TEXTUAL_CHECKED``; ``tests/ui/test_textual_private.py`` fails on any other version,
and checks the shape of each name:

- ``DOMNode._bindings`` and ``App._keymap``: a screen's keys in the agent's language, and the keys
  the config maps (``own_bindings``, ``keymap_of``);
- ``App._load_screen_css`` and ``App._get_screen``: build a screen without showing it (step 2);
- ``Screen._refresh_layout`` and ``Screen._compositor``: lay it out and render it off screen (step 3);
- ``Screen._on_screen_resume`` restyles the whole screen unless ``ScreenResume.refresh_styles`` was
  cleared by a handler of the screen's own class first (``keep_styles``);
- ``textual._xterm_parser.XTermParser`` with its ``_timeout_time``, ``textual._time.get_time``,
  ``textual._parser.ParseError`` and ``Driver._debug``: the console driver's input loop
  (``ui/driver.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..core.enums import Role

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import BindingsMap
    from textual.dom import DOMNode
    from textual.driver import Driver
    from textual.events import ScreenResume
    from textual.geometry import Size
    from textual.screen import Screen

    from .app import BokdeskApp
    from .screens.ticket import Loaded, TicketScreen

log = logging.getLogger("bokdesk.ui")

TEXTUAL_CHECKED = ((8, 2, 8), (8, 3))
"""Textual versions the private names below were checked against: from the first, up to (not
including) the second. Widen it only after ``tests/ui`` passed on the new version."""
QUIET = 1.0  # seconds without a key or click before a step of the warm-up runs on the event loop
STEP = 0.05  # seconds between two steps (keys pressed meanwhile go first)


def textual_checked(version: str | None = None) -> bool:
    """Whether ``version`` (default: the installed Textual) is in ``TEXTUAL_CHECKED``."""
    if version is None:
        from importlib.metadata import version as installed

        version = installed("textual")
    import re

    numbers: list[int] = []
    for part in version.split(".")[:3]:
        digits = re.match(r"\d+", part)  # "0rc1" counts as 0
        if digits is None:
            break
        numbers.append(int(digits.group()))
    low, high = TEXTUAL_CHECKED
    return low <= tuple(numbers) < high


# ---------------------------------------------------------------------- the warm-up


def start(app: BokdeskApp) -> None:
    """Schedule the warm-up (once the first page is painted and the desk is open)."""
    reports = app.actor.role.level >= Role.SUPERVISOR.level
    app.set_timer(
        1.0,
        lambda: app.when_idle(
            lambda: app.run_worker(
                lambda: load_modules(reports), thread=True, group="warm-up", exit_on_error=False
            )
        ),
    )
    app.set_timer(1.5, lambda: app.when_idle(lambda: prebuild_ticket_screen(app)))


def load_modules(reports: bool = False) -> None:
    """Thread: load Babel and the ticket screen's modules before they are first needed; for
    supervisors also the stats screen with numpy, so the first f4 does not pay their import."""
    from .. import i18n

    i18n.warm_up()
    from .screens import ticket  # noqa: F401

    if reports:
        from .screens import stats  # noqa: F401
    freeze_long_lived()


def freeze_long_lived() -> None:
    """Keep what lives for the whole session out of Python's cyclic garbage collector.

    A full collection walks every tracked object: the console holds about a million (Textual,
    SQLAlchemy, the models, the screens), and a full collection measured up to 113 ms on the event
    loop, a key pressed just then waited for it. What exists once the desk is open and the modules
    are warm (and again once the ticket screen is built) lives as long as the process, so it is
    frozen (``gc.freeze``): later full collections walk only what came after (about 25 ms).
    """
    import gc

    gc.freeze()


def prebuild_ticket_screen(app: BokdeskApp) -> None:
    """Build the reused ticket screen while the agent looks at the queue: Textual composes it
    and parses its CSS once (~150 ms), which the first ticket of a session used to wait for.
    Off the stack it sits as it does after the first ticket was closed. Then it rehearses the
    queue's current ticket off screen (``rehearse``). Each step waits for a pause in the keys."""
    screen = app.ticket_screen()
    if screen.is_running or screen in app.screen_stack:
        return
    if not load_screen_css(app, screen):
        return

    def build() -> None:
        if not screen.is_running and screen not in app.screen_stack and build_off_stack(app, screen):
            app.set_timer(STEP, lambda: app.when_idle(lambda: rehearse_current_ticket(app)))

    app.set_timer(STEP, lambda: app.when_idle(build))


def rehearse_current_ticket(app: BokdeskApp) -> None:
    """The first ticket of a session as fast as the next ones: the ticket screen does once, off
    screen, what opening a ticket does (with the queue's current ticket)."""
    from .screens.queue import QueueScreen

    screen = app.ticket_screen()
    if not screen.is_mounted:  # still composing (a busy machine): a little later
        app.set_timer(STEP, lambda: app.when_idle(lambda: rehearse_current_ticket(app)))
        return
    queue = next((s for s in app.screen_stack if isinstance(s, QueueScreen)), None)
    row = queue.table.current if queue is not None else None
    if row is not None:
        rehearse(screen, row.id)


def rehearse(screen: TicketScreen, ticket_id: int) -> None:
    """Before the first ticket of a session, off screen: do once what opening a ticket does.

    The first ticket of a session used to cost twice what later ones do: SQLAlchemy compiled
    the detail's statements, Textual restyled the whole never-shown screen on its first push and
    again for its width's breakpoint class, and laid out and rendered its widgets at the
    terminal's size for the first time (caches of styles, strips, segments). Here a real ticket
    (``ticket_id``, the queue's current row) is read, shown in the screen while it is off the
    stack, laid out at the terminal's size and rendered to nothing, then the screen is emptied
    again. Nothing reaches the terminal, presence is not told, nothing is written. Each step is
    its own turn of the event loop and waits for a pause in the agent's keys, so a key waits for
    one step at most; an agent who opens a ticket first ends the rehearsal (``TicketScreen.show``).
    """
    if screen.built or screen.detail is not None or screen.rehearsal is not None or not screen.is_mounted:
        return
    token = screen.rehearsal = object()
    app = screen.bokdesk
    read = screen.reader(ticket_id)

    def going() -> bool:
        return screen.rehearsal is token and screen not in app.screen_stack

    def work() -> None:
        try:
            loaded = read()
        except Exception:  # noqa: BLE001 - only a warm-up: the first real open does it again
            log.debug("ticket screen rehearsal: read failed", exc_info=True)
            return
        try:
            app.call_from_thread(app.when_idle, lambda: fill(loaded))
        except RuntimeError:  # the app has stopped
            pass

    def fill(loaded: Loaded) -> None:
        if going():
            screen.ticket_id = loaded.detail.ticket.id or 0
            screen.fill(loaded)
            screen.set_timer(STEP, lambda: app.when_idle(lay_out))

    def lay_out() -> None:
        if going():
            _quietly(lambda: refresh_layout(screen, app.size))  # and the breakpoint classes
            screen.set_timer(STEP, lambda: app.when_idle(render))

    def render() -> None:
        if going():
            _quietly(lambda: render_off_screen(screen, app))
            screen.set_timer(STEP, lambda: app.when_idle(finish))

    def finish() -> None:
        if going():
            screen.rehearsal = None
            screen.empty()
            screen.ticket_id = 0
            screen.look = (app.theme, app.size)  # styled at this size: the first push needs no restyle

    app.run_worker(work, thread=True, group="ticket-rehearsal", exit_on_error=False)


def _quietly(step: Callable[[], object]) -> None:
    """A step that uses Textual's internals: if they change, the rehearsal only warms less."""
    try:
        step()
    except Exception:  # noqa: BLE001
        log.debug("ticket screen rehearsal step failed", exc_info=True)


def keep_styles(event: ScreenResume, unchanged: bool) -> None:
    """A screen shown again whose look did not change needs no restyle of all its widgets: called
    by the screen's own ``on_screen_resume``, which runs before Textual's ``_on_screen_resume``
    (handlers run from the screen's class up), the one that restyles when ``refresh_styles``."""
    if unchanged:
        event.refresh_styles = False


# ---------------------------------------------------------------------- Textual's private API


def load_screen_css(app: App[Any], screen: Screen[Any]) -> bool:
    """Parse a screen's CSS before it is first shown (``App._load_screen_css``); False when Textual
    no longer has it (the first push parses it, as without the warm-up)."""
    load = getattr(app, "_load_screen_css", None)
    if load is None:
        return False
    load(screen)
    return True


def build_off_stack(app: App[Any], screen: Screen[Any]) -> bool:
    """Register an installed screen, compose and mount it, without showing it (``App._get_screen``);
    False when Textual no longer has it (the first push builds it)."""
    build = getattr(app, "_get_screen", None)
    if build is None:
        return False
    build(screen)
    return True


def refresh_layout(screen: Screen[Any], size: Size) -> None:
    """Lay a screen out at ``size`` and apply its breakpoint classes (``Screen._refresh_layout``)."""
    screen._refresh_layout(size)


def render_off_screen(screen: Screen[Any], app: App[Any]) -> None:
    """Render a whole screen to nothing: its strips and segments are cached for the first frame."""
    update = screen._compositor.render_update(full=True)
    render = getattr(update, "render_segments", None)
    if render is not None:
        render(app.console)


def own_bindings(node: DOMNode) -> BindingsMap | None:
    """A node's own copy of its bindings (``DOMNode._bindings``, made per instance at its creation),
    which ``keymap.translate_bindings`` rewrites in the agent's language; None when Textual no
    longer keeps it there (the keys' descriptions then stay in English)."""
    bindings: BindingsMap | None = getattr(node, "_bindings", None)
    return bindings


def keymap_of(app: App[Any]) -> Mapping[str, str]:
    """The keys the config maps binding ids to, as Textual normalised them (``App._keymap``); none
    when Textual no longer keeps them there (the stats tabs then name their default keys)."""
    keymap: Mapping[str, str] = getattr(app, "_keymap", {})
    return keymap


def xterm_parser(debug: bool = False) -> Any:
    """Textual's parser of terminal input (``textual._xterm_parser.XTermParser``); None when Textual
    no longer has it (the console then runs on Textual's own driver)."""
    try:
        from textual._xterm_parser import XTermParser
    except ImportError:
        return None
    return XTermParser(debug)


def driver_debug(driver: Driver) -> bool:
    """Whether a driver was started in debug mode (``Driver._debug``), which its parser takes."""
    return bool(getattr(driver, "_debug", False))


def parser_has_escape_deadline(parser: Any) -> bool:
    """Whether the parser keeps its lone-Escape deadline where ``escape_deadline`` reads it."""
    own = getattr(parser, "__dict__", {})  # set by the parser's __init__, not a class default
    return "_timeout_time" in own and callable(getattr(parser, "tick", None))


def escape_deadline(parser: Any) -> float | None:
    """When a lone ESC fed to the parser becomes the Escape key (``get_time`` clock), or None."""
    deadline: float | None = parser._timeout_time
    return deadline


def textual_clock() -> Callable[[], float]:
    """The clock Textual's parser measures its deadlines with (``textual._time.get_time``)."""
    from textual._time import get_time

    return get_time


def parse_error() -> type[Exception]:
    """What Textual's parser raises on input it cannot parse (``textual._parser.ParseError``)."""
    from textual._parser import ParseError

    return ParseError


__all__ = [
    "QUIET",
    "STEP",
    "TEXTUAL_CHECKED",
    "build_off_stack",
    "driver_debug",
    "escape_deadline",
    "freeze_long_lived",
    "keep_styles",
    "keymap_of",
    "load_modules",
    "load_screen_css",
    "own_bindings",
    "parse_error",
    "parser_has_escape_deadline",
    "prebuild_ticket_screen",
    "refresh_layout",
    "rehearse",
    "rehearse_current_ticket",
    "render_off_screen",
    "start",
    "textual_checked",
    "xterm_parser",
]
