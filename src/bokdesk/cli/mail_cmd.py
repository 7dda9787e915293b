"""``bokdesk mail ...``: fetch, run, send, check, quarantine, outbox, attachment, survey."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .args import record_id
from .context import Context, context_for
from .files import attachment_name, write_file
from .output import Progress, print_json, print_table, safe

if TYPE_CHECKING:  # the mail channel is imported by the commands that use it
    from ..channels.mailconfig import MailConfig

Common = Callable[[argparse.ArgumentParser], None]
PROGRESS_FROM = 100  # show a progress bar for fetches of at least this many messages
SHOW_QUARANTINED = 10


def register(sub: Any, common: Common) -> None:
    mail = sub.add_parser(
        "mail",
        help="the e-mail channel: fetch, run, send, quarantine, outbox",
        description="The e-mail channel. See docs/email.md for [mail] in the config.",
    )
    msub = mail.add_subparsers(dest="mail_command", metavar="ACTION", required=True)

    p = _parser(
        msub, common, "fetch", "fetch new mail once and file it (tickets, quarantine, ignored)", cmd_fetch
    )
    p.add_argument("--maildir", metavar="PATH", help="read this Maildir instead of the configured mailboxes")
    p.add_argument(
        "--skip-existing",
        action="store_true",
        help="IMAP: mark what is in the folder now as read without importing it (first start on an old mailbox)",
    )
    p.add_argument("--json", action="store_true")

    _parser(
        msub,
        common,
        "run",
        "keep fetching and sending (the service; see docs/email.md for the systemd unit)",
        cmd_run,
    )
    p = _parser(msub, common, "send", "send what is due in the outbox once", cmd_send)
    p.add_argument("--json", action="store_true")
    _parser(
        msub,
        common,
        "check",
        "check the [mail] configuration and log in to the servers (sends nothing)",
        cmd_check,
    )

    qp = msub.add_parser("quarantine", help="messages that could not be filed (admins)")
    common(qp)
    qp.set_defaults(handler=cmd_q_list)
    qp.add_argument("--all", action="store_true", help="list: every entry, also those dealt with")
    qp.add_argument("--json", action="store_true")
    qsub = qp.add_subparsers(dest="quarantine_command", metavar="ACTION")
    p = _parser(
        qsub, common, "list", "list quarantined messages (open ones; --all for every one)", cmd_q_list
    )
    p.add_argument("--all", action="store_true")
    p.add_argument("--json", action="store_true")
    p = _parser(qsub, common, "show", "show one quarantined message with its reason", cmd_q_show)
    p.add_argument("number", type=record_id)
    p.add_argument("--raw", action="store_true", help="write the raw message bytes to stdout")
    p = _parser(qsub, common, "release", "file a quarantined message again", cmd_q_release)
    p.add_argument("number", type=record_id)
    p.add_argument("--sender", metavar="ADDRESS", help="file it as coming from this address (no usable From)")
    p = _parser(
        qsub, common, "dismiss", "mark a quarantined message as dealt with (it is kept)", cmd_q_dismiss
    )
    p.add_argument("number", type=record_id)

    op = msub.add_parser("outbox", help="outgoing e-mail: list, retry")
    common(op)
    op.set_defaults(handler=cmd_outbox_list)
    op.add_argument("--status", choices=["queued", "sending", "sent", "failed"])
    op.add_argument("--ticket", type=record_id)
    op.add_argument("--json", action="store_true")
    osub = op.add_subparsers(dest="outbox_command", metavar="ACTION")
    p = _parser(osub, common, "list", "list outgoing e-mail, newest first", cmd_outbox_list)
    p.add_argument("--status", choices=["queued", "sending", "sent", "failed"])
    p.add_argument("--ticket", type=record_id)
    p.add_argument("--json", action="store_true")
    p = _parser(osub, common, "retry", "send a failed e-mail again", cmd_outbox_retry)
    p.add_argument("number", type=record_id)

    p = _parser(msub, common, "attachments", "list the attachments of a ticket's e-mails", cmd_attachments)
    p.add_argument("ticket", type=record_id)
    p.add_argument("--json", action="store_true")
    p = _parser(msub, common, "attachment", "save an attachment of a ticket's message", cmd_attachment)
    p.add_argument(
        "number", type=record_id, help="attachment number (`bokdesk mail attachments TICKET` lists them)"
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="file to write, must not exist (default: the attachment's own name, cleaned, here)",
    )

    p = _parser(
        msub,
        common,
        "survey",
        "NPS surveys by e-mail after solve: on, off or status (supervisors)",
        cmd_survey,
    )
    p.add_argument("state", choices=["on", "off", "status"])


def _parser(
    sub: Any, common: Common, name: str, help_text: str, handler: Callable[[argparse.Namespace], int]
) -> Any:
    p = sub.add_parser(name, help=help_text, description=help_text)
    common(p)
    p.set_defaults(handler=handler)
    return p


def _mail_config(ctx: Context) -> MailConfig:
    from ..channels.mailconfig import load_mail_config

    with ctx.config.blame():  # a value the mail channel refuses is named with its file
        return load_mail_config(ctx.config.settings.mail, sources=ctx.config.sources)


class _Bar:
    """Adapts the fetch progress callback to the plain progress bar (large imports only)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Progress | None = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < PROGRESS_FROM:
                return
            self.bar = Progress(total, self.label)
        self.bar.advance(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --- fetch / run / send / check ----------------------------------------------------------------


def cmd_fetch(args: argparse.Namespace) -> int:
    import time

    from ..channels.outbox import publish_identity
    from ..channels.runner import fetch_once

    ctx = context_for(args)
    cfg = _mail_config(ctx)
    publish_identity(ctx.desk, cfg)  # agents' replies to what is filed now know the desk's addresses
    bar = _Bar("importing mail")
    started = time.monotonic()
    try:
        report = fetch_once(
            ctx.desk,
            cfg,
            maildir=Path(args.maildir).expanduser() if args.maildir else None,
            progress=bar,
            skip_existing=args.skip_existing,
            parallel=True,
        )
    finally:
        bar.close()
    elapsed = time.monotonic() - started
    if args.json:
        print_json({**report.as_dict(), "seconds": round(elapsed, 3)})
        return 0
    print(safe(f"{report.summary()} in {elapsed:.1f} s"))
    for r in report.quarantined[:SHOW_QUARANTINED]:
        print(f"  quarantined {safe(r.source)}: {safe(r.detail)}")
    if len(report.quarantined) > SHOW_QUARANTINED:
        print(f"  … and {len(report.quarantined) - SHOW_QUARANTINED} more: bokdesk mail quarantine list")
    for note in report.notes:
        print(f"  {safe(note)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from ..channels.runner import run

    ctx = context_for(args)
    cfg = _mail_config(ctx)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def log(line: str) -> None:
        print(f"{datetime.now():%Y-%m-%d %H:%M:%S} {safe(line)}", flush=True)

    parts = [
        p
        for p, on in (
            ("IMAP " + cfg.imap.source if cfg.imap else "", cfg.imap),
            (f"Maildir {cfg.maildir}", cfg.maildir),
            (f"SMTP {cfg.smtp.label}" if cfg.smtp else "", cfg.smtp),
        )
        if on
    ]
    log(f"bokdesk mail run: {', '.join(parts) or 'nothing configured'}; fetch every {cfg.poll_seconds:g} s")
    run(ctx.desk, cfg, stop=stop, log=log)
    log("stopped")
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from ..channels.outbox import publish_identity
    from ..channels.runner import send_once

    ctx = context_for(args)
    cfg = _mail_config(ctx)
    publish_identity(ctx.desk, cfg)
    report = send_once(ctx.desk, cfg)
    if args.json:
        print_json(
            {
                "sent": report.sent,
                "retrying": report.retrying,
                "failed": report.failed,
                "errors": report.errors,
            }
        )
    else:
        print(f"{report.sent} sent, {report.retrying} to retry later, {report.failed} failed")
        for line in report.errors:
            print(f"  {safe(line)}")
    return 1 if report.failed else 0


def cmd_check(args: argparse.Namespace) -> int:
    from ..channels.imap import ImapFolder, MailboxError
    from ..channels.maildir import Maildir
    from ..channels.sender import connect_smtp, describe

    ctx = context_for(args)
    cfg = _mail_config(ctx)
    ok = True
    print(safe(f"from: {cfg.from_addr or '(not set: replies cannot be sent)'}"))
    if not cfg.from_addr:
        ok = False
    if cfg.maildir is not None:
        try:
            box = Maildir(cfg.maildir)
            print(safe(f"maildir {cfg.maildir}: ok, {len(box.pending())} waiting"))
        except Exception as exc:  # noqa: BLE001 - report and go on
            ok = False
            print(safe(f"maildir: {exc}"))
    if cfg.imap is not None:
        try:
            with ImapFolder(cfg.imap) as folder:
                print(safe(f"imap {cfg.imap.source}: ok, UIDVALIDITY {folder.uidvalidity}"))
        except MailboxError as exc:
            ok = False
            print(safe(f"imap: {exc}"))
    if cfg.smtp is not None:
        try:
            conn = connect_smtp(cfg.smtp)
            conn.quit()
            print(safe(f"smtp {cfg.smtp.label} ({cfg.smtp.security}): ok"))
        except Exception as exc:  # noqa: BLE001 - report and go on
            ok = False
            print(safe(f"smtp: {describe(exc)}"))
    if cfg.imap is None and cfg.maildir is None:
        print("no mailbox configured ([mail.imap] or [mail.maildir])")
    if cfg.smtp is None:
        print("no SMTP server configured ([mail.smtp]): replies stay in the outbox")
    return 0 if ok else 1


# --- quarantine ----------------------------------------------------------------------------------


def cmd_q_list(args: argparse.Namespace) -> int:
    from ..channels.quarantine import list_entries

    ctx = context_for(args)
    entries = list_entries(ctx.desk, ctx.actor(args), include_resolved=args.all)
    if args.json:
        print_json(
            [
                {
                    "number": e.id,
                    "source": e.source,
                    "reason": e.reason,
                    "received_at": e.received_at.isoformat(),
                    "size": e.size,
                    "resolved": e.resolved,
                    "from": e.sender,
                    "subject": e.subject,
                }
                for e in entries
            ]
        )
        return 0
    if not entries:
        print("The quarantine is empty." if not args.all else "Nothing was ever quarantined.")
        return 0
    print_table(
        ["#", "received", "from", "subject", "reason"] + (["done"] if args.all else []),
        [
            [e.id, f"{e.received_at:%Y-%m-%d %H:%M}", e.sender, e.subject, e.reason]
            + (["yes" if e.resolved else ""] if args.all else [])
            for e in entries
        ],
    )
    return 0


def cmd_q_show(args: argparse.Namespace) -> int:
    from ..channels.quarantine import get_entry

    ctx = context_for(args)
    row = get_entry(ctx.desk, ctx.actor(args), args.number)
    if args.raw:
        sys.stdout.flush()
        sys.stdout.buffer.write(row.raw)
        sys.stdout.buffer.flush()
        return 0
    print(
        f"#{row.id}  received {row.received_at:%Y-%m-%d %H:%M} UTC  {'dealt with' if row.resolved else 'open'}"
    )
    print(f"source: {safe(row.source)}")
    print(f"reason: {safe(row.reason)}")
    print(f"size:   {len(row.raw):,} bytes")
    print("--- first lines (--raw writes the whole message)")
    text = row.raw[:4000].decode("utf-8", "replace")
    print(safe("\n".join(text.splitlines()[:40])))
    return 0


def cmd_q_release(args: argparse.Namespace) -> int:
    from ..channels.ingest import Outcome
    from ..channels.quarantine import release

    ctx = context_for(args)
    result = release(ctx.desk, _mail_config(ctx), ctx.actor(args), args.number, sender=args.sender)
    if result.outcome is Outcome.QUARANTINED:
        print(f"Still cannot be filed; it stays in quarantine: {safe(result.detail)}", file=sys.stderr)
        return 1
    where = f" on ticket #{result.ticket_id}" if result.ticket_id else ""
    print(safe(f"Released #{args.number}: {result.outcome.value.replace('_', ' ')}{where}."))
    return 0


def cmd_q_dismiss(args: argparse.Namespace) -> int:
    from ..channels.quarantine import dismiss

    ctx = context_for(args)
    dismiss(ctx.desk, ctx.actor(args), args.number)
    print(f"Quarantine entry #{args.number} is marked as dealt with (it is kept).")
    return 0


# --- outbox ---------------------------------------------------------------------------------------


def cmd_outbox_list(args: argparse.Namespace) -> int:
    from ..channels.outbox import outbox_rows

    ctx = context_for(args)
    ctx.actor(args)
    rows = outbox_rows(ctx.desk, status=args.status, ticket_id=args.ticket)
    if args.json:
        print_json(
            [
                {
                    "number": r.id,
                    "ticket": r.ticket_id,
                    "kind": r.kind,
                    "to": r.to_addr,
                    "cc": [a.strip() for a in (r.cc_addrs or "").split(",") if a.strip()],
                    "subject": r.subject,
                    "status": r.status,
                    "attempts": r.attempts,
                    "last_error": r.last_error,
                    "next_attempt_at": r.next_attempt_at.isoformat()
                    if r.status in ("queued", "sending")
                    else None,
                    "created_at": r.created_at.isoformat(),
                    "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                    "message_id": r.email_message_id,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        print("The outbox is empty.")
        return 0
    print_table(
        ["#", "ticket", "kind", "to", "cc", "status", "tries", "error"],
        [
            [r.id, r.ticket_id, r.kind, r.to_addr, r.cc_addrs or "", r.status, r.attempts, r.last_error or ""]
            for r in rows
        ],
    )
    return 0


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    from ..channels.outbox import retry

    ctx = context_for(args)
    row = retry(ctx.desk, ctx.actor(args), args.number)
    print(f"Outbox e-mail #{row.id} to {safe(row.to_addr)} is queued again; `bokdesk mail run` sends it.")
    return 0


# --- attachment, survey --------------------------------------------------------------------------


def cmd_attachments(args: argparse.Namespace) -> int:
    from ..channels.view import attachment_label
    from ..core.queries import ticket_detail

    ctx = context_for(args)
    ctx.actor(args)
    detail = ticket_detail(ctx.desk, args.ticket)
    rows = [(a, m.message) for m in detail.messages for a in m.attachments]
    if args.json:
        print_json(
            [
                {
                    "number": a.id,
                    "message": msg.id,
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "size": a.size,
                    "stored": a.data is not None,
                }
                for a, msg in rows
            ]
        )
        return 0
    if not rows:
        print(f"Ticket #{args.ticket} has no attachments.")
        return 0
    print_table(
        ["#", "received", "attachment"],
        [[a.id, f"{msg.created_at:%Y-%m-%d %H:%M}", attachment_label(a)] for a, msg in rows],
        max_width=90,
    )
    return 0


def cmd_attachment(args: argparse.Namespace) -> int:
    from ..channels.view import attachment_data

    ctx = context_for(args)
    ctx.actor(args)
    att = attachment_data(ctx.desk, args.number)
    out = Path(args.out) if args.out else Path(attachment_name(att.filename, args.number))
    data = att.data or b""
    write_file(out, lambda fh: fh.write(data), binary=True, hint="choose another file with --out")
    print(f"Saved {safe(att.filename)} ({len(data):,} bytes) to {safe(str(out))}.")
    return 0


def cmd_survey(args: argparse.Namespace) -> int:
    from ..channels.surveys import set_survey_enabled, survey_enabled

    ctx = context_for(args)
    if args.state == "status":
        enabled = survey_enabled(ctx.desk, _mail_config(ctx))
        print(f"NPS surveys by e-mail after solve are {'on' if enabled else 'off'}.")
        return 0
    set_survey_enabled(ctx.desk, ctx.actor(args), args.state == "on")
    print(f"NPS surveys by e-mail after solve are now {args.state}.")
    return 0
