"""The console's queries: keyset paging walks each view as defined, search is safe and ranked, KPIs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bokdesk.core import kpi, paging, search
from bokdesk.core.desk import SYSTEM
from bokdesk.core.models import Agent, SurveyAnswer, Ticket
from bokdesk.core.queries import View, list_view
from bokdesk.core.services import surveys, tickets
from bokdesk.core.services.customers import CustomerSpec


def by_definition(desk, actor, view, now):
    """The view as its documentation words it, in Python over every ticket: an oracle independent
    of the SQL that ``core.queue_views`` renders."""
    with desk.store.read() as session:
        every = session.exec(select(Ticket)).all()
        teams = {a.id: a.team_id for a in session.exec(select(Agent)).all()}
    active = ("new", "open", "pending", "on_hold")
    holds = {
        View.MINE: lambda t: t.assignee_id == actor.id,
        View.UNASSIGNED: lambda t: t.assignee_id is None and t.team_id in (None, teams.get(actor.id)),
        View.OPEN: lambda t: True,
        View.WAITING: lambda t: t.status in ("pending", "on_hold"),
        View.SLA: lambda t: t.next_risk_at is not None and t.next_risk_at <= now,
        View.COMPLAINTS: lambda t: t.category == "complaint",
    }
    if view is View.SOLVED:
        done = [
            t for t in every if t.status in ("solved", "closed") and t.solved_at >= now - timedelta(days=7)
        ]
        return [t.id for t in sorted(done, key=lambda t: (t.solved_at, t.id), reverse=True)]

    def urgency(t):
        if t.next_due_at is None:
            return (3, t.created_at, t.id)
        at_risk = t.next_risk_at is not None and t.next_risk_at <= now
        return (0 if t.next_due_at < now else 1 if at_risk else 2, t.next_due_at, t.created_at, t.id)

    return [t.id for t in sorted((t for t in every if t.status in active and holds[view](t)), key=urgency)]


@pytest.mark.postgres
@pytest.mark.parametrize("view", list(View))
def test_keyset_pages_walk_the_view_in_the_cores_order_both_ways(desk, boss, view):
    now = desk.now()
    expected = by_definition(desk, boss, view, now)
    assert [r.id for r in list_view(desk, boss, view, limit=100_000)] == expected  # `ticket list`
    assert [r.id for r in list_view(desk, boss, view, limit=3, offset=2)] == expected[2:5]
    forward, after = [], None
    while True:
        rows = paging.page(desk, boss, view, now, after=after, limit=7)
        if not rows:
            break
        forward += [r.id for r in rows]
        after = paging.sort_key(view, rows[-1], now)
    assert forward == expected
    backward = paging.last_page(desk, boss, view, now, limit=7)
    while backward:
        rows = paging.page(desk, boss, view, now, before=paging.sort_key(view, backward[0], now), limit=7)
        if not rows:
            break
        backward = rows + backward
    assert [r.id for r in backward] == expected
    assert paging.count(desk, boss, view, now) == len(expected)
    if expected:
        middle = len(expected) // 2
        row = paging.find(desk, boss, view, now, expected[middle])
        assert row is not None
        assert paging.rank(desk, boss, view, now, paging.sort_key(view, row, now)) == middle
        again = paging.page(
            desk, boss, view, now, after=paging.sort_key(view, row, now), limit=1, include=True
        )
        assert again[0].id == expected[middle]


def test_page_statements_use_an_index_not_a_scan_of_closed_tickets(desk, boss):
    """A page must not visit every ticket ever written: that is what keeps a million tickets fast."""
    from sqlalchemy import event

    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    now = desk.now()
    event.listen(desk.store.engine, "before_cursor_execute", capture)
    try:
        for view in View:
            first = paging.page(desk, boss, view, now, limit=2)
            if first:
                paging.page(desk, boss, view, now, after=paging.sort_key(view, first[0], now), limit=2)
    finally:
        event.remove(desk.store.engine, "before_cursor_execute", capture)
    assert captured
    raw = desk.store.engine.raw_connection()
    try:
        for statement, parameters in captured:
            plan = " ".join(
                str(r[3]) for r in raw.cursor().execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "SCAN ticket" not in plan, (statement, plan)
    finally:
        raw.close()


def make(desk, subject, body="", name="Jan Kowalski", email=None, phone=None):
    return tickets.create_ticket(
        desk,
        SYSTEM,
        tickets.NewTicket(
            subject=subject, customer=CustomerSpec(name=name, email=email, phone=phone), body=body
        ),
    ).id


@pytest.mark.postgres
def test_search_words_numbers_phones_and_diacritics(desk):
    first = make(
        desk,
        "Zwrot płatności za zamówienie",
        "Proszę o zwrot",
        name="Grzegorz Brzęczyszczykiewicz",
        email="grzes@example.pl",
        phone="+48 601 222 333",
    )
    assert search.search(desk, "brzęczy").items[0].id == first
    assert first in [r.id for r in search.search(desk, "platnosci zwrot").items], "without Polish letters too"
    assert first in [r.id for r in search.search(desk, "grzes@example").items]
    assert first in [r.id for r in search.search(desk, "601 222 333").items]
    assert first in [r.id for r in search.search(desk, "+48601222").items]
    assert search.search(desk, f"#{first}").items[0].id == first
    assert search.search(desk, str(first)).items[0].id == first


@pytest.mark.postgres
@pytest.mark.parametrize(
    "typed",
    [
        '"',
        "a OR b",
        "NEAR(x y)",
        "*",
        "subject:x",
        "^x",
        "-x",
        "(",
        'x"y',
        "AND",
        "'; DROP TABLE ticket; --",
        "\x00",
        "ł" * 300,
    ],
)
def test_search_never_passes_fts_syntax_through(desk, typed):
    result = search.search(desk, typed)  # must not raise
    assert isinstance(result.items, list)


@pytest.mark.postgres
def test_search_ranks_the_subject_first(desk):
    in_body = make(desk, "Inna sprawa", "kaloryfer cieknie")
    in_subject = make(desk, "Kaloryfer cieknie w salonie", "proszę o pomoc")
    ids = [r.id for r in search.search(desk, "kaloryfer").items]
    assert ids.index(in_subject) < ids.index(in_body)


@pytest.mark.postgres
def test_broad_search_returns_the_newest_without_ranking_everything(desk, monkeypatch):
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    result = search.search(desk, "za")
    assert result.broad and len(result.items) > 5
    ids = [r.id for r in result.items]
    assert ids == sorted(ids, reverse=True)


def test_match_expression_quotes_every_word():
    assert search.match_expression("faktura [link=x]") == '"faktura"* AND ("link"* OR "łink"*)'
    assert search.match_expression('a"b OR c') == '"or"*'
    assert search.match_expression("") is None
    assert search.match_expression("600 100 200").endswith('customer : "600100200"*')


@pytest.mark.postgres
def test_kpis_follow_the_definitions(desk, boss):
    now = desk.now()
    k = kpi.compute(desk, boss)
    with desk.store.read() as session:
        active = session.exec(
            select(Ticket).where(Ticket.status.in_(["new", "open", "pending", "on_hold"]))
        ).all()
        answers = session.exec(
            select(SurveyAnswer).where(SurveyAnswer.answered_at >= now - timedelta(days=30))
        ).all()
    unassigned = [t for t in active if t.assignee_id is None]
    assert k.unassigned == len(unassigned)
    assert k.oldest_waiting == int((now - min(t.created_at for t in unassigned)).total_seconds())
    assert k.breached == len([t for t in active if t.next_due_at is not None and t.next_due_at < now])
    assert k.at_risk == len(
        [
            t
            for t in active
            if t.next_due_at is not None
            and t.next_due_at >= now
            and t.next_risk_at is not None
            and t.next_risk_at <= now
        ]
    )
    assert k.my_open == len([t for t in active if t.assignee_id == boss.id])
    scores = [a.nps for a in answers if a.nps is not None]
    expected = round(100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores))
    assert k.nps == expected and k.nps_answers == len(scores)


@pytest.mark.postgres
def test_nps_without_answers_is_no_value_not_zero(desk, boss):
    assert kpi.nps_score(0, 0, 0) is None
    assert kpi.nps_score(1, 1, 2) == 0
    assert kpi.nps_score(2, 0, 3) == 67
    desk.clock.now = desk.clock.now + timedelta(days=400)  # a month with no answers at all
    assert kpi.compute(desk, boss).nps is None


@pytest.mark.postgres
def test_agents_online_counts_recent_heartbeats(desk, boss, ola):
    assert kpi.compute(desk, boss).agents_online == 0
    kpi.heartbeat(desk, boss)
    kpi.heartbeat(desk, ola)
    assert kpi.compute(desk, boss).agents_online == 2
    with desk.store.write() as session:
        session.get(Agent, ola.id).status = "off_shift"
    assert kpi.compute(desk, boss).agents_online == 1
    desk.clock.now = desk.clock.now + timedelta(minutes=10)
    assert kpi.compute(desk, boss).agents_online == 0


@pytest.mark.postgres
def test_median_first_response_today(desk, ola):
    desk.clock.now = desk.clock.now + timedelta(days=30)  # a fresh day with nothing answered yet
    assert kpi.compute(desk, ola).frt_median_today is None
    ids = [make(desk, f"Pytanie {n}", "?") for n in range(3)]
    for minutes, ticket_id in zip((10, 30, 50), ids, strict=True):
        desk.clock.now = desk.clock.now + timedelta(minutes=minutes)
        tickets.reply(desk, ola, ticket_id, "Odpowiedź")
    frt = [t.frt_bsecs for t in (tickets_row(desk, i) for i in ids)]
    assert kpi.compute(desk, ola).frt_median_today == sorted(frt)[1]
    surveys.record(desk, ola, ids[0], nps=10)
    assert kpi.compute(desk, ola).nps is not None


def tickets_row(desk, ticket_id):
    with desk.store.read() as session:
        return session.get(Ticket, ticket_id)
