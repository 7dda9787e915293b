"""``?``: every key of the screen underneath, as currently mapped, and what the colours mean."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from ...i18n import _
from .. import keymap


def key_lines(screen: Screen[Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(keys, description) of the screen's own bindings and of the global ones, as mapped now."""
    app = screen.app
    here: dict[str, list[str]] = {}
    everywhere: dict[str, list[str]] = {}
    order: list[tuple[bool, str]] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        target = everywhere if active.node is app else here
        description = _(binding.description)  # Textual's own bindings come untranslated
        keys = target.setdefault(description, [])
        if not keys:
            order.append((active.node is app, description))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    local = [(" / ".join(here[d]), d) for is_app, d in order if not is_app]
    shared = [(" / ".join(everywhere[d]), d) for is_app, d in order if is_app]
    shared.append(("ctrl+p", _("Command palette: every action by name")))
    return local, shared


class HelpScreen(ModalScreen[None]):
    BINDINGS = keymap.HELP

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__(classes="dialog")
        keymap.translate_bindings(self)
        self.local, self.shared = key_lines(screen)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(_("Keys"), id="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self._content(), id="help-text")
            yield Label(
                _("Esc closes · keys can be changed in the [keys] section of the config"),
                classes="dialog-hint",
                markup=False,
            )

    def _content(self) -> Content:
        lines: list[Content] = []
        width = max([len(k) for k, _d in self.local + self.shared] + [6]) + 2

        def block(title: str, rows: list[tuple[str, str]]) -> None:
            if not rows:
                return
            lines.append(Content.styled(title, "bold $text-accent"))
            for keys, description in rows:
                lines.append(Content.assemble((keys.ljust(width), "bold"), description))
            lines.append(Content(""))

        block(_("This screen"), self.local)
        block(_("Everywhere"), self.shared)
        lines.append(Content.styled(_("Colours"), "bold $text-accent"))
        lines.append(Content.assemble(("■ ", "$text-success"), _("SLA target met in time so far")))
        lines.append(
            Content.assemble(
                ("■ ", "$text-warning"),
                _("at risk: less than 20 % of the target (or one business hour) left"),
            )
        )
        lines.append(Content.assemble(("■ ", "$text-error"), _("breached: the target has passed")))
        lines.append(Content.assemble(("‼ ! ↓ ", "bold"), _("priority urgent, high, low (narrow screens)")))
        lines.append(Content.assemble(("★ ", "bold $text-accent"), _("VIP customer")))
        return Content("\n").join(lines)

    def action_close(self) -> None:
        self.dismiss(None)
