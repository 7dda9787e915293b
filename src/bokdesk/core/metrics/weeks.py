"""Trends: the desk's figures week by week, split from one pass over the span of every week."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from .. import periods
from ..clock import iso
from ..desk import Actor, Desk
from ..periods import Period, Week
from ..roles import Permission, require
from .families import FAMILIES
from .figures import Figures
from .grouping import fill
from .reader import Read, Reader
from .samples import Sample
from .surveys import add_survey_points


@dataclass
class WeekFigures:
    week: Week
    figures: Figures

    def to_json(self) -> dict[str, Any]:
        return {
            "week": self.week.label,
            "from": self.week.monday.isoformat(),
            "start": iso(self.week.start),
            "end": iso(self.week.end),
            **self.figures.to_json(),
        }


def outside(span: tuple[datetime, datetime], period: Period) -> list[tuple[datetime, datetime]]:
    """The parts of ``span`` that the period does not cover (none, one or two ranges)."""
    start, end = span
    if period.end <= start or period.start >= end:
        return [span]
    parts = []
    if start < period.start:
        parts.append((start, period.start))
    if period.end < end:
        parts.append((period.end, end))
    return parts


def week_figures(
    week_list: Sequence[Week], samples: dict[str, Sample], points: tuple[np.ndarray, ...]
) -> list[WeekFigures]:
    """The whole desk's figures of each week from the samples of a span covering them all: each
    ticket's week is found from its stop time (a binary search over the week boundaries) and the
    weeks are then grouped like any breakdown (one sort per clock, not one per week)."""
    bounds = np.array([int(w.start.timestamp()) for w in week_list] + [int(week_list[-1].end.timestamp())])
    groups: dict[Any, Figures] = {}
    for family in FAMILIES:
        sample = samples[family.name].within(int(bounds[0]), int(bounds[-1]))
        weeks = np.searchsorted(bounds, sample.stops, side="right") - 1
        fill(family, sample, "week", groups, {}, keys=weeks)
    out = []
    for i, week in enumerate(week_list):
        figures = groups.get(i, Figures())
        add_survey_points(points, int(bounds[i]), int(bounds[i + 1]), figures)
        out.append(WeekFigures(week, figures))
    return out


def weekly(
    desk: Desk, actor: Actor, weeks: int = periods.WEEKS, now: datetime | None = None
) -> list[WeekFigures]:
    """The whole desk's figures for each of the last ``weeks`` local weeks (oldest first): one
    pass over the span of every week, split by each clock's stop time."""
    require(actor, Permission.VIEW_REPORTS)
    week_list = periods.last_weeks(desk.calendar.tz, now or desk.now(), weeks)
    span = (week_list[0].start, week_list[-1].end)
    reader = Reader(desk, [Read(*span, stops=True)], None, span)
    result = week_figures(week_list, reader.samples(0), reader.get("survey_points"))
    reader.thread.join()
    return result
