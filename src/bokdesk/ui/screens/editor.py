"""The editor for replies, internal notes and call logs, docked under the conversation.

What the agent types is saved to the database as a draft (debounced, in a thread) so it
survives Escape, a crash, a lost SSH connection or a restart, and is offered back when the
ticket is opened again. ``Ctrl+T`` inserts a canned response with its placeholders filled in;
``Ctrl+S`` asks the ticket screen to send, with the ticket version the agent was looking at.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Select, TextArea

from ...i18n import _, format_time
from .. import keymap, labels
from ..safe_text import assemble, safe_line
from ..typed import bokdesk_app

DRAFT_DEBOUNCE = 0.8
MUTED = "$text-muted"
KINDS = ("reply", "note", "call")


class DraftKeeper:
    """Orders this console's draft writes with the sends that make them obsolete.

    Saves run in thread workers and a send discards the draft in another, so a save started just
    before Ctrl+S could commit after the send and bring the draft back, and two saves could land
    in the wrong order. Every draft write takes one lock; each save carries a sequence number and
    one older than what was already written is dropped; a send first moves the draft's generation
    on, so saves queued before it do nothing. A send that fails stores the text it tried to send:
    nothing typed is lost.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: dict[tuple[int, str], int] = {}
        self._written: dict[tuple[int, str], int] = {}
        self._sequence = 0
        self._latest: dict[tuple[int, str], tuple[Any, str, int | None, datetime]] = {}

    def ticket(self) -> int:
        """On the event loop, when a save is asked for: its place in the order of writes."""
        self._sequence += 1
        return self._sequence

    def generation(self, ticket_id: int, kind: str) -> int:
        return self._generation.get((ticket_id, kind), 0)

    def remember(self, desk: Any, ticket_id: int, kind: str, text: str, base: int | None) -> None:
        """On the event loop, when a save is asked for: the newest text of this console."""
        self._latest[(ticket_id, kind)] = (desk, text, base, datetime.now(UTC))

    def latest(self, desk: Any, ticket_id: int, kind: str, stored: Any) -> Any:
        """The draft to restore: what this console last asked to save, when the stored draft (read
        in a thread, maybe before that save was written) does not hold it yet."""
        mine = self._latest.get((ticket_id, kind))
        if mine is None or mine[0] is not desk or (stored is not None and stored.body == mine[1]):
            return stored
        _desk, text, base, at = mine
        return SimpleNamespace(body=text, base_version=base, updated_at=at)

    def start_send(self, ticket_id: int, kind: str) -> int:
        """On the event loop, before the send starts: earlier saves become no-ops."""
        key = (ticket_id, kind)
        self._latest.pop(key, None)
        self._generation[key] = self._generation.get(key, 0) + 1
        return self._generation[key]

    def save(
        self,
        desk: Any,
        actor: Any,
        ticket_id: int,
        kind: str,
        text: str,
        base: int | None,
        generation: int,
        sequence: int,
    ) -> None:
        """In a thread: store the draft unless a send started since, or a newer save was written."""
        from ...core.services import drafts

        key = (ticket_id, kind)
        with self._lock:
            if self.generation(ticket_id, kind) != generation or self._written.get(key, 0) > sequence:
                return
            drafts.save(desk, actor, ticket_id, kind, text, base)
            self._written[key] = sequence

    def settle(
        self, desk: Any, actor: Any, ticket_id: int, kind: str, *, sent: bool, text: str, base: int | None
    ) -> None:
        """In the send's thread: the draft is gone if it was sent, else it holds what was typed."""
        from ...core.services import drafts

        with self._lock:
            if sent:
                drafts.discard(desk, actor, ticket_id, kind)
            else:
                drafts.save(desk, actor, ticket_id, kind, text, base)


KEEPER = DraftKeeper()


def recipients_line(to: str | None, cc: list[str]) -> Content:
    """``To: anna@example.pl · Cc: jan@example.pl``, or that the reply will not be e-mailed."""
    if to is None:
        return Content.styled(_("no e-mail address: the reply is stored but not sent"), "$text-warning")
    parts: list[str | Content | tuple[str, str]] = [(_("To:") + " ", MUTED), safe_line(to, MUTED, limit=80)]
    if cc:
        parts += [("  ·  " + _("Cc:") + " ", MUTED), safe_line(", ".join(cc), MUTED, limit=200)]
    return assemble(*parts)


@dataclass(frozen=True)
class Outgoing:
    """What the agent asked to send."""

    kind: str
    body: str
    base_version: int | None
    set_status: str | None = None
    decision: str | None = None
    reason: str | None = None


class Composer(Vertical):
    """One editor; the ticket screen shows it for ``r``, ``i`` or ``l``."""

    BINDINGS = keymap.EDITOR
    DEFAULT_CSS = """
    Composer #composer-to {
        width: 1fr;
        height: 1;
    }
    """

    class Send(Message):
        def __init__(self, outgoing: Outgoing) -> None:
            super().__init__()
            self.outgoing = outgoing

    class Closed(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        keymap.translate_bindings(self)
        self.ticket_id: int | None = None
        self.kind = "reply"
        self.base_version: int | None = None
        self.is_complaint = False
        self.sending = False
        self._save_timer: Timer | None = None
        self._saved_text = ""
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Label("", id="composer-title")
        yield Label("", id="composer-to")
        yield TextArea(id="composer-text", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        with Horizontal(id="composer-options"):
            yield Label(_("After sending:"), classes="option-label", id="status-label")
            yield Select[str](
                [(_("status unchanged"), "")], id="status-after", allow_blank=False, compact=True
            )
            yield Label(_("Complaint decision:"), classes="option-label", id="decision-label")
            yield Select[str]([(_("no decision yet"), "")], id="decision", allow_blank=False, compact=True)
            yield Input(placeholder=_("reason (required when rejected)"), id="reason", compact=True)
        yield Label(
            _("Ctrl+S send · Ctrl+T canned response · Esc close (the draft is kept)"), id="composer-hint"
        )

    def on_mount(self) -> None:
        self.query_one(TextArea).cursor_blink = bokdesk_app(self).cursor_blink
        self.query_one("#reason", Input).cursor_blink = bokdesk_app(self).cursor_blink

    @property
    def area(self) -> TextArea:
        return self.query_one("#composer-text", TextArea)

    @property
    def text(self) -> str:
        return self.area.text

    def open(
        self,
        ticket_id: int,
        kind: str,
        base_version: int,
        *,
        customer: str,
        complaint: bool,
        undecided: bool,
        status: str,
        draft: Any = None,
    ) -> None:
        """Show the editor for ``kind``; ``draft`` (a stored Draft) restores earlier text."""
        self.ticket_id, self.kind = ticket_id, kind
        self.is_complaint = complaint and undecided and kind == "reply"
        title = {
            "reply": _("Reply to {customer}").format(customer=customer),
            "note": _("Internal note (only agents see it)"),
            "call": _("Call log with {customer}").format(customer=customer),
        }[kind]
        style = {"reply": "bold $text-success", "note": "bold $text-warning", "call": "bold $text-primary"}[
            kind
        ]
        text = ""
        self.base_version = base_version
        if draft is not None and draft.body.strip():
            text = draft.body
            if draft.base_version is not None:
                self.base_version = draft.base_version
            tz = bokdesk_app(self).require_desk().calendar.tz
            restored = _("draft from {time} restored").format(time=format_time(draft.updated_at, tz))
            self.query_one("#composer-title", Label).update(
                assemble((title, style), "  ", (restored, "$text-muted"))
            )
        else:
            self.query_one("#composer-title", Label).update(assemble((title, style)))
        self.set_class(kind == "note", "-note")
        self._loading = True
        self.area.load_text(text)
        self.area.move_cursor(self.area.document.end)
        self._saved_text = text
        self._loading = False
        self._setup_options(kind, status)
        self._show_recipients(ticket_id, kind)
        self.display = True
        self.area.focus()

    def _show_recipients(self, ticket_id: int, kind: str) -> None:
        """A reply's To and Cc, read in a thread by the outbox's own rule, as a muted line."""
        line = self.query_one("#composer-to", Label)
        line.display = kind == "reply"
        line.update("")
        if kind != "reply":
            return
        from ...channels.view import reply_recipients
        from ..tasks import run_service

        desk = bokdesk_app(self).require_desk()

        def done(found: tuple[str | None, list[str]]) -> None:
            if self.ticket_id == ticket_id and self.kind == kind:
                line.update(recipients_line(*found))

        run_service(self.app, lambda: reply_recipients(desk, ticket_id), done=done, group="composer-to")

    def _setup_options(self, kind: str, status: str) -> None:
        public = kind in ("reply", "call")
        status_select = self.query_one("#status-after", Select)
        options = [(_("status unchanged"), "")]
        options += [(labels.status(v), v) for v in ("pending", "on_hold", "solved") if v != status]
        status_select.set_options(options)
        status_select.value = ""
        for widget_id in ("#status-label", "#status-after"):
            self.query_one(widget_id).display = public
        decision = self.query_one("#decision", Select)
        decision.set_options(
            [
                (_("no decision yet"), ""),
                (labels.label("decision", "accepted"), "accepted"),
                (labels.label("decision", "rejected"), "rejected"),
            ]
        )
        decision.value = ""
        for widget_id in ("#decision-label", "#decision", "#reason"):
            self.query_one(widget_id).display = self.is_complaint
        self.query_one("#composer-options").display = public

    def insert(self, text: str) -> None:
        """Insert text (a canned response) at the cursor."""
        self.area.insert(text)
        self.area.focus()

    # ------------------------------------------------------------------ drafts

    @on(TextArea.Changed, "#composer-text")
    def _changed(self) -> None:
        if self._loading:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(DRAFT_DEBOUNCE, self.save_draft)

    def save_draft(self) -> None:
        """Save what is typed now (in a thread); an empty editor deletes the draft."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.ticket_id is None or self.sending:
            return
        text = self.text
        if text == self._saved_text:
            return
        self._saved_text = text
        from ..tasks import run_service

        app: Any = self.app
        ticket_id, kind, base = self.ticket_id, self.kind, self.base_version
        generation, sequence = KEEPER.generation(ticket_id, kind), KEEPER.ticket()
        KEEPER.remember(app.desk, ticket_id, kind, text, base)
        run_service(
            app,
            lambda: KEEPER.save(app.desk, app.actor, ticket_id, kind, text, base, generation, sequence),
            group="draft",
        )

    def mark_sent(self) -> None:
        """After a successful send: the draft is gone, nothing more to save."""
        self._saved_text = ""
        self.area.load_text("")
        self.sending = False

    # ------------------------------------------------------------------ actions

    def action_send(self) -> None:
        if self.sending:
            return
        body = self.text
        if not body.strip():
            self.app.notify(_("Write something first."), severity="warning", markup=False)
            return
        status = self.query_one("#status-after", Select).value if self.kind in ("reply", "call") else ""
        decision = self.query_one("#decision", Select).value if self.is_complaint else ""
        reason = self.query_one("#reason", Input).value.strip() if self.is_complaint else ""
        if decision == "rejected" and not reason:
            self.app.notify(_("A rejected complaint needs the reason."), severity="warning", markup=False)
            self.query_one("#reason", Input).focus()
            return
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        assert self.ticket_id is not None
        KEEPER.start_send(self.ticket_id, self.kind)  # the send itself keeps or drops the draft
        self._saved_text = body
        self.sending = True
        self.post_message(
            self.Send(
                Outgoing(
                    self.kind,
                    body,
                    self.base_version,
                    str(status or "") or None,
                    str(decision or "") or None,
                    reason or None,
                )
            )
        )

    def action_canned(self) -> None:
        from .canned import CannedPicker

        def chosen(text: str | None) -> None:
            if text:
                self.insert(text)

        self.app.push_screen(CannedPicker(self.ticket_id), chosen)

    def action_close(self) -> None:
        self.save_draft()
        self.display = False
        self.post_message(self.Closed())

    def describe(self) -> str:
        return safe_line(labels.label("message", self.kind)).plain
