"""The mail quarantine in the console (f6, admins): listed with reason and date, filed again,
marked as dealt with; agents are refused; admins are told at start when mail waits there."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlmodel import select
from test_snapshots import language  # noqa: F401 - the fixture: English and Polish
from ui_helpers import make_app, screen_text, settle

from bokdesk.channels.ingest import Ingestor, Outcome, RawMail
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import publish_identity
from bokdesk.channels.quarantine import count_open, list_entries
from bokdesk.core.desk import SYSTEM
from bokdesk.core.models import MailQuarantine, Ticket
from bokdesk.core.services import agents
from bokdesk.ui.screens.dialogs import ConfirmDialog
from bokdesk.ui.screens.quarantine import QuarantineScreen

MAIL = {"from": "BOK Firma <bok@firma.example>", "team": "BOK Warszawa"}


def message(subject: str, *, headers: dict[str, str] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Klient <klient.q@example.pl>"
    msg["To"] = "bok@firma.example"
    msg["Subject"] = subject
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content("Dzień dobry, proszę o kontakt.\n")
    return msg.as_bytes()


@pytest.fixture
def admin(desk):
    return agents.actor_of(
        agents.add_agent(desk, SYSTEM, "adam", "Adam Admin", role="admin", team="BOK Warszawa")
    )


@pytest.fixture
def quarantined(desk):
    """Broken mail (quarantined), and an out-of-office answer (ignored, kept as dealt with)."""
    cfg = load_mail_config(MAIL)
    publish_identity(desk, cfg)
    results = Ingestor(desk, cfg).ingest(
        [
            RawMail(b"\x00\x01 this is not e-mail at all", "maildir:/srv/mail/new/1.broken"),
            RawMail(
                message("Nieobecność: [@click=app.quit]x[/]", headers={"Auto-Submitted": "auto-replied"}),
                "maildir:/srv/mail/new/2.ooo",
            ),
        ]
    )
    assert [r.outcome for r in results] == [Outcome.QUARANTINED, Outcome.IGNORED]
    return results


async def open_quarantine(pilot) -> QuarantineScreen:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QuarantineScreen)
    return screen


async def test_admin_sees_the_quarantine_and_files_or_dismisses(desk, admin, quarantined):
    app = make_app(desk, admin)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_quarantine(pilot)
        text = screen_text(app)
        assert "1 e-mail waits for an admin" in text
        assert "#1" in text and "24/11/2026, 14:30" in text
        assert "cannot be read as e-mail: no e-mail headers found" in text
        assert "Nieobecność" not in text  # dealt with: hidden until `a`
        # Filing the broken one again fails again, and says why.
        await pilot.press("r")
        await settle(pilot)
        assert count_open(desk) == 1
        # `a` shows the ignored out-of-office too, its subject as plain text (no markup, no action);
        # the broken one stays selected although the list grew above it, and its details stay shown.
        selected = screen._selected().id  # noqa: SLF001
        await pilot.press("a")
        await settle(pilot)
        assert screen._selected().id == selected and len(screen.entries) == 2  # noqa: SLF001
        assert str(screen.query_one("#quarantine-text").render()).startswith(f"#{selected}")
        text = screen_text(app)
        assert "Nieobecność: [@click=app.quit]x[/]" in text and app.is_running
        # The agent decides it was a customer's message after all: `r` files it as one.
        listing = screen.query_one("#quarantine-list")
        ooo = next(i for i, e in enumerate(screen.entries) if "Nieobecność" in e.subject)
        listing.highlighted = ooo
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        with desk.store.read() as s:
            ticket = s.exec(select(Ticket).where(Ticket.subject.startswith("Nieobecność"))).one()
        assert ticket.channel == "email"
        # `d` marks the broken one as dealt with, after a confirmation.
        broken = next(i for i, e in enumerate(screen.entries) if e.source.endswith("1.broken"))
        listing.highlighted = broken
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert count_open(desk) == 0
        assert "0 e-mails wait for an admin" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, QuarantineScreen)
    with desk.store.read() as s:
        assert all(row.resolved for row in s.exec(select(MailQuarantine)).all())
    assert list_entries(desk, admin) == []


async def test_agents_are_refused(desk, ola, quarantined):
    app = make_app(desk, ola)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert not isinstance(app.screen, QuarantineScreen)
        assert any("for admins" in str(n.message) for n in app._notifications)  # noqa: SLF001


async def test_admins_are_told_at_start_when_mail_waits(desk, admin, quarantined):
    app = make_app(desk, admin)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(2.5)  # the reminder comes after the start has settled
        await settle(pilot)
        assert any(
            "1 e-mail waits in the mail quarantine (f6)." in str(n.message) for n in app._notifications
        )  # noqa: SLF001


def test_snapshot(snap_compare, desk, admin, quarantined, language):
    async def run_before(pilot):
        await open_quarantine(pilot)
        await pilot.press("a")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(desk, admin), terminal_size=(120, 40), run_before=run_before)
