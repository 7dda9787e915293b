"""The first ticket of a session: the ticket screen rehearses the queue's current ticket off screen
(``warmup.rehearse``) once it is built, so the first open costs what later ones do.

The rehearsal must leave no trace: the agent sees only the queue, presence is told nothing, the
screen is empty afterwards, and the first ticket really opened shows that ticket alone. An agent
who opens a ticket while the rehearsal is under way gets that ticket. Warm-up steps wait for a
pause in the agent's keys (``BokdeskApp.when_idle``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ui_helpers import make_app, screen_text, settle

from bokdesk.core.queries import View, list_view, ticket_detail
from bokdesk.ui import warmup
from bokdesk.ui.screens.queue import QueueScreen
from bokdesk.ui.screens.ticket import TicketScreen
from bokdesk.ui.widgets.conversation import MessageBox


@dataclass
class SpyPresence:
    """Presence that records what the console tells it."""

    available: bool = True
    refresh_seconds: float = 3600
    told: list[tuple[str, int | None]] = field(default_factory=list)

    def touch(self, ticket_id: int, activity: str = "viewing") -> None:
        self.told.append(("touch", ticket_id))

    def leave(self, ticket_id: int | None) -> None:
        self.told.append(("leave", ticket_id))

    def others(self, ticket_id: int) -> list[tuple[str, str]]:
        return []


async def rehearsed(pilot, app, screen: TicketScreen) -> None:  # type: ignore[no-untyped-def]
    """Wait for the rehearsal to end; the agent sees the queue all along."""
    for _ in range(200):
        assert isinstance(app.screen, QueueScreen) and screen not in app.screen_stack
        if screen.built and screen.rehearsal is None:
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("the rehearsal never ended")
    await settle(pilot)


async def test_the_first_ticket_is_rehearsed_off_screen_and_leaves_no_trace(desk, ola, monkeypatch):
    spy = SpyPresence()
    app = make_app(desk, ola, presence=spy)
    seen: dict[str, object] = {}
    clear = TicketScreen.empty

    def clear_spy(self: TicketScreen) -> None:  # the rehearsal's end: what it had filled and laid out
        seen.setdefault("ticket", self.ticket_id)
        seen.setdefault("boxes", len(self.query(MessageBox)))
        seen.setdefault("laid out", self._compositor.size)  # noqa: SLF001
        clear(self)

    monkeypatch.setattr(TicketScreen, "empty", clear_spy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        rehearsal_id = queue.table.current.id
        before = screen_text(app)
        warmup.prebuild_ticket_screen(app)  # what the start does after 1.5 s
        screen = app.ticket_screen()
        await rehearsed(pilot, app, screen)
        assert screen_text(app) == before  # the agent saw nothing of it
        assert spy.told == []  # nobody was told the agent looks at that ticket
        rehearsal = ticket_detail(desk, rehearsal_id)
        assert seen == {"ticket": rehearsal_id, "boxes": len(rehearsal.messages), "laid out": app.size}
        assert screen.detail is None and screen.ticket_id == 0 and not screen.query(MessageBox)
        assert screen.has_class("-wide")  # its width's breakpoint class, applied off screen
        assert screen.look == (app.theme, app.size)  # so the first push needs no restyle

        other = next(
            row.id for row in list_view(desk, ola, View.UNASSIGNED, limit=5) if row.id != rehearsal_id
        )
        restyled: list[object] = []
        update = TicketScreen.update_node_styles
        monkeypatch.setattr(
            TicketScreen,
            "update_node_styles",
            lambda self, *a, **k: (restyled.append(self), update(self, *a, **k))[1],
        )
        queue.open_ticket(other)
        await settle(pilot)
        assert app.screen is screen and screen.detail is not None and screen.detail.ticket.id == other
        assert restyled == []  # the first push of the screen did not restyle all of it
        detail = ticket_detail(desk, other)
        text = screen_text(app)
        assert f"#{other}" in text and detail.customer.name in text
        assert [box.message_id for box in screen.query(MessageBox)] == [m.message.id for m in detail.messages]
        assert spy.told == [("touch", other)]


async def test_a_ticket_opened_during_the_rehearsal_is_the_one_shown(desk, ola, monkeypatch):
    monkeypatch.setattr(warmup, "rehearse_current_ticket", lambda app: None)  # this test starts it
    spy = SpyPresence()
    app = make_app(desk, ola, presence=spy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = app.screen
        rows = list_view(desk, ola, View.UNASSIGNED, limit=5)
        rehearsal_id, wanted = rows[0].id, rows[1].id
        screen = app.ticket_screen()
        warmup.build_off_stack(app, screen)  # built, as the start does
        await settle(pilot)
        warmup.rehearse(screen, rehearsal_id)
        assert screen.rehearsal is not None  # under way
        queue.open_ticket(wanted)  # the agent is quicker than the rehearsal
        await settle(pilot)
        await pilot.pause(0.5)  # any rehearsal step still scheduled has run (and done nothing)
        await settle(pilot)
        assert app.screen is screen and screen.detail.ticket.id == wanted
        detail = ticket_detail(desk, wanted)
        assert [box.message_id for box in screen.query(MessageBox)] == [m.message.id for m in detail.messages]
        assert screen.rehearsal is None
        assert spy.told == [("touch", wanted)]  # no "leave" for the ticket only rehearsed
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_warm_up_steps_wait_for_a_pause_in_the_keys(desk, ola):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ran: list[str] = []
        app.when_idle(lambda: ran.append("idle"))
        assert ran == ["idle"]  # no key yet: at once
        await pilot.press("down")
        assert time.monotonic() - app._last_input < 5  # noqa: SLF001 - the key was noted
        app.when_idle(lambda: ran.append("after the key"), quiet=0.2)
        assert ran == ["idle"]  # a key just now: not yet
        for _ in range(100):
            if len(ran) == 2:
                break
            await pilot.pause(0.02)
        assert ran == ["idle", "after the key"]
