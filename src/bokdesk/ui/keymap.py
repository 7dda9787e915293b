"""Every key binding of the console, each with an id, and remapping from the ``[keys]`` config.

The defaults follow the interface contract (``interface.md``). A user or the site remaps a
binding by its id::

    [keys]
    "queue.take" = "g"
    "ticket.solve" = "x,ctrl+x"

(or nested: ``[keys.queue]`` / ``take = "g"``). Descriptions are English msgids; each screen
translates its own copy when it is built (``translate_bindings``), so the footer, the help screen
and the command palette speak the agent's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from ..i18n import N_, _
from .warmup import own_bindings


def _b(
    key: str,
    action: str,
    description: str,
    binding_id: str,
    *,
    show: bool = True,
    priority: bool = False,
    key_display: str | None = None,
) -> Binding:
    return Binding(
        key, action, description, show=show, priority=priority, id=binding_id, key_display=key_display
    )


APP: list[BindingType] = [
    _b("question_mark,f1", "help", N_("Help"), "app.help"),
    _b("f2", "queue", N_("Queue"), "app.queue", show=False),
    _b("f3", "canned", N_("Canned"), "app.canned", show=False),
    _b("f4", "stats", N_("Stats"), "app.stats", show=False),
    _b("f5", "rota", N_("Rota"), "app.rota", show=False),
    _b("f6", "quarantine", N_("Mail quarantine"), "app.quarantine", show=False),
    _b("ctrl+q", "quit", N_("Quit"), "app.quit", show=False, priority=True),
    _b("ctrl+p", "command_palette", N_("commands"), "app.palette", show=False, priority=True),
]

TABLE: list[BindingType] = [
    _b("up,k", "cursor_up", N_("Up"), "table.up", show=False),
    _b("down,j", "cursor_down", N_("Down"), "table.down", show=False),
    _b("pageup", "page_up", N_("Page up"), "table.page_up", show=False),
    _b("pagedown", "page_down", N_("Page down"), "table.page_down", show=False),
    _b("home", "first", N_("First ticket"), "table.first", show=False),
    _b("end", "last", N_("Last ticket"), "table.last", show=False),
]

QUEUE: list[BindingType] = [
    _b("enter", "open", N_("Open"), "queue.open"),
    _b("slash", "search", N_("Search"), "queue.search"),
    _b("t", "take", N_("Take"), "queue.take"),
    _b("T,shift+t", "take_next", N_("Take next"), "queue.take_next"),
    _b("n", "new_ticket", N_("New"), "queue.new"),
    _b("1", "view('mine')", N_("View: mine"), "queue.view_mine", show=False),
    _b("2", "view('unassigned')", N_("View: unassigned"), "queue.view_unassigned", show=False),
    _b("3", "view('open')", N_("View: all open"), "queue.view_open", show=False),
    _b("4", "view('waiting')", N_("View: waiting"), "queue.view_waiting", show=False),
    _b("5", "view('sla')", N_("View: SLA at risk or breached"), "queue.view_sla", show=False),
    _b("6", "view('complaints')", N_("View: complaints"), "queue.view_complaints", show=False),
    _b("7", "view('solved')", N_("View: solved recently"), "queue.view_solved", show=False),
    _b("d", "drafts", N_("Drafts"), "queue.drafts", show=False),
    _b("ctrl+r", "reload", N_("Reload"), "queue.reload", show=False),
    _b("escape", "clear_search", N_("Clear search"), "queue.clear_search", show=False),
    _b("q", "quit", N_("Quit"), "queue.quit", show=False),
]

SEARCH: list[BindingType] = [
    _b("escape", "cancel", N_("Close search"), "search.cancel"),
    _b("down", "to_results", N_("To the results"), "search.results", show=False),
]

TICKET: list[BindingType] = [
    _b("r", "compose('reply')", N_("Reply"), "ticket.reply"),
    _b("i", "compose('note')", N_("Note"), "ticket.note"),
    _b("l", "compose('call')", N_("Call log"), "ticket.call"),
    _b("t", "take", N_("Take"), "ticket.take"),
    _b("a", "assign", N_("Assign"), "ticket.assign"),
    _b("s", "status", N_("Status"), "ticket.status"),
    _b("p", "priority", N_("Priority"), "ticket.priority", show=False),
    _b("x", "solve", N_("Solve"), "ticket.solve"),
    _b("v", "survey", N_("Survey"), "ticket.survey", show=False),
    _b("h", "history", N_("History"), "ticket.history", show=False),
    _b("c", "customer_panel", N_("Customer panel"), "ticket.customer", show=False),
    _b("o", "quotes", N_("Quoted text"), "ticket.quotes", show=False),
    _b(
        "left_square_bracket",
        "neighbour(-1)",
        N_("Previous ticket"),
        "ticket.previous",
        show=False,
    ),
    _b("right_square_bracket", "neighbour(1)", N_("Next ticket"), "ticket.next", show=False),
    _b("ctrl+r", "reload", N_("Reload"), "ticket.reload", show=False),
    _b("escape", "back", N_("Back"), "ticket.back", show=False),
]

EDITOR: list[BindingType] = [
    _b("ctrl+s", "send", N_("Send"), "editor.send", priority=True),
    _b("ctrl+t", "canned", N_("Canned response"), "editor.canned", priority=True),
    _b("escape", "close", N_("Close (draft kept)"), "editor.close", priority=True),
]

QUARANTINE: list[BindingType] = [
    _b("r", "release", N_("File again"), "quarantine.release"),
    _b("d", "dismiss_entry", N_("Dealt with"), "quarantine.dismiss"),
    _b("a", "show_all", N_("Show all"), "quarantine.all"),
    _b("ctrl+r", "reload", N_("Reload"), "quarantine.reload", show=False),
    _b("escape", "back", N_("Back"), "quarantine.back"),
]

NEW_TICKET: list[BindingType] = [
    _b("ctrl+s", "create", N_("Create"), "new.create", priority=True),
    _b("escape", "cancel", N_("Cancel"), "new.cancel", priority=True),
]

CANNED: list[BindingType] = [
    _b("slash", "search", N_("Search"), "canned.search"),
    _b("n", "create", N_("New"), "canned.new"),
    _b("e,enter", "edit", N_("Edit"), "canned.edit"),
    _b("delete", "delete", N_("Delete"), "canned.delete"),
    _b("g", "language", N_("Language filter"), "canned.language"),
    _b("escape", "back", N_("Back"), "canned.back"),
]

CANNED_FORM: list[BindingType] = [
    _b("ctrl+s", "save", N_("Save"), "canned_form.save", priority=True),
    _b("escape", "cancel", N_("Cancel"), "canned_form.cancel", priority=True),
]

PICKER: list[BindingType] = [
    _b("enter", "insert", N_("Insert"), "picker.insert", priority=True),
    _b("up", "move(-1)", N_("Up"), "picker.up", show=False, priority=True),
    _b("down", "move(1)", N_("Down"), "picker.down", show=False, priority=True),
    _b("escape", "cancel", N_("Cancel"), "picker.cancel", priority=True),
]

DIALOG: list[BindingType] = [
    _b("escape", "cancel", N_("Cancel"), "dialog.cancel"),
]

FORM_DIALOG: list[BindingType] = [
    _b("ctrl+s", "submit", N_("Confirm"), "dialog.submit", priority=True),
    _b("escape", "cancel", N_("Cancel"), "dialog.cancel", priority=True),
]

HELP: list[BindingType] = [
    _b("escape,question_mark,f1,q", "close", N_("Close"), "help.close"),
]

# The stats screen (ui/screens/stats.py).
STATS: list[BindingType] = [
    _b("1", "period('today')", N_("Today"), "stats.today", show=False),
    _b("2", "period('7d')", N_("7 days"), "stats.7d", show=False),
    _b("3", "period('30d')", N_("30 days"), "stats.30d", show=False),
    _b("4", "period('month')", N_("This month"), "stats.month", show=False),
    _b("5", "period('quarter')", N_("Quarter"), "stats.quarter", show=False),
    _b("6", "custom_period", N_("Custom period"), "stats.custom", show=False),
    _b("o", "section('overview')", N_("Overview"), "stats.overview", show=False),
    _b("w", "section('trends')", N_("Trends"), "stats.trends", show=False),
    _b("a", "section('agents')", N_("Agents"), "stats.agents", show=False),
    _b("t", "section('teams')", N_("Teams"), "stats.teams", show=False),
    _b("c", "section('channels')", N_("Channels"), "stats.channels", show=False),
    _b("m", "section('complaints')", N_("Complaints"), "stats.complaints", show=False),
    _b("right_square_bracket", "metric(1)", N_("Next trend"), "stats.next_metric", key_display="]"),
    _b(
        "left_square_bracket",
        "metric(-1)",
        N_("Previous trend"),
        "stats.previous_metric",
        show=False,
        key_display="[",
    ),
    _b("enter", "drill", N_("Tickets behind"), "stats.drill"),
    _b("e", "export", N_("Export CSV"), "stats.export"),
    _b("ctrl+r", "reload", N_("Reload"), "stats.reload", show=False),
    _b("escape", "back", N_("Back"), "stats.back"),
]

STATS_TILE: list[BindingType] = [
    _b("enter", "drill", N_("Tickets behind"), "stats.tile_drill"),
]

STATS_DRILL: list[BindingType] = [
    _b("enter", "open", N_("Open"), "stats_drill.open"),
    _b("e", "export", N_("Export CSV"), "stats_drill.export"),
    _b("escape", "back", N_("Back"), "stats_drill.back"),
]

STATS_PERIOD: list[BindingType] = [
    _b("ctrl+s", "submit", N_("Confirm"), "stats_period.submit", priority=True),
    _b("escape", "cancel", N_("Cancel"), "stats_period.cancel", priority=True),
]

# The rota screen (ui/screens/rota.py): everyone reads it, supervisors change it.
ROTA: list[BindingType] = [
    _b("e", "edit_week", N_("Edit week"), "rota.edit"),
    _b("a", "add_absence", N_("Add absence"), "rota.absence"),
    _b("c", "cancel_absence", N_("Cancel absence"), "rota.cancel", show=False),
    _b("right_square_bracket", "week(1)", N_("Next week"), "rota.next_week", show=False, key_display="]"),
    _b(
        "left_square_bracket",
        "week(-1)",
        N_("Previous week"),
        "rota.previous_week",
        show=False,
        key_display="[",
    ),
    _b("ctrl+r", "reload", N_("Reload"), "rota.reload", show=False),
    _b("escape", "back", N_("Back"), "rota.back"),
]

# Descriptions of Textual's own bindings (focus, clipboard, editing), translated where they are shown
# (help, command palette); the footer does not show them.
TEXTUAL_DESCRIPTIONS = (
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Copy selected text"),
    N_("Cut selected text"),
    N_("Paste text from the clipboard"),
    N_("Select all"),
    N_("Submit"),
    N_("Toggle"),
    N_("Show menu"),
    N_("Select"),
    N_("First"),
    N_("Last"),
    N_("Page Up"),
    N_("Page Down"),
    N_("Go to start"),
    N_("Go to end"),
    N_("Delete character left"),
    N_("Delete character right"),
    N_("Delete all to the right"),
    N_("Move cursor left"),
    N_("Move cursor left a word"),
    N_("Select line start"),
    N_("Select line end"),
    N_("Scroll Up"),
    N_("Scroll Down"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Home"),
    N_("Scroll End"),
    N_("Page Left"),
    N_("Page Right"),
)

ALL: tuple[list[BindingType], ...] = (
    APP,
    TABLE,
    QUEUE,
    SEARCH,
    TICKET,
    EDITOR,
    NEW_TICKET,
    CANNED,
    CANNED_FORM,
    PICKER,
    DIALOG,
    FORM_DIALOG,
    HELP,
    STATS,
    STATS_TILE,
    STATS_DRILL,
    STATS_PERIOD,
    ROTA,
)


def binding_ids() -> set[str]:
    return {b.id for group in ALL for b in group if isinstance(b, Binding) and b.id}


def keymap_from_config(section: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The keymap in a ``[keys]`` config table, and the problems found (unknown ids, bad values)."""
    flat: dict[str, Any] = {}
    for key, value in section.items():
        if isinstance(value, Mapping):
            for inner, inner_value in value.items():
                flat[f"{key}.{inner}"] = inner_value
        else:
            flat[key] = value
    known = binding_ids()
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in flat.items():
        if binding_id not in known:
            problems.append(_("[keys] {id}: no such binding").format(id=binding_id))
        elif isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keymap[binding_id] = ",".join(keys)
        elif isinstance(keys, str) and keys.strip():
            keymap[binding_id] = keys.replace(" ", "")
        else:
            problems.append(_('[keys] {id}: give the keys as a string, e.g. "ctrl+g"').format(id=binding_id))
    return keymap, problems


def translate_bindings(node: DOMNode) -> None:
    """Give this node its own copy of its bindings with the descriptions in the current language."""
    bindings_map = own_bindings(node)
    if bindings_map is None:
        return
    for key, bindings in list(bindings_map.key_to_bindings.items()):
        bindings_map.key_to_bindings[key] = [
            replace(
                b,
                description=_(b.description) if b.description else "",
                tooltip=_(b.tooltip) if b.tooltip else "",
            )
            for b in bindings
        ]


def describe(bindings: Iterable[Binding]) -> list[tuple[str, str]]:
    """(key, description) pairs, for tests and documentation."""
    return [(b.key, b.description) for b in bindings]
