"""A believable month of a small Polish desk, built through the real services on a moving clock.

Deterministic for a given seed: the same seed and the same "now" give the same desk.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, func, select

from . import demo_data as data
from .desk import SYSTEM, Actor, Desk
from .enums import Role
from .models import Agent, OutboxMessage, Setting, Team, Ticket
from .services import agents as agent_service
from .services import canned as canned_service
from .services import surveys, tickets
from .services.agents import actor_of
from .services.customers import CustomerSpec

CHANNELS = [("email", 50), ("phone", 20), ("web", 10), ("chat", 7), ("walk_in", 6), ("social", 7)]
PRIORITY_SHIFT = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


@dataclass
class DemoCustomer:
    name: str
    email: str | None
    phone: str | None
    company: str | None
    language: str
    vip: bool


def _strip_accents(text: str) -> str:
    table = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    return text.translate(table)


def make_customers(rng: random.Random, count: int) -> list[DemoCustomer]:
    customers = []
    used: set[str] = set()
    for _ in range(count):
        english = rng.random() < 0.18
        if english:
            first, last = rng.choice(data.EN_FIRST), rng.choice(data.EN_LAST)
            domain = rng.choice(data.MAIL_DOMAINS_EN)
        else:
            female = rng.random() < 0.5
            first = rng.choice(data.PL_FIRST_F if female else data.PL_FIRST_M)
            last = rng.choice(data.PL_LAST)[1 if female else 0]
            domain = rng.choice(data.MAIL_DOMAINS_PL)
        name = f"{first} {last}"
        local = _strip_accents(f"{first}.{last}").lower()
        email = f"{local}@{domain}"
        n = 2
        while email in used:
            email = f"{local}{n}@{domain}"
            n += 1
        used.add(email)
        phone = (
            f"+48 {rng.randint(500, 799)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
            if rng.random() < 0.7
            else None
        )
        company = rng.choice(data.COMPANIES) if rng.random() < 0.25 else None
        customers.append(
            DemoCustomer(
                name,
                email if rng.random() < 0.95 or phone is None else None,
                phone,
                company,
                "en" if english else "pl",
                rng.random() < 0.06,
            )
        )
    return customers


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def build_demo(
    desk: Desk,
    *,
    me: str,
    me_name: str,
    seed: int = 7,
    days: int = 30,
    per_day: int = 24,
    now: datetime | None = None,
) -> dict[str, int]:
    """Fill an empty desk with a month of work; ``me`` becomes a supervisor of it."""
    rng = random.Random(seed)
    real_clock = desk.clock
    end = (now or desk.now()).replace(second=0, microsecond=0)
    clock = _Clock(end - timedelta(days=days + 1))
    desk.clock = clock
    counts = {"tickets": 0, "surveys": 0}
    try:
        with desk.store.batch() as session:
            session.add(Setting(key="demo", value=str(seed)))
            agent_service.ensure_team(desk, "BOK Warszawa", "office")
            agent_service.ensure_team(desk, "Developers", "department")
            roster: list[Actor] = []
            for login, name, role, team in data.AGENTS:
                if login != me:
                    roster.append(
                        actor_of(agent_service.add_agent(desk, SYSTEM, login, name, role=role, team=team))
                    )
            mine = agent_service.add_agent(
                desk, SYSTEM, me, me_name, role=Role.SUPERVISOR.value, team="BOK Warszawa"
            )
            if desk.settings.complaints_team is None:
                desk.settings = replace(desk.settings, complaints_team="BOK Warszawa")
            front = [a for a in roster if a.team_id == roster[0].team_id and a.role is Role.AGENT]
            devs = [a for a in roster if a.team_id != roster[0].team_id]
            dev_team = session.exec(select(Team).where(Team.name == "Developers")).one()
            supervisor = next(a for a in roster if a.role is Role.SUPERVISOR)
            _demo_rota(desk, supervisor, end)
            for title, shortcut, language, category, body in data.CANNED:
                canned_service.create(
                    desk, supervisor, canned_service.CannedInput(title, shortcut, body, category, language)
                )
            people = make_customers(rng, 160)
            for day in range(days, -1, -1):
                base = end - timedelta(days=day)
                for _ in range(_daily_volume(rng, base, per_day)):
                    arrival = _arrival(rng, base)
                    if arrival > end:
                        continue
                    counts["tickets"] += 1
                    counts["surveys"] += _life_of_ticket(
                        desk, rng, clock, arrival, end, rng.choice(people), front, devs, dev_team.id
                    )
            session.flush()
            # The person running the demo also works: a few tickets are theirs, and at least one
            # contact is left waiting in the queue for them to take.
            my_agent = session.get(Agent, mine.id)
            assert my_agent is not None  # added above, in this session
            me_actor = actor_of(my_agent)
            clock.now = end - timedelta(minutes=30)
            waiting = session.exec(
                select(func.count())
                .select_from(Ticket)
                .where(col(Ticket.assignee_id).is_(None), col(Ticket.status).in_(("new", "open")))
            ).one()
            for _ in range(min(2, waiting - 1)):
                ticket = tickets.take_next(desk, me_actor)
                if ticket is None:
                    break
            # The month's e-mail replies and surveys went out a minute after they were queued (the
            # demo runs no mail service; left queued, every reply would say "queued" for weeks).
            for row in session.exec(select(OutboxMessage)).all():
                row.status, row.attempts, row.sent_at = "sent", 1, row.created_at + timedelta(minutes=1)
                session.add(row)
    finally:
        desk.clock = real_clock
    return counts


# The demo's rota. The desk keeps the default hours (Mon-Fri 08:00-16:00) and its month of work is
# played inside them by every BOK agent, so each has the desk's hours as a timetable of their own
# (the developers have none: they follow the desk's hours); Kasia's leave starts on the next
# working day, so the history never shows anyone working on a day they were away.
DEMO_WEEKS = (
    ("marek", "mon-fri 08:00-16:00"),
    ("ola", "mon-fri 08:00-16:00"),
    ("kasia", "mon-fri 08:00-16:00"),
    ("piotr", "mon-fri 08:00-16:00"),
    ("ewa", "mon-fri 08:00-16:00"),
)


def _demo_rota(desk: Desk, supervisor: Actor, end: datetime) -> None:
    from .services import shifts as shift_service
    from .shifts import local_day

    for login, week in DEMO_WEEKS:
        if agent_service.find_agent(desk, login) is not None:
            shift_service.set_week(desk, supervisor, login, week)
    day = local_day(desk.calendar, end)
    leave: list[date] = []
    while len(leave) < 3:
        day += timedelta(days=1)
        if desk.calendar.is_working_day(day):
            leave.append(day)
    if agent_service.find_agent(desk, "kasia") is not None:
        shift_service.add_absence(
            desk, supervisor, "kasia", leave[0], leave[-1], "leave", note="urlop wypoczynkowy"
        )


def _daily_volume(rng: random.Random, day: datetime, per_day: int) -> int:
    weekday = day.weekday()
    factor = 1.3 if weekday == 0 else (0.35 if weekday == 5 else (0.1 if weekday == 6 else 1.0))
    return max(0, int(rng.gauss(per_day * factor, per_day * 0.15)))


def _arrival(rng: random.Random, day: datetime) -> datetime:
    hour = rng.choices(
        range(24), weights=[1, 1, 1, 1, 1, 2, 3, 6, 12, 14, 14, 13, 11, 12, 13, 12, 10, 7, 5, 4, 3, 2, 2, 1]
    )[0]
    # Hours are local office hours; the store is UTC (Warsaw is UTC+1 in winter).
    return day.replace(hour=0, minute=0) + timedelta(hours=hour - 1, minutes=rng.randint(0, 59))


def _life_of_ticket(
    desk: Desk,
    rng: random.Random,
    clock: _Clock,
    arrival: datetime,
    end: datetime,
    person: DemoCustomer,
    front: list[Actor],
    devs: list[Actor],
    dev_team_id: int | None,
) -> int:
    """Play one ticket's life until ``end``; returns the number of survey answers recorded."""
    topic = rng.choice(data.TOPICS)
    category, priority = topic[0], topic[1]
    if rng.random() < 0.2:
        priority = rng.choice(["low", "normal", "high"])
    english = person.language == "en"
    subject, body = (topic[3], topic[5]) if english else (topic[2], topic[4])
    channel = rng.choices([c for c, _ in CHANNELS], weights=[w for _, w in CHANNELS])[0]
    if channel in ("phone", "walk_in") and not _is_open(desk, arrival):
        channel = "email"  # nobody answers the phone or the door when the desk is closed: they write
    agent = rng.choice(front)
    spec = CustomerSpec(
        name=person.name,
        email=person.email,
        phone=person.phone if channel == "phone" else None,
        company=person.company,
        language=person.language,
    )

    def at(moment: datetime) -> bool:
        if moment > end:
            return False
        clock.now = moment
        return True

    at(arrival)
    live = channel in ("phone", "walk_in")
    creator = agent if live else SYSTEM
    first_contact = live and category in ("question", "request") and rng.random() < 0.7
    new = tickets.NewTicket(
        subject=subject,
        customer=spec,
        channel=channel,
        category=category,
        priority=priority,
        body=rng.choice(data.CALL_LOGS) if live else body,
        created_at=arrival,
        solved_on_first_contact=first_contact,
    )
    ticket = tickets.create_ticket(desk, creator, new)
    number = ticket.id
    assert number is not None
    t = arrival
    if first_contact:
        return _maybe_survey(desk, rng, clock, number, t + timedelta(hours=rng.randint(1, 30)), end)
    pickup = timedelta(
        minutes=int(rng.expovariate(1 / (25 if priority in ("high", "urgent") else 70)))
    ) + timedelta(minutes=2)
    t = _next_open(desk, t) + pickup
    if not live:
        waited = end - arrival
        if waited < timedelta(hours=2) or (waited < timedelta(hours=8) and rng.random() < 0.6):
            return 0  # the desk is busy: recent contacts still wait in the queue
        if not at(t):
            return 0
        tickets.take(desk, agent, number)
    if rng.random() < 0.3:
        t = _next_open(desk, t + timedelta(minutes=rng.randint(2, 30)))
        if at(t):
            tickets.add_note(desk, agent, number, rng.choice(data.NOTES))
    t = _next_open(desk, t + timedelta(minutes=rng.randint(3, 50)))
    if not at(t):
        return 0
    replies = data.AGENT_REPLIES_EN if english else data.AGENT_REPLIES_PL
    if category == "problem" and devs and rng.random() < 0.25:
        dev = rng.choice(devs)
        tickets.assign(
            desk, agent, number, agent_id=dev.id, team_id=dev_team_id, note=rng.choice(data.HANDOVER_NOTES)
        )
        agent = dev
        t = _next_open(desk, t + timedelta(hours=rng.randint(1, 20)))
        if not at(t):
            return 0
    waiting = rng.random() < 0.35
    tickets.reply(desk, agent, number, rng.choice(replies), set_status="pending" if waiting else None)
    if waiting:
        t += timedelta(hours=rng.randint(1, 40))
        if not at(t):
            return 0
        followups = data.CUSTOMER_FOLLOWUPS_EN if english else data.CUSTOMER_FOLLOWUPS_PL
        tickets.add_customer_message(desk, SYSTEM, number, rng.choice(followups))
        t = _next_open(desk, t + timedelta(minutes=rng.randint(10, 240)))
        if not at(t):
            return 0
        tickets.reply(desk, agent, number, rng.choice(replies))
    t = _next_open(desk, t + timedelta(hours=rng.expovariate(1 / 10)))
    if not at(t):
        return 0
    if category == "complaint":
        accepted = rng.random() < 0.65
        tickets.reply(
            desk,
            agent,
            number,
            "Decyzja w sprawie reklamacji: " + ("uznana." if accepted else "odrzucona."),
            complaint_decision="accepted" if accepted else "rejected",
            decision_reason=None if accepted else "Uszkodzenie mechaniczne z winy użytkownika.",
        )
    if rng.random() < 0.08:
        tickets.set_priority(desk, agent, number, rng.choice(["high", "urgent"]))
    tickets.solve(desk, agent, number)
    recorded = _maybe_survey(desk, rng, clock, number, t + timedelta(hours=rng.randint(1, 48)), end)
    if rng.random() < 0.07:
        t += timedelta(days=rng.randint(1, 4))
        if at(t):
            tickets.add_customer_message(
                desk, SYSTEM, number, "Problem wrócił, proszę o ponowne sprawdzenie."
            )
            t = _next_open(desk, t + timedelta(hours=rng.randint(1, 8)))
            if at(t):
                tickets.reply(desk, agent, number, rng.choice(replies))
                tickets.solve(desk, agent, number)
    t = _next_open(desk, t + timedelta(days=7))
    if at(t):  # a week after solving, the agent closes it during office hours
        tickets.set_status(desk, agent, number, "closed")
    return recorded


def _is_open(desk: Desk, moment: datetime) -> bool:
    return desk.calendar.is_open(moment.astimezone(UTC).replace(tzinfo=None))


def _next_open(desk: Desk, moment: datetime) -> datetime:
    """Agents work office hours: after-hours contacts wait for the next opening."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return desk.calendar.next_open(naive).replace(tzinfo=UTC)


def _maybe_survey(
    desk: Desk, rng: random.Random, clock: _Clock, number: int, when: datetime, end: datetime
) -> int:
    """An answer to the e-mailed survey, some hours after the ticket was solved (filed by the system)."""
    if rng.random() > 0.45 or when > end:
        return 0
    clock.now = when
    nps = min(10, max(0, round(rng.gauss(8.2, 2.0))))
    csat = min(5, max(1, round(rng.gauss(4.2, 0.9))))
    # A comment that fits the score: praise from promoters, a complaint from detractors.
    if nps >= 9:
        comment = rng.choice([None, None, "Szybko i konkretnie.", "Very helpful, thanks!"])
    elif nps <= 6:
        comment = rng.choice([None, "Długo czekałem na odpowiedź.", "Musiałem dwa razy tłumaczyć to samo."])
    else:
        comment = rng.choice([None, None, None, "W porządku."])
    surveys.record(
        desk, SYSTEM, number, nps=nps, csat=csat, comment=comment, answered_at=when, source="email"
    )
    return 1


def is_demo(desk: Desk) -> bool:
    with desk.store.read() as session:
        return session.get(Setting, "demo") is not None


__all__ = ["build_demo", "is_demo", "tickets"]
