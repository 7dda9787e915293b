"""One message of a ticket's conversation, with what the e-mail channel adds to it.

- A customer's e-mail shows its new text; the quoted history and the signature below it
  (``channels.view.message_parts``) are folded to one line, "… 12 quoted lines", that a click (or
  the ticket's key for quoted text) opens and closes.
- Attachments are listed under the text: name, type and size ("not stored" when over the limit).
- A public reply carries its e-mail's state in the box's bottom border (queued, being sent, sent,
  retrying at HH:MM, failed) and, when it failed, the reason in the box; ``failure_line`` is the
  same warning for the ticket's header.

Everything the customer wrote, and every address and server answer, reaches the screen through
``ui.safe_text``; the only markup here is the fold line's own click action, with its label passed
as a variable (never parsed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.widgets import Static

from ...i18n import _, format_datetime, format_time, ngettext
from ..notices import say, say_notice
from ..safe_text import assemble, one_line, safe, safe_line

if TYPE_CHECKING:
    from ...channels.view import DeliveryState
    from ...core.queries import MessageView, TicketDetail

MUTED = "$text-muted"


@dataclass(frozen=True)
class MailInfo:
    """The e-mail side of a ticket: each reply's delivery, and the latest failure (read in a thread)."""

    states: dict[int, DeliveryState] = field(default_factory=dict)
    failed: DeliveryState | None = None


def read_mail_info(desk: Any, detail: TicketDetail) -> MailInfo:
    """Read the outbox state of the ticket's replies (call it from a thread worker)."""
    from ...channels.view import ticket_deliveries

    replies = [
        m.message.id for m in detail.messages if m.message.kind == "reply" and m.message.id is not None
    ]
    ticket_id = detail.ticket.id
    assert ticket_id is not None  # a stored ticket
    states, failed = ticket_deliveries(desk, ticket_id, replies)
    return MailInfo(states, failed)


def human_size(size: int) -> str:
    from ...channels.view import human_size as size_text

    return size_text(size)


def attachment_line(attachment: Any) -> Content:
    """``Attachment  faktura.pdf · application/pdf · 120 kB`` (or "not stored")."""
    parts: list[str | Content | tuple[str, str]] = [
        (_("Attachment") + "  ", MUTED),
        safe_line(attachment.filename, "bold", limit=60),
        (" · ", MUTED),
        safe_line(attachment.content_type, limit=40),
        (" · ", MUTED),
        human_size(attachment.size),
    ]
    if attachment.data is None:
        parts += [
            (" · ", MUTED),
            (_("not stored (over the size limit; it is in the mailbox)"), "$text-warning"),
        ]
    return assemble(*parts)


def delivery_badge(state: DeliveryState, tz: tzinfo) -> Content:
    """The e-mail's state in a few words, for the reply's bottom border."""
    if state.status == "sent":
        return assemble(
            ("✉ ", MUTED), (_("sent {when}").format(when=format_datetime(state.sent_at, tz)), MUTED)
        )
    if state.status == "failed":
        return Content.styled("✉ " + _("NOT SENT"), "bold $text-error")
    if state.retrying and state.next_attempt_at is not None:
        return Content.styled(
            "✉ "
            + ngettext(
                "not sent yet, retrying at {time} ({n} attempt)",
                "not sent yet, retrying at {time} ({n} attempts)",
                state.attempts,
            ).format(time=format_time(state.next_attempt_at, tz), n=state.attempts),
            "bold $text-warning",
        )
    if state.status == "sending":
        return Content.styled("✉ " + _("being sent"), "$text-primary")
    return Content.styled("✉ " + _("queued"), "$text-primary")


def delivery_detail(state: DeliveryState) -> Content | None:
    """The line inside a reply's box: who it goes to (and the Cc), and why it failed or waits."""
    to: list[str | Content | tuple[str, str]] = [safe_line(state.to_addr, limit=80)]
    if state.cc:
        to += [(" " + _("Cc") + " ", MUTED), safe_line(", ".join(state.cc), limit=160)]
    if state.status == "failed":
        return assemble(
            (
                _("The e-mail to {address} was not sent:").format(address=one_line(state.to_addr, 80)) + " ",
                "bold $text-error",
            ),
            safe_line(error_text(state), limit=300),
            (
                " "
                + _("(`bokdesk mail outbox retry {number}` sends it again)").format(number=state.outbox_id),
                MUTED,
            ),
        )
    if state.retrying:
        return assemble(
            (_("E-mail to") + " ", MUTED),
            *to,
            (" · " + _("last error:") + " ", MUTED),
            safe_line(error_text(state, ""), limit=300),
        )
    if state.cc:
        return assemble((_("E-mail to") + " ", MUTED), *to)
    return None


def failure_line(state: DeliveryState) -> Content:
    """One line for the ticket's header: an e-mail of this ticket could not be delivered."""
    text = (
        _("✉ The e-mail survey to {address} failed:")
        if state.kind == "survey"
        else _("✉ The e-mail reply to {address} failed:")
    ).format(address=one_line(state.to_addr, 60))
    return assemble((text + " ", "bold $text-error"), safe_line(error_text(state), limit=160))


def error_text(state: DeliveryState, unknown: str | None = None) -> str:
    """The e-mail's last error in the agent's language (a server's own answer as it wrote it)."""
    if not state.last_error:
        return _("unknown error") if unknown is None else unknown
    return say_notice(state.error, state.last_error)


def folded_label(folded: str, expanded: bool) -> str:
    lines = folded.count("\n") + 1
    # Only a signature: the signature label; a signature above quoted history: the quote's.
    signature = folded.startswith("--") and not any(line.startswith(">") for line in folded.split("\n"))
    if expanded:
        return (
            ngettext("▾ hide the signature ({n} line)", "▾ hide the signature ({n} lines)", lines)
            if signature
            else ngettext("▾ hide {n} quoted line", "▾ hide {n} quoted lines", lines)
        ).format(n=lines)
    return (
        ngettext("… signature ({n} line)", "… signature ({n} lines)", lines)
        if signature
        else ngettext("… {n} quoted line", "… {n} quoted lines", lines)
    ).format(n=lines)


class MessageBox(Static):
    """One message: its text (quotes folded), attachments, and for a reply the e-mail's state."""

    def __init__(
        self, view: MessageView, title: Content, tz: tzinfo, delivery: DeliveryState | None = None
    ) -> None:
        from ...channels.view import message_parts

        message = view.message
        super().__init__(classes=f"message message-{message.kind}")
        self.message_id = message.id or 0
        if message.notice_code:  # written by the desk itself: said in the agent's language
            self.new, self.folded = say(message.notice_code, message.notice_params, message.body), ""
        else:
            self.new, self.folded = message_parts(message)
        self.attachments = list(view.attachments)
        self.delivery = delivery
        self.expanded = False
        self.tz = tz
        self.border_title = title
        self._paint()

    @property
    def foldable(self) -> bool:
        return bool(self.folded)

    def set_expanded(self, expanded: bool) -> None:
        if self.folded and expanded != self.expanded:
            self.expanded = expanded
            self._paint()

    def set_delivery(self, state: DeliveryState | None) -> None:
        if state != self.delivery:
            self.delivery = state
            self._paint()

    def action_toggle_fold(self) -> None:
        self.set_expanded(not self.expanded)

    def _paint(self) -> None:
        parts: list[Content] = [safe(self.new)]
        if self.folded:
            label = Content.from_markup(
                "[@click=toggle_fold]$label[/]", label=folded_label(self.folded, self.expanded)
            )
            parts.append(label.stylize("$text-accent" if self.expanded else "underline $text-muted"))
            if self.expanded:
                parts.append(safe(self.folded, MUTED))
        parts += [attachment_line(a) for a in self.attachments]
        if self.delivery is not None:
            detail = delivery_detail(self.delivery)
            if detail is not None:
                parts.append(detail)
            self.border_subtitle = delivery_badge(self.delivery, self.tz)
        self.update(Content("\n").join(parts))


__all__ = ["MailInfo", "MessageBox", "attachment_line", "delivery_badge", "failure_line", "read_mail_info"]
