"""The mail quarantine for admins (``f6``): e-mails that could not be filed, with the reason and
the date; ``r`` files the selected one again (as a customer message), ``d`` marks it dealt with,
``a`` also shows what was dealt with (and the ignored auto-replies, kept there too).

The same service functions as ``bokdesk mail quarantine list|show|release|dismiss``; a release
files the message with the settings ``mail run`` published (the console has no mail servers).
Everything shown is mail from outside: through ``safe_text`` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...core.errors import BokdeskError
from ...i18n import _, format_datetime, ngettext
from .. import keymap
from ..notices import say_notice
from ..safe_text import assemble, notify, safe, safe_line
from ..tasks import describe, run_service
from ..widgets.bars import TopBar
from .base import DeskScreen
from .dialogs import ConfirmDialog

if TYPE_CHECKING:
    from ...channels.quarantine import QuarantineEntry

MUTED = "$text-muted"
RAW_PREVIEW = 16_384  # bytes of the raw message shown under the details


def _size(size: int) -> str:
    from ...channels.view import human_size

    return human_size(size)


class QuarantineScreen(DeskScreen[None]):
    """Quarantined e-mails: list on the left, the selected one on the right."""

    BINDINGS = keymap.QUARANTINE
    AUTO_FOCUS = "#quarantine-list"
    DEFAULT_CSS = """
    QuarantineScreen { layout: vertical; }
    #quarantine-summary { height: 1; padding: 0 1; background: $boost; }
    #quarantine-body { height: 1fr; }
    #quarantine-list { width: 1fr; height: 1fr; border: none; }
    #quarantine-detail { width: 1fr; height: 1fr; padding: 0 1; border-left: vkey $panel-lighten-1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.entries: list[QuarantineEntry] = []
        self._loading = False

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        yield Static(id="quarantine-summary")
        with Horizontal(id="quarantine-body"):
            yield OptionList(id="quarantine-list")
            yield VerticalScroll(Static(id="quarantine-text"), id="quarantine-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.set_top((_("Mail quarantine"), "bold"))
        self.load()

    # ------------------------------------------------------------------ reading

    def load(self) -> None:
        if self._loading:
            return
        self._loading = True
        desk, actor, show_all = self.desk, self.actor, self.show_all

        def read() -> list[Any]:
            from ...channels.quarantine import list_entries

            return list_entries(desk, actor, include_resolved=show_all, limit=500)

        def done(entries: list[QuarantineEntry]) -> None:
            self._loading = False
            self._show(entries)

        def failed(error: BokdeskError) -> None:
            self._loading = False
            notify(self.app, describe(error, self.app), title=_("Mail quarantine"), severity="error")

        run_service(self.app, read, done=done, failed=failed, group="quarantine")

    def _show(self, entries: list[QuarantineEntry]) -> None:
        listing = self.query_one("#quarantine-list", OptionList)
        before = self._selected()
        self.entries = entries
        listing.clear_options()
        tz = self.desk.calendar.tz
        options = []
        for entry in entries:
            state = (_("dealt with"), MUTED) if entry.resolved else (_("waiting"), "bold $text-warning")
            first = assemble(
                (f"#{entry.id}  ", "bold $text-accent"),
                (format_datetime(entry.received_at, tz), MUTED),
                "  ",
                state,
                "  ",
                safe_line(entry.sender or _("(no sender)"), limit=40),
            )
            second = assemble("   ", safe_line(entry.subject or _("(no subject)"), "bold", limit=60))
            third = assemble("   ", safe_line(say_notice(entry.reason_notice, entry.reason), MUTED, limit=70))
            options.append(Option(Content("\n").join([first, second, third]), id=str(entry.id)))
        listing.add_options(options)
        waiting = sum(1 for e in entries if not e.resolved)
        summary = ngettext("{n} e-mail waits for an admin", "{n} e-mails wait for an admin", waiting).format(
            n=waiting
        )
        scope = _("showing all, also what was dealt with") if self.show_all else _("showing what waits")
        self.query_one("#quarantine-summary", Static).update(
            assemble((summary, "bold"), "   ", (scope, MUTED))
        )
        if entries:
            # The same e-mail stays selected (by number, not by place: the list may have grown).
            ids = [e.id for e in entries]
            listing.highlighted = ids.index(before.id) if before is not None and before.id in ids else 0
            self._highlighted()  # the details of what is selected now, even at the same place
        else:
            self.query_one("#quarantine-text", Static).update(
                Content.styled(_("Nothing in the quarantine: every e-mail was filed."), MUTED)
            )

    def _selected(self) -> QuarantineEntry | None:
        listing = self.query_one("#quarantine-list", OptionList)
        if listing.highlighted is None or not self.entries:
            return None
        return self.entries[min(listing.highlighted, len(self.entries) - 1)]

    @on(OptionList.OptionHighlighted, "#quarantine-list")
    def _highlighted(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        desk, actor = self.desk, self.actor

        def read() -> bytes:
            from ...channels.quarantine import get_entry

            return bytes(get_entry(desk, actor, entry.id).raw[:RAW_PREVIEW])

        run_service(
            self.app,
            read,
            done=lambda raw: self._detail(entry, raw),
            group="quarantine-detail",
            exclusive=True,
        )

    def _detail(self, entry: QuarantineEntry, raw: bytes) -> None:
        if self._selected() is not entry:
            return
        tz = self.desk.calendar.tz
        lines = [
            assemble(
                (f"#{entry.id}  ", "bold $text-accent"), safe_line(entry.subject or _("(no subject)"), "bold")
            ),
            assemble((_("From") + " ", MUTED), safe_line(entry.sender or _("(no sender)"))),
            assemble(
                (_("Received") + " ", MUTED),
                format_datetime(entry.received_at, tz),
                "   ",
                (_("Size") + " ", MUTED),
                _size(entry.size),
            ),
            assemble((_("Source") + " ", MUTED), safe_line(entry.source, limit=200)),
            assemble(
                (_("Reason") + " ", MUTED),
                safe_line(say_notice(entry.reason_notice, entry.reason), "bold", limit=1000),
            ),
            Content(""),
            safe(raw.decode("utf-8", "replace"), MUTED),
        ]
        self.query_one("#quarantine-text", Static).update(Content("\n").join(lines))

    # ------------------------------------------------------------------ actions

    def action_release(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        desk, actor = self.desk, self.actor

        def release() -> Any:
            from ...channels.quarantine import published_config, release

            return release(desk, published_config(desk), actor, entry.id)

        def done(result: Any) -> None:
            if result.ticket_id is not None and result.outcome.value != "quarantined":
                notify(
                    self.app,
                    _("E-mail #{number} filed on ticket #{ticket}.").format(
                        number=entry.id, ticket=result.ticket_id
                    ),
                    title=_("Mail quarantine"),
                )
            else:
                notify(
                    self.app,
                    _("E-mail #{number} could not be filed: {reason}").format(
                        number=entry.id, reason=say_notice(result.notice, result.detail)
                    ),
                    title=_("Mail quarantine"),
                    severity="warning",
                    timeout=10,
                )
            self.load()
            self.bokdesk.request_refresh()

        run_service(self.app, release, done=done, group="quarantine-write")

    def action_dismiss_entry(self) -> None:
        entry = self._selected()
        if entry is None or entry.resolved:
            return
        desk, actor = self.desk, self.actor

        def chosen(yes: bool | None) -> None:
            if not yes:
                return
            from ...channels.quarantine import dismiss

            def done(_result: None) -> None:
                notify(
                    self.app,
                    _("E-mail #{number} marked as dealt with.").format(number=entry.id),
                    title=_("Mail quarantine"),
                )
                self.load()

            run_service(self.app, lambda: dismiss(desk, actor, entry.id), done=done, group="quarantine-write")

        text = assemble(
            safe_line(entry.sender or _("(no sender)"), limit=60),
            ": ",
            safe_line(entry.subject or _("(no subject)"), limit=60),
        )
        self.app.push_screen(
            ConfirmDialog(
                _("Mark e-mail #{number} as dealt with? It stays listed under “Show all”.").format(
                    number=entry.id
                ),
                text,
            ),
            chosen,
        )

    def action_show_all(self) -> None:
        self.show_all = not self.show_all
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["QuarantineScreen"]
