"""What an agent writes on the ticket the screen shows: a reply, note or call log, take, assign,
status, priority, solve, a survey answer. Each write runs in a worker; then a notice and a reload,
or, when someone else changed the ticket meanwhile, the conflict's way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ....core.enums import TRANSITIONS, Priority, Status
from ....core.errors import AlreadyTaken, BokdeskError, Conflict
from ....i18n import _
from ... import labels
from ...safe_text import notify
from ...tasks import describe, run_service, show_error
from ..dialogs import ChoiceDialog
from ..editor import KEEPER, Outgoing
from .dialogs import AssignDialog, Assignment, ConflictDialog, SurveyAnswerInput, SurveyDialog, agent_rows

if TYPE_CHECKING:
    from .screen import TicketScreen


class TicketActions:
    """The writes of one ticket screen (its keys call these)."""

    def __init__(self, screen: TicketScreen) -> None:
        self.screen = screen

    def _said(self, message: str, ticket_id: int) -> None:
        notify(self.screen.app, message, title=_("Ticket #{number}").format(number=ticket_id))

    def send(self, out: Outgoing) -> None:
        """Store what the editor sends; for a reply, say where its e-mail goes."""
        screen = self.screen
        desk, actor, ticket_id = screen.desk, screen.actor, screen.ticket_id
        from ....core.services import tickets

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
            from ....channels.view import reply_recipients

            return reply_recipients(desk, ticket_id)[0]

        def done(to: str | None) -> None:
            screen.composer.mark_sent()
            screen.drafts.pop(out.kind, None)
            screen.composer.display = False
            screen.query_one("#conversation").focus()
            if out.kind != "reply":
                said = _("Call logged") if out.kind == "call" else _("Note added")
            elif to:  # the outbox sends it; the message's border follows its delivery
                said = _("Reply saved; its e-mail to {address} is queued for sending").format(address=to)
            else:
                said = _("Reply saved; not e-mailed (the customer has no e-mail address)")
            self._said(said, ticket_id)
            screen.tell_presence("viewing")
            screen.load()
            screen.bokdesk.request_refresh()

        def failed(error: BokdeskError) -> None:
            screen.composer.sending = False
            if isinstance(error, Conflict):
                self._conflict(error)
            else:
                show_error(screen.app, error)

        run_service(screen.app, send, done=done, failed=failed, group="send")

    def _conflict(self, error: BokdeskError) -> None:
        screen = self.screen

        def chosen(choice: str | None) -> None:
            if choice == "reload":
                self._reload_keeping_text()
            else:
                screen.composer.area.focus()

        screen.app.push_screen(
            ConflictDialog(describe(error, screen.app), has_text=bool(screen.composer.text.strip())), chosen
        )

    def _reload_keeping_text(self) -> None:
        """Reload the ticket; the editor keeps its text and will send against the new version."""
        screen = self.screen
        desk, ticket_id = screen.desk, screen.ticket_id

        def read() -> int:
            from ....core.queries import ticket_detail

            return ticket_detail(desk, ticket_id).ticket.version

        def done(version: int) -> None:
            screen.composer.base_version = version
            screen.composer.save_draft()
            self._said(_("Reloaded. Read what changed, then press Ctrl+S again to send."), ticket_id)
            screen.load()
            screen.composer.area.focus()

        run_service(screen.app, read, done=done, group="ticket-load")

    def _write(self, call: Callable[[], Any], message: str) -> None:
        """Run a ticket action; on success say so and reload, on a conflict offer a reload."""
        screen = self.screen
        app = screen.app

        def done(_result: Any) -> None:
            self._said(message, screen.ticket_id)
            screen.load()
            screen.bokdesk.request_refresh()

        def failed(error: BokdeskError) -> None:
            if isinstance(error, AlreadyTaken):
                notify(app, describe(error, app), title=_("Too late"), severity="warning")
                screen.load()
            elif isinstance(error, Conflict):
                notify(
                    app,
                    describe(error, app) + " " + _("The ticket was reloaded; try again."),
                    title=_("Someone else changed this ticket"),
                    severity="warning",
                    timeout=10,
                )
                screen.load()
            else:
                show_error(app, error)

        run_service(app, call, done=done, failed=failed, group="ticket-write")

    def take(self) -> None:
        screen = self.screen
        if not screen.ready_to_act():
            return
        from ....core.services import tickets

        desk, actor, ticket_id = screen.desk, screen.actor, screen.ticket_id
        screen.bokdesk.locally_claimed.add(ticket_id)
        self._write(lambda: tickets.take(desk, actor, ticket_id), _("Taken: it is yours now"))

    def assign(self) -> None:
        screen = self.screen
        if not screen.ready_to_act():
            return
        detail = screen.detail
        assert detail is not None
        desk, actor, ticket_id, version = screen.desk, screen.actor, screen.ticket_id, detail.ticket.version
        current = detail.ticket.assignee_id
        needs_note = current is not None or detail.ticket.team_id is not None

        def open_dialog(rows: tuple[list[Any], list[Any]]) -> None:
            agents, teams = rows

            def chosen(result: Assignment | None) -> None:
                if result is None:
                    return
                from ....core.services import tickets

                if result.agent_id is not None and result.agent_id not in (current, actor.id):
                    screen.bokdesk.locally_claimed.discard(ticket_id)
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

            screen.app.push_screen(
                AssignDialog(agents, teams, current_agent=current, needs_note=needs_note, me=actor.id), chosen
            )

        run_service(screen.app, lambda: agent_rows(desk), done=open_dialog, group="ticket-load")

    def status(self) -> None:
        screen = self.screen
        if not screen.ready_to_act():
            return
        detail = screen.detail
        assert detail is not None
        current = Status(detail.ticket.status)
        allowed = [s for s in Status if s in TRANSITIONS[current]]
        if not allowed:
            notify(screen.app, _("A closed ticket keeps its status."), severity="warning")
            return
        desk, actor, ticket_id, version = screen.desk, screen.actor, screen.ticket_id, detail.ticket.version

        def chosen(status: Status | None) -> None:
            if status is None:
                return
            from ....core.services import tickets

            self._write(
                lambda: tickets.set_status(desk, actor, ticket_id, status.value, expected_version=version),
                _("Status: {status}").format(status=labels.status(status.value)),
            )

        options = [(s, labels.status(s.value)) for s in allowed]
        screen.app.push_screen(
            ChoiceDialog(
                _("Set status (now: {status})").format(status=labels.status(current.value)), options
            ),
            chosen,
        )

    def priority(self) -> None:
        screen = self.screen
        if not screen.ready_to_act():
            return
        detail = screen.detail
        assert detail is not None
        desk, actor, ticket_id, version = screen.desk, screen.actor, screen.ticket_id, detail.ticket.version

        def chosen(priority: Priority | None) -> None:
            if priority is None or priority.value == detail.ticket.priority:
                return
            from ....core.services import tickets

            self._write(
                lambda: tickets.set_priority(
                    desk, actor, ticket_id, priority.value, expected_version=version
                ),
                _("Priority: {priority} (SLA targets recomputed)").format(
                    priority=labels.priority(priority.value)
                ),
            )

        options = [(p, labels.priority(p.value)) for p in reversed(list(Priority))]
        screen.app.push_screen(
            ChoiceDialog(
                _("Set priority (now: {priority})").format(priority=labels.priority(detail.ticket.priority)),
                options,
                current=Priority(detail.ticket.priority),
            ),
            chosen,
        )

    def solve(self) -> None:
        screen = self.screen
        if not screen.ready_to_act():
            return
        detail = screen.detail
        assert detail is not None
        if detail.ticket.status == Status.SOLVED.value:
            notify(screen.app, _("Already solved."))
            return
        from ....core.services import tickets

        desk, actor, ticket_id, version = screen.desk, screen.actor, screen.ticket_id, detail.ticket.version
        self._write(lambda: tickets.solve(desk, actor, ticket_id, expected_version=version), _("Solved"))

    def survey(self) -> None:
        screen = self.screen
        if not screen.ready_to_act():
            return
        desk, actor, ticket_id = screen.desk, screen.actor, screen.ticket_id

        def chosen(answer: SurveyAnswerInput | None) -> None:
            if answer is None:
                return
            from ....core.services import surveys

            self._write(
                lambda: surveys.record(
                    desk, actor, ticket_id, nps=answer.nps, csat=answer.csat, comment=answer.comment or None
                ),
                _("Survey answer recorded"),
            )

        screen.app.push_screen(SurveyDialog(), chosen)
