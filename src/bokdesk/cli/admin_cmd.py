"""``bokdesk admin ...`` (the shared box, SLA policies, teams, roles), ``bokdesk who`` and ``bokdesk status``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import ValidationError
from .args import any_int64, bounded
from .context import context_for
from .output import print_json, print_table, safe

Common = Callable[[argparse.ArgumentParser], None]

NEXT_STEPS = """\
Next steps:
  1. Add each agent's Unix login to the group:     usermod -aG {group} LOGIN   (they log in again)
  2. Add them to the desk (as a desk admin):       bokdesk agent add LOGIN --name "Full Name" [--role supervisor]
  3. Each agent runs `bokdesk`; nobody needs --db. Check the box any time: bokdesk admin init-shared --check --db {db} --group {group}
"""


def register(sub: Any, common: Common) -> None:
    admin = sub.add_parser("admin", help="the shared box, SLA policies, teams and roles")
    asub = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)

    p = asub.add_parser(
        "init-shared",
        help="set up (or repair) one database shared by a Unix group",
        description="Create or repair a shared desk: the directory (setgid, 2770), the database and "
        "its -wal/-shm (0660, group-owned), and the site config. Safe to run again.",
    )
    common(p)
    p.add_argument("--group", required=True, help="the Unix group of the desk's agents (must exist)")
    p.add_argument(
        "--site-config", metavar="FILE", help="site config to write (default: the site config dir)"
    )
    allow = p.add_mutually_exclusive_group()
    allow.add_argument(
        "--allow-as",
        dest="allow_as",
        action="append",
        metavar="UNIX_LOGIN",
        default=None,
        help="let this Unix login (the service account of SSH forced commands) run `bokdesk --as NAME`",
    )
    allow.add_argument("--no-allow-as", dest="allow_as", action="store_false")
    p.add_argument("--admin", metavar="LOGIN", help="make this Unix login the desk's first admin")
    p.add_argument("--admin-name", metavar="NAME", help="display name of that admin")
    p.add_argument(
        "--check", action="store_true", help="change nothing; list what is wrong (exit 1 if anything)"
    )
    p.set_defaults(handler=cmd_init_shared)

    p = asub.add_parser("sla", help="list or change SLA policies (supervisors)")
    common(p)
    ssub = p.add_subparsers(dest="sla_command", metavar="ACTION")
    p.set_defaults(handler=cmd_sla_list)
    q = ssub.add_parser("list", help="list the SLA policies")
    common(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_sla_list)
    q = ssub.add_parser("set", help="set the targets for a priority (optionally one category)")
    common(q)
    q.add_argument("priority")
    q.add_argument("--category")
    q.add_argument("--first-response", type=any_int64, metavar="MINUTES")
    q.add_argument("--resolution", type=any_int64, metavar="MINUTES")
    q.add_argument("--calendar-time", action="store_true", help="count calendar time, not business hours")
    q.set_defaults(handler=cmd_sla_set)

    p = asub.add_parser("team-mode", help="how a team's new tickets are assigned (supervisors)")
    common(p)
    p.add_argument("team")
    p.add_argument("mode", choices=["manual", "round_robin", "least_loaded"])
    p.set_defaults(handler=cmd_team_mode)

    p = asub.add_parser("role", help="change an agent's role (admins)")
    common(p)
    p.add_argument("login")
    p.add_argument("role", choices=["agent", "supervisor", "admin"])
    p.set_defaults(handler=cmd_role)

    p = asub.add_parser(
        "audit",
        help="who changed roles, agents, SLA policies and desk settings, and when (admins)",
        description="The audit of desk-wide changes, newest first: roles, agents added, activated "
        "or deactivated, SLA policies (with how many open tickets had their due times "
        "recomputed), team assignment modes, desk settings, agents' weekly shifts and "
        "absences.",
    )
    common(p)
    p.add_argument(
        "--limit", type=bounded(1, 10000), default=50, metavar="N", help="how many rows (default 50)"
    )
    p.add_argument(
        "--action",
        choices=[
            "role",
            "agent_added",
            "agent_active",
            "sla_policy",
            "assignment_mode",
            "setting",
            "shifts",
            "absence_added",
            "absence_cancelled",
        ],
        help="only this kind of change",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_audit)

    for name, active in (("deactivate", False), ("activate", True)):
        p = asub.add_parser(name, help=f"{name} an agent (admins); history keeps their name")
        common(p)
        p.add_argument("login")
        p.set_defaults(handler=cmd_active, active=active)

    p = sub.add_parser("who", help="agents online, their status and the tickets they have open")
    common(p)
    p.add_argument("--all", action="store_true", help="include agents who are offline")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_who)

    p = sub.add_parser("status", help="show or set your status: available, away, off_shift")
    common(p)
    p.add_argument("status", nargs="?", choices=["available", "away", "off_shift"])
    p.add_argument("--agent", metavar="LOGIN", help="a colleague's status (supervisors)")
    p.set_defaults(handler=cmd_status)


# --- init-shared ------------------------------------------------------------------------------------


def cmd_init_shared(args: argparse.Namespace) -> int:
    from ..core.config import site_config_path
    from ..core.shared_setup import init_shared

    if not getattr(args, "db", None):
        raise ValidationError(
            "init-shared needs --db PATH: where the shared database lives (e.g. /srv/bokdesk/desk.db)."
        )
    db = Path(args.db)
    config_path = Path(args.site_config).expanduser() if args.site_config else site_config_path()
    report = init_shared(
        db,
        args.group,
        config_path=config_path,
        allow_as=args.allow_as,
        check_only=args.check,
        open_desk=_open_desk,
    )
    for line in report.done:
        print(
            safe(f"fixed   {line}" if "created" not in line and "written" not in line else f"made    {line}")
        )
    for line in report.ok:
        print(safe(f"ok      {line}"))
    for line in report.problems:
        print(safe(f"WRONG   {line}"))
    if args.check:
        if report.problems:
            print(
                f"{len(report.problems)} problem(s); run the same command without --check to fix them.",
                file=sys.stderr,
            )
            return 1
        print("The shared desk is set up correctly.")
        return 0
    if args.admin:
        _first_admin(report.db_path, args.admin, args.admin_name)
    print(NEXT_STEPS.format(group=args.group, db=report.db_path))
    return 0


def _open_desk(path: Path) -> None:
    from ..core.database import open_store

    open_store(path).dispose()


def _first_admin(db: Path, login: str, name: str | None) -> None:
    from ..core.database import open_store
    from ..core.desk import Desk
    from ..core.services import agents

    store = open_store(db)
    try:
        desk = Desk(store=store)
        existing = agents.find_agent(desk, login)
        if existing is not None:
            print(safe(f"ok      {login} is already an agent of this desk ({existing.role})."))
            return
        agent = agents.add_agent(desk, None, login, name or login, role="admin")
        print(safe(f"made    {agent.login}: the desk's first admin"))
    finally:
        store.dispose()


# --- policies, teams, roles ----------------------------------------------------------------------------


def cmd_sla_list(args: argparse.Namespace) -> int:
    from ..core.services import policies

    ctx = context_for(args)
    rows = policies.list_policies(ctx.desk)
    if getattr(args, "json", False):
        print_json(
            [
                {
                    "priority": r.priority,
                    "category": r.category,
                    "first_response_minutes": r.first_response_minutes,
                    "resolution_minutes": r.resolution_minutes,
                    "business_hours": r.business_hours,
                }
                for r in rows
            ]
        )
        return 0
    print_table(
        ["PRIORITY", "CATEGORY", "FIRST RESPONSE", "RESOLUTION", "CLOCK"],
        [
            [
                r.priority,
                r.category or "(any)",
                _minutes(r.first_response_minutes),
                _minutes(r.resolution_minutes),
                "business" if r.business_hours else "calendar",
            ]
            for r in rows
        ],
    )
    return 0


def _minutes(value: int | None) -> str:
    if value is None:
        return "-"
    hours, minutes = divmod(value, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _change(args: argparse.Namespace, change: Callable[[Any, Any], str]) -> int:
    """Run one change as the acting agent (the service checks the role) and print its outcome."""
    ctx = context_for(args)
    print(safe(change(ctx.desk, ctx.actor(args))))
    return 0


def cmd_sla_set(args: argparse.Namespace) -> int:
    from ..core.services import policies

    def change(desk: Any, actor: Any) -> str:
        row = policies.set_policy(
            desk,
            actor,
            policies.PolicyInput(
                priority=args.priority,
                category=args.category,
                first_response_minutes=args.first_response,
                resolution_minutes=args.resolution,
                business_hours=not args.calendar_time,
            ),
        )
        return (
            f"SLA for {row.priority}{'/' + row.category if row.category else ''}: first response "
            f"{_minutes(row.first_response_minutes)}, resolution {_minutes(row.resolution_minutes)} "
            f"({'business hours' if row.business_hours else 'calendar time'}); open tickets' due times recomputed."
        )

    return _change(args, change)


def cmd_team_mode(args: argparse.Namespace) -> int:
    from ..core.services import policies

    def change(desk: Any, actor: Any) -> str:
        team = policies.set_assignment_mode(desk, actor, args.team, args.mode)
        return f"{team.name}: new tickets are assigned {team.assignment_mode.replace('_', ' ')}."

    return _change(args, change)


def cmd_role(args: argparse.Namespace) -> int:
    from ..core.services import agents

    def change(desk: Any, actor: Any) -> str:
        agent = agents.set_role(desk, actor, args.login, args.role)
        return f"{agent.login} ({agent.name}) is now {agent.role}."

    return _change(args, change)


def cmd_active(args: argparse.Namespace) -> int:
    from ..core.services import agents

    def change(desk: Any, actor: Any) -> str:
        agent = agents.set_active(desk, actor, args.login, args.active)
        return f"{agent.login} ({agent.name}) is {'active' if agent.active else 'deactivated'}."

    return _change(args, change)


def cmd_audit(args: argparse.Namespace) -> int:
    from ..core import audit
    from ..core.clock import iso

    ctx = context_for(args)
    rows = audit.entries(ctx.desk, ctx.actor(args), limit=args.limit, action=args.action)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    print_table(
        ["AT (UTC)", "BY", "CHANGE", "OF", "FROM", "TO", "NOTE"],
        [[iso(r.at), r.actor, r.action, r.target, r.old or "-", r.new or "-", r.note or ""] for r in rows],
    )
    return 0


# --- who / status ------------------------------------------------------------------------------------------


def cmd_who(args: argparse.Namespace) -> int:
    from ..core.clock import iso
    from ..core.services import presence

    ctx = context_for(args)
    ctx.actor(args)  # only agents of the desk see who is working
    rows = presence.online(ctx.desk, include_offline=args.all)
    if args.json:
        print_json(
            [
                {
                    "login": a.login,
                    "name": a.name,
                    "role": a.role,
                    "team": a.team,
                    "status": a.status,
                    "state": a.state,
                    "last_seen_at": iso(a.last_seen_at),
                    "open_tickets": [{"ticket": t, "activity": act} for t, act in a.open_tickets],
                }
                for a in rows
            ]
        )
        return 0
    print_table(
        ["LOGIN", "NAME", "TEAM", "STATE", "OPEN"],
        [
            [
                a.login,
                a.name,
                a.team or "",
                a.state,
                " ".join(f"#{t}{'*' if act != 'viewing' else ''}" for t, act in a.open_tickets),
            ]
            for a in rows
        ],
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..core.services import agents

    ctx = context_for(args)
    actor = ctx.actor(args)
    login = args.agent or actor.login
    if args.status is None:
        agent = agents.find_agent(ctx.desk, login)
        if agent is None:
            raise ValidationError(f"Agent {login!r} does not exist.")
        print(safe(agent.status))
        return 0
    agent = agents.set_agent_status(ctx.desk, actor, login, args.status)
    print(safe(f"{agent.login}: {agent.status}"))
    return 0
