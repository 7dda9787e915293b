"""Every figure of the desk's KPI document (metrics.md), for any period, with breakdowns and trends.

How a figure is computed (one definition for the stats screen, ``bokdesk report`` and exports):

- **Attribution.** A duration belongs to the period in which its clock stopped: pickup to the
  moment the ticket was first taken, first response (FRT) to the first public response, resolution
  to the last solve (only tickets that are solved or closed now: a reopened ticket counts again
  when it is solved again), first resolution and the reopen rate to the first solve. Volume counts
  tickets by ``created_at``; surveys by ``answered_at``. Periods are whole desk-local days.
- **Durations** are stored per ticket when a clock stops (``*_secs`` on the wall clock, ``*_bsecs``
  on the business calendar), so figures aggregate plain integers. Mean (rounded to the second),
  median (the mean of the two middle values for an even count, rounded down) and p90 (nearest rank:
  the smallest value with at least 90 % of the values at or below it).
- **SLA compliance** = targets met / targets decided in the period. A first-response target is
  decided by the first response (or, for a ticket solved without any response after its due time,
  by that solve); a resolution target by the last solve. Breaches follow ``core.sla``.
- **Reopen rate** = tickets first solved in the period that were later reopened / tickets first
  solved in the period (it can still grow while customers write back).
- **First-contact resolution** = inbound tickets solved in the period with exactly one public agent
  response and no transfer / inbound tickets solved in the period.
- **Transfers per ticket** = handovers (agent or team changes) of the tickets solved in the period,
  per ticket.
- **NPS** = 100 × (promoters 9-10 − detractors 0-6) / answers, rounded half away from zero; no
  answers gives None (shown "—"), never 0. **CSAT %** = answers 4-5 / answers on 1-5.
- **Backlog** = tickets in new / open / pending / on hold at a moment.
- Merged duplicates (closed into another ticket) count in the volume but in no solved-based figure.
- **Breakdowns** by agent, team (the ticket's team), channel, category and priority. An agent is
  credited with the clocks they stopped (core/credit.py): pickup to who first took or answered the
  ticket, first response to who sent it, first resolution and reopens to the first solver,
  resolution, its SLA, first-contact resolution and transfers to the last solver; received
  tickets to the assignee; surveys to the agent the answer credits. Where no agent stopped a clock
  (the system did, or data from before the credit was kept) the assignee is credited.

One module per job: ``families`` (the five clock-stop families: created, pickup, first response,
solved, first solved; the dimensions and flags packed into integers), ``samples`` (one pass of a
family over one range, on its covering index, read as numpy arrays), ``reader`` (every pass of a
report in one read transaction, on a thread of its own), ``grouping`` (counts, sums, medians and
p90 per group in numpy, never a Python loop over tickets), ``surveys``, ``backlog``,
``complaints``, ``activity`` (the agents' history rows against the calendar), ``breakdowns`` (a
row per dimension value), ``weeks`` (trend points), ``report`` (the report in stages) and
``drill`` (the tickets behind a figure); ``sql`` holds the tables and SQL pieces they share.
Roles are enforced by the public functions: agents get ``PermissionDenied``.
"""

from __future__ import annotations

from ..kpi import nps_score
from .activity import Activity
from .backlog import Backlog, backlog_at
from .breakdowns import Row
from .complaints import Complaint, Complaints
from .drill import DRILL_FIGURES, DrillRow, drill_down
from .families import CODES, FAMILIES, OTHER, Family
from .figures import CLOCKS, DURATIONS, Durations, Figures, mean, median, p90, ratio
from .report import Report, report, report_stages
from .sql import DIMENSIONS
from .weeks import WeekFigures, weekly

__all__ = [
    "CLOCKS",
    "CODES",
    "DIMENSIONS",
    "DRILL_FIGURES",
    "DURATIONS",
    "FAMILIES",
    "OTHER",
    "Activity",
    "Backlog",
    "Complaint",
    "Complaints",
    "DrillRow",
    "Durations",
    "Family",
    "Figures",
    "Report",
    "Row",
    "WeekFigures",
    "backlog_at",
    "drill_down",
    "mean",
    "median",
    "nps_score",
    "p90",
    "ratio",
    "report",
    "report_stages",
    "weekly",
]
