"""The console app: global keys, the live poller, and the command palette. Screens do the work."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal

from .. import i18n
from ..core.enums import Role
from ..core.settings import UiSettings
from ..i18n import _, ngettext
from . import keymap, labels, palette, warmup
from .live import HEARTBEAT, TICK, ChangeDetector, LiveUpdate
from .safe_text import notify

if TYPE_CHECKING:
    from ..core.desk import Actor, Desk
    from ..core.kpi import Kpis
    from .boot import Boot, BootActor
    from .presence import Presence
    from .screens.ticket import Neighbours, TicketScreen

log = logging.getLogger("bokdesk.ui")
_IMPORTED = time.perf_counter()


class BokdeskApp(App[int]):
    """One agent's console on one desk."""

    CSS_PATH = "app.tcss"
    TITLE = "bokdesk"
    BINDINGS = keymap.APP

    kpis: reactive[Kpis | None] = reactive(None, always_update=True)

    def __init__(
        self,
        desk: Desk | None,
        actor: Actor | BootActor,
        *,
        ui: UiSettings | None = None,
        keys: Mapping[str, Any] | None = None,
        live: bool = True,
        poll_interval: float | None = None,
        cursor_blink: bool = True,
        presence: Presence | None = None,
        boot: Boot | None = None,
    ) -> None:
        """``desk`` None with a ``boot`` (see ``ui.boot``): start on a preview, open the desk later."""
        super().__init__()
        keymap.translate_bindings(self)
        self.desk: Desk | None = None
        """None only in the first moment of a fast start (``ready``); screens read ``require_desk``."""
        # Until a fast start's desk is open the agent is the ``BootActor`` read at start: the same
        # fields, and nothing hands it to a service before the desk is open (``when_ready``).
        self.actor: Actor = cast("Actor", actor)
        self.boot = boot
        self.boot_error: BaseException | None = None
        self.ui_settings = ui if ui is not None else UiSettings()
        self.cursor_blink = cursor_blink
        self.live = live
        self._interval = poll_interval if poll_interval is not None else self.ui_settings.poll_interval
        self.poll_interval = float(self._interval)
        self.desk_changed: Signal[LiveUpdate] = Signal(self, "desk-changed")
        self.locally_claimed: set[int] = set()
        self.presence: Presence | None = presence
        self._keymap_problems: list[str] = []
        self._detector: ChangeDetector | None = None
        self._waiting: list[Callable[[], object]] = []
        self._started = False
        self._mine: dict[int, str] | None = None
        self._last_full = 0.0
        self._last_heartbeat = 0.0
        self._force_refresh = False
        self._first_paint_logged = False
        self._last_input = 0.0  # time.monotonic() of the agent's last key or click
        keymap_config, self._keymap_problems = keymap.keymap_from_config(keys or {})
        if keymap_config:
            self.set_keymap(keymap_config)
        theme = self.ui_settings.theme
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        if desk is not None:
            self._use_desk(desk, self.actor)

    def get_driver_class(self) -> type[Driver]:
        """Textual's, except on Linux/macOS: ``ui.driver`` (Escape without a 100 ms wait)."""
        from .driver import console_driver

        return console_driver(super().get_driver_class())

    # ------------------------------------------------------------------ the desk

    @property
    def ready(self) -> bool:
        """Whether the desk is open (always, except in the first moment of a fast start)."""
        return self.desk is not None

    def require_desk(self) -> Desk:
        """The desk, once it is open; what runs before (a key in a fast start's first moment) waits
        for it with ``when_ready``."""
        if self.desk is None:
            raise RuntimeError("the desk is not open yet: wait for it with BokdeskApp.when_ready")
        return self.desk

    def now(self) -> datetime:
        return self.desk.now() if self.desk is not None else datetime.now(UTC)

    def when_ready(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` now if the desk is open, else as soon as it is (keys pressed early)."""
        if self.ready:
            callback()
        else:
            self._waiting.append(callback)

    def _use_desk(self, desk: Desk, actor: Actor) -> None:
        self.desk, self.actor = desk, actor
        if self.presence is None:
            self.presence = _presence_source(desk, actor)
        self._detector = ChangeDetector(desk.store)

    def _open_desk(self) -> None:
        """Thread worker of a fast start: build the real desk, then hand it to the event loop."""
        assert self.boot is not None
        try:
            desk, actor = self.boot.open()
        except BaseException as exc:  # noqa: BLE001 - reported after the app has closed, as the CLI does
            self.boot_error = exc
            self.call_from_thread(self.exit, getattr(exc, "exit_code", 70))
            return
        self.call_from_thread(self._desk_opened, desk, actor)

    def _desk_opened(self, desk: Desk, actor: Actor) -> None:
        self._use_desk(desk, actor)
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()
        self._start_live()
        if self.boot is not None:  # the preview's read-only connection has done its job
            self.set_timer(5.0, self.boot.close)

    # ------------------------------------------------------------------ start and stop

    def on_mount(self) -> None:
        from .screens.queue import QueueScreen

        self.push_screen(QueueScreen(start_view=self.ui_settings.start_view))
        for problem in self._keymap_problems:
            notify(self, problem, severity="warning", timeout=10)
        # Nothing else yet: the first page of the queue gets the machine to itself. The KPI strip,
        # the live poller and the warm-up start once it is on screen (``first_queue_painted``).

    def on_unmount(self) -> None:
        if self._detector is not None:
            self._detector.close()

    def first_queue_painted(self) -> None:
        """Called by the queue once its first rows are on screen: log how long startup took."""
        if self._first_paint_logged:
            return
        self._first_paint_logged = True
        if self.ready:
            self._start_live()
        else:
            self.run_worker(self._open_desk, thread=True, group="boot", exit_on_error=False)
        since_import = (time.perf_counter() - _IMPORTED) * 1000
        since_start = _ms_since_process_start()
        line = f"first queue painted {since_start:.0f} ms after process start ({since_import:.0f} ms after import)"
        log.info(line)
        target = os.environ.get("BOKDESK_STARTUP_LOG")
        if target:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(f"{since_start:.1f}\n")
        if os.environ.get("BOKDESK_EXIT_AFTER_PAINT"):
            self.exit(0)

    def _start_live(self) -> None:
        """Once the first page is painted and the desk is open: KPIs, live refresh, warm-up."""
        if self._started or not self.ready or not self._first_paint_logged:
            return
        self._started = True
        self._poll_now(force=True)
        warmup.start(self)
        if self.actor.role.level >= Role.ADMIN.level:
            self.set_timer(2.0, self._quarantine_reminder)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def when_idle(self, callback: Callable[[], object], quiet: float = warmup.QUIET) -> None:
        """Run ``callback`` once no key or click has come for ``quiet`` seconds. Warm-up work on
        the event loop waits for such a pause, so it never delays the keys of an agent at work."""
        wait = self._last_input + quiet - time.monotonic()
        if wait <= 0:
            callback()
        else:
            self.set_timer(wait, lambda: self.when_idle(callback, quiet))

    def _quarantine_reminder(self) -> None:
        """Admins are told once at start when e-mails wait in the mail quarantine."""
        from .tasks import run_service

        def count() -> int:
            from ..channels.quarantine import count_open

            return count_open(self.require_desk())

        def done(waiting: int) -> None:
            if waiting:
                notify(
                    self,
                    ngettext(
                        "{n} e-mail waits in the mail quarantine (f6).",
                        "{n} e-mails wait in the mail quarantine (f6).",
                        waiting,
                    ).format(n=waiting),
                    title=_("Mail quarantine"),
                    severity="warning",
                    timeout=10,
                )

        run_service(self, count, done=done, group="quarantine-count")

    # ------------------------------------------------------------------ live refresh

    def _poll_now(self, force: bool = False) -> None:
        if not self.ready:
            return
        self._force_refresh = self._force_refresh or force
        self.run_worker(self._poll, thread=True, group="live", exclusive=True, exit_on_error=False)

    def request_refresh(self) -> None:
        """Refresh the KPIs and the screens now (after this console changed something)."""
        if self.live:
            self._force_refresh = True
        else:
            self._poll_now(force=True)

    def _poll(self) -> None:
        """Thread worker: detect a change; if any, read the KPIs and the agent's tickets."""
        from ..core import kpi

        try:
            desk, now = self.require_desk(), time.monotonic()
            assert self._detector is not None
            changed = self._detector.poll()
            if self.live and now - self._last_heartbeat >= HEARTBEAT.total_seconds():
                self._last_heartbeat = now
                kpi.heartbeat(desk, self.actor)
            force, self._force_refresh = self._force_refresh, False
            if changed or force or now - self._last_full >= TICK.total_seconds():
                self._last_full = now
                update = LiveUpdate(
                    kpi.compute(desk, self.actor), kpi.my_active(desk, self.actor), changed or force
                )
                self.call_from_thread(self._apply_update, update)
        except Exception:  # noqa: BLE001 - a failed poll is retried at the next one
            log.exception("live refresh failed")
        finally:
            if self.live:
                try:
                    self.call_from_thread(self._arm_poll)
                except RuntimeError:
                    pass

    def _arm_poll(self) -> None:
        if self.is_running:
            self.set_timer(self.poll_interval, self._poll_now, name="live-poll")

    def _apply_update(self, update: LiveUpdate) -> None:
        self.kpis = update.kpis
        previous, self._mine = self._mine, update.mine
        if previous is not None:
            for ticket_id, subject in update.mine.items():
                if ticket_id not in previous and ticket_id not in self.locally_claimed:
                    notify(
                        self,
                        _("#{number} {subject}").format(number=ticket_id, subject=labels.subject(subject)),
                        title=_("Assigned to you"),
                        timeout=10,
                    )
        if update.changed:
            self.desk_changed.publish(update)

    # ------------------------------------------------------------------ global actions

    def ticket_screen(self) -> TicketScreen:
        """The one ticket screen, installed so it survives being closed (opening a ticket is then
        one read and a few widgets, not a whole screen)."""
        from .screens.ticket import TicketScreen

        if not self.is_screen_installed("ticket"):
            self.install_screen(TicketScreen(), "ticket")
        return cast("TicketScreen", self.get_screen("ticket"))

    def open_ticket(
        self, ticket_id: int, *, opener: Screen[Any], neighbours: Neighbours | None = None
    ) -> None:
        """Show a ticket over ``opener`` (the queue, the stats screen or its drill-down).

        The one ticket screen reads it and is pushed once it is filled, if ``opener`` is still on top
        then (``TicketScreen.show``). When that screen is already in the stack below ``opener``
        (the stats screen was opened from a ticket), the ticket gets a screen of its own; when it is
        in the stack above ``opener``, nothing is opened. ``neighbours`` gives ``[`` and ``]`` their
        tickets (None: the ticket has none)."""
        if not self.ready:
            self.when_ready(lambda: self.open_ticket(ticket_id, opener=opener, neighbours=neighbours))
            return
        screen = self.ticket_screen()
        stack = self.screen_stack
        if screen in stack:
            if opener in stack and stack.index(opener) > stack.index(screen):
                from .screens.ticket import TicketScreen

                self.push_screen(TicketScreen(ticket_id, neighbours=neighbours))
            return

        def present() -> None:
            if screen not in self.screen_stack and self.screen is opener:
                self.push_screen(screen)

        screen.neighbours = neighbours
        screen.show(ticket_id, present=present)  # pushed once it is filled

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_queue(self) -> None:
        from .screens.queue import QueueScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, QueueScreen):
            self.pop_screen()

    def action_canned(self) -> None:
        from .screens.canned import CannedScreen

        if not self.ready:
            self.when_ready(self.action_canned)
        elif not isinstance(self.screen, CannedScreen):
            self.push_screen(CannedScreen(sample_ticket=getattr(self.screen, "ticket_id", None)))

    def action_stats(self) -> None:
        if not self.ready:
            self.when_ready(self.action_stats)
            return
        if not self._role_allows("app.stats"):
            notify(
                self,
                _("The stats screen is for supervisors. Ask your supervisor for the figures you need."),
                title=_("Stats"),
            )
            return
        try:
            from .screens.stats import StatsScreen
        except ImportError:
            notify(self, _("The stats screen is not available in this installation."), severity="warning")
            return
        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(self.require_desk(), self.actor))

    def action_quarantine(self) -> None:
        """The mail quarantine (admins): e-mails that could not be filed."""
        if not self.ready:
            self.when_ready(self.action_quarantine)
            return
        if not self._role_allows("app.quarantine"):
            notify(self, _("The mail quarantine is for admins."), title=_("Mail quarantine"))
            return
        from .screens.quarantine import QuarantineScreen

        if not isinstance(self.screen, QuarantineScreen):
            self.push_screen(QuarantineScreen())

    def action_rota(self) -> None:
        """The rota (everyone): who works today and this week, who is on shift now."""
        if not self.ready:
            self.when_ready(self.action_rota)
            return
        from .screens.rota import RotaScreen

        if not isinstance(self.screen, RotaScreen):
            self.push_screen(RotaScreen())

    # ------------------------------------------------------------------ command palette

    def action_command_palette(self) -> None:
        palette.open_palette(self)

    def _role_allows(self, binding_id: str | None) -> bool:
        return palette.role_allows(self.actor.role, binding_id)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return palette.system_commands(self, screen)


def _presence_source(desk: Desk, actor: Actor) -> Presence:
    """The shared-box presence service when installed (who else has a ticket open), else none."""
    from .presence import presence_for

    return presence_for(desk, actor)


def _ms_since_process_start() -> float:
    """Milliseconds since this process started (Linux /proc; elsewhere since this module's import)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        start = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / ticks
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return (uptime - start) * 1000
    except (OSError, ValueError, IndexError):
        return (time.perf_counter() - _IMPORTED) * 1000


def run(context: Any, actor: Actor, *, language: str | None = None) -> int:
    """Open the console (called by ``bokdesk`` with no command); returns the exit code."""
    settings = context.config.settings
    i18n.set_language(i18n.resolve_language(language, settings.ui.language))
    log_to_file()
    app = BokdeskApp(context.desk, actor, ui=settings.ui, keys=settings.keys)
    result = app.run()
    return int(result or app.return_code or 0)


def log_to_file() -> None:
    try:
        from platformdirs import user_log_dir

        directory = Path(user_log_dir("bokdesk"))
        directory.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(directory / "console.log", encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
