"""The console's terminal driver (``ui/driver.py``): Escape without Textual's 100 ms wait.

The pty test runs a small Textual app on the console's driver in a real pseudo-terminal and writes
keys to it as a terminal does, each key's bytes in one write. Its input thread is made to select
for 60 s when nothing is pending (Textual's own loop selects for 0.1 s and checks the lone-Escape
deadline only when that returns), so a lone Escape is seen at all only if the loop wakes up at the
parser's deadline: the test proves the wake-up without timing anything. Arrow, function, alt keys
and a bracketed paste must come through whole, never as Escape followed by text.

The shape tests fail when Textual's parser or Linux driver no longer look the way the driver
relies on (it then falls back to Textual's own driver, with its 100 ms Escape).
"""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest
from textual import constants
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from bokdesk.ui import driver
from bokdesk.ui.app import BokdeskApp

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the Linux/macOS driver")

PROGRAM = """
import sys
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.widgets import Static

from bokdesk.core.settings import UiSettings
from bokdesk.ui import driver

driver.IDLE_SELECT = 60.0  # Textual's 0.1 s would hide a loop that does not wake at the deadline
LOG = sys.argv[1]


class Keys(App):
    def __init__(self):
        super().__init__(driver_class=driver.console_driver(LinuxDriver))
        self.ui_settings = UiSettings(escape_delay_ms=int(sys.argv[2]))

    def compose(self):
        yield Static("keys ready", id="s")

    def on_mount(self):
        with open(LOG, "a") as fh:
            fh.write(f"driver {type(self._driver).__name__} delay {driver.constants.ESCAPE_DELAY}\\n")

    def on_key(self, event):
        event.prevent_default()
        with open(LOG, "a") as fh:
            fh.write(f"key {event.key}\\n")

    def on_paste(self, event):
        with open(LOG, "a") as fh:
            fh.write(f"paste {event.text!r}\\n")


Keys().run()
"""


class Pty:
    """A program in a pseudo-terminal; ``lines`` reads what it logged."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.screen = b""

    def drain(self, seconds: float = 0.05) -> None:
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            try:
                self.screen += os.read(self.fd, 65536)
            except OSError:
                pass

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def wait(self, predicate, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} never came; logged: {self.lines()}")
            self.drain()

    def send(self, data: bytes, expected: str, timeout: float = 30.0) -> None:
        """Write ``data`` in one write and wait until the program logged ``expected``."""
        count = len(self.lines())
        os.write(self.fd, data)
        self.wait(
            lambda: len(self.lines()) > count and expected in self.lines()[count:],
            f"{expected!r} after {data!r}",
            timeout,
        )

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def test_keys_through_the_console_driver_in_a_pty(tmp_path: Path) -> None:
    script = tmp_path / "keys.py"
    script.write_text(textwrap.dedent(PROGRAM))
    log = tmp_path / "keys.log"
    env = {k: v for k, v in os.environ.items() if k not in ("ESCDELAY", "TEXTUAL_DRIVER")}
    env.update(TERM="xterm-256color", TEXTUAL_ANIMATIONS="none")
    program = Pty([sys.executable, str(script), str(log), "30"], env, log)
    try:
        program.wait(lambda: b"keys ready" in program.screen, "the first frame", timeout=60)
        assert program.lines()[0] == "driver ConsoleDriver delay 0.03"
        cases = [
            (b"\x1b", "key escape"),  # alone: seen only because the loop wakes at the 30 ms deadline
            (b"\x1b[A", "key up"),
            (b"\x1b", "key escape"),
            (b"\x1bOB", "key down"),  # application cursor keys (SS3)
            (b"\x1b[15~", "key f5"),
            (b"\x1bOP", "key f1"),
            (b"\x1b[1;5C", "key ctrl+right"),
            (b"\x1bx", "key alt+x"),
            (b"\x1b[6~", "key pagedown"),
            (
                "\x1b[200~Dzień dobry,\nżółw [b]x[/b]\x1b[201~".encode(),
                "paste 'Dzień dobry,\\nżółw [b]x[/b]'",
            ),
            (b"q", "key q"),
            (b"\x1b", "key escape"),
        ]
        for data, expected in cases:
            program.send(data, expected)
        assert program.lines()[1:] == [expected for _data, expected in cases]  # nothing split, nothing extra
    finally:
        program.kill()


def test_the_user_escdelay_wins(tmp_path: Path) -> None:
    script = tmp_path / "keys.py"
    script.write_text(textwrap.dedent(PROGRAM))
    log = tmp_path / "keys.log"
    env = dict(os.environ, TERM="xterm-256color", TEXTUAL_ANIMATIONS="none", ESCDELAY="70")
    env.pop("TEXTUAL_DRIVER", None)
    program = Pty([sys.executable, str(script), str(log), "30"], env, log)
    try:
        program.wait(lambda: b"keys ready" in program.screen, "the first frame", timeout=60)
        assert program.lines()[0] == "driver ConsoleDriver delay 0.07"
        program.send(b"\x1b", "key escape")
    finally:
        program.kill()


def test_textual_parser_keeps_the_shape_the_driver_reads() -> None:
    """The driver reads ``XTermParser._timeout_time`` (Textual 8): set by a lone ESC to the
    lone-Escape deadline, cleared when ``tick`` past it gives the Escape key."""
    assert driver.supported()
    parser = XTermParser()
    assert parser._timeout_time is None
    before = get_time()
    assert list(parser.feed("\x1b")) == []
    deadline = parser._timeout_time
    assert (
        deadline is not None
        and before + constants.ESCAPE_DELAY <= deadline <= get_time() + constants.ESCAPE_DELAY
    )
    while get_time() < deadline:
        time.sleep(deadline - get_time() + 0.001)
    assert [event.key for event in parser.tick()] == ["escape"]  # type: ignore[attr-defined]
    assert parser._timeout_time is None
    assert [event.key for event in parser.feed("\x1b[A")] == ["up"]  # type: ignore[attr-defined]
    assert parser._timeout_time is None
    for name in ("run_input_thread", "process_message"):
        assert callable(getattr(LinuxDriver, name))
    assert driver.ConsoleDriver.__mro__[1] is LinuxDriver


def test_textual_linux_driver_still_selects_for_a_tenth_of_a_second() -> None:
    """What the driver replaces: Textual's loop checks the deadline only after ``select(0.1)``.
    If Textual's loop changes (it may learn to wake at the deadline itself), look at the driver
    again: keep it in step with the new loop, or drop it."""
    import inspect

    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert "selector.select(0.1)" in source and "tick()" in source and "feed(" in source


def test_falls_back_to_textual_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    assert driver.console_driver(LinuxDriver) is driver.ConsoleDriver
    monkeypatch.setattr(driver, "supported", lambda: False)
    assert driver.console_driver(LinuxDriver) is LinuxDriver

    class Other(LinuxDriver):  # e.g. TEXTUAL_DRIVER names another driver: left as it is
        pass

    monkeypatch.undo()
    assert driver.console_driver(Other) is Other


def test_the_console_app_runs_on_the_console_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    app = BokdeskApp(None, None)
    assert app.driver_class is driver.ConsoleDriver


def test_escape_delay_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ESCDELAY", raising=False)
    assert driver.escape_delay_ms() == driver.DEFAULT_ESCAPE_DELAY_MS == 25
    assert driver.escape_delay_ms(40) == 40
    assert driver.escape_delay_ms("15") == 15
    assert driver.escape_delay_ms("soon") == 25
    assert driver.escape_delay_ms(0) == 1
    assert driver.escape_delay_ms(100_000) == 1000
    monkeypatch.setenv("ESCDELAY", "80")
    assert driver.escape_delay_ms(40) is None  # the user's own ESCDELAY (Textual read it) stays
