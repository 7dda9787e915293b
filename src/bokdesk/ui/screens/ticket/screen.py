"""The ticket screen: one ticket (header, conversation, customer panel, history, the editor), read
in a worker and shown in one frame. The app keeps one such screen installed and reuses it for
every ticket (``BokdeskApp.open_ticket``); the writes are ``TicketActions``, the content ``view``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from ....core.enums import Status
from ....core.errors import BokdeskError
from ....core.queries import TicketDetail
from ....i18n import _
from ... import keymap, labels, warmup
from ...live import LiveUpdate
from ...presence import ACTIVITY
from ...safe_text import notify, one_line, safe_line
from ...tasks import run_service, show_error
from ...widgets.bars import TopBar
from ...widgets.conversation import MailInfo, MessageBox, read_mail_info
from ...widgets.key_bar import KeyBar
from ...widgets.kpi_strip import KpiStrip
from ..base import DeskScreen
from ..editor import KEEPER, Composer
from . import view
from .actions import TicketActions
from .view import Loaded

Neighbours = Callable[[int, int], "int | None"]
SLOW_OPEN = 0.25  # seconds: a ticket read slower than this shows "Loading…" first


class TicketScreen(DeskScreen[None]):
    """One ticket, and everything an agent does with it."""

    COMPACT_FOOTER_BELOW = 100

    CSS_PATH = "ticket.tcss"
    BINDINGS = keymap.TICKET
    AUTO_FOCUS = "#conversation"
    # Textual annotates it ``ClassVar[...] | None``, which mypy reads as an instance variable.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]  # type: ignore[misc]

    def __init__(self, ticket_id: int = 0, *, neighbours: Neighbours | None = None) -> None:
        """One screen serves every ticket (the app keeps it installed): ``show`` switches tickets."""
        super().__init__()
        self.ticket_id = ticket_id
        self.neighbours = neighbours
        self.detail: TicketDetail | None = None
        self.drafts: dict[str, Any] = {}
        self.others: list[tuple[str, str]] = []
        self.mail = MailInfo()
        self.showing_history = False
        self.actions = TicketActions(self)
        self.built = False
        """Whether a ticket was ever shown (the screen's widgets then live as long as the app)."""
        self.rehearsal: object | None = None
        """The warm-up's rehearsal under way (``warmup.rehearse``), if any."""
        self.look: tuple[Any, ...] | None = None
        """The theme and size the screen was last styled at."""
        self._activity = "viewing"
        self._shown_messages: tuple[int, ...] = ()
        self._loading = False
        self._stale = False
        self._present: Callable[[], object] | None = None
        self._fingerprint: tuple[Any, ...] | None = None

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        yield KpiStrip()
        yield Static(id="ticket-header")
        with Horizontal(id="ticket-body"):
            with Vertical(id="ticket-main"):
                yield VerticalScroll(id="conversation", can_focus=True)
                yield VerticalScroll(Static(id="history-text"), id="history", can_focus=True)
                yield Composer(id="composer")
            yield VerticalScroll(Static(id="customer-text"), id="customer", can_focus=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#history").display = False
        self.composer.display = False
        self.bokdesk.desk_changed.subscribe(self, self._desk_changed)
        self.query_one("#ticket-header", Static).update(Content.styled(_("Loading…"), "$text-muted"))
        self._activity = "viewing"
        if self.ticket_id:
            self.load()
            self.tell_presence("viewing")
        presence = self.bokdesk.presence
        if presence is not None and presence.available:
            self.set_interval(presence.refresh_seconds, self._keep_presence)

    def _keep_presence(self) -> None:
        """Refresh this agent's entry while the ticket is open. The screen is reused, so it stays
        mounted after the agent went back to the queue: then it must not say they are still here."""
        if self.ticket_id and self in self.app.screen_stack:
            self.tell_presence(self._activity)

    def on_screen_suspend(self) -> None:
        """Leaving the screen (f2, f3, a dialog): what is typed goes to the draft now, not in 0.8 s."""
        if self.composer.display:
            self.composer.save_draft()

    def on_unmount(self) -> None:
        if self.ticket_id and self.rehearsal is None:
            self._leave(self.ticket_id)

    def show(
        self,
        ticket_id: int,
        *,
        neighbours: Neighbours | None = None,
        present: Callable[[], object] | None = None,
    ) -> None:
        """Show another ticket on this screen (reused: opening a ticket mounts nothing new).

        The ticket is read first and the screen filled while the old content (or the queue) is
        still on screen; ``present`` (push the screen) runs once it is filled, so the first frame
        shows the whole ticket. Only a read slower than ``SLOW_OPEN`` s presents "Loading…" first.
        Returns at once; with ``present`` on a screen never shown, it presents at once.
        """
        if neighbours is not None:
            self.neighbours = neighbours
        if not self.is_mounted:
            self.ticket_id = ticket_id
            if present is not None:
                present()
            return
        if self.composer.display:
            self.composer.action_close()
        if self.showing_history:
            self.action_history()
        rehearsing, self.rehearsal = self.rehearsal is not None, None  # the agent's ticket goes first
        if self.ticket_id and self.ticket_id != ticket_id and not rehearsing:
            self._leave(self.ticket_id)
        self.ticket_id = ticket_id
        self._present = present
        self._stale = False
        self.load()
        self.tell_presence("viewing")
        self.set_timer(SLOW_OPEN, lambda: self._slow_open(ticket_id))

    def _slow_open(self, ticket_id: int) -> None:
        """The read is slow: show "Loading…" (and the screen) rather than wait with nothing."""
        if self.ticket_id != ticket_id or (self.detail is not None and self.detail.ticket.id == ticket_id):
            return
        self.empty()
        present, self._present = self._present, None
        if present is not None:
            present()

    def empty(self) -> None:
        """No ticket on the screen ("Loading…")."""
        self.detail = None
        self.drafts, self.others, self.mail = {}, [], MailInfo()
        self._shown_messages = ()
        self._fingerprint = None
        self.query_one("#conversation", VerticalScroll).remove_children()
        self.query_one("#ticket-header", Static).update(Content.styled(_("Loading…"), "$text-muted"))
        self.query_one("#customer-text", Static).update("")

    def tell_presence(self, activity: str) -> None:
        """Tell colleagues what this agent does on the ticket (when presence is installed)."""
        self._activity = activity
        presence = self.bokdesk.presence
        if presence is None or not presence.available:
            return
        ticket_id = self.ticket_id
        run_service(self.app, lambda: presence.touch(ticket_id, activity), group="presence")

    def _leave(self, ticket_id: int) -> None:
        presence = self.bokdesk.presence
        if presence is not None and presence.available:
            run_service(self.app, lambda: presence.leave(ticket_id), group="presence")

    # ------------------------------------------------------------------ loading

    def reader(self, ticket_id: int) -> Callable[[], Loaded]:
        """The read of one ticket, everything the screen shows (to run in a thread)."""
        desk, actor = self.desk, self.actor
        presence = self.bokdesk.presence

        def read() -> Loaded:
            from ....core.queries import ticket_detail
            from ....core.services import drafts

            detail = ticket_detail(desk, ticket_id)
            mine = {d.kind: d for d in drafts.for_ticket(desk, actor, ticket_id)}
            others = presence.others(ticket_id) if presence is not None and presence.available else []
            return Loaded(detail, mine, others, read_mail_info(desk, detail))

        return read

    def load(self) -> None:
        if self._loading:
            self._stale = True
            return
        self._loading = True
        read = self.reader(self.ticket_id)

        def done(loaded: Loaded) -> None:
            self._loading = False
            if loaded.detail.ticket.id == self.ticket_id:  # not a read of the ticket shown before
                self.fill(loaded)
                present, self._present = self._present, None
                if present is not None:
                    present()
            if self._stale or loaded.detail.ticket.id != self.ticket_id:
                self._stale = False
                self.load()

        def failed(error: BokdeskError) -> None:
            self._loading = False
            show_error(self.app, error)
            self._present = None
            if self.detail is None and self.app.screen is self:
                self.dismiss(None)

        run_service(self.app, read, done=done, failed=failed, group="ticket-load")

    def _desk_changed(self, update: LiveUpdate) -> None:
        if self.app.screen is self:
            self.load()
        else:
            self._stale = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown again. Textual restyles every widget of a pushed screen; this one is pushed for each
        ticket and nothing about its styles changes unless the theme or the size did."""
        look = (self.app.theme, self.app.size)
        warmup.keep_styles(event, unchanged=look == self.look)
        self.look = look
        if self._stale and self.detail is not None:
            self._stale = False
            self.load()

    def fill(self, loaded: Loaded) -> None:
        """Show a read (a refresh that found nothing new repaints nothing)."""
        fingerprint = view.fingerprint(loaded)
        if fingerprint == self._fingerprint:  # a refresh that found nothing new (e.g. after our own
            return  # presence write): nothing to repaint
        if self.detail is not None and self.detail.ticket.id != loaded.detail.ticket.id:
            self.empty()  # another ticket: its messages replace these (still off screen, or in one frame)
        self._fingerprint = fingerprint
        if not self.built:  # the first ticket shown: the screen's widgets live as long as the app
            self.built = True
            self.call_after_refresh(warmup.freeze_long_lived)
        previous = self.detail
        self.detail, self.drafts, self.others, self.mail = (
            loaded.detail,
            loaded.drafts,
            loaded.others,
            loaded.mail,
        )
        version = loaded.detail.ticket.version
        changed = previous is not None and previous.ticket.version != version
        if changed and self.composer.display and self.composer.base_version != version:
            notify(
                self.app,
                _("The ticket changed while you were writing; read the new entries before sending."),
                title=_("Ticket #{number}").format(number=self.ticket_id),
                severity="warning",
            )
        self._render_top()
        mine = loaded.detail.ticket.assignee_id == self.actor.id
        if previous is None or mine != (previous.ticket.assignee_id == self.actor.id):
            self.refresh_bindings()  # "take" shows only on others' tickets (the footer rebuild costs)
        self._render_header()
        self.query_one("#customer-text", Static).update(
            view.customer_panel(loaded.detail, self.desk.calendar.tz)
        )
        self._render_conversation()
        if self.showing_history:
            self._render_history()

    # ------------------------------------------------------------------ rendering

    def _render_top(self) -> None:
        assert self.detail is not None
        self.set_top(
            (f"#{self.ticket_id}", "bold"),
            "  ",
            safe_line(labels.subject(self.detail.ticket.subject), limit=80),
        )

    def _render_header(self) -> None:
        assert self.detail is not None
        loaded = Loaded(self.detail, self.drafts, self.others, self.mail)
        content = view.header(
            loaded, now=self.desk.now(), tz=self.desk.calendar.tz, composer_open=bool(self.composer.display)
        )
        self.query_one("#ticket-header", Static).update(content)

    def _render_conversation(self) -> None:
        detail = self.detail
        assert detail is not None
        ids = tuple(m.message.id or 0 for m in detail.messages)
        conversation = self.query_one("#conversation", VerticalScroll)
        for shown in conversation.query(MessageBox):  # a reply's e-mail may have gone out (or failed) since
            shown.set_delivery(self.mail.states.get(shown.message_id))
        if ids == self._shown_messages:
            return
        at_end = conversation.scroll_y >= conversation.max_scroll_y - 1 or not self._shown_messages
        known = set(self._shown_messages)
        appended = self._shown_messages and ids[: len(self._shown_messages)] == self._shown_messages
        if not appended:
            conversation.remove_children()
            known = set()
        tz = self.desk.calendar.tz
        widgets: list[Widget] = []
        for message_view in detail.messages:
            message = message_view.message
            if (message.id or 0) in known:
                continue
            title = view.message_title(message_view, self.ticket_id, tz)
            widgets.append(MessageBox(message_view, title, tz, self.mail.states.get(message.id or 0)))
        if not detail.messages:
            widgets.append(Static(Content.styled(_("No messages yet."), "$text-muted"), classes="message"))
        conversation.mount_all(widgets)
        self._shown_messages = ids
        if at_end:
            conversation.call_after_refresh(conversation.scroll_end, animate=False)

    def _render_history(self) -> None:
        assert self.detail is not None
        self.query_one("#history-text", Static).update(view.history(self.detail, self.desk.calendar.tz))

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide "take" on a ticket that is already the agent's (the footer has little room)."""
        return not (
            action == "take" and self.detail is not None and self.detail.ticket.assignee_id == self.actor.id
        )

    def ready_to_act(self) -> bool:
        """Whether a key that acts on the ticket may: it is shown, and no send is under way."""
        if self.detail is None:
            return False
        if self.composer.sending:
            notify(self.app, _("Still sending…"), severity="warning")
            return False
        return True

    def action_compose(self, kind: str) -> None:
        if not self.ready_to_act():
            return
        detail = self.detail
        assert detail is not None
        t = detail.ticket
        if t.status == Status.CLOSED.value and kind != "note":
            notify(
                self.app,
                _("This ticket is closed; a new message from the customer opens a follow-up."),
                severity="warning",
            )
            return
        if self.composer.display and self.composer.kind != kind:
            self.composer.save_draft()
        self.composer.open(
            self.ticket_id,
            kind,
            t.version,
            customer=one_line(detail.customer.name),
            complaint=t.category == "complaint",
            undecided=t.complaint_decision is None,
            status=t.status,
            draft=KEEPER.latest(self.desk, self.ticket_id, kind, self.drafts.get(kind)),
        )
        self._render_header()
        self.tell_presence(ACTIVITY.get(kind, "viewing"))

    @on(Composer.Closed)
    def _composer_closed(self) -> None:
        self.query_one("#conversation").focus()
        self.tell_presence("viewing")
        self.load()

    @on(Composer.Send)
    def _send(self, event: Composer.Send) -> None:
        self.actions.send(event.outgoing)

    def action_take(self) -> None:
        self.actions.take()

    def action_assign(self) -> None:
        self.actions.assign()

    def action_status(self) -> None:
        self.actions.status()

    def action_priority(self) -> None:
        self.actions.priority()

    def action_solve(self) -> None:
        self.actions.solve()

    def action_survey(self) -> None:
        self.actions.survey()

    def action_history(self) -> None:
        self.showing_history = not self.showing_history
        history = self.query_one("#history")
        history.display = self.showing_history
        self.query_one("#conversation").display = not self.showing_history
        if self.showing_history and self.detail is not None:
            self._render_history()
            history.focus()
        else:
            self.query_one("#conversation").focus()

    def action_quotes(self) -> None:
        """Open every folded quote and signature of the conversation, or fold them all again."""
        boxes = [box for box in self.query(MessageBox) if box.foldable]
        if not boxes:
            notify(self.app, _("No folded quotes in this conversation."))
            return
        expand = not all(box.expanded for box in boxes)
        for box in boxes:
            box.set_expanded(expand)

    def action_customer_panel(self) -> None:
        self.toggle_class("-toggle-customer")

    def action_neighbour(self, step: int) -> None:
        if self.neighbours is None:
            return
        target = self.neighbours(self.ticket_id, step)
        if target is None:
            notify(self.app, _("No more tickets in that direction in the queue."))
            return
        self.show(target)

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        if self.showing_history:
            self.action_history()
            return
        if self.composer.display:
            self.composer.save_draft()
        self._leave(self.ticket_id)
        self.dismiss(None)
