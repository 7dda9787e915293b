"""Ticket detail: header, conversation, customer panel, history, the editor and every action."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...core.enums import TRANSITIONS, Priority, Status
from ...core.errors import AlreadyTaken, BokdeskError, Conflict
from ...core.queries import TicketDetail
from ...i18n import _, format_date, format_datetime, format_duration, ngettext
from .. import keymap, labels
from ..history import lines as history_lines
from ..live import LiveUpdate
from ..presence import ACTIVITY
from ..safe_text import GAP, assemble, notify, one_line, safe_line
from ..tasks import describe, run_service, show_error
from ..widgets.bars import TopBar
from ..widgets.conversation import MailInfo, MessageBox, failure_line, read_mail_info
from ..widgets.key_bar import KeyBar
from ..widgets.kpi_strip import KpiStrip
from .base import DeskScreen
from .dialogs import (
    AssignDialog,
    Assignment,
    ChoiceDialog,
    ConflictDialog,
    SurveyAnswerInput,
    SurveyDialog,
    agent_rows,
)
from .editor import KEEPER, Composer, Outgoing

Neighbours = Callable[[int, int], "int | None"]
SLOW_OPEN = 0.25  # seconds: a ticket read slower than this shows "Loading…" first
REHEARSAL_STEP = 0.05  # seconds between the rehearsal's steps (keys pressed meanwhile go first)
log = logging.getLogger("bokdesk.ui")


@dataclass
class Loaded:
    """What one read of the ticket brought back (in a thread)."""

    detail: TicketDetail
    drafts: dict[str, Any] = field(default_factory=dict)
    others: list[tuple[str, str]] = field(default_factory=list)
    mail: MailInfo = field(default_factory=MailInfo)


class TicketScreen(DeskScreen[None]):
    """One ticket, and everything an agent does with it."""

    COMPACT_FOOTER_BELOW = 100

    CSS_PATH = "ticket.tcss"
    BINDINGS = keymap.TICKET
    AUTO_FOCUS = "#conversation"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]

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
        self._shown_messages: tuple[int, ...] = ()
        self._loading = False
        self._stale = False
        self._present: Callable[[], object] | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self._look: tuple[Any, ...] | None = None
        self._built = False
        self._rehearsal: object | None = None

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
        self.app.desk_changed.subscribe(self, self._desk_changed)  # type: ignore[attr-defined]
        self.query_one("#ticket-header", Static).update(Content.styled(_("Loading…"), "$text-muted"))
        self._activity = "viewing"
        if self.ticket_id:
            self.load()
            self._presence("viewing")
        presence = getattr(self.app, "presence", None)
        if presence is not None and presence.available:
            self.set_interval(presence.refresh_seconds, self._keep_presence)

    def _keep_presence(self) -> None:
        """Refresh this agent's entry while the ticket is open. The screen is reused, so it stays
        mounted after the agent went back to the queue: then it must not say they are still here."""
        if self.ticket_id and self in self.app.screen_stack:
            self._presence(self._activity)

    def on_screen_suspend(self) -> None:
        """Leaving the screen (f2, f3, a dialog): what is typed goes to the draft now, not in 0.8 s."""
        if self.composer.display:
            self.composer.save_draft()

    def on_unmount(self) -> None:
        if self.ticket_id and self._rehearsal is None:
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
        rehearsing, self._rehearsal = self._rehearsal is not None, None  # the agent's ticket goes first
        if self.ticket_id and self.ticket_id != ticket_id and not rehearsing:
            self._leave(self.ticket_id)
        self.ticket_id = ticket_id
        self._present = present
        self._stale = False
        self.load()
        self._presence("viewing")
        self.set_timer(SLOW_OPEN, lambda: self._slow_open(ticket_id))

    def _slow_open(self, ticket_id: int) -> None:
        """The read is slow: show "Loading…" (and the screen) rather than wait with nothing."""
        if self.ticket_id != ticket_id or (self.detail is not None and self.detail.ticket.id == ticket_id):
            return
        self._clear()
        present, self._present = self._present, None
        if present is not None:
            present()

    def _clear(self) -> None:
        self.detail = None
        self.drafts, self.others, self.mail = {}, [], MailInfo()
        self._shown_messages = ()
        self._fingerprint = None
        self.query_one("#conversation", VerticalScroll).remove_children()
        self.query_one("#ticket-header", Static).update(Content.styled(_("Loading…"), "$text-muted"))
        self.query_one("#customer-text", Static).update("")

    def _presence(self, activity: str) -> None:
        """Tell colleagues what this agent does on the ticket (when presence is installed)."""
        self._activity = activity
        presence = getattr(self.app, "presence", None)
        if presence is None or not presence.available:
            return
        ticket_id = self.ticket_id
        run_service(self.app, lambda: presence.touch(ticket_id, activity), group="presence")

    def _leave(self, ticket_id: int) -> None:
        presence = getattr(self.app, "presence", None)
        if presence is not None and presence.available:
            run_service(self.app, lambda: presence.leave(ticket_id), group="presence")

    # ------------------------------------------------------------------ loading

    def _reader(self, ticket_id: int) -> Callable[[], Loaded]:
        """The read of one ticket, everything the screen shows (to run in a thread)."""
        desk, actor = self.desk, self.actor
        presence = getattr(self.app, "presence", None)

        def read() -> Loaded:
            from ...core.queries import ticket_detail
            from ...core.services import drafts

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
        read = self._reader(self.ticket_id)

        def done(loaded: Loaded) -> None:
            self._loading = False
            if loaded.detail.ticket.id == self.ticket_id:  # not a read of the ticket shown before
                self._show(loaded)
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

    # ------------------------------------------------------------------ the rehearsal

    def rehearse(self, ticket_id: int) -> None:
        """Before the first ticket of a session, off screen: do once what opening a ticket does.

        The first ticket of a session used to cost twice what later ones do: SQLAlchemy compiled
        the detail's statements, Textual restyled the whole never-shown screen on its first push and
        again for its width's breakpoint class, and laid out and rendered its widgets at the
        terminal's size for the first time (caches of styles, strips, segments). Here a real ticket
        (``ticket_id``, the queue's current row) is read, shown in the screen while it is off the
        stack, laid out at the terminal's size and rendered to nothing, then the screen is emptied
        again. Nothing reaches the terminal, presence is not told, nothing is written. Each step is
        its own turn of the event loop and waits for a pause in the agent's keys, so a key waits for
        one step at most; an agent who opens a ticket first ends the rehearsal (``show``)."""
        if self._built or self.detail is not None or self._rehearsal is not None or not self.is_mounted:
            return
        token = self._rehearsal = object()
        read = self._reader(ticket_id)

        def going() -> bool:
            return self._rehearsal is token and self not in self.app.screen_stack

        def idle(step: Callable[[], None]) -> None:  # each step waits for a pause in the agent's keys
            when_idle = getattr(self.app, "when_idle", None)
            if when_idle is None:
                step()
            else:
                when_idle(step)

        def work() -> None:
            try:
                loaded = read()
            except Exception:  # noqa: BLE001 - only a warm-up: the first real open does it again
                log.debug("ticket screen rehearsal: read failed", exc_info=True)
                return
            try:
                self.app.call_from_thread(idle, lambda: fill(loaded))
            except RuntimeError:  # the app has stopped
                pass

        def fill(loaded: Loaded) -> None:
            if going():
                self.ticket_id = loaded.detail.ticket.id
                self._show(loaded)
                self.set_timer(REHEARSAL_STEP, lambda: idle(lay_out))

        def lay_out() -> None:
            if going():
                self._rehearse_step(lambda: self._refresh_layout(self.app.size))  # and the breakpoint classes
                self.set_timer(REHEARSAL_STEP, lambda: idle(render))

        def render() -> None:
            if going():
                self._rehearse_step(
                    lambda: self._compositor.render_update(full=True).render_segments(self.app.console)
                )
                self.set_timer(REHEARSAL_STEP, lambda: idle(finish))

        def finish() -> None:
            if going():
                self._rehearsal = None
                self._clear()
                self.ticket_id = 0
                self._look = (
                    self.app.theme,
                    self.app.size,
                )  # styled at this size: the first push needs no restyle

        self.app.run_worker(work, thread=True, group="ticket-rehearsal", exit_on_error=False)

    @staticmethod
    def _rehearse_step(step: Callable[[], object]) -> None:
        """A step that uses Textual's internals (``Screen._refresh_layout``, ``Screen._compositor``):
        if they change, the rehearsal only warms less."""
        try:
            step()
        except Exception:  # noqa: BLE001
            log.debug("ticket screen rehearsal step failed", exc_info=True)

    def _desk_changed(self, update: LiveUpdate) -> None:
        if self.app.screen is self:
            self.load()
        else:
            self._stale = True

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown again. Textual restyles every widget of a pushed screen; this one is pushed for each
        ticket and nothing about its styles changes unless the theme or the size did."""
        look = (self.app.theme, self.app.size)
        if look == self._look:
            event.refresh_styles = False
        self._look = look
        if self._stale and self.detail is not None:
            self._stale = False
            self.load()

    def _show(self, loaded: Loaded) -> None:
        fingerprint = _fingerprint(loaded)
        if fingerprint == self._fingerprint:  # a refresh that found nothing new (e.g. after our own
            return  # presence write): nothing to repaint
        if self.detail is not None and self.detail.ticket.id != loaded.detail.ticket.id:
            self._clear()  # another ticket: its messages replace these (still off screen, or in one frame)
        self._fingerprint = fingerprint
        if not self._built:  # the first ticket shown: the screen's widgets live as long as the app
            self._built = True
            from ..app import freeze_long_lived

            self.call_after_refresh(freeze_long_lived)
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
        self._render_customer()
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
        detail = self.detail
        assert detail is not None
        t = detail.ticket
        tz = self.desk.calendar.tz
        now = self.desk.now()
        muted = "$text-muted"
        status_style = {
            "new": "bold $text-accent",
            "open": "bold",
            "pending": "bold $text-primary",
            "on_hold": "bold $text-primary",
            "solved": "bold $text-success",
            "closed": "$text-muted",
        }
        priority_style = {"urgent": "bold $text-error", "high": "bold $text-warning", "low": "$text-muted"}
        lines: list[Content] = [
            assemble((f"#{t.id} ", "bold $text-accent"), safe_line(labels.subject(t.subject), "bold")),
            assemble(
                (_("Status") + " ", muted),
                (labels.status(t.status), status_style.get(t.status, "bold")),
                "   ",
                (_("Priority") + " ", muted),
                (labels.priority(t.priority), priority_style.get(t.priority, "bold")),
                "   ",
                (_("Category") + " ", muted),
                (labels.category(t.category), "bold"),
                "   ",
                (_("Channel") + " ", muted),
                (labels.channel(t.channel), "bold"),
            ),
            assemble(
                (_("Assignee") + " ", muted),
                safe_line(detail.assignee.name, "bold")
                if detail.assignee
                else (_("nobody"), "bold $text-accent"),
                "   ",
                (_("Team") + " ", muted),
                safe_line(detail.team.name if detail.team else "—", "bold"),
            ),
        ]
        lines.append(self._deadlines(detail, now, tz))
        if self.mail.failed is not None:
            lines.append(failure_line(self.mail.failed))
        extra: list[str | Content | tuple[str, str]] = []
        if detail.tags:
            extra += [(_("Tags") + " ", muted), safe_line(", ".join(detail.tags)), "   "]
        if detail.merged:
            extra += [(_("Merged here:") + " ", muted), ", ".join(f"#{n}" for n in detail.merged), "   "]
        if t.parent_id and t.link_kind:
            extra += [
                (_("Follow-up of") + " " if t.link_kind == "follow_up" else _("Merged into") + " ", muted),
                f"#{t.parent_id}",
                "   ",
            ]
        if self.others:
            who = ", ".join(_presence_text(name, activity) for name, activity in self.others)
            extra += [(who, "bold $text-warning"), "   "]
        waiting = [labels.label("message", kind) for kind in ("reply", "note", "call") if kind in self.drafts]
        if waiting and not self.composer.display:
            extra += [
                (
                    _("Unsent draft: {kinds} (press r, i or l)").format(kinds=", ".join(waiting)),
                    "bold $text-warning",
                )
            ]
        if extra:
            lines.append(assemble(*extra))
        header = self.query_one("#ticket-header", Static)
        header.update(Content("\n").join(lines))

    def _deadlines(self, detail: TicketDetail, now: datetime, tz: Any) -> Content:
        t = detail.ticket
        muted = "$text-muted"
        parts: list[str | Content | tuple[str, str]] = []
        if t.status in (Status.SOLVED.value, Status.CLOSED.value):
            parts += [(_("Solved") + " ", muted), (format_datetime(t.solved_at, tz), "bold $text-success")]
            if t.frt_breached or t.resolution_breached:
                parts += ["   ", (_("SLA was breached"), "bold $text-error")]
        elif t.pending_since is not None:
            parts += [
                (
                    _("Waiting for the customer since {when}; the resolution clock is paused").format(
                        when=format_datetime(t.pending_since, tz)
                    ),
                    "bold $text-primary",
                )
            ]
        elif t.next_due_at is not None:
            target = _("First response") if t.first_response_at is None else _("Resolution")
            left = int((t.next_due_at - now).total_seconds())
            at_risk = t.next_risk_at is not None and t.next_risk_at <= now
            if left < 0:
                text, style = _("overdue by {time}").format(time=format_duration(-left)), "bold $text-error"
            else:
                text = _("due in {time}").format(time=format_duration(left))
                style = "bold $text-warning" if at_risk else "bold $text-success"
            parts += [
                (target + " ", muted),
                (text, style),
                GAP,
                (f"({format_datetime(t.next_due_at, tz)})", muted),
            ]
        else:
            parts += [(_("No SLA target"), muted)]
        if t.category == "complaint" and t.complaint_due_at is not None:
            parts.append("   ")
            if not t.complaint_decision and t.status in (Status.SOLVED.value, Status.CLOSED.value):
                parts += [(_("Complaint closed without a recorded decision"), "bold $text-warning")]
            elif t.complaint_decision:
                parts += [
                    (_("Complaint decided:") + " ", muted),
                    (labels.label("decision", t.complaint_decision), "bold"),
                    GAP,
                    (f"({format_date(t.complaint_decided_at, tz)})", muted),
                ]
            else:
                days = (t.complaint_due_at - now).total_seconds() / 86400
                style = "bold $text-error" if days < 0 else ("bold $text-warning" if days < 3 else "bold")
                parts += [
                    (_("Complaint deadline") + " ", muted),
                    (format_date(t.complaint_due_at, tz), style),
                    GAP,
                    (
                        "("
                        + (
                            _("overdue by {time}").format(time=format_duration(-days * 86400))
                            if days < 0
                            else _("in {time}").format(time=format_duration(days * 86400))
                        )
                        + ")",
                        style,
                    ),
                ]
        return assemble(*parts)

    def _render_customer(self) -> None:
        detail = self.detail
        assert detail is not None
        c = detail.customer
        tz = self.desk.calendar.tz
        muted = "$text-muted"
        lines: list[Content] = []
        name = safe_line(c.name, "bold")
        lines.append(assemble(name, ("  ★ VIP", "bold $text-accent") if c.vip else ""))
        if c.company:
            lines.append(safe_line(c.company))
        for contact in detail.contacts:
            icon = "✉ " if contact.kind == "email" else "☎ "
            lines.append(assemble((icon, muted), safe_line(contact.value)))
        lines.append(assemble((_("Language") + " ", muted), labels.label("language", c.language)))
        if c.notes.strip():
            lines.append(assemble((_("Notes") + " ", muted), safe_line(c.notes, limit=300)))
        lines.append(Content(""))
        earlier = detail.earlier
        lines.append(
            Content.styled(
                ngettext("{n} earlier ticket", "{n} earlier tickets", len(earlier)).format(n=len(earlier))
                if earlier
                else _("No earlier tickets"),
                "bold",
            )
        )
        for ticket in earlier[:12]:
            lines.append(
                assemble(
                    (f"#{ticket.id} ", "$text-accent"),
                    (format_date(ticket.created_at, tz), muted),
                    " ",
                    (labels.status(ticket.status), "bold"),
                )
            )
            lines.append(assemble("  ", safe_line(labels.subject(ticket.subject), limit=33)))
        lines.append(Content(""))
        surveys = detail.customer_surveys
        lines.append(
            Content.styled(_("Last survey answers") if surveys else _("No survey answers yet"), "bold")
        )
        for answer in surveys[:5]:
            scores = []
            if answer.nps is not None:
                scores.append((f"NPS {answer.nps}", _nps_style(answer.nps)))
            if answer.csat is not None:
                scores.append((f"CSAT {answer.csat}", "bold"))
            pieces: list[str | Content | tuple[str, str]] = []
            for score in scores:
                pieces += [score, " "]
            pieces += [(format_date(answer.answered_at, tz), muted), " ", (f"#{answer.ticket_id}", muted)]
            lines.append(assemble(*pieces))
            if answer.comment:
                lines.append(assemble(("  “", muted), safe_line(answer.comment, limit=200), ("”", muted)))
        self.query_one("#customer-text", Static).update(Content("\n").join(lines))

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
        widgets = []
        for view in detail.messages:
            message = view.message
            if (message.id or 0) in known:
                continue
            kind = message.kind
            title = assemble(
                (labels.label("message", kind), "bold"),
                GAP,
                "· ",
                safe_line(view.author, limit=40),
                " · ",
                format_datetime(message.created_at, tz),
            )
            if message.ticket_id != self.ticket_id:
                title = assemble(
                    title, " ·", GAP, (_("from #{number}").format(number=message.ticket_id), "italic")
                )
            widgets.append(MessageBox(view, title, tz, self.mail.states.get(message.id or 0)))
        if not detail.messages:
            widgets.append(Static(Content.styled(_("No messages yet."), "$text-muted"), classes="message"))
        conversation.mount_all(widgets)
        self._shown_messages = ids
        if at_end:
            conversation.call_after_refresh(conversation.scroll_end, animate=False)

    def _render_history(self) -> None:
        detail = self.detail
        assert detail is not None
        lines = history_lines(detail.events, self.desk.calendar.tz, detail.names)
        self.query_one("#history-text", Static).update(Content("\n").join(lines))

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide "take" on a ticket that is already the agent's (the footer has little room)."""
        return not (
            action == "take" and self.detail is not None and self.detail.ticket.assignee_id == self.actor.id
        )

    def _ready(self) -> bool:
        if self.detail is None:
            return False
        if self.composer.sending:
            notify(self.app, _("Still sending…"), severity="warning")
            return False
        return True

    def action_compose(self, kind: str) -> None:
        if not self._ready():
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
        self._presence(ACTIVITY.get(kind, "viewing"))

    @on(Composer.Closed)
    def _composer_closed(self) -> None:
        self.query_one("#conversation").focus()
        self._presence("viewing")
        self.load()

    @on(Composer.Send)
    def _send(self, event: Composer.Send) -> None:
        out: Outgoing = event.outgoing
        desk, actor, ticket_id = self.desk, self.actor, self.ticket_id
        from ...core.services import tickets

        def send() -> str | None:
            """Store it; for a reply, also say where its e-mail goes (None: nowhere)."""
            try:
                if out.kind == "reply":
                    tickets.reply(
                        desk,
                        actor,
                        ticket_id,
                        out.body,
                        expected_version=out.base_version,
                        set_status=out.set_status,
                        complaint_decision=out.decision,
                        decision_reason=out.reason,
                    )
                elif out.kind == "call":
                    tickets.log_call(
                        desk,
                        actor,
                        ticket_id,
                        out.body,
                        expected_version=out.base_version,
                        set_status=out.set_status,
                    )
                else:
                    tickets.add_note(desk, actor, ticket_id, out.body, expected_version=out.base_version)
            except BaseException:
                KEEPER.settle(
                    desk, actor, ticket_id, out.kind, sent=False, text=out.body, base=out.base_version
                )
                raise
            KEEPER.settle(desk, actor, ticket_id, out.kind, sent=True, text="", base=None)
            if out.kind != "reply":
                return None
            from ...channels.view import reply_recipients

            return reply_recipients(desk, ticket_id)[0]

        def done(to: str | None) -> None:
            self.composer.mark_sent()
            self.drafts.pop(out.kind, None)
            self.composer.display = False
            self.query_one("#conversation").focus()
            if out.kind != "reply":
                said = _("Call logged") if out.kind == "call" else _("Note added")
            elif to:  # the outbox sends it; the message's border follows its delivery
                said = _("Reply saved; its e-mail to {address} is queued for sending").format(address=to)
            else:
                said = _("Reply saved; not e-mailed (the customer has no e-mail address)")
            notify(self.app, said, title=_("Ticket #{number}").format(number=ticket_id))
            self._presence("viewing")
            self.load()
            self.app.request_refresh()  # type: ignore[attr-defined]

        def failed(error: BokdeskError) -> None:
            self.composer.sending = False
            if isinstance(error, Conflict):
                self._conflict(error)
            else:
                show_error(self.app, error)

        run_service(self.app, send, done=done, failed=failed, group="send")

    def _conflict(self, error: BokdeskError) -> None:
        def chosen(choice: str | None) -> None:
            if choice == "reload":
                self._reload_keeping_text()
            else:
                self.composer.area.focus()

        self.app.push_screen(
            ConflictDialog(describe(error, self.app), has_text=bool(self.composer.text.strip())), chosen
        )

    def _reload_keeping_text(self) -> None:
        """Reload the ticket; the editor keeps its text and will send against the new version."""
        desk, ticket_id = self.desk, self.ticket_id

        def read() -> int:
            from ...core.queries import ticket_detail

            return ticket_detail(desk, ticket_id).ticket.version

        def done(version: int) -> None:
            self.composer.base_version = version
            self.composer.save_draft()
            notify(
                self.app,
                _("Reloaded. Read what changed, then press Ctrl+S again to send."),
                title=_("Ticket #{number}").format(number=ticket_id),
            )
            self.load()
            self.composer.area.focus()

        run_service(self.app, read, done=done, group="ticket-load")

    def _write(self, call: Callable[[], Any], message: str) -> None:
        """Run a ticket action; on success say so and reload, on a conflict offer a reload."""

        def done(_result: Any) -> None:
            notify(self.app, message, title=_("Ticket #{number}").format(number=self.ticket_id))
            self.load()
            self.app.request_refresh()  # type: ignore[attr-defined]

        def failed(error: BokdeskError) -> None:
            if isinstance(error, AlreadyTaken):
                notify(self.app, describe(error, self.app), title=_("Too late"), severity="warning")
                self.load()
            elif isinstance(error, Conflict):
                notify(
                    self.app,
                    describe(error, self.app) + " " + _("The ticket was reloaded; try again."),
                    title=_("Someone else changed this ticket"),
                    severity="warning",
                    timeout=10,
                )
                self.load()
            else:
                show_error(self.app, error)

        run_service(self.app, call, done=done, failed=failed, group="ticket-write")

    def action_take(self) -> None:
        if not self._ready():
            return
        from ...core.services import tickets

        desk, actor, ticket_id = self.desk, self.actor, self.ticket_id
        self.app.locally_claimed.add(ticket_id)  # type: ignore[attr-defined]
        self._write(lambda: tickets.take(desk, actor, ticket_id), _("Taken: it is yours now"))

    def action_assign(self) -> None:
        if not self._ready():
            return
        detail = self.detail
        assert detail is not None
        desk, actor, ticket_id, version = self.desk, self.actor, self.ticket_id, detail.ticket.version
        current = detail.ticket.assignee_id
        needs_note = current is not None or detail.ticket.team_id is not None

        def open_dialog(rows: tuple[list[Any], list[Any]]) -> None:
            agents, teams = rows

            def chosen(result: Assignment | None) -> None:
                if result is None:
                    return
                from ...core.services import tickets

                if result.agent_id is not None and result.agent_id not in (current, actor.id):
                    self.app.locally_claimed.discard(ticket_id)  # type: ignore[attr-defined]
                self._write(
                    lambda: tickets.assign(
                        desk,
                        actor,
                        ticket_id,
                        agent_id=result.agent_id,
                        team_id=result.team_id,
                        note=result.note,
                        expected_version=version,
                    ),
                    _("Assigned"),
                )

            self.app.push_screen(
                AssignDialog(agents, teams, current_agent=current, needs_note=needs_note, me=actor.id), chosen
            )

        run_service(self.app, lambda: agent_rows(desk), done=open_dialog, group="ticket-load")

    def action_status(self) -> None:
        if not self._ready():
            return
        detail = self.detail
        assert detail is not None
        current = Status(detail.ticket.status)
        allowed = [s for s in Status if s in TRANSITIONS[current]]
        if not allowed:
            notify(self.app, _("A closed ticket keeps its status."), severity="warning")
            return
        desk, actor, ticket_id, version = self.desk, self.actor, self.ticket_id, detail.ticket.version

        def chosen(status: Status | None) -> None:
            if status is None:
                return
            from ...core.services import tickets

            self._write(
                lambda: tickets.set_status(desk, actor, ticket_id, status.value, expected_version=version),
                _("Status: {status}").format(status=labels.status(status.value)),
            )

        options = [(s, labels.status(s.value)) for s in allowed]
        self.app.push_screen(
            ChoiceDialog(
                _("Set status (now: {status})").format(status=labels.status(current.value)), options
            ),
            chosen,
        )

    def action_priority(self) -> None:
        if not self._ready():
            return
        detail = self.detail
        assert detail is not None
        desk, actor, ticket_id, version = self.desk, self.actor, self.ticket_id, detail.ticket.version

        def chosen(priority: Priority | None) -> None:
            if priority is None or priority.value == detail.ticket.priority:
                return
            from ...core.services import tickets

            self._write(
                lambda: tickets.set_priority(
                    desk, actor, ticket_id, priority.value, expected_version=version
                ),
                _("Priority: {priority} (SLA targets recomputed)").format(
                    priority=labels.priority(priority.value)
                ),
            )

        options = [(p, labels.priority(p.value)) for p in reversed(list(Priority))]
        self.app.push_screen(
            ChoiceDialog(
                _("Set priority (now: {priority})").format(priority=labels.priority(detail.ticket.priority)),
                options,
                current=Priority(detail.ticket.priority),
            ),
            chosen,
        )

    def action_solve(self) -> None:
        if not self._ready():
            return
        detail = self.detail
        assert detail is not None
        if detail.ticket.status == Status.SOLVED.value:
            notify(self.app, _("Already solved."))
            return
        from ...core.services import tickets

        desk, actor, ticket_id, version = self.desk, self.actor, self.ticket_id, detail.ticket.version
        self._write(lambda: tickets.solve(desk, actor, ticket_id, expected_version=version), _("Solved"))

    def action_survey(self) -> None:
        if not self._ready():
            return
        desk, actor, ticket_id = self.desk, self.actor, self.ticket_id

        def chosen(answer: SurveyAnswerInput | None) -> None:
            if answer is None:
                return
            from ...core.services import surveys

            self._write(
                lambda: surveys.record(
                    desk, actor, ticket_id, nps=answer.nps, csat=answer.csat, comment=answer.comment or None
                ),
                _("Survey answer recorded"),
            )

        self.app.push_screen(SurveyDialog(), chosen)

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


def _fingerprint(loaded: Loaded) -> tuple[Any, ...]:
    """Everything the screen shows of a read, to tell whether a refresh changed anything."""
    d = loaded.detail

    def row(obj: Any) -> tuple[Any, ...]:
        return tuple(v for k, v in sorted(vars(obj).items()) if not k.startswith("_"))

    return (
        row(d.ticket),
        row(d.customer),
        tuple(row(c) for c in d.contacts),
        d.assignee.id if d.assignee else None,
        d.team.id if d.team else None,
        tuple(d.tags),
        tuple((m.message.id, m.author, len(m.attachments)) for m in d.messages),
        tuple(e.id for e in d.events),
        tuple((t.id, t.status) for t in d.earlier),
        tuple(s.id for s in d.surveys),
        tuple(s.id for s in d.customer_surveys),
        tuple(d.merged),
        tuple(d.follow_ups),
        tuple(sorted((kind, row(draft)) for kind, draft in loaded.drafts.items())),
        tuple(loaded.others),
        repr(loaded.mail),
    )


def _presence_text(name: str, activity: str) -> str:
    if activity == "replying":
        return _("{name} is replying").format(name=one_line(name))
    if activity == "noting":
        return _("{name} is writing a note").format(name=one_line(name))
    return _("{name} is viewing").format(name=one_line(name))


def _nps_style(score: int) -> str:
    return (
        "bold $text-success" if score >= 9 else ("bold $text-warning" if score >= 7 else "bold $text-error")
    )
