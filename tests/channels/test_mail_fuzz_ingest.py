"""A hypothesis fuzz over the whole ingest path (parse, route, file, record).

Whatever arrives, in whatever batches: nothing crashes, nothing is lost, and every message ends
up on a ticket, in quarantine, or recorded as ignored, exactly once; fetching it all again
changes nothing.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bokdesk.channels.ingest import FILED, Ingestor, Outcome, RawMail
from bokdesk.channels.mailconfig import load_mail_config
from bokdesk.core.database import open_store
from bokdesk.core.desk import Desk
from bokdesk.core.models import MailQuarantine, MailSeen, Message

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.eml"))
IDS = [f"<id{n}@example.pl>" for n in range(8)]
SENDERS = [
    "Anna <anna@example.pl>",
    "=?iso-8859-2?Q?Pawe=B3?= <pawel@example.pl>",
    "piotr@example.pl",
    "BOK <bok@firma.example>",
    "MAILER-DAEMON@mx.example.pl",
    "",
    "not an address",
    "a@b@c",
    '"Kowalski, Jan" <jan@example.pl>',
]
HEADERS = [
    "Auto-Submitted: auto-replied",
    "List-Id: <l.example>",
    "Precedence: bulk",
    "X-Autoreply: yes",
    'Content-Type: multipart/mixed; boundary="zz"',
    "Content-Type: text/html; charset=iso-8859-2",
    "Content-Transfer-Encoding: base64",
    "Reply-To: inny@example.pl",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
]

_template: Path | None = None


def _fresh_db() -> Path:
    global _template
    if _template is None:
        directory = Path(tempfile.mkdtemp(prefix="bokdesk-fuzz-template-"))
        _template = directory / "template.db"
        open_store(_template).dispose()
    directory = Path(tempfile.mkdtemp(prefix="bokdesk-fuzz-"))
    db = directory / "desk.db"
    shutil.copy(_template, db)
    return db


@st.composite
def structured(draw: st.DrawFn) -> bytes:
    lines = []
    sender = draw(st.sampled_from(SENDERS))
    if sender:
        lines.append(f"From: {sender}")
    if draw(st.booleans()):
        lines.append(f"Message-ID: {draw(st.sampled_from(IDS))}")
    if draw(st.booleans()):
        lines.append(f"In-Reply-To: {draw(st.sampled_from(IDS))}")
    if draw(st.booleans()):
        lines.append("References: " + " ".join(draw(st.lists(st.sampled_from(IDS), max_size=4))))
    subject = draw(st.text(max_size=40))
    if draw(st.booleans()):
        subject += f" [#{draw(st.integers(0, 12))}]"
    lines.append("Subject: " + subject.replace("\r", " ").replace("\n", " "))
    lines += draw(st.lists(st.sampled_from(HEADERS), max_size=3))
    body = draw(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
    if draw(st.booleans()):
        body += '\n--zz\nContent-Type: application/pdf; name="f.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--zz--\n'
    sep = draw(st.sampled_from(["\r\n", "\n"]))
    return (sep.join(lines) + sep + sep + body).encode("utf-8", "surrogateescape")


@st.composite
def mutated_corpus(draw: st.DrawFn) -> bytes:
    raw = bytearray(CORPUS[draw(st.integers(0, len(CORPUS) - 1))].read_bytes())
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(0, 8))):
        if not raw:
            break
        pos = rng.randrange(len(raw))
        action = rng.random()
        if action < 0.4:
            raw[pos] = rng.randrange(256)
        elif action < 0.7:
            del raw[pos : pos + rng.randrange(1, 200)]
        else:
            raw[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
    return bytes(raw)


messages = st.one_of(structured(), mutated_corpus(), st.binary(max_size=400))


def _check(desk: Desk, items: list[RawMail], results: list) -> None:  # type: ignore[type-arg]
    assert len(results) == len(items)
    with desk.store.read() as s:
        seen = {r.message_id: r for r in s.exec(select(MailSeen)).all()}
        stored = {
            m.email_message_id: m for m in s.exec(select(Message).where(Message.kind == "customer")).all()
        }
        quarantine = s.exec(select(MailQuarantine)).all()
    raws = [q.raw for q in quarantine]
    for item, r in zip(items, results, strict=True):
        if r.outcome in FILED:
            assert r.key in stored and stored[r.key].ticket_id == r.ticket_id
            assert seen[r.key].outcome == r.outcome.value
        elif r.outcome is Outcome.QUARANTINED:
            assert item.raw in raws and seen[r.key].outcome == "quarantined"
        elif r.outcome is Outcome.IGNORED:
            assert seen[r.key].outcome.startswith("ignored")
        elif r.outcome is Outcome.DUPLICATE:
            assert r.key in seen or r.key in stored
        else:  # surveys cannot happen without a survey sent
            pytest.fail(f"unexpected outcome {r}")
    new = [r for r in results if r.outcome is not Outcome.DUPLICATE]
    assert len(seen) == len(new)  # every message recorded exactly once
    assert len(stored) == sum(r.outcome in FILED for r in results)
    assert sum(not q.resolved for q in quarantine) == sum(r.outcome is Outcome.QUARANTINED for r in results)
    kept = sum(r.outcome is Outcome.IGNORED and r.detail != "own" for r in results)
    assert sum(q.resolved for q in quarantine) == kept  # ignored mail is kept, raw, already dealt with


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(raws=st.lists(messages, min_size=1, max_size=14), cuts=st.lists(st.integers(1, 5), max_size=6))
def test_whole_ingest_path_never_crashes_or_loses_mail(raws: list[bytes], cuts: list[int]) -> None:
    db = _fresh_db()
    store = open_store(db)
    try:
        desk = Desk(store=store)
        ing = Ingestor(
            desk, load_mail_config({"from": "BOK <bok@firma.example>", "max_attachment_bytes": 50})
        )
        items = [RawMail(raw, f"fuzz/{n}") for n, raw in enumerate(raws)]
        results = []
        start = 0
        for size in [*cuts, len(items)]:  # random batch boundaries
            batch = items[start : start + size]
            if batch:
                results += ing.ingest(batch)
            start += size
            if start >= len(items):
                break
        _check(desk, items, results)
        again = ing.ingest(items)
        assert all(r.outcome is Outcome.DUPLICATE for r in again)
    finally:
        store.dispose()
        shutil.rmtree(db.parent, ignore_errors=True)
