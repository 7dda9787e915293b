"""Textual's private names the console uses (all in ``ui/warmup.py``): the installed Textual must be
one they were checked against, and each name must still have the shape the console relies on.

When Textual is upgraded, the version test fails first: run ``tests/ui`` on the new version, look at
each shape test and at the shim it guards, then widen ``warmup.TEXTUAL_CHECKED``.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

from textual.app import App
from textual.binding import BindingsMap
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.events import ScreenResume
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static
from ui_helpers import make_app, settle

from bokdesk.ui import driver, warmup


def test_the_installed_textual_is_one_the_private_names_were_checked_against() -> None:
    installed = version("textual")
    assert warmup.textual_checked(installed), (
        f"Textual {installed} is outside {warmup.TEXTUAL_CHECKED}, the versions ui/warmup.py was "
        "checked against: check each private name it uses, then widen TEXTUAL_CHECKED"
    )


def test_the_checked_range_reads_versions() -> None:
    low, high = warmup.TEXTUAL_CHECKED
    assert warmup.textual_checked(".".join(map(str, low)))
    assert not warmup.textual_checked(".".join(map(str, high)))
    assert not warmup.textual_checked("7.5.0") and not warmup.textual_checked("9.0.0")
    assert warmup.textual_checked("8.2.9") and not warmup.textual_checked("8.2.7")
    assert not warmup.textual_checked("8.3.0rc1") and warmup.textual_checked("8.2.10.dev1")


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_app_builds_a_screen_off_the_stack_with_these_names() -> None:
    assert parameters(App._load_screen_css) == ["self", "screen"]
    assert parameters(App._get_screen) == ["self", "screen"]


def test_screen_lays_out_and_renders_off_screen_with_these_names() -> None:
    assert parameters(Screen._refresh_layout)[:2] == ["self", "size"]
    assert "self._compositor = " in inspect.getsource(Screen.__init__)
    from textual._compositor import Compositor

    assert parameters(Compositor.render_update)[:2] == ["self", "full"]


def test_screen_resume_restyles_only_when_asked() -> None:
    """``keep_styles`` clears ``refresh_styles`` in the screen's own handler, which Textual calls
    before ``Screen._on_screen_resume`` (handlers run from the most derived class up)."""
    assert "refresh_styles" in {name for name, _value in inspect.getmembers(ScreenResume())}
    source = inspect.getsource(Screen._on_screen_resume)
    assert "if event.refresh_styles:" in source and "update_node_styles" in source


def test_nodes_keep_their_own_bindings_and_the_app_its_keymap() -> None:
    static = Static()
    assert isinstance(warmup.own_bindings(static), BindingsMap)
    assert warmup.own_bindings(static) is not warmup.own_bindings(Static())  # a copy per node
    app = App()
    app.set_keymap({"app.quit": "ctrl+x"})
    assert warmup.keymap_of(app) == {"app.quit": "ctrl+x"}


def test_the_driver_finds_its_parser_and_clock() -> None:
    assert "self._debug = debug" in inspect.getsource(Driver.__init__)
    parser = warmup.xterm_parser(False)
    assert warmup.parser_has_escape_deadline(parser) and warmup.escape_deadline(parser) is None
    assert callable(warmup.textual_clock()) and isinstance(warmup.textual_clock()(), float)
    assert issubclass(warmup.parse_error(), Exception)
    assert "XTermParser(self._debug)" in inspect.getsource(LinuxDriver.run_input_thread)
    assert driver.supported()


async def test_the_shims_work_on_a_running_console(desk, ola) -> None:
    """Each step of the warm-up's use of the private names, on the console itself."""
    app = make_app(desk, ola)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.ticket_screen()
        warmup.load_screen_css(app, screen)
        warmup.build_off_stack(app, screen)
        await settle(pilot)
        assert screen.is_mounted and screen not in app.screen_stack
        warmup.refresh_layout(screen, Size(100, 30))
        await settle(pilot)
        assert screen.size == Size(100, 30) and screen.has_class("-wide")  # laid out: its width's class
        warmup.render_off_screen(screen, app)


def test_each_shim_does_less_when_its_name_is_gone() -> None:
    gone = object()
    assert warmup.own_bindings(gone) is None  # type: ignore[arg-type]
    assert warmup.keymap_of(gone) == {}  # type: ignore[arg-type]
    assert not warmup.load_screen_css(gone, Screen())  # type: ignore[arg-type]
    assert not warmup.build_off_stack(gone, Screen())  # type: ignore[arg-type]
    assert not warmup.parser_has_escape_deadline(None) and not warmup.parser_has_escape_deadline(gone)
    assert warmup.driver_debug(gone) is False  # type: ignore[arg-type]
