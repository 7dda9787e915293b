"""The console's dialog base and its shared dialogs: a choice, a confirmation. (The ticket screen's own
dialogs are in ``screens/ticket/dialogs.py``.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ...i18n import _
from .. import keymap
from ..safe_text import safe, safe_line
from ..typed import bokdesk_app

if TYPE_CHECKING:
    from ..app import BokdeskApp

T = TypeVar("T")


class Dialog(ModalScreen[T], Generic[T]):
    """Base of the console's dialogs: a centred box, Escape cancels (returns None)."""

    BINDINGS = keymap.DIALOG

    def __init__(self) -> None:
        super().__init__(classes="dialog")
        keymap.translate_bindings(self)

    @property
    def bokdesk(self) -> BokdeskApp:
        """The console's app, typed."""
        return bokdesk_app(self)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(Dialog[T]):
    """Pick one of a few options (Enter or click); the first letter keys are not bound on purpose."""

    def __init__(
        self,
        title: str,
        options: Sequence[tuple[T, str | Content]],
        *,
        text: str | Content = "",
        current: T | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.options = list(options)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(safe_line(self.title_text), id="dialog-title")
            if self.text:
                yield Static(
                    self.text if isinstance(self.text, Content) else safe(self.text), classes="dialog-text"
                )
            prompts = [
                Option(label if isinstance(label, Content) else safe_line(label), id=str(index))
                for index, (_value, label) in enumerate(self.options)
            ]
            yield OptionList(*prompts, id="choices")
            yield Label(_("Enter chooses · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        index = next((i for i, (value, _) in enumerate(self.options) if value == self.current), 0)
        choices.highlighted = index
        choices.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[int(event.option.id or 0)][0])


class ConfirmDialog(ChoiceDialog[bool]):
    def __init__(
        self, title: str, text: str | Content = "", *, yes: str | None = None, no: str | None = None
    ) -> None:
        super().__init__(title, [(True, yes or _("Yes")), (False, no or _("No"))], text=text)
