"""The command palette (``ctrl+p``): every key of the screen by name (those the agent's role may
use), and the console's own commands."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand

from ..core.enums import Role
from ..i18n import _

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

    from .app import BokdeskApp

ROLE_NEEDED = {"app.stats": Role.SUPERVISOR, "app.quarantine": Role.ADMIN}
"""App-wide actions only some roles may use, by binding id."""


def role_allows(role: Role, binding_id: str | None) -> bool:
    """Whether ``role`` may use an app-wide action (``ROLE_NEEDED``): its action refuses politely
    otherwise, and the palette does not offer it."""
    needed = ROLE_NEEDED.get(binding_id or "")
    return needed is None or role.level >= needed.level


def open_palette(app: BokdeskApp) -> None:
    from textual.command import CommandPalette

    # Textual types is_open's app as App[object], which an App[int] is not to mypy (invariance).
    if app.use_command_palette and not CommandPalette.is_open(app):  # type: ignore[arg-type]
        app.push_screen(CommandPalette(id="--command-palette", placeholder=_("Type an action: take, reply…")))


def system_commands(app: BokdeskApp, screen: Screen[Any]) -> Iterable[SystemCommand]:
    """The screen's keys by their description (each action once), then the console's commands."""
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding: Binding = active.binding
        if (
            not binding.description
            or binding.action in seen
            or not active.enabled
            or binding.action == "command_palette"
            or not role_allows(app.actor.role, binding.id)
        ):
            continue
        seen.add(binding.action)
        keys = app.get_key_display(binding)
        yield SystemCommand(
            _(binding.description),  # ours are translated already; Textual's own are not
            _("Key: {keys}").format(keys=keys),
            partial(app.run_action, binding.action, active.node),
        )
    yield SystemCommand(_("Change theme"), _("Choose the colours of the console"), app.action_change_theme)
    yield SystemCommand(
        _("Show keys panel"), _("Keys of the current screen in a side panel"), app.action_show_help_panel
    )
    yield SystemCommand(
        _("Save screenshot"),
        _("Save an SVG picture of the screen"),
        lambda: app.set_timer(0.1, app.deliver_screenshot),
    )
    yield SystemCommand(_("Quit"), _("Close the console (drafts are kept)"), app.action_quit)
