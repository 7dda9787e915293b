"""Canned responses: the ``f3`` manager (list, search, create, edit, delete, preview) and the
``Ctrl+T`` picker of the editor (fuzzy search, preview with the placeholders filled in)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from ...core.enums import Category, Role
from ...core.errors import BokdeskError
from ...i18n import _
from .. import keymap, labels
from ..safe_text import assemble, notify, safe, safe_line
from ..tasks import describe, run_service
from ..widgets.bars import TopBar
from ..widgets.key_bar import KeyBar
from .base import DeskScreen
from .dialogs import ConfirmDialog

PLACEHOLDER_HELP = "{{customer_name}} {{customer_first_name}} {{agent_name}} {{ticket_number}} {{ticket_subject}} {{desk_name}}"


@dataclass(frozen=True)
class CannedRow:
    id: int
    title: str
    shortcut: str
    body: str
    category: str | None
    language: str
    shared: bool
    mine: bool
    usage: int
    version: int


def _rows(desk: Any, actor: Any) -> list[CannedRow]:
    from ...core.services import canned

    return [
        CannedRow(
            r.id,
            r.title,
            r.shortcut,
            r.body,
            r.category,
            r.language,
            r.owner_id is None,
            r.owner_id == actor.id,
            r.usage_count,
            r.version,
        )
        for r in canned.visible(desk, actor)
        if r.id is not None
    ]


def rank(rows: list[CannedRow], query: str, language: str | None = None) -> list[CannedRow]:
    """Rows matching ``query`` (fuzzy over title, shortcut and body), best first; with no query,
    the preferred language first, then the most used."""
    query = query.strip()
    preferred = [r for r in rows if language is None or r.language == language]
    others = [r for r in rows if language is not None and r.language != language]
    if not query:
        key = lambda r: (-r.usage, r.title.lower())  # noqa: E731
        return sorted(preferred, key=key) + sorted(others, key=key)
    matcher = Matcher(query)
    needle = _fold(query)
    scored = []
    for row in rows:
        # Fuzzy on the title and the shortcut; the body only where it contains what was typed (a fuzzy
        # match over a whole paragraph finds almost any few letters and would bury the right answer).
        score = max(
            matcher.match(row.title),
            matcher.match(row.shortcut) * 1.1,
            0.5 if needle in _fold(row.body) else 0.0,
        )
        if score > 0:
            bonus = 0.05 if language is not None and row.language == language else 0.0
            scored.append((score + bonus + min(row.usage, 100) / 10_000, row))
    scored.sort(key=lambda item: -item[0])
    return [row for _score, row in scored]


def _fold(text: str) -> str:
    """Lower case without Polish diacritics, so "haslo" finds "hasło"."""
    import unicodedata

    text = text.lower().replace("ł", "l")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def _row_label(row: CannedRow, *, two_lines: bool = False) -> Content:
    """One line (the editor's picker: as many answers as fit), or two (the manager's narrow list: the
    title and shortcut, then the language, scope and use, so a row never wraps mid-way)."""
    scope = _("shared") if row.shared else _("personal")
    used = _("used {n}×").format(n=row.usage)
    if two_lines:
        return assemble(
            safe_line(row.title, "bold", limit=40),
            "  ",
            ("/" + row.shortcut, "$text-accent"),
            "\n  ",
            (f"{row.language.upper()} · {scope} · {used}", "$text-muted"),
        )
    return assemble(
        safe_line(row.title, "bold", limit=40),
        "  ",
        ("/" + row.shortcut, "$text-accent"),
        "  ",
        (row.language.upper(), "$text-muted"),
        " ",
        (scope, "$text-muted"),
        " ",
        (used, "$text-muted"),
    )


def _sample(desk: Any, actor: Any, ticket_id: int | None) -> tuple[dict[str, str], str | None, int | None]:
    """Placeholder values of a sample ticket (the given one, else the newest), its customer's language."""
    from ...core.lookups import sample_ticket
    from ...core.services import canned

    sample = sample_ticket(desk, ticket_id)
    if sample is None:
        return canned.values_for(desk, actor, None), None, None
    return canned.values_for(desk, actor, sample.id), sample.language, sample.id


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
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)
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
            values, _language, number = _sample(desk, actor, sample)
            return _rows(desk, actor), values, number

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
        listing.add_options([Option(_row_label(row, two_lines=True), id=str(row.id)) for row in self.shown])
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
        from ...core.services.canned import render

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
            from ...core.services import canned

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


class CannedForm(ModalScreen[int]):
    """Create or edit one canned response."""

    BINDINGS = keymap.CANNED_FORM

    def __init__(self, row: CannedRow | None) -> None:
        super().__init__(classes="dialog")
        keymap.translate_bindings(self)
        self.row = row

    def compose(self) -> ComposeResult:
        row = self.row
        supervisor = self.app.actor.role.level >= Role.SUPERVISOR.level  # type: ignore[attr-defined]
        categories = [(_("any category"), "")] + [(labels.category(c.value), c.value) for c in Category]
        with Vertical(id="dialog-box", classes="wide"):
            yield Label(_("Edit canned response") if row else _("New canned response"), id="dialog-title")
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label(_("Title"), classes="field-label")
                    yield Input(row.title if row else "", id="title", compact=True)
                with Vertical(classes="narrow"):
                    yield Label(_("Shortcut (a-z, 0-9, -)"), classes="field-label")
                    yield Input(
                        row.shortcut if row else "",
                        id="shortcut",
                        restrict=r"[a-z0-9_-]*",
                        max_length=40,
                        compact=True,
                    )
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label(_("Category"), classes="field-label")
                    yield Select(
                        categories,
                        value=(row.category or "") if row else "",
                        allow_blank=False,
                        id="category",
                        compact=True,
                    )
                with Vertical():
                    yield Label(_("Language"), classes="field-label")
                    yield Select(
                        [(labels.label("language", "pl"), "pl"), (labels.label("language", "en"), "en")],
                        value=row.language if row else "pl",
                        allow_blank=False,
                        id="language",
                        compact=True,
                    )
                with Vertical():
                    yield Label(_("Who sees it"), classes="field-label")
                    yield Checkbox(
                        _("Shared with the desk"),
                        value=row.shared if row else supervisor,
                        id="shared",
                        disabled=not supervisor,
                    )
            yield Label(
                _("Text; placeholders:") + " " + PLACEHOLDER_HELP, classes="field-label", markup=False
            )
            yield TextArea(row.body if row else "", id="body", soft_wrap=True, show_line_numbers=False)
            yield Label(_("Ctrl+S saves · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        blink = getattr(self.app, "cursor_blink", True)
        for field in self.query(Input):
            field.cursor_blink = blink
        self.query_one(TextArea).cursor_blink = blink
        self.query_one("#title", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        from ...core.services import canned

        app: Any = self.app
        data = canned.CannedInput(
            title=self.query_one("#title", Input).value,
            shortcut=self.query_one("#shortcut", Input).value,
            body=self.query_one("#body", TextArea).text,
            category=str(self.query_one("#category", Select).value or "") or None,
            language=str(self.query_one("#language", Select).value or "pl"),
            shared=self.query_one("#shared", Checkbox).value,
        )
        row = self.row

        def save() -> int:
            if row is None:
                return int(canned.create(app.desk, app.actor, data).id)
            return int(canned.update(app.desk, app.actor, row.id, data, expected_version=row.version).id)

        def done(canned_id: int) -> None:
            notify(app, _("Saved: {title}").format(title=data.title))
            self.dismiss(canned_id)

        def failed(error: BokdeskError) -> None:
            notify(app, describe(error, app), title=_("Not saved"), severity="error", timeout=8)

        run_service(app, save, done=done, failed=failed, group="canned-write")


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
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)
        self.query_one(Input).focus()
        app: Any = self.app
        ticket_id = self.ticket_id

        def read() -> tuple[list[CannedRow], dict[str, str], str | None]:
            values, language, _number = _sample(app.desk, app.actor, ticket_id)
            return _rows(app.desk, app.actor), values, language

        def done(result: tuple[list[CannedRow], dict[str, str], str | None]) -> None:
            self.rows, self.values, self.language = result
            self._fill()

        run_service(app, read, done=done, group="canned-load")

    def _fill(self) -> None:
        self.shown = rank(self.rows, self.query_one(Input).value, self.language)
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([Option(_row_label(row), id=str(row.id)) for row in self.shown])
        if self.shown:
            listing.highlighted = 0
        self._preview()

    def _preview(self) -> None:
        from ...core.services.canned import render

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
        from ...core.services import canned

        app: Any = self.app
        ticket_id = self.ticket_id
        run_service(
            app,
            lambda: canned.use(app.desk, app.actor, row.id, ticket_id),
            done=self.dismiss,
            group="canned-use",
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
