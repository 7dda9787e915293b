"""What the console shows of e-mail: folded history, attachment lines, delivery state and problems."""

from __future__ import annotations

import pytest
from mailservers import mail
from sqlmodel import col, select

from bokdesk.channels.ingest import Ingestor, RawMail
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.channels.outbox import publish_identity
from bokdesk.channels.view import (
    attachment_data,
    attachment_label,
    delivery_problem,
    delivery_states,
    human_size,
    message_parts,
)
from bokdesk.core.errors import NotFound, ValidationError
from bokdesk.core.models import Attachment, Message
from bokdesk.core.queries import ticket_detail
from bokdesk.core.services import tickets

pytestmark = pytest.mark.postgres  # also on PostgreSQL (tests/pgserver.py)


@pytest.fixture
def filed(desk, staff):  # type: ignore[no-untyped-def]
    cfg = load_mail_config({"from": "bok@firma.example", "max_attachment_bytes": 100})
    publish_identity(desk, cfg)
    body = (
        "Dziękuję, paczka doszła.\n\n-- \nJan Kowalski\ntel. 600 100 200\n\n"
        "W dniu 17.11.2026 o 10:00 BOK <bok@firma.example> pisze:\n> Wysłaliśmy paczkę.\n> Pozdrawiamy\n"
    )
    raw = mail(
        message_id="v1@example.pl",
        body=body,
        attachments=[("zdjecie.jpg", "image/jpeg", b"\xff" * 50), ("film.mp4", "video/mp4", b"\x00" * 5000)],
    )
    Ingestor(desk, cfg).ingest([RawMail(raw, "t")])
    return cfg


def test_customer_e_mail_is_split_into_new_text_and_folded_history(desk, filed, staff):
    detail = ticket_detail(desk, 1)
    new, folded = message_parts(detail.messages[0].message)
    assert new == "Dziękuję, paczka doszła."
    assert folded.startswith("-- \nJan Kowalski") and "> Wysłaliśmy paczkę." in folded
    note = tickets.add_note(desk, staff.ola, 1, "> to nie jest cytat klienta")
    assert message_parts(note) == ("> to nie jest cytat klienta", "")


def test_attachments_are_listed_and_saved(desk, filed):
    detail = ticket_detail(desk, 1)
    small, big = detail.messages[0].attachments
    assert attachment_label(small) == "zdjecie.jpg · image/jpeg · 50 B"
    assert attachment_label(big).endswith("not stored (over the size limit; it is in the mailbox)")
    assert attachment_data(desk, small.id).data == b"\xff" * 50
    with pytest.raises(ValidationError, match="over the size limit"):
        attachment_data(desk, big.id)
    with pytest.raises(NotFound):
        attachment_data(desk, 999)
    assert [human_size(n) for n in (5, 2048, 3 * 1024 * 1024)] == ["5 B", "2 kB", "3.0 MB"]


def test_delivery_state_per_reply_and_problem_flag(desk, filed, staff):
    reply = tickets.reply(desk, staff.ola, 1, "Cieszymy się.")
    with desk.store.read() as s:
        states = delivery_states(s, [reply.id, 999])
        assert delivery_problem(s, 1) is None
    assert list(states) == [reply.id] and states[reply.id].label == "e-mail to anna@example.pl queued"
    with desk.store.write() as s:
        from bokdesk.core.models import OutboxMessage

        row = s.exec(select(OutboxMessage)).one()
        row.status, row.last_error = "failed", "550 mailbox unknown"
        s.add(row)
    with desk.store.read() as s:
        assert "FAILED: 550 mailbox unknown" in delivery_states(s, [reply.id])[reply.id].label
        assert delivery_problem(s, 1) == "E-mail reply to anna@example.pl failed: 550 mailbox unknown"


def test_attachment_rows_belong_to_the_message(desk, filed):
    with desk.store.read() as s:
        message = s.exec(select(Message).where(Message.email_message_id == "v1@example.pl")).one()
        rows = s.exec(select(Attachment).order_by(col(Attachment.id))).all()
    assert {a.message_id for a in rows} == {message.id}
