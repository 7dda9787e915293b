"""``Ctrl+T`` in the editor: pick a canned response (fuzzy search, preview with the ticket's
placeholders filled in) and insert it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ....i18n import _
from ... import keymap
from ...safe_text import safe
from ...tasks import run_service
from ...typed import bokdesk_app
from .rows import CannedRow, rank, read_rows, read_sample, row_label


class CannedPicker(ModalScreen[str]):
    """Ctrl+T in the editor: type a few letters, see the filled-in text, Enter inserts it."""

    BINDINGS = keymap.PICKER

    def __init__(self, ticket_id: int | None) -> None:
        super().__init__(classes="dialog")
        keymap.translate_bindings(self)
        self.ticket_id = ticket_id
        self.rows: list[CannedRow] = []
        self.shown: list[CannedRow] = []
        self.values: dict[str, str] = {}
        self.language: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box", classes="wide"):
            yield Label(_("Insert a canned response"), id="dialog-title")
            yield Input(
                placeholder=_("Type a few letters of its title, shortcut or text"),
                id="picker-search",
                compact=True,
            )
            yield OptionList(id="picker-list")
            yield VerticalScroll(Static(id="picker-preview"), id="picker-preview-scroll")
            yield Label(_("Enter inserts · ↑↓ choose · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        app = bokdesk_app(self)
        self.query_one(Input).cursor_blink = app.cursor_blink
        self.query_one(Input).focus()
        desk, actor, ticket_id = app.require_desk(), app.actor, self.ticket_id

        def read() -> tuple[list[CannedRow], dict[str, str], str | None]:
            values, language, _number = read_sample(desk, actor, ticket_id)
            return read_rows(desk, actor), values, language

        def done(result: tuple[list[CannedRow], dict[str, str], str | None]) -> None:
            self.rows, self.values, self.language = result
            self._fill()

        run_service(app, read, done=done, group="canned-load")

    def _fill(self) -> None:
        self.shown = rank(self.rows, self.query_one(Input).value, self.language)
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([Option(row_label(row), id=str(row.id)) for row in self.shown])
        if self.shown:
            listing.highlighted = 0
        self._preview()

    def _preview(self) -> None:
        from ....core.services.canned import render

        listing = self.query_one(OptionList)
        index = listing.highlighted
        preview = self.query_one("#picker-preview", Static)
        if index is None or index >= len(self.shown):
            preview.update(Content.styled(_("Nothing matches."), "$text-muted"))
            return
        preview.update(safe(render(self.shown[index].body, self.values)))

    @on(Input.Changed, "#picker-search")
    def _search(self) -> None:
        self._fill()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._preview()

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_insert()

    @on(Input.Submitted, "#picker-search")
    def _submitted(self) -> None:
        self.action_insert()

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if not self.shown:
            return
        index = listing.highlighted or 0
        listing.highlighted = max(0, min(len(self.shown) - 1, index + step))

    def action_insert(self) -> None:
        listing = self.query_one(OptionList)
        index = listing.highlighted
        if index is None or index >= len(self.shown):
            return
        row = self.shown[index]
        from ....core.services import canned

        app = bokdesk_app(self)
        desk, actor, ticket_id = app.require_desk(), app.actor, self.ticket_id

        def done(text: str) -> None:
            self.dismiss(text)

        run_service(app, lambda: canned.use(desk, actor, row.id, ticket_id), done=done, group="canned-use")

    def action_cancel(self) -> None:
        self.dismiss(None)
