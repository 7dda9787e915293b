"""``bokdesk agent shifts``, ``agent shift set``, ``agent absence add/list/cancel``: the rota.

Scripting paths: no Textual, no Rich. Times are printed in the desk's local time (``--json`` gives
UTC instants as everywhere else, and local dates for absences).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..core.errors import ValidationError
from .args import record_id
from .context import context_for
from .output import flat, print_json, print_table, safe

Common = Callable[[argparse.ArgumentParser], None]

WEEK_HELP = (
    'the week, e.g. "mon-fri 08:00-16:00, sat 09:00-13:00": groups by commas, days (mon..sun or '
    'pon..niedz, ranges mon-fri, sat+sun) then hours; a split shift "mon 8-12 13-17"; "22-6" ends the '
    'next day; "sun off"; "desk" = no timetable, follow the desk\'s opening hours'
)


def register_agent(agent_sub: Any, common: Common) -> None:
    """Add the rota's actions to ``bokdesk agent``."""
    p = agent_sub.add_parser(
        "shifts",
        help="the week's shifts of every agent (or one), and who is on shift now",
        description="Each active agent's weekly timetable (desk = the desk's opening hours), "
        "whether they are on shift now and until when, and any absence today.",
    )
    common(p)
    p.add_argument("login", nargs="?", help="only this agent")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_shifts)

    shift = agent_sub.add_parser("shift", help="set an agent's weekly timetable (supervisors)")
    shift_sub = shift.add_subparsers(dest="shift_command", metavar="ACTION", required=True)
    p = shift_sub.add_parser(
        "set",
        help="replace an agent's week (supervisors)",
        description="Replace an agent's weekly timetable, in the desk's local time. "
        "Public holidays and the desk's days off are off for everyone.",
    )
    common(p)
    p.add_argument("login")
    p.add_argument("week", help=WEEK_HELP)
    p.set_defaults(handler=cmd_shift_set)

    absence = agent_sub.add_parser("absence", help="leave, sick days, training (supervisors record them)")
    absence_sub = absence.add_subparsers(dest="absence_command", metavar="ACTION", required=True)
    p = absence_sub.add_parser("add", help="record an absence, whole days FROM..TO (supervisors)")
    common(p)
    p.add_argument("login")
    p.add_argument("first", metavar="FROM", help="first day: 2026-11-23, 23.11.2026, today, tomorrow")
    p.add_argument("last", metavar="TO", nargs="?", help="last day (default: FROM)")
    p.add_argument("--kind", default="leave", choices=["leave", "sick", "training", "other"])
    p.add_argument("--note")
    p.set_defaults(handler=cmd_absence_add)
    p = absence_sub.add_parser("list", help="absences touching a period (default: from today on)")
    common(p)
    p.add_argument("--from", dest="first", metavar="DAY")
    p.add_argument("--to", dest="last", metavar="DAY")
    p.add_argument("--agent", metavar="LOGIN")
    p.add_argument("--all", action="store_true", help="past absences too")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_absence_list)
    p = absence_sub.add_parser("cancel", help="remove a recorded absence by its number (supervisors)")
    common(p)
    p.add_argument("id", type=record_id)
    p.set_defaults(handler=cmd_absence_cancel)


def _day(ctx: Any, text: str, what: str) -> Any:
    from ..core.shifts import ShiftSpecError, local_day, parse_day

    try:
        return parse_day(text, local_day(ctx.desk.calendar, ctx.desk.now()), what)
    except ShiftSpecError as error:
        raise ValidationError(str(error)) from None


def _local(ctx: Any, at: datetime | None) -> str:
    if at is None:
        return ""
    return at.astimezone(ctx.desk.calendar.tz).strftime("%a %Y-%m-%d %H:%M")


def _now_text(ctx: Any, state: Any) -> str:
    if state.absence is not None:
        return f"absent ({state.absence.kind}) until {state.absent_until.isoformat()}"
    if state.on_shift:
        return f"on shift until {_local(ctx, state.until)}"
    if state.next_start is not None:
        return f"off shift, next {_local(ctx, state.next_start)}"
    return "off shift"


def cmd_shifts(args: argparse.Namespace) -> int:
    from ..core.calendar import WEEKDAY_KEYS
    from ..core.clock import iso
    from ..core.services import shifts

    ctx = context_for(args)
    ctx.actor(args)  # agents of the desk read the rota
    now = ctx.desk.now()
    rows = shifts.rota_of_desk(ctx.desk, login=args.login)
    states = [(r, r.rota.state(now)) for r in rows]
    if args.json:
        print_json(
            [
                {
                    "login": r.login,
                    "name": r.name,
                    "team": r.team,
                    "week": r.week,
                    "follows_desk": r.rota.follows_desk,
                    "blocks": [
                        {
                            "day": WEEKDAY_KEYS[b.weekday],
                            "start": b.hours.split("-")[0],
                            "end": b.hours.split("-")[1],
                            "overnight": b.overnight,
                        }
                        for b in r.rota.blocks
                    ],
                    "on_shift": s.on_shift,
                    "until": iso(s.until),
                    "next_start": iso(s.next_start),
                    "absence": None
                    if s.absence is None
                    else {
                        "id": s.absence.id,
                        "kind": s.absence.kind,
                        "first_day": s.absence.first_day.isoformat(),
                        "last_day": s.absence.last_day.isoformat(),
                        "note": s.absence.note,
                    },
                    "absent_until": s.absent_until.isoformat() if s.absent_until else None,
                }
                for r, s in states
            ]
        )
        return 0
    print_table(
        ["LOGIN", "NAME", "TEAM", "WEEK", "NOW"],
        [
            [
                r.login,
                r.name,
                r.team or "",
                r.week if not r.rota.follows_desk else "desk hours",
                _now_text(ctx, s),
            ]
            for r, s in states
        ],
        max_width=64,
    )
    return 0


def cmd_shift_set(args: argparse.Namespace) -> int:
    from ..core.services import shifts
    from ..core.shifts import format_block, format_week, outside_hours

    ctx = context_for(args)
    blocks = shifts.set_week(ctx.desk, ctx.actor(args), args.login, args.week)
    print(
        f"{flat(args.login)}: {format_week(blocks) if blocks else 'the desk opening hours (no timetable of their own)'}"
    )
    outside = outside_hours(blocks, ctx.desk.calendar.hours)
    if outside:
        print(
            f"Note: outside the desk's opening hours: {', '.join(format_block(b) for b in outside)}. New tickets "
            f"are routed to {flat(args.login)} then, while the SLA clocks (business hours) stand still."
        )
    return 0


def cmd_absence_add(args: argparse.Namespace) -> int:
    from ..core.services import shifts

    ctx = context_for(args)
    actor = ctx.actor(args)
    first = _day(ctx, args.first, "FROM")
    last = _day(ctx, args.last, "TO") if args.last else None
    entry = shifts.add_absence(ctx.desk, actor, args.login, first, last, args.kind, args.note)
    print(
        f"Absence #{entry.id}: {flat(entry.login)} {entry.kind} {entry.first_day}..{entry.last_day} "
        f"({entry.days} day{'s' if entry.days != 1 else ''})."
    )
    return 0


def cmd_absence_list(args: argparse.Namespace) -> int:
    from ..core.services import shifts
    from ..core.shifts import local_day

    ctx = context_for(args)
    ctx.actor(args)
    first = _day(ctx, args.first, "--from") if args.first else None
    if first is None and not args.all:
        first = local_day(ctx.desk.calendar, ctx.desk.now())
    last = _day(ctx, args.last, "--to") if args.last else None
    if first and last and last < first:
        raise ValidationError("--to is before --from.")
    rows = shifts.list_absences(ctx.desk, first_day=first, last_day=last, login=args.agent)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    print_table(
        ["ID", "LOGIN", "NAME", "KIND", "FROM", "TO", "DAYS", "NOTE", "RECORDED BY"],
        [
            [r.id, r.login, r.name, r.kind, r.first_day, r.last_day, r.days, r.note or "", r.recorded_by]
            for r in rows
        ],
    )
    return 0


def cmd_absence_cancel(args: argparse.Namespace) -> int:
    from ..core.services import shifts

    ctx = context_for(args)
    entry = shifts.cancel_absence(ctx.desk, ctx.actor(args), args.id)
    print(
        safe(
            f"Cancelled absence #{entry.id}: {entry.login} {entry.kind} {entry.first_day}..{entry.last_day}."
        )
    )
    return 0
