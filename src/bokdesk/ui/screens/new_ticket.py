"""``n``: a new ticket for a phone call, a walk-in or a typed e-mail.

The customer is found as the agent types (name, e-mail or phone) or created inline; a call can
be logged and solved on the spot (first-contact resolution).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from ...core.enums import Category, Channel, Priority
from ...core.errors import BokdeskError
from ...i18n import _
from .. import keymap, labels
from ..safe_text import assemble, notify, one_line, safe_line
from ..tasks import describe, run_service
from ..widgets.bars import TopBar
from ..widgets.key_bar import KeyBar
from .base import DeskScreen

LOOKUP_DEBOUNCE = 0.15
LIVE = ("phone", "walk_in")


@dataclass(frozen=True)
class Created:
    ticket_id: int
    solved: bool


@dataclass(frozen=True)
class Match:
    customer_id: int
    name: str
    contacts: str
    vip: bool


class NewTicketScreen(DeskScreen[Created]):
    """A new ticket typed by the agent (a call, a walk-in, an e-mail received elsewhere)."""

    COMPACT_FOOTER_BELOW = 100
    CSS_PATH = "new_ticket.tcss"
    BINDINGS = keymap.NEW_TICKET
    AUTO_FOCUS = "#customer-search"

    def __init__(self, channel: str = "phone") -> None:
        super().__init__()
        self.channel = channel
        self.matches: list[Match] = []
        self.customer: Match | None = None
        self.new_customer = False
        self._lookup_timer: Timer | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        with VerticalScroll(id="new-form"):
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label(_("Channel"), classes="field-label")
                    yield Select(
                        [(labels.channel(c.value), c.value) for c in Channel],
                        value=self.channel,
                        allow_blank=False,
                        id="channel",
                        compact=True,
                    )
                with Vertical():
                    yield Label(_("Category"), classes="field-label")
                    yield Select(
                        [(labels.category(c.value), c.value) for c in Category],
                        value="question",
                        allow_blank=False,
                        id="category",
                        compact=True,
                    )
                with Vertical():
                    yield Label(_("Priority"), classes="field-label")
                    yield Select(
                        [(labels.priority(p.value), p.value) for p in Priority],
                        value="normal",
                        allow_blank=False,
                        id="priority",
                        compact=True,
                    )
            yield Label(
                _("Customer: type a name, an e-mail address or a phone number"), classes="field-label"
            )
            yield Input(
                id="customer-search",
                placeholder=_("e.g. Kowalska, jan@example.pl, 600 100 200"),
                compact=True,
            )
            yield OptionList(id="customer-matches")
            yield Static(id="customer-chosen")
            with Horizontal(id="new-customer", classes="form-row"):
                with Vertical():
                    yield Label(_("Name"), classes="field-label")
                    yield Input(id="new-name", compact=True)
                with Vertical():
                    yield Label(_("E-mail"), classes="field-label")
                    yield Input(id="new-email", compact=True)
                with Vertical():
                    yield Label(_("Phone"), classes="field-label")
                    yield Input(id="new-phone", compact=True)
            yield Label(_("Subject"), classes="field-label")
            yield Input(id="subject", max_length=500, compact=True)
            yield Label("", classes="field-label", id="message-label")
            yield TextArea(id="message", soft_wrap=True, show_line_numbers=False)
            yield Checkbox(_("Solved on first contact"), id="solved")
        yield KeyBar()

    def on_mount(self) -> None:
        blink = self.bokdesk.cursor_blink
        for field in self.query(Input):
            field.cursor_blink = blink
        self.query_one(TextArea).cursor_blink = blink
        self.query_one("#new-customer").display = False
        self.query_one("#customer-matches").display = False
        self.set_top((_("New ticket"), "bold"))
        self._channel_changed()
        self._show_choice()

    # ------------------------------------------------------------------ channel

    @on(Select.Changed, "#channel")
    def _channel_select(self) -> None:
        self._channel_changed()

    def _channel_changed(self) -> None:
        channel = str(self.query_one("#channel", Select).value)
        live = channel in LIVE
        self.query_one("#message-label", Label).update(
            _("What was said (the call log; it counts as the first response)")
            if live
            else _("The customer's message")
        )
        self.query_one("#solved").display = live

    # ------------------------------------------------------------------ customer lookup

    @on(Input.Changed, "#customer-search")
    def _lookup_typed(self) -> None:
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self._lookup_timer = self.set_timer(LOOKUP_DEBOUNCE, self._lookup)

    def _lookup(self) -> None:
        text = self.query_one("#customer-search", Input).value.strip()
        if len(text) < 2:
            self.matches = []
            self._fill_matches(text)
            return
        desk = self.desk

        def find() -> list[Match]:
            from ...core.services.customers import lookup_customers

            return [
                Match(c.id, c.name, ", ".join(ct.value for ct in contacts), c.vip)
                for c, contacts in lookup_customers(desk, text, limit=8)
                if c.id is not None
            ]

        def done(found: list[Match]) -> None:
            if self.query_one("#customer-search", Input).value.strip() != text:
                return  # typed on since
            self.matches = found
            self._fill_matches(text)

        run_service(self.app, find, done=done, group="customer-lookup", exclusive=True)

    def _fill_matches(self, text: str) -> None:
        listing = self.query_one("#customer-matches", OptionList)
        listing.clear_options()
        for match in self.matches:
            listing.add_option(
                Option(
                    assemble(
                        safe_line(match.name, "bold"),
                        ("  ★ VIP" if match.vip else "", "$text-accent"),
                        "  ",
                        (one_line(match.contacts, 80), "$text-muted"),
                    )
                )
            )
        if text:
            listing.add_option(
                Option(
                    assemble(
                        ("+ ", "bold $text-success"),
                        _("New customer:") + " ",
                        safe_line(text, "bold", limit=60),
                    )
                )
            )
        listing.display = bool(text)
        if text:
            listing.highlighted = 0

    @on(Input.Submitted, "#customer-search")
    def _search_submitted(self) -> None:
        listing = self.query_one("#customer-matches", OptionList)
        if listing.option_count:
            self._choose(listing.highlighted or 0)

    @on(OptionList.OptionSelected, "#customer-matches")
    def _match_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        text = self.query_one("#customer-search", Input).value.strip()
        if index < len(self.matches):
            self.customer, self.new_customer = self.matches[index], False
        else:
            self.customer, self.new_customer = None, True
            email = text if "@" in text else ""
            phone = text if re.fullmatch(r"[\d\s+()./-]{6,}", text) else ""
            self.query_one("#new-name", Input).value = "" if email or phone else text
            self.query_one("#new-email", Input).value = email
            self.query_one("#new-phone", Input).value = phone
        self.query_one("#customer-matches").display = False
        self._show_choice()
        (self.query_one("#new-name") if self.new_customer else self.query_one("#subject")).focus()

    def _show_choice(self) -> None:
        chosen = self.query_one("#customer-chosen", Static)
        self.query_one("#new-customer").display = self.new_customer
        if self.customer is not None:
            chosen.update(
                assemble(
                    ("✓ ", "bold $text-success"),
                    safe_line(self.customer.name, "bold"),
                    ("  ★ VIP" if self.customer.vip else "", "bold $text-accent"),
                    "  ",
                    (one_line(self.customer.contacts, 80), "$text-muted"),
                )
            )
        elif self.new_customer:
            chosen.update(
                Content.styled(
                    _("A new customer: fill in what you know (a name, or an e-mail or phone)."), "$text-muted"
                )
            )
        else:
            chosen.update(Content.styled(_("No customer chosen yet."), "$text-muted"))

    # ------------------------------------------------------------------ create

    def action_create(self) -> None:
        if self._busy:
            return
        from ...core.services.customers import CustomerSpec
        from ...core.services.tickets import NewTicket

        subject = self.query_one("#subject", Input).value.strip()
        channel = str(self.query_one("#channel", Select).value)
        if self.customer is not None:
            spec = CustomerSpec(customer_id=self.customer.customer_id)
        elif self.new_customer:
            name = self.query_one("#new-name", Input).value.strip()
            email = self.query_one("#new-email", Input).value.strip()
            phone = self.query_one("#new-phone", Input).value.strip()
            if not (name or email or phone):
                notify(
                    self.app,
                    _("Give the new customer a name, an e-mail or a phone number."),
                    severity="warning",
                )
                self.query_one("#new-name").focus()
                return
            spec = CustomerSpec(name=name or None, email=email or None, phone=phone or None)
        else:
            notify(self.app, _("Choose the customer first (type and press Enter)."), severity="warning")
            self.query_one("#customer-search").focus()
            return
        if not subject:
            notify(self.app, _("The ticket needs a subject."), severity="warning")
            self.query_one("#subject").focus()
            return
        solved = channel in LIVE and self.query_one("#solved", Checkbox).value
        new = NewTicket(
            subject=subject,
            customer=spec,
            channel=channel,
            category=str(self.query_one("#category", Select).value),
            priority=str(self.query_one("#priority", Select).value),
            body=self.query_one("#message", TextArea).text,
            solved_on_first_contact=solved,
        )
        desk, actor, app = self.desk, self.actor, self.app

        def create() -> int:
            from ...core.services.tickets import create_ticket

            ticket = create_ticket(desk, actor, new)
            assert ticket.id is not None  # stored: it has its number
            return ticket.id

        def done(ticket_id: int) -> None:
            self._busy = False
            self.bokdesk.locally_claimed.add(ticket_id)
            message = (
                _("Ticket #{number} created and solved on first contact")
                if solved
                else _("Ticket #{number} created")
            ).format(number=ticket_id)
            notify(app, message, title=_("New ticket"))
            self.dismiss(Created(ticket_id, solved))

        def failed(error: BokdeskError) -> None:
            self._busy = False
            notify(app, describe(error, app), title=_("Not created"), severity="error", timeout=8)

        self._busy = True
        run_service(app, create, done=done, failed=failed, group="create")

    def action_cancel(self) -> None:
        self.dismiss(None)
