"""The reading thread: every family over each range in one read transaction, handed over as it
arrives."""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..desk import Desk
from .families import FAMILIES
from .samples import Sample, read_sample
from .surveys import read_survey_points, read_surveys


@dataclass(frozen=True)
class Read:
    """One time range to read every family over: with the packed dimensions and credits (for
    breakdowns) and / or each clock's stop time (to split the range into weekly points)."""

    start: datetime
    end: datetime
    codes: bool = False
    stops: bool = False


class Reader:
    """Reads every figure family over each range, in order, in one read transaction (one consistent
    snapshot), on a thread of its own; the caller's thread meanwhile queries the rest and ranks
    what has arrived (SQLite and numpy both release the GIL). The ranges never overlap, so no
    ticket is read twice: a period, then the rest of its 13 weeks, serve the figures, every
    breakdown and the weekly points. Then the period's survey counts, and the survey answers of
    the weekly points in one query."""

    def __init__(
        self,
        desk: Desk,
        reads: Sequence[Read],
        surveys: tuple[datetime, datetime] | None,
        survey_points: tuple[datetime, datetime] | None,
    ) -> None:
        self.desk = desk
        self.reads = list(reads)
        self.surveys = surveys
        self.survey_points = survey_points
        self.items: queue.Queue[tuple[Any, Any]] = queue.Queue()
        self.arrived: dict[Any, Any] = {}
        self.thread = threading.Thread(target=self._run, name="bokdesk-metrics", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        sqlite = self.desk.store.is_sqlite
        try:
            with self.desk.store.read() as session:
                conn = session.connection()
                for i, read in enumerate(self.reads):
                    for family in FAMILIES:
                        self.items.put(
                            (
                                (i, family.name),
                                read_sample(
                                    conn, family, read.start, read.end, sqlite, read.codes, read.stops
                                ),
                            )
                        )
                    if i == 0 and self.surveys is not None:
                        self.items.put(("surveys", read_surveys(conn, *self.surveys, sqlite)))
                if self.survey_points is not None:
                    self.items.put(("survey_points", read_survey_points(conn, *self.survey_points, sqlite)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self.items.put(("error", exc))

    def get(self, key: Any) -> Any:
        """What the thread read for ``key`` (waits for it); re-raises the thread's error."""
        while key not in self.arrived:
            what, payload = self.items.get()
            if what == "error":
                self.thread.join()
                raise payload
            self.arrived[what] = payload
        return self.arrived[key]

    def samples(self, i: int) -> dict[str, Sample]:
        return {family.name: self.get((i, family.name)) for family in FAMILIES}
