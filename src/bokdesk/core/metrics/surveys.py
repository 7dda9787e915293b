"""Survey answers: counted per agent and dimension for a period, and as arrays for weekly points."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, literal_column, select
from sqlalchemy.engine import Connection

from .families import decode, key_value
from .figures import Figures
from .samples import parse_array
from .sql import SURVEY, TICKET, concat, epoch, hinted


def read_surveys(conn: Connection, start: datetime, end: datetime, sqlite: bool) -> list[Any]:
    """Survey counts per (agent credited, the ticket's packed dimensions)."""
    s, t = SURVEY.c, TICKET.c
    nps, csat = s.nps, s.csat
    query = hinted(
        select(
            s.agent_id,
            t.dims_code,
            func.count().filter(nps.is_not(None)),
            func.count().filter(nps >= 9),
            func.count().filter(nps <= 6),
            func.count().filter(csat.is_not(None)),
            func.count().filter(csat >= 4),
        )
        .select_from(SURVEY.join(TICKET, t.id == s.ticket_id))
        .where(s.answered_at >= start, s.answered_at < end)
        .group_by(s.agent_id, t.dims_code),
        "ix_survey_answered_at",
        sqlite,
        SURVEY,
    )
    return list(conn.execute(query))


def fill_surveys(
    rows: list[Any], names: Sequence[str | None], out: dict[str | None, dict[Any, Figures]]
) -> None:
    for agent_id, code, answers, promoters, detractors, csat_answers, satisfied in rows:
        codes = np.array([int(code or 0)], dtype=np.int64)
        for name in names:
            if name is None:
                key = None
            elif name == "agent":
                key = agent_id
            else:
                key = key_value(name, int(decode(name, codes)[0]))
            figures = out[name].setdefault(key, Figures())
            figures.nps_answers += int(answers)
            figures.promoters += int(promoters)
            figures.detractors += int(detractors)
            figures.csat_answers += int(csat_answers)
            figures.satisfied += int(satisfied)


def read_survey_points(
    conn: Connection, start: datetime, end: datetime, sqlite: bool
) -> tuple[np.ndarray, ...]:
    """Every survey answer in a range as arrays (answer time in seconds since 1970, NPS score and
    CSAT score, -1 for none): the weekly points of a whole trend come from this one query."""
    s = SURVEY.c
    row = conn.execute(
        hinted(
            select(
                concat(epoch(s.answered_at, sqlite), sqlite),
                concat(func.coalesce(s.nps, literal_column("-1")), sqlite),
                concat(func.coalesce(s.csat, literal_column("-1")), sqlite),
            ).where(s.answered_at >= start, s.answered_at < end),
            "ix_survey_answered_at",
            sqlite,
            SURVEY,
        )
    ).one()
    return parse_array(row[0]), parse_array(row[1], np.int32), parse_array(row[2], np.int32)


def add_survey_points(points: tuple[np.ndarray, ...], start: int, end: int, figures: Figures) -> None:
    at, nps, csat = points
    mask = (at >= start) & (at < end)
    nps, csat = nps[mask], csat[mask]
    figures.nps_answers += int(np.count_nonzero(nps >= 0))
    figures.promoters += int(np.count_nonzero(nps >= 9))
    figures.detractors += int(np.count_nonzero((nps >= 0) & (nps <= 6)))
    figures.csat_answers += int(np.count_nonzero(csat >= 0))
    figures.satisfied += int(np.count_nonzero(csat >= 4))
