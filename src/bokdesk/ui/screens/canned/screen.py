"""The canned responses manager (``f3``): list, search, create, edit, delete, and a preview with a
sample ticket's placeholders filled in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ....core.enums import Role
from ....i18n import _
from ... import keymap, labels
from ...safe_text import assemble, notify, safe, safe_line
from ...tasks import run_service
from ...widgets.bars import TopBar
from ...widgets.key_bar import KeyBar
from ..base import DeskScreen
from ..dialogs import ConfirmDialog
from .form import CannedForm
from .rows import CannedRow, rank, read_rows, read_sample, row_label


class CannedScreen(DeskScreen[None]):
    """F3: the desk's canned responses and the agent's own."""

    COMPACT_FOOTER_BELOW = 100

    CSS_PATH = "canned.tcss"
    BINDINGS = keymap.CANNED
    AUTO_FOCUS = "#canned-list"

    def __init__(self, sample_ticket: int | None = None) -> None:
        super().__init__()
        self.sample_ticket = sample_ticket
        self.rows: list[CannedRow] = []
        self.shown: list[CannedRow] = []
        self.values: dict[str, str] = {}
        self.language_filter: str | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        with Horizontal(id="canned-body"):
            with Vertical(id="canned-left"):
                yield Input(placeholder=_("Search title, shortcut or text"), id="canned-search", compact=True)
                yield OptionList(id="canned-list")
            with Vertical(id="canned-right"):
                yield Static(id="canned-meta")
                yield VerticalScroll(Static(id="canned-preview"), id="canned-preview-scroll")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.bokdesk.cursor_blink
        self._top()
        self.reload()

    def _top(self) -> None:
        language = (
            labels.label("language", self.language_filter) if self.language_filter else _("all languages")
        )
        self.set_top((_("Canned responses"), "bold"), "  ", (language, "$text-muted"))

    def reload(self, select_id: int | None = None) -> None:
        desk, actor, sample = self.desk, self.actor, self.sample_ticket

        def read() -> tuple[list[CannedRow], dict[str, str], int | None]:
            values, _language, number = read_sample(desk, actor, sample)
            return read_rows(desk, actor), values, number

        def done(result: tuple[list[CannedRow], dict[str, str], int | None]) -> None:
            self.rows, self.values, self.sample_ticket = result
            self._fill(select_id)

        run_service(self.app, read, done=done, group="canned-load")

    def _fill(self, select_id: int | None = None) -> None:
        query = self.query_one("#canned-search", Input).value
        rows = [r for r in self.rows if self.language_filter is None or r.language == self.language_filter]
        self.shown = rank(rows, query)
        listing = self.query_one("#canned-list", OptionList)
        previous = select_id
        if previous is None and listing.highlighted is not None and listing.highlighted < len(self.shown):
            previous = None
        listing.clear_options()
        listing.add_options([Option(row_label(row, two_lines=True), id=str(row.id)) for row in self.shown])
        if self.shown:
            index = next((i for i, r in enumerate(self.shown) if r.id == select_id), 0)
            listing.highlighted = index
        self._preview()

    @property
    def current(self) -> CannedRow | None:
        listing = self.query_one("#canned-list", OptionList)
        index = listing.highlighted
        if index is None or index >= len(self.shown):
            return None
        return self.shown[index]

    def _preview(self) -> None:
        from ....core.services.canned import render

        row = self.current
        meta = self.query_one("#canned-meta", Static)
        preview = self.query_one("#canned-preview", Static)
        if row is None:
            meta.update(Content.styled(_("No canned responses match. Press n to write one."), "$text-muted"))
            preview.update("")
            return
        scope = _("shared with the desk") if row.shared else _("personal")
        meta.update(
            Content("\n").join(
                [
                    assemble(safe_line(row.title, "bold")),
                    assemble(
                        (_("Shortcut") + " ", "$text-muted"),
                        ("/" + row.shortcut, "$text-accent"),
                        "   ",
                        (_("Language") + " ", "$text-muted"),
                        labels.label("language", row.language),
                        "   ",
                        (_("Category") + " ", "$text-muted"),
                        labels.category(row.category) if row.category else "—",
                    ),
                    assemble(
                        (scope, "$text-muted"), "   ", (_("used {n}×").format(n=row.usage), "$text-muted")
                    ),
                    assemble(
                        (
                            _("Preview for ticket #{number}").format(number=self.sample_ticket)
                            if self.sample_ticket
                            else _("Preview"),
                            "bold $text-muted",
                        )
                    ),
                ]
            )
        )
        preview.update(safe(render(row.body, self.values)))

    @on(OptionList.OptionHighlighted, "#canned-list")
    def _highlighted(self) -> None:
        self._preview()

    @on(OptionList.OptionSelected, "#canned-list")
    def _selected(self) -> None:
        self.action_edit()

    @on(Input.Changed, "#canned-search")
    def _search(self) -> None:
        self._fill()

    @on(Input.Submitted, "#canned-search")
    def _search_done(self) -> None:
        self.query_one("#canned-list").focus()

    def action_search(self) -> None:
        self.query_one("#canned-search").focus()

    def action_language(self) -> None:
        order: list[str | None] = [None, "pl", "en"]
        self.language_filter = order[(order.index(self.language_filter) + 1) % len(order)]
        self._top()
        self._fill()

    def action_create(self) -> None:
        self._open_form(None)

    def action_edit(self) -> None:
        row = self.current
        if row is None:
            return
        if row.shared and self.actor.role.level < Role.SUPERVISOR.level:
            notify(
                self.app,
                _("Shared responses are edited by supervisors; you can make a personal copy with n."),
                severity="warning",
            )
            return
        self._open_form(row)

    def _open_form(self, row: CannedRow | None) -> None:
        def saved(canned_id: int | None) -> None:
            if canned_id is not None:
                self.reload(select_id=canned_id)

        self.app.push_screen(CannedForm(row), saved)

    def action_delete(self) -> None:
        row = self.current
        if row is None:
            return
        desk, actor = self.desk, self.actor

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            from ....core.services import canned

            def done(_result: None) -> None:
                notify(self.app, _("Deleted: {title}").format(title=row.title))
                self.reload()

            run_service(self.app, lambda: canned.delete(desk, actor, row.id), done=done, group="canned-write")

        self.app.push_screen(
            ConfirmDialog(
                _("Delete this canned response?"),
                safe_line(row.title, "bold"),
                yes=_("Delete it"),
                no=_("Keep it"),
            ),
            confirmed,
        )

    def action_back(self) -> None:
        if self.focused is self.query_one("#canned-search") and self.query_one("#canned-search", Input).value:
            self.query_one("#canned-search", Input).value = ""
            self.query_one("#canned-list").focus()
            return
        self.dismiss(None)
