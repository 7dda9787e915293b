"""What the ticket screen shows of one read: the header, the customer panel, the history and the
messages' titles, as content built from the read (no widgets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from textual.content import Content

from ....core.enums import Status
from ....core.queries import MessageView, TicketDetail
from ....i18n import _, format_date, format_datetime, format_duration, ngettext
from ... import labels
from ...history import lines as history_lines
from ...safe_text import GAP, assemble, one_line, safe_line
from ...widgets.conversation import MailInfo, failure_line

Part = str | Content | tuple[str, str]
MUTED = "$text-muted"
STATUS_STYLE = {
    "new": "bold $text-accent",
    "open": "bold",
    "pending": "bold $text-primary",
    "on_hold": "bold $text-primary",
    "solved": "bold $text-success",
    "closed": "$text-muted",
}
PRIORITY_STYLE = {"urgent": "bold $text-error", "high": "bold $text-warning", "low": "$text-muted"}


@dataclass
class Loaded:
    """What one read of the ticket brought back (in a thread)."""

    detail: TicketDetail
    drafts: dict[str, Any] = field(default_factory=dict)
    others: list[tuple[str, str]] = field(default_factory=list)
    mail: MailInfo = field(default_factory=MailInfo)


def fingerprint(loaded: Loaded) -> tuple[Any, ...]:
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


def header(loaded: Loaded, *, now: datetime, tz: tzinfo, composer_open: bool) -> Content:
    """The lines above the conversation: subject, state, people, deadlines, and what else is known."""
    detail = loaded.detail
    t = detail.ticket
    lines: list[Content] = [
        assemble((f"#{t.id} ", "bold $text-accent"), safe_line(labels.subject(t.subject), "bold")),
        assemble(
            (_("Status") + " ", MUTED),
            (labels.status(t.status), STATUS_STYLE.get(t.status, "bold")),
            "   ",
            (_("Priority") + " ", MUTED),
            (labels.priority(t.priority), PRIORITY_STYLE.get(t.priority, "bold")),
            "   ",
            (_("Category") + " ", MUTED),
            (labels.category(t.category), "bold"),
            "   ",
            (_("Channel") + " ", MUTED),
            (labels.channel(t.channel), "bold"),
        ),
        assemble(
            (_("Assignee") + " ", MUTED),
            safe_line(detail.assignee.name, "bold")
            if detail.assignee
            else (_("nobody"), "bold $text-accent"),
            "   ",
            (_("Team") + " ", MUTED),
            safe_line(detail.team.name if detail.team else "—", "bold"),
        ),
    ]
    lines.append(deadlines(detail, now, tz))
    if loaded.mail.failed is not None:
        lines.append(failure_line(loaded.mail.failed))
    extra: list[Part] = []
    if detail.tags:
        extra += [(_("Tags") + " ", MUTED), safe_line(", ".join(detail.tags)), "   "]
    if detail.merged:
        extra += [(_("Merged here:") + " ", MUTED), ", ".join(f"#{n}" for n in detail.merged), "   "]
    if t.parent_id and t.link_kind:
        extra += [
            (_("Follow-up of") + " " if t.link_kind == "follow_up" else _("Merged into") + " ", MUTED),
            f"#{t.parent_id}",
            "   ",
        ]
    if loaded.others:
        who = ", ".join(presence_text(name, activity) for name, activity in loaded.others)
        extra += [(who, "bold $text-warning"), "   "]
    waiting = [labels.label("message", kind) for kind in ("reply", "note", "call") if kind in loaded.drafts]
    if waiting and not composer_open:
        extra += [
            (
                _("Unsent draft: {kinds} (press r, i or l)").format(kinds=", ".join(waiting)),
                "bold $text-warning",
            )
        ]
    if extra:
        lines.append(assemble(*extra))
    return Content("\n").join(lines)


def deadlines(detail: TicketDetail, now: datetime, tz: tzinfo) -> Content:
    """The header's line of clocks: the SLA target (or why there is none) and a complaint's deadline."""
    t = detail.ticket
    parts: list[Part] = []
    if t.status in (Status.SOLVED.value, Status.CLOSED.value):
        parts += [(_("Solved") + " ", MUTED), (format_datetime(t.solved_at, tz), "bold $text-success")]
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
            (target + " ", MUTED),
            (text, style),
            GAP,
            (f"({format_datetime(t.next_due_at, tz)})", MUTED),
        ]
    else:
        parts += [(_("No SLA target"), MUTED)]
    if t.category == "complaint" and t.complaint_due_at is not None:
        parts.append("   ")
        parts += _complaint(detail, now, tz)
    return assemble(*parts)


def _complaint(detail: TicketDetail, now: datetime, tz: tzinfo) -> list[Part]:
    t = detail.ticket
    assert t.complaint_due_at is not None
    if not t.complaint_decision and t.status in (Status.SOLVED.value, Status.CLOSED.value):
        return [(_("Complaint closed without a recorded decision"), "bold $text-warning")]
    if t.complaint_decision:
        return [
            (_("Complaint decided:") + " ", MUTED),
            (labels.label("decision", t.complaint_decision), "bold"),
            GAP,
            (f"({format_date(t.complaint_decided_at, tz)})", MUTED),
        ]
    days = (t.complaint_due_at - now).total_seconds() / 86400
    style = "bold $text-error" if days < 0 else ("bold $text-warning" if days < 3 else "bold")
    return [
        (_("Complaint deadline") + " ", MUTED),
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


def customer_panel(detail: TicketDetail, tz: tzinfo) -> Content:
    """The side panel: who the customer is, their earlier tickets and their last survey answers."""
    c = detail.customer
    lines: list[Content] = []
    name = safe_line(c.name, "bold")
    lines.append(assemble(name, ("  ★ VIP", "bold $text-accent") if c.vip else ""))
    if c.company:
        lines.append(safe_line(c.company))
    for contact in detail.contacts:
        icon = "✉ " if contact.kind == "email" else "☎ "
        lines.append(assemble((icon, MUTED), safe_line(contact.value)))
    lines.append(assemble((_("Language") + " ", MUTED), labels.label("language", c.language)))
    if c.notes.strip():
        lines.append(assemble((_("Notes") + " ", MUTED), safe_line(c.notes, limit=300)))
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
                (format_date(ticket.created_at, tz), MUTED),
                " ",
                (labels.status(ticket.status), "bold"),
            )
        )
        lines.append(assemble("  ", safe_line(labels.subject(ticket.subject), limit=33)))
    lines.append(Content(""))
    surveys = detail.customer_surveys
    lines.append(Content.styled(_("Last survey answers") if surveys else _("No survey answers yet"), "bold"))
    for answer in surveys[:5]:
        scores = []
        if answer.nps is not None:
            scores.append((f"NPS {answer.nps}", nps_style(answer.nps)))
        if answer.csat is not None:
            scores.append((f"CSAT {answer.csat}", "bold"))
        pieces: list[Part] = []
        for score in scores:
            pieces += [score, " "]
        pieces += [(format_date(answer.answered_at, tz), MUTED), " ", (f"#{answer.ticket_id}", MUTED)]
        lines.append(assemble(*pieces))
        if answer.comment:
            lines.append(assemble(("  “", MUTED), safe_line(answer.comment, limit=200), ("”", MUTED)))
    return Content("\n").join(lines)


def message_title(view: MessageView, ticket_id: int, tz: tzinfo) -> Content:
    """A message's border title: its kind, author and time (and the ticket it came from, if merged)."""
    message = view.message
    title = assemble(
        (labels.label("message", message.kind), "bold"),
        GAP,
        "· ",
        safe_line(view.author, limit=40),
        " · ",
        format_datetime(message.created_at, tz),
    )
    if message.ticket_id != ticket_id:
        title = assemble(title, " ·", GAP, (_("from #{number}").format(number=message.ticket_id), "italic"))
    return title


def history(detail: TicketDetail, tz: tzinfo) -> Content:
    """The ticket's history, one event a line."""
    return Content("\n").join(history_lines(detail.events, tz, detail.names))


def presence_text(name: str, activity: str) -> str:
    if activity == "replying":
        return _("{name} is replying").format(name=one_line(name))
    if activity == "noting":
        return _("{name} is writing a note").format(name=one_line(name))
    return _("{name} is viewing").format(name=one_line(name))


def nps_style(score: int) -> str:
    return (
        "bold $text-success" if score >= 9 else ("bold $text-warning" if score >= 7 else "bold $text-error")
    )
