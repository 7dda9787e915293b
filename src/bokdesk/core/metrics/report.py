"""The report: every figure of a period with its breakdowns and weekly points, in stages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np

from .. import periods
from ..clock import iso
from ..desk import Actor, Desk
from ..errors import ValidationError
from ..periods import Period
from ..roles import Permission, require
from .activity import read_activity
from .backlog import Backlog, count_active_at, read_backlog
from .breakdowns import Row, breakdown_rows, read_labels
from .complaints import Complaints, read_complaints
from .families import FAMILIES
from .figures import Figures
from .grouping import fill
from .reader import Read, Reader
from .samples import Sample, merge
from .sql import DIMENSIONS
from .surveys import fill_surveys
from .weeks import WeekFigures, outside, week_figures


@dataclass
class Report:
    period: Period
    generated_at: datetime
    timezone: str
    totals: Figures
    breakdowns: dict[str, list[Row]]
    backlog: Backlog
    complaints: Complaints
    weeks: list[WeekFigures]
    backlog_at_end: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "bokdesk.report/1",
            "generated_at": iso(self.generated_at),
            "timezone": self.timezone,
            "period": {
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
                "start": iso(self.period.start),
                "end": iso(self.period.end),
                "days": self.period.days,
            },
            "totals": {**self.totals.to_json(), "backlog_at_end": self.backlog_at_end},
            "backlog": self.backlog.to_json(),
            "complaints": self.complaints.to_json(),
            "breakdowns": {name: [r.to_json() for r in rows] for name, rows in self.breakdowns.items()},
            "weeks": [w.to_json() for w in self.weeks],
        }


def report_stages(
    desk: Desk,
    actor: Actor,
    period: Period,
    *,
    by: Iterable[str] = DIMENSIONS,
    weeks: int = 0,
    now: datetime | None = None,
    complaints_limit: int = 200,
    tiles_first: bool = False,
) -> Iterator[Report]:
    """The report of ``report()`` as it fills, for a screen that paints as figures arrive: first
    the whole desk's figures with the backlog and the complaints (no breakdowns, no weeks), then
    with every breakdown (if ``by``), then with the weekly points (if ``weeks``). Each yielded
    report is a new object (an earlier one is never changed); the last one is ``report()``'s.

    One pass: the period's tickets are read once (with their dimensions and stop times) and the
    rest of the 13 weeks once more, never the same rows twice; breakdowns and weeks are grouped
    from the same arrays. ``tiles_first`` (a screen): the agents' activity, which only the tables
    need, is read after the first stage instead of while the tickets are.
    """
    require(actor, Permission.VIEW_REPORTS)
    by = tuple(by)
    for name in by:
        if name not in DIMENSIONS:
            raise ValidationError("unknown_breakdown", value=name, allowed=", ".join(DIMENSIONS))
    now = now or desk.now()
    tz = desk.calendar.tz
    sqlite = desk.store.is_sqlite
    week_list = periods.last_weeks(tz, now, weeks) if weeks else []
    span = (week_list[0].start, week_list[-1].end) if week_list else None
    reads = [Read(period.start, period.end, codes=bool(by), stops=bool(week_list))]
    if span is not None:
        reads += [Read(start, end, stops=True) for start, end in outside(span, period)]
    reader = Reader(desk, reads, (period.start, period.end), span)
    # Meanwhile, on this thread: the backlog, the complaints and the agents' activity.
    with desk.store.read() as session:
        conn = session.connection()
        backlog, open_by_key = read_backlog(conn, now)
        complaints = read_complaints(conn, desk, period, now, complaints_limit, 0)
        backlog_end = count_active_at(conn, period.end) if period.end <= now else backlog.total
        labels = read_labels(conn) if by else {}
        activity = read_activity(conn, desk, period, sqlite) if "agent" in by and not tiles_first else {}
    # Each family is ranked as it arrives, while the next one is read: the whole desk first; its
    # breakdowns too, except the last family's, which wait until the totals have been handed out.
    orders: dict[str, dict[str, np.ndarray]] = {family.name: {} for family in FAMILIES}
    whole: dict[Any, Figures] = {}
    groups: dict[str | None, dict[Any, Figures]] = {name: {} for name in by}
    samples: dict[str, Sample] = {}
    for n, family in enumerate(FAMILIES):
        sample = samples[family.name] = reader.get((0, family.name))
        fill(family, sample, None, whole, orders[family.name])
        if n < len(FAMILIES) - 1:
            for name in by:
                fill(family, sample, name, groups[name], orders[family.name])
    survey_rows = reader.get("surveys")
    fill_surveys(survey_rows, [None], {None: whole})
    totals = whole.get(None, Figures())
    complaints.received = totals.complaints_received
    current = Report(period, now, tz.key, totals, {}, backlog, complaints, [], backlog_end)
    yield current
    if by:
        if tiles_first and "agent" in by:
            with desk.store.read() as session:
                activity = read_activity(session.connection(), desk, period, sqlite)
        last = FAMILIES[-1]
        for name in by:
            fill(last, samples[last.name], name, groups[name], orders[last.name])
        fill_surveys(survey_rows, by, groups)
        breakdowns = {name: breakdown_rows(name, groups[name], open_by_key, labels, activity) for name in by}
        current = replace(current, breakdowns=breakdowns)
        yield current
    if week_list:
        merged = {
            family.name: merge([reader.get((i, family.name)) for i in range(len(reads))])
            for family in FAMILIES
        }
        current = replace(current, weeks=week_figures(week_list, merged, reader.get("survey_points")))
        yield current
    reader.thread.join()


def report(
    desk: Desk,
    actor: Actor,
    period: Period,
    *,
    by: Iterable[str] = DIMENSIONS,
    weeks: int = 0,
    now: datetime | None = None,
    complaints_limit: int = 200,
) -> Report:
    """Every figure for ``period``, broken down ``by`` the given dimensions, with ``weeks`` weekly
    trend points (the weeks ending with the current one). Supervisors and admins only."""
    stages = report_stages(
        desk, actor, period, by=by, weeks=weeks, now=now, complaints_limit=complaints_limit
    )
    *_, result = stages  # the last stage is the whole report
    return result
