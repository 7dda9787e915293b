"""``bokdesk report`` (the stats screen's figures) and ``bokdesk survey import``.

No Textual here: these are scripting commands. The JSON of ``report --format json`` is documented
in ``docs/metrics-json.md`` and stable; the CSV has one fixed column set per line (one line per
group of ``--by``, or one line for the whole desk).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TextIO, cast

from ..core.errors import ValidationError
from .args import bounded
from .context import context_for
from .files import input_file, output_path, refuse_existing, write_file
from .output import cell, print_json, print_table, safe

Common = Callable[[argparse.ArgumentParser], None]
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)  # the calendar's own ends are out of reach


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser(
        "report",
        help="the desk's figures for a period: response and resolution times, SLA, backlog, NPS, CSAT",
        description="Print the stats screen's figures for a period of whole days in the desk's time zone "
        "(default: the last 30 days up to today). Durations are attributed to the day their clock stopped.",
    )
    common(p)
    p.add_argument(
        "--from", dest="first", metavar="DATE", help="first day, YYYY-MM-DD (default: 29 days before --to)"
    )
    p.add_argument("--to", dest="last", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument(
        "--period",
        choices=["today", "7d", "30d", "month", "quarter"],
        help="a preset period instead of --from/--to",
    )
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument(
        "--by",
        choices=["agent", "team", "channel", "category", "priority"],
        help="table/csv: one line per agent, team, ...; json always has every breakdown",
    )
    p.add_argument(
        "--clock",
        choices=["business", "calendar"],
        default="business",
        help="table: which clock durations are shown on (json and csv have both)",
    )
    p.add_argument(
        "--weeks",
        type=bounded(0, 104),
        default=0,
        metavar="N",
        help="json: add N weekly trend points ending with this week (the stats screen shows 13)",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--force", action="store_true", help="with --output: replace an existing file")
    p.set_defaults(handler=cmd_report)

    survey = sub.add_parser("survey", help="survey answers (NPS / CSAT)")
    survey_sub = survey.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    p = survey_sub.add_parser(
        "import",
        help="import answers from a survey tool's CSV (all or nothing; importing twice adds nothing)",
        description="Columns: ticket, nps and/or csat, answered_at, optional comment and external_id. "
        "A bad row is reported with its line number and nothing is imported.",
    )
    common(p)
    p.add_argument("file")
    p.set_defaults(handler=cmd_survey_import)


def _period(args: argparse.Namespace, desk: Any) -> Any:
    from ..core import periods

    now = desk.now()
    tz = desk.calendar.tz
    if args.period:
        if args.first or args.last:
            raise ValidationError("Give either --period or --from/--to, not both.")
        return periods.preset(tz, args.period, now)
    for value, what in ((args.first, "--from"), (args.last, "--to")):
        if value and not FIRST_DAY <= periods.parse_day(value, what) <= LAST_DAY:
            raise ValidationError(
                f"--from and --to must be dates from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}, "
                f"not {value.strip()}."
            )
    return periods.from_args(tz, now, args.first, args.last)


def cmd_report(args: argparse.Namespace) -> int:
    from ..core import metrics

    if args.weeks < 0 or args.weeks > 104:
        raise ValidationError("--weeks must be 0-104.")
    path = output_path(args.output) if args.output else None
    if path is not None:
        refuse_existing(path, force=args.force)  # before the work, and again when the file is written
    ctx = context_for(args, create=False)
    actor = ctx.actor(args)
    period = _period(args, ctx.desk)
    by = (
        (args.by,)
        if args.by and args.format != "json"
        else metrics.DIMENSIONS
        if args.format == "json"
        else ()
    )
    result = metrics.report(ctx.desk, actor, period, by=by, weeks=args.weeks)
    if path is not None:
        write_file(path, lambda out: _write(args, result, cast(TextIO, out)), force=args.force)
        print(safe(f"Report written to {path}."), file=sys.stderr)
    else:
        _write(args, result, sys.stdout)
    return 0


def _write(args: argparse.Namespace, result: Any, out: TextIO) -> None:
    if args.format == "json":
        if out is sys.stdout:
            print_json(result.to_json())
        else:
            import json

            from ..core.text_safety import json_text

            out.write(json_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2)) + "\n")
    elif args.format == "csv":
        write_csv(result, args.by, out)
    else:
        _print_table(result, args.by, args.clock, out)


# ---------------------------------------------------------------------- CSV


def write_csv(result: Any, dimension: str | None, out: TextIO) -> None:
    from ..core import report_csv

    header, rows = report_csv.table_rows(result, dimension)
    report_csv.write_csv(out, header, rows)


# ---------------------------------------------------------------------- table (people)


def _print_table(result: Any, dimension: str | None, clock: str, out: TextIO) -> None:
    from ..core.explain import format_hours
    from ..i18n import format_duration

    fmt = format_hours if clock == "business" else format_duration

    t = result.totals
    p = result.period
    w = out.write

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{100 * value:.1f} %"

    def dur(d: Any) -> str:
        s = d.stats(clock)
        return f"mean {fmt(s['mean'])}, median {fmt(s['median'])}, p90 {fmt(s['p90'])} ({d.count} tickets)"

    w(
        f"bokdesk report {p.label()} ({p.days} day{'s' if p.days != 1 else ''}, {result.timezone}), "
        f"durations on the {clock} clock\n\n"
    )
    lines = [
        ("Received", f"{t.received}"),
        ("Solved", f"{t.solved}"),
        ("Pickup", dur(t.pickup)),
        ("First response", dur(t.first_response)),
        ("Resolution", dur(t.resolution)),
        ("First resolution", dur(t.first_resolution)),
        (
            "SLA compliance",
            f"{pct(t.sla_compliance)} (first response {pct(t.frt_compliance)} of {t.frt_targets}, "
            f"resolution {pct(t.resolution_compliance)} of {t.resolution_targets})",
        ),
        ("Reopen rate", f"{pct(t.reopen_rate)} ({t.reopened} of {t.first_solved})"),
        ("First-contact res.", f"{pct(t.fcr_rate)} ({t.fcr} of {t.fcr_base})"),
        ("Transfers", "—" if t.transfers_per_ticket is None else f"{t.transfers_per_ticket:.2f} per ticket"),
        ("NPS", f"{'—' if t.nps is None else t.nps} ({t.nps_answers} answers)"),
        ("CSAT", f"{pct(t.csat)} ({t.csat_answers} answers)"),
        (
            "Backlog now",
            f"{result.backlog.total} ({result.backlog.unassigned} unassigned, "
            f"{result.backlog.at_risk} at risk, {result.backlog.breached} breached)",
        ),
        (
            "Complaints",
            f"{result.complaints.open_total} open ({result.complaints.overdue} overdue), "
            f"{result.complaints.received} received, {result.complaints.decided_in_time} of "
            f"{result.complaints.decided} decided in time",
        ),
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        w(f"{key.ljust(width)}  {value}\n")
    if dimension is None:
        return
    w("\n")
    headers = [dimension.upper(), "SOLVED", "FRT MED", "RES MED", "SLA", "REOPEN", "FCR", "NPS", "OPEN"]
    if dimension == "agent":
        headers += ["ACTIVE H", "AFTER H"]
    rows = []
    for r in result.breakdowns[dimension]:
        f = r.figures
        row = [
            r.label,
            f.solved,
            fmt(f.first_response.stats(clock)["median"]),
            fmt(f.resolution.stats(clock)["median"]),
            pct(f.sla_compliance),
            pct(f.reopen_rate),
            pct(f.fcr_rate),
            "—" if f.nps is None else f.nps,
            r.open,
        ]
        if dimension == "agent":
            row += [r.activity.active_hours, r.activity.after_hours_hours]
        rows.append(row)
    if out is sys.stdout:
        print_table(headers, rows)
    else:
        _table_to(out, headers, rows)


def _table_to(out: TextIO, headers: list[str], rows: list[list[Any]]) -> None:
    cells = [[cell(c, 10_000) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(wd) for h, wd in zip(headers, widths, strict=True)).rstrip() + "\n")
    for row in cells:
        out.write("  ".join(c.ljust(wd) for c, wd in zip(row, widths, strict=True)).rstrip() + "\n")


# ---------------------------------------------------------------------- survey import


def cmd_survey_import(args: argparse.Namespace) -> int:
    from ..core.survey_import import import_csv

    path = input_file(args.file)
    ctx = context_for(args, create=False)
    result = import_csv(ctx.desk, ctx.actor(args), path)
    print(safe(result.summary()))
    return 0
