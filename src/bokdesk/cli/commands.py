"""Scripting commands: db, agent, ticket, import and export."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import DatabaseError, ValidationError
from ..core.subjects import shown
from .args import bounded, read_stdin_text, record_id
from .context import context_for
from .files import input_file, output_path, refuse_existing, write_file
from .output import flat, print_json, print_table, safe

Common = Callable[[argparse.ArgumentParser], None]
LIST_MAX = 10_000  # rows `ticket list` prints at most


def register(sub: Any, common: Common) -> None:
    _register_db(sub, common)
    _register_agent(sub, common)
    _register_ticket(sub, common)
    imp = sub.add_parser("import", help="import tickets (lossless JSONL)")
    imp_sub = imp.add_subparsers(dest="format", metavar="FORMAT", required=True)
    p = imp_sub.add_parser("jsonl", help="import a bokdesk JSONL file (all or nothing)")
    p.add_argument("file")
    common(p)
    p.set_defaults(handler=cmd_import_jsonl)
    exp = sub.add_parser("export", help="export the desk (lossless JSONL)")
    exp_sub = exp.add_subparsers(dest="format", metavar="FORMAT", required=True)
    p = exp_sub.add_parser("jsonl", help="write every ticket with messages, history and surveys")
    p.add_argument("file", nargs="?", help="output file (default: stdout); must not exist")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    common(p)
    p.set_defaults(handler=cmd_export_jsonl)


def _parser(
    sub: Any, common: Common, name: str, help_text: str, handler: Callable[[argparse.Namespace], int]
) -> Any:
    p = sub.add_parser(name, help=help_text, description=help_text)
    common(p)
    p.set_defaults(handler=handler)
    return p


# --- db -----------------------------------------------------------------------------------


def _register_db(sub: Any, common: Common) -> None:
    db = sub.add_parser("db", help="schema upgrade, integrity check, online backup")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    _parser(
        db_sub, common, "upgrade", "create or migrate the database to this version's schema", cmd_db_upgrade
    )
    _parser(db_sub, common, "check", "run SQLite's integrity check", cmd_db_check)
    p = _parser(db_sub, common, "backup", "consistent online copy while agents work", cmd_db_backup)
    p.add_argument("dest", help="backup file to write (must not exist)")


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from ..core.store import SCHEMA_HEAD

    ctx = context_for(args, create=True, upgrade=True)
    where = (
        ctx.desk.store.engine.url.render_as_string(hide_password=True)
        if ctx.config.db_url
        else ctx.config.db_path
    )
    print(safe(f"Database {where} is at schema {SCHEMA_HEAD}."))
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    from sqlalchemy import text

    ctx = context_for(args, create=False)
    if not ctx.desk.store.is_sqlite:
        # Opening it checked the schema; the server enforces foreign keys on every write and
        # keeps its files itself: a physical check is the server's tool (pg_amcheck).
        print(
            "ok (a server database: schema current, foreign keys enforced by the server; "
            "for a physical check use the server's tools, e.g. pg_amcheck)"
        )
        return 0
    with ctx.desk.store.read() as session:
        rows = [r[0] for r in session.execute(text("PRAGMA integrity_check")).all()]
        fk = session.execute(text("PRAGMA foreign_key_check")).all()
    if rows == ["ok"] and not fk:
        print("ok")
        return 0
    for row in rows[:20]:
        print(safe(row))
    if fk:
        print(f"{len(fk)} rows break foreign keys")
    return 1


def cmd_db_backup(args: argparse.Namespace) -> int:
    import sqlite3

    ctx = context_for(args, create=False)
    if not ctx.desk.store.is_sqlite:
        raise DatabaseError(
            "bokdesk db backup copies an SQLite file; back up a server database with the "
            "server's tools (pg_dump --format=custom), or move the desk with `bokdesk export jsonl`."
        )
    dest = Path(args.dest).expanduser()
    if dest.exists():
        raise ValidationError(f"{dest} already exists; choose a new file for the backup.")
    if not dest.parent.is_dir():
        raise DatabaseError(f"The directory {dest.parent} does not exist.")
    source = sqlite3.connect(str(ctx.config.db_path), timeout=30)
    try:
        target = sqlite3.connect(str(dest))
        try:
            # One step: a snapshot read transaction for the whole copy (WAL: writers go on). A
            # stepwise backup restarts whenever an agent commits between steps, and on a busy desk
            # never finishes (measured: 286 MB with 3 writers at 60 commits/s ran until they stopped).
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    check = sqlite3.connect(str(dest))
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        raise DatabaseError(f"The backup at {dest} failed its integrity check: {result}")
    print(safe(f"Backup written to {dest} (integrity ok)."))
    return 0


# --- agents -----------------------------------------------------------------------------------


def _register_agent(sub: Any, common: Common) -> None:
    agent = sub.add_parser("agent", help="manage agents")
    agent_sub = agent.add_subparsers(dest="agent_command", metavar="ACTION", required=True)
    p = _parser(agent_sub, common, "add", "add an agent (login = Unix user name)", cmd_agent_add)
    p.add_argument("login")
    p.add_argument("--name", required=True)
    p.add_argument("--role", default="agent", choices=["agent", "supervisor", "admin"])
    p.add_argument("--team")
    p.add_argument("--email")
    p = _parser(agent_sub, common, "list", "list agents", cmd_agent_list)
    p.add_argument("--json", action="store_true")
    from .shifts_cmd import register_agent as register_rota

    register_rota(agent_sub, common)  # agent shifts / shift set / absence


def cmd_agent_add(args: argparse.Namespace) -> int:
    from ..core.services import agents
    from .context import login_for

    ctx = context_for(args)
    actor = None
    me = agents.find_agent(ctx.desk, login_for(args, ctx.config))
    if me is not None:
        actor = agents.actor_of(me)
    agent = agents.add_agent(
        ctx.desk, actor, args.login, args.name, role=args.role, team=args.team, email=args.email
    )
    print(safe(f"Added {agent.login} ({agent.name}, {agent.role})."))
    return 0


def cmd_agent_list(args: argparse.Namespace) -> int:
    from ..core.clock import iso
    from ..core.services import agents

    ctx = context_for(args)
    rows = agents.list_agents(ctx.desk)
    if args.json:
        print_json(
            [
                {
                    "login": a.login,
                    "name": a.name,
                    "role": a.role,
                    "team": t,
                    "active": a.active,
                    "status": a.status,
                    "last_seen_at": iso(a.last_seen_at),
                }
                for a, t in rows
            ]
        )
    else:
        print_table(
            ["LOGIN", "NAME", "ROLE", "TEAM", "ACTIVE"],
            [[a.login, a.name, a.role, t or "", "yes" if a.active else "no"] for a, t in rows],
        )
    return 0


# --- tickets ----------------------------------------------------------------------------------


def _register_ticket(sub: Any, common: Common) -> None:
    ticket = sub.add_parser("ticket", help="read and work tickets")
    tsub = ticket.add_subparsers(dest="ticket_command", metavar="ACTION", required=True)
    p = _parser(tsub, common, "list", "list a queue view", cmd_ticket_list)
    p.add_argument("--view", default="open", help="mine, unassigned, open, waiting, sla, complaints, solved")
    p.add_argument("--limit", type=bounded(1, LIST_MAX), default=50, metavar="N")
    p.add_argument("--json", action="store_true")
    p = _parser(tsub, common, "show", "show a ticket with its conversation and history", cmd_ticket_show)
    p.add_argument("number", type=record_id)
    p.add_argument("--json", action="store_true")
    p = _parser(tsub, common, "new", "open a ticket", cmd_ticket_new)
    p.add_argument("--subject", required=True)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--email")
    who.add_argument("--phone")
    who.add_argument("--customer", help="customer name")
    p.add_argument("--name", help="customer name when giving --email or --phone")
    p.add_argument("--channel", default="email")
    p.add_argument("--priority", default="normal")
    p.add_argument("--category", default="question")
    p.add_argument("--team")
    p.add_argument("--body", default="", help="first message or call log ('-' reads stdin)")
    p.add_argument("--solved", action="store_true", help="solved on first contact")
    p.add_argument("--json", action="store_true")
    for name, help_text, handler in (
        ("take", "claim a ticket", cmd_ticket_take),
        ("take-next", "claim the next most urgent unassigned ticket", cmd_ticket_take_next),
    ):
        p = _parser(tsub, common, name, help_text, handler)
        if name == "take":
            p.add_argument("number", type=record_id)
        p.add_argument("--json", action="store_true")
    for name, help_text in (("reply", "reply to the customer"), ("note", "add an internal note")):
        p = _parser(tsub, common, name, help_text, cmd_ticket_reply if name == "reply" else cmd_ticket_note)
        p.add_argument("number", type=record_id)
        p.add_argument("--body", required=True, help="text, or '-' to read stdin")
        p.add_argument(
            "--version", dest="expected_version", type=record_id, help="refuse if the ticket changed since"
        )
        p.add_argument("--json", action="store_true")
    p = _parser(tsub, common, "status", "set a ticket's status", cmd_ticket_status)
    p.add_argument("number", type=record_id)
    p.add_argument("status")
    p.add_argument("--version", dest="expected_version", type=record_id)
    p.add_argument("--json", action="store_true")


def _body(value: str) -> str:
    return read_stdin_text("--body -") if value == "-" else value


def cmd_ticket_list(args: argparse.Namespace) -> int:
    from ..core import serialize
    from ..core.queries import View, list_view, parse_view
    from ..core.services.agents import actor_of, find_agent
    from .context import login_for

    view = parse_view(args.view)
    ctx = context_for(args)
    if view is View.MINE:
        actor = ctx.actor(args)
    else:
        agent = find_agent(ctx.desk, login_for(args, ctx.config))
        from ..core.desk import Actor

        actor = actor_of(agent) if agent else Actor(id=-1, login="", name="")
    rows = list_view(ctx.desk, actor, view, limit=args.limit)
    now = ctx.desk.now()
    if args.json:
        print_json([serialize.queue_row(r, now) for r in rows])
    else:
        print_table(
            ["#", "PRI", "STATUS", "CHANNEL", "SUBJECT", "CUSTOMER", "ASSIGNEE", "SLA"],
            [
                [
                    r.id,
                    r.priority,
                    r.status,
                    r.channel,
                    shown(r.subject),
                    r.customer,
                    r.assignee or "-",
                    r.sla_state(now),
                ]
                for r in rows
            ],
        )
    return 0


def cmd_ticket_show(args: argparse.Namespace) -> int:
    from ..core import serialize
    from ..core.queries import ticket_detail

    ctx = context_for(args)
    from ..core.explain import describe, explain_ticket

    detail = ticket_detail(ctx.desk, args.number)
    data = serialize.ticket_detail(detail)
    explanation = explain_ticket(ctx.desk, args.number)
    if args.json:
        data["explain"] = explanation.to_json()
        print_json(data)
        return 0
    print(f"#{data['number']}  {flat(shown(data['subject']))}")
    print(
        flat(
            f"status {data['status']}  priority {data['priority']}  channel {data['channel']}  "
            f"category {data['category']}  assignee {data['assignee'] or '-'}  team {data['team'] or '-'}"
        )
    )
    c = data["customer"]
    print(flat(f"customer {c['name']}  {' '.join(c['emails'] + c['phones'])}{'  VIP' if c['vip'] else ''}"))
    for m in data["messages"]:
        print(f"\n--- {flat(m['kind'])} · {flat(m['author'])} · {m['created_at']}")
        print(safe(m["body"]))
    print("\nhistory:")
    for e in data["history"]:
        print(
            flat(
                f"  {e['at']}  {e['actor']}  {e['field']}: {e['from'] or '-'} -> {e['to'] or '-'}"
                + (f"  ({e['note']})" if e["note"] else "")
            )
        )
    print("\nclocks:")
    for line in describe(explanation, ctx.desk.calendar.tz):
        print(f"  {safe(line)}")
    return 0


def _print_ticket(ctx: Any, number: int | None, as_json: bool) -> None:
    from ..core import serialize
    from ..core.queries import ticket_detail

    assert number is not None  # a ticket the service has just written has its id

    data = serialize.ticket_detail(ticket_detail(ctx.desk, number))
    if as_json:
        print_json(data)
    else:
        print(
            flat(
                f"#{data['number']}  {shown(data['subject'])}  [{data['status']}, {data['priority']}, "
                f"assignee {data['assignee'] or '-'}]"
            )
        )


def cmd_ticket_new(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from ..core.models import Team
    from ..core.services.customers import CustomerSpec
    from ..core.services.tickets import NewTicket, create_ticket

    ctx = context_for(args)
    actor = ctx.actor(args)
    team_id = None
    if args.team:
        with ctx.desk.store.read() as session:
            team = session.exec(select(Team).where(Team.name == args.team)).first()
        if team is None:
            raise ValidationError(f"Team {args.team!r} does not exist.")
        team_id = team.id
    spec = CustomerSpec(name=args.customer or args.name, email=args.email, phone=args.phone)
    ticket = create_ticket(
        ctx.desk,
        actor,
        NewTicket(
            subject=args.subject,
            customer=spec,
            channel=args.channel,
            category=args.category,
            priority=args.priority,
            body=_body(args.body),
            team_id=team_id,
            solved_on_first_contact=args.solved,
        ),
    )
    _print_ticket(ctx, ticket.id, args.json)
    return 0


def cmd_ticket_take(args: argparse.Namespace) -> int:
    from ..core.services.tickets import take

    ctx = context_for(args)
    ticket = take(ctx.desk, ctx.actor(args), args.number)
    _print_ticket(ctx, ticket.id, args.json)
    return 0


def cmd_ticket_take_next(args: argparse.Namespace) -> int:
    from ..core.services.tickets import take_next

    ctx = context_for(args)
    ticket = take_next(ctx.desk, ctx.actor(args))
    if ticket is None:
        if args.json:
            print_json(None)
        else:
            print("No unassigned ticket is waiting.")
        return 0
    _print_ticket(ctx, ticket.id, args.json)
    return 0


def cmd_ticket_reply(args: argparse.Namespace) -> int:
    from ..core.services.tickets import reply

    ctx = context_for(args)
    reply(ctx.desk, ctx.actor(args), args.number, _body(args.body), expected_version=args.expected_version)
    _print_ticket(ctx, args.number, args.json)
    return 0


def cmd_ticket_note(args: argparse.Namespace) -> int:
    from ..core.services.tickets import add_note

    ctx = context_for(args)
    add_note(ctx.desk, ctx.actor(args), args.number, _body(args.body), expected_version=args.expected_version)
    _print_ticket(ctx, args.number, args.json)
    return 0


def cmd_ticket_status(args: argparse.Namespace) -> int:
    from ..core.services.tickets import set_status

    ctx = context_for(args)
    set_status(ctx.desk, ctx.actor(args), args.number, args.status, expected_version=args.expected_version)
    _print_ticket(ctx, args.number, args.json)
    return 0


# --- import / export ----------------------------------------------------------------------------


def _require_on_populated_desk(ctx: Any, args: argparse.Namespace, permission: str) -> None:
    """Whole-desk import/export needs the role; a desk without agents yet (a new file) is open."""
    from sqlmodel import select

    from ..core.models import Agent
    from ..core.roles import Permission, require

    with ctx.desk.store.read() as session:
        if session.exec(select(Agent.id)).first() is None:
            return
    require(ctx.actor(args), Permission[permission])


def cmd_import_jsonl(args: argparse.Namespace) -> int:
    from ..core.jsonl import import_jsonl

    path = input_file(args.file)
    ctx = context_for(args, create=True)  # importing into a new file is how a desk moves
    _require_on_populated_desk(ctx, args, "CONFIGURE_DESK")
    counts = import_jsonl(ctx.desk, path)
    print(", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items()) + " imported.")
    return 0


def cmd_export_jsonl(args: argparse.Namespace) -> int:
    from ..core.jsonl import export_jsonl

    path = output_path(args.file) if args.file else None
    if path is not None:
        refuse_existing(path, force=args.force)  # before the work, and again when the file is written
    ctx = context_for(args, create=False)
    _require_on_populated_desk(ctx, args, "EXPORT_DESK")
    if path is not None:
        counted: list[int] = []
        write_file(path, lambda fh: counted.append(export_jsonl(ctx.desk, fh)), force=args.force)
        print(f"{counted[0]} tickets exported to {path}.", file=sys.stderr)
    else:
        export_jsonl(ctx.desk, sys.stdout)
    return 0
