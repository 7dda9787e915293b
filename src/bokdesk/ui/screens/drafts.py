"""``d`` in the queue: the agent's unsent drafts (after Escape, a crash or a restart)."""

from __future__ import annotations

from typing import Any

from ...core.lookups import UnsentDraft, unsent_drafts
from ...i18n import _, format_datetime
from .. import labels
from ..safe_text import assemble, one_line, safe_line
from ..tasks import run_service
from .dialogs import ChoiceDialog


def unsent(desk: Any, actor: Any) -> list[UnsentDraft]:
    """(ticket id, subject, kind, saved at, first line) of the agent's drafts, newest first (thread)."""
    return unsent_drafts(desk, actor)


class DraftsScreen(ChoiceDialog[int]):
    """Pick a draft to continue; the ticket opens and the editor offers the text back."""

    def __init__(self, rows: list[UnsentDraft] | None = None) -> None:
        super().__init__(_("Unsent drafts"), [], text="")
        self.rows = rows

    def on_mount(self) -> None:
        if self.rows is not None:
            self._fill(self.rows)
            return
        app: Any = self.app
        run_service(app, lambda: unsent(app.desk, app.actor), done=self._fill, group="drafts")

    def _fill(self, rows: list[UnsentDraft]) -> None:
        from textual.widgets import Label, OptionList
        from textual.widgets.option_list import Option

        tz = self.bokdesk.require_desk().calendar.tz
        self.options = [
            (
                ticket_id,
                assemble(
                    (f"#{ticket_id} ", "bold $text-accent"),
                    safe_line(labels.subject(subject), "bold", limit=50),
                    "  ",
                    (labels.label("message", kind), "$text-warning"),
                    "  ",
                    (format_datetime(at, tz), "$text-muted"),
                    "\n   ",
                    (one_line(body, 60), "$text-muted"),
                ),
            )
            for ticket_id, subject, kind, at, body in rows
        ]
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([Option(label, id=str(i)) for i, (_v, label) in enumerate(self.options)])
        if not rows:
            self.query_one("#dialog-title", Label).update(_("No unsent drafts"))
        else:
            listing.highlighted = 0
        listing.focus()
