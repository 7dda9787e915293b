"""The ticket screen is reused (it stays mounted after the agent goes back to the queue): its
presence refresh must not keep saying the agent has the ticket open."""

from __future__ import annotations

from ui_helpers import make_app, settle

from bokdesk.core.queries import View, list_view
from bokdesk.core.services import presence as service
from bokdesk.core.services.agents import require_agent
from bokdesk.ui.presence import ServicePresence
from bokdesk.ui.screens.queue import QueueScreen
from bokdesk.ui.screens.ticket import TicketScreen


async def test_after_going_back_the_agent_no_longer_shows_on_the_ticket(desk, ola):
    kasia = require_agent(desk, "kasia")
    ticket_id = list_view(desk, ola, View.UNASSIGNED, limit=1)[0].id
    app = make_app(desk, ola, presence=ServicePresence(desk, ola, service))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.open_ticket(ticket_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        screen._keep_presence()  # noqa: SLF001 - the 15-second refresh, now
        await settle(pilot)
        assert [v.name for v in service.others(desk, kasia, ticket_id)] == ["Aleksandra Nowak"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        screen._keep_presence()  # noqa: SLF001 - the refresh keeps ticking on the mounted screen
        await settle(pilot)
        assert service.others(desk, kasia, ticket_id) == []
