"""Fetching and sending: what ``bokdesk mail fetch`` does once and ``bokdesk mail run`` keeps doing.

``run`` has two threads: the fetcher (every ``poll_seconds``: the mailbox(es), then the survey
sweep) and the sender (every ``send_poll_seconds``: the outbox). A failure of one round is logged
in one line and the next round tries again; a stop request (SIGTERM from systemd, Ctrl-C) lets
the current batch commit and ends both loops.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..core.desk import Desk
from ..core.errors import ConfigError
from .imap import ImapFolder, MailboxError
from .ingest import CursorUpdate, Ingestor, IngestResult, Outcome, RawMail, prepare_many, read_cursor
from .mail_prepare import Prepared
from .mailconfig import MailConfig
from .maildir import Maildir
from .outbox import publish_identity
from .sender import SendReport, send_due
from .surveys import sweep_surveys

BATCH = 100
BATCH_BYTES = 64 * 1024 * 1024
IMAP_CHUNK = 50
PIPELINE_FROM = 300  # messages: below this, parsing in a worker costs more than it saves

Progress = Callable[[int, int], None]  # (done so far, total)
Log = Callable[[str], None]
T = TypeVar("T")
Parsed = Future[list[Prepared]] | list[Prepared]  # a batch parsed in a worker, or here


@dataclass
class FetchReport:
    """What one fetch did, per outcome."""

    counts: Counter[str] = field(default_factory=Counter)
    quarantined: list[IngestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, results: Sequence[IngestResult]) -> None:
        for r in results:
            self.counts[r.outcome.value] += 1
            if r.outcome is Outcome.QUARANTINED:
                self.quarantined.append(r)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        if not self.total:
            return "no new mail"
        order = [o.value for o in Outcome]
        parts = [f"{self.counts[o]} {o.replace('_', ' ')}" for o in order if self.counts[o]]
        return f"{self.total} message{'s' if self.total != 1 else ''}: " + ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            **{o.value: self.counts[o.value] for o in Outcome},
            "quarantined_items": [{"source": r.source, "reason": r.detail} for r in self.quarantined],
            "notes": list(self.notes),
        }


def _batches(entries: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(entries), size):
        yield entries[start : start + size]


def fetch_maildir(
    desk: Desk,
    cfg: MailConfig,
    path: Path,
    *,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    report: FetchReport | None = None,
    parallel: bool = False,
) -> FetchReport:
    """File every unread message of a Maildir, moving each to ``cur/`` after its batch commits.

    With ``parallel`` (``bokdesk mail fetch``, a single-threaded process) a large import parses
    the next batch in a worker process while this one is filed.
    """
    report = report or FetchReport()
    box = Maildir(path)
    entries = box.pending()
    ingestor = Ingestor(desk, cfg)
    total = len(entries)
    if progress:
        progress(0, total)

    def batches() -> Iterator[tuple[list[object], list[RawMail], int]]:
        index = 0
        while index < len(entries):
            batch: list[tuple[object, RawMail]] = []
            size = 0
            while index < len(entries) and len(batch) < BATCH and size < BATCH_BYTES:
                item = box.read(entries[index], cfg.max_message_bytes)
                if item is not None:
                    batch.append((entries[index], item))
                    size += len(item.raw)
                index += 1
            yield [e for e, _ in batch], [i for _, i in batch], index

    def file(entries_done: list[object], prepared: list[Prepared], upto: int) -> None:
        results = ingestor.file(prepared)
        for entry in entries_done:
            box.mark_done(entry)  # type: ignore[arg-type]  # entries of this mailbox are its own kind
        report.add(results)
        if progress:
            progress(upto, total)

    with _parse_pool(parallel and total >= PIPELINE_FROM) as pool:
        pending: tuple[list[object], Parsed, int] | None = None
        for done_entries, items, upto in batches():
            if stop is not None and stop.is_set():
                break
            parsed: Parsed = (
                pool.submit(prepare_many, items, *ingestor.limits())
                if pool is not None
                else [ingestor.prepare(i) for i in items]
            )
            if pending is not None:
                file(pending[0], _result(pending[1]), pending[2])
            pending = (done_entries, parsed, upto)
        if pending is not None:  # read and parsed already: file it (nothing was marked yet)
            file(pending[0], _result(pending[1]), pending[2])
    report.notes.extend(ingestor.warnings)
    return report


@contextmanager
def _parse_pool(enabled: bool) -> Iterator[ProcessPoolExecutor | None]:
    if not enabled:
        yield None
        return
    # fork: the worker only parses (no database, no threads of ours); only single-threaded callers
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent(parent: int) -> None:
    """In the parse worker: leave when the fetch that started it is gone. A fetch killed with
    ``kill -9`` cannot shut its pool down, and the worker, which holds a copy of its own queue's
    write end, would wait on that queue for ever (found as orphans after the kill -9 test)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _result(value: Parsed) -> list[Prepared]:
    return value.result() if isinstance(value, Future) else value


def fetch_imap(
    desk: Desk,
    cfg: MailConfig,
    *,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    report: FetchReport | None = None,
    skip_existing: bool = False,
) -> FetchReport:
    """File the folder's messages after the stored cursor; the cursor moves with each batch."""
    report = report or FetchReport()
    imap = cfg.imap
    assert imap is not None
    ingestor = Ingestor(desk, cfg)
    with ImapFolder(imap) as folder:
        cursor = read_cursor(desk, imap.source)
        last = 0
        if cursor is not None:
            if cursor.uidvalidity == folder.uidvalidity:
                last = cursor.last_uid
            else:
                report.notes.append(
                    f"{imap.source}: UIDVALIDITY changed ({cursor.uidvalidity} → {folder.uidvalidity}); "
                    "reading the folder again, messages already filed are skipped by Message-ID"
                )
        uids = folder.uids_after(last)
        if skip_existing:
            top = max(uids, default=last)
            ingestor.ingest([], cursor=CursorUpdate(imap.source, folder.uidvalidity, top))
            report.notes.append(
                f"{imap.source}: {len(uids)} existing messages skipped; new mail is read from UID {top + 1}"
            )
            return report
        if progress:
            progress(0, len(uids))
        for n, chunk in enumerate(_batches(uids, IMAP_CHUNK)):
            if stop is not None and stop.is_set():
                break
            chunk = list(chunk)
            sizes = folder.sizes(chunk)
            small = [u for u in chunk if sizes.get(u, 0) <= cfg.max_message_bytes]
            large = [u for u in chunk if sizes.get(u, 0) > cfg.max_message_bytes]
            bodies = folder.fetch(small)
            headers = folder.fetch(large, "BODY.PEEK[HEADER]")
            missing = [u for u in chunk if u not in bodies and u not in headers]
            if folder.still_there(missing):
                raise MailboxError("imap_missing_uids", uids=folder.still_there(missing))
            items: list[RawMail] = []
            filed: list[int] = []
            for uid in chunk:
                source = f"{imap.source};UID={uid}"
                if uid in bodies:
                    items.append(RawMail(bodies[uid], source))
                elif uid in headers:
                    items.append(RawMail(headers[uid], source, size=sizes[uid]))
                else:
                    continue  # expunged while we read
                filed.append(uid)
            results = ingestor.ingest(items, cursor=CursorUpdate(imap.source, folder.uidvalidity, chunk[-1]))
            report.add(results)
            if imap.after == "seen":
                folder.mark_seen(filed)
            if progress:
                progress(min((n + 1) * IMAP_CHUNK, len(uids)), len(uids))
    report.notes.extend(ingestor.warnings)
    return report


def fetch_once(
    desk: Desk,
    cfg: MailConfig,
    *,
    maildir: Path | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    skip_existing: bool = False,
    parallel: bool = False,
) -> FetchReport:
    """Every configured mailbox once (or only the Maildir given on the command line)."""
    report = FetchReport()
    if maildir is not None:
        return fetch_maildir(
            desk, cfg, maildir, progress=progress, stop=stop, report=report, parallel=parallel
        )
    if cfg.imap is None and cfg.maildir is None:
        raise ConfigError("mail_no_mailbox")
    if cfg.maildir is not None:
        fetch_maildir(desk, cfg, cfg.maildir, progress=progress, stop=stop, report=report, parallel=parallel)
    if cfg.imap is not None:
        fetch_imap(desk, cfg, progress=progress, stop=stop, report=report, skip_existing=skip_existing)
    return report


def send_once(desk: Desk, cfg: MailConfig) -> SendReport:
    if cfg.smtp is None:
        raise ConfigError("mail_no_smtp")
    total = SendReport()
    while True:  # everything that is due now, 50 at a time
        report = send_due(desk, cfg)
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
        total.errors.extend(report.errors)
        if report.sent + report.retrying + report.failed == 0:
            return total


@dataclass
class _IdleState:
    available: bool | None = None  # None: not asked yet; False: the server has no IDLE (or idle = false)


def wait_for_mail(desk: Desk, cfg: MailConfig, stop: threading.Event, log: Log, state: _IdleState) -> None:
    """Between two fetch rounds: wait in IMAP IDLE (RFC 2177) when the server offers it, so a new
    message starts the next round at once; else (or when IDLE fails) wait ``poll_seconds``.

    Rounds still run every ``poll_seconds`` (the survey sweep, a Maildir, anything missed): one
    IDLE lasts at most that long, and never over ``[mail.imap] idle_seconds``. IDLE makes new mail
    arrive at once; a long ``poll_seconds`` (600) then saves rounds without delaying mail.
    """
    imap = cfg.imap
    if imap is None or not imap.idle or state.available is False:
        stop.wait(cfg.poll_seconds)
        return
    seconds = min(imap.idle_seconds, cfg.poll_seconds)
    try:
        with ImapFolder(imap) as folder:
            if not folder.supports_idle:
                state.available = False
                log(f"{imap.source}: the server does not offer IDLE; polling every {cfg.poll_seconds:g} s")
                stop.wait(cfg.poll_seconds)
                return
            if state.available is None:
                state.available = True
                log(
                    f"{imap.source}: waiting for new mail in IMAP IDLE (a full round at least every {seconds:g} s)"
                )
            cursor = read_cursor(desk, imap.source)
            if (
                cursor is None
                or cursor.uidvalidity != folder.uidvalidity
                or folder.uids_after(cursor.last_uid)
            ):
                return  # mail arrived while the last round ran: read it now
            folder.idle(seconds, stop)
    except MailboxError as exc:
        log(f"IMAP IDLE failed ({exc}); polling this round")
        stop.wait(cfg.poll_seconds)


def run(desk: Desk, cfg: MailConfig, *, stop: threading.Event, log: Log) -> None:
    """Keep fetching and sending until ``stop`` is set."""
    if cfg.imap is None and cfg.maildir is None and cfg.smtp is None:
        raise ConfigError("mail_nothing_to_run")
    publish_identity(desk, cfg)
    idle = _IdleState()

    def fetcher() -> None:
        while not stop.is_set():
            if cfg.imap is not None or cfg.maildir is not None:
                try:
                    report = fetch_once(desk, cfg, stop=stop)
                    if report.total or report.notes:
                        log(f"fetch: {report.summary()}")
                    for r in report.quarantined:
                        log(f"quarantined {r.source}: {r.detail}")
                    for note in report.notes:
                        log(note)
                except Exception as exc:  # noqa: BLE001 - keep running; the next round retries
                    log(f"fetch failed: {exc}")
            try:
                queued = sweep_surveys(desk, cfg)
                if queued:
                    log(f"surveys: {queued} queued")
            except Exception as exc:  # noqa: BLE001
                log(f"survey sweep failed: {exc}")
            try:
                wait_for_mail(desk, cfg, stop, log, idle)
            except Exception as exc:  # noqa: BLE001 - a bug in waiting must not end the service
                log(f"waiting for mail failed: {exc}")
                stop.wait(cfg.poll_seconds)

    def sender() -> None:
        while not stop.is_set():
            try:
                report = send_due(desk, cfg)
                if report.sent or report.retrying or report.failed:
                    log(f"send: {report.sent} sent, {report.retrying} to retry, {report.failed} failed")
                for line in report.errors:
                    log(line)
                if report.sent + report.retrying + report.failed:
                    continue  # more may be due right away
            except Exception as exc:  # noqa: BLE001
                log(f"send failed: {exc}")
            stop.wait(cfg.send_poll_seconds)

    threads = [threading.Thread(target=fetcher, name="mail-fetch", daemon=True)]
    if cfg.smtp is not None:
        threads.append(threading.Thread(target=sender, name="mail-send", daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(timeout=0.5)


__all__ = ["FetchReport", "fetch_imap", "fetch_maildir", "fetch_once", "run", "send_once", "wait_for_mail"]
