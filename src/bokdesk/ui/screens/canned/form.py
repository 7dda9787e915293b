"""Create or edit one canned response (the manager's form)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from ....core.enums import Category, Role
from ....core.errors import BokdeskError
from ....i18n import _
from ... import keymap, labels
from ...safe_text import notify
from ...tasks import describe, run_service
from ...typed import bokdesk_app
from .rows import PLACEHOLDER_HELP, CannedRow


class CannedForm(ModalScreen[int]):
    """Create or edit one canned response."""

    BINDINGS = keymap.CANNED_FORM

    def __init__(self, row: CannedRow | None) -> None:
        super().__init__(classes="dialog")
        keymap.translate_bindings(self)
        self.row = row

    def compose(self) -> ComposeResult:
        row = self.row
        supervisor = bokdesk_app(self).actor.role.level >= Role.SUPERVISOR.level
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
        blink = bokdesk_app(self).cursor_blink
        for field in self.query(Input):
            field.cursor_blink = blink
        self.query_one(TextArea).cursor_blink = blink
        self.query_one("#title", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        from ....core.services import canned

        app = bokdesk_app(self)
        desk, actor = app.require_desk(), app.actor
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
                saved = canned.create(desk, actor, data)
            else:
                saved = canned.update(desk, actor, row.id, data, expected_version=row.version)
            assert saved.id is not None  # stored: it has its id
            return saved.id

        def done(canned_id: int) -> None:
            notify(app, _("Saved: {title}").format(title=data.title))
            self.dismiss(canned_id)

        def failed(error: BokdeskError) -> None:
            notify(app, describe(error, app), title=_("Not saved"), severity="error", timeout=8)

        run_service(app, save, done=done, failed=failed, group="canned-write")
