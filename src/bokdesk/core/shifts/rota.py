"""Who is on shift at an instant: one agent's timetable and absences over the desk's calendar."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ..calendar import BusinessCalendar
from .blocks import DAY_MINUTES, Absence, Block, ShiftState

_ONE_DAY = timedelta(days=1)
_SEARCH_DAYS = 62  # how far ahead "next shift" looks (a long leave is still answered)


def local_day(calendar: BusinessCalendar, at: datetime) -> date:
    """The desk's local date at a UTC instant (naive or aware)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return calendar.to_local(at).date()


@dataclass(frozen=True)
class Rota:
    """One agent's timetable and absences over the desk's calendar."""

    calendar: BusinessCalendar
    blocks: tuple[Block, ...] = ()
    absences: tuple[Absence, ...] = ()

    @property
    def follows_desk(self) -> bool:
        return not self.blocks

    def desk_closed(self, day: date) -> bool:
        """A public holiday (unless listed as a working day) or one of the desk's days off."""
        cal = self.calendar
        if day in cal.extra_days_off:
            return True
        return cal.is_holiday(day) and day not in cal.extra_working_days

    def absence_on(self, day: date) -> Absence | None:
        for absence in self.absences:
            if absence.covers(day):
                return absence
        return None

    def absent_until(self, day: date) -> date | None:
        """The last day of the absence covering ``day``, through back-to-back absences."""
        absence = self.absence_on(day)
        if absence is None:
            return None
        last = absence.last_day
        while (following := self.absence_on(last + _ONE_DAY)) is not None:
            last = following.last_day
        return last

    def shifts_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The shifts that start on local ``day``, as sorted naive-UTC pairs (none when off)."""
        if self.absence_on(day) is not None:
            return ()
        if self.follows_desk:
            return self.calendar.open_intervals(day)
        if self.desk_closed(day):
            return ()
        out = []
        for block in self.blocks:
            if block.weekday == day.weekday():
                a = self._utc(day, block.start)
                b = self._utc(day, block.end)
                if b > a:
                    out.append((a, b))
        return tuple(sorted(out))

    def planned_on(self, day: date) -> tuple[Block, ...]:
        """The timetable's blocks for ``day``'s weekday (before holidays and absences)."""
        return tuple(b for b in self.blocks if b.weekday == day.weekday())

    def state(self, at: datetime) -> ShiftState:
        """On shift or not at ``at``, until when / from when, and any absence that day.

        ``at`` may be naive UTC or aware; the instants returned are of the same kind."""
        aware = at.tzinfo is not None
        if aware:
            at = at.astimezone(UTC).replace(tzinfo=None)
        day = local_day(self.calendar, at)
        until: datetime | None = None
        next_start: datetime | None = None
        for a, b in self._runs_from(day - _ONE_DAY):
            if b <= at:
                continue
            if a <= at:
                until = b
            else:
                next_start = a
            break
        if aware:
            until = until and until.replace(tzinfo=UTC)
            next_start = next_start and next_start.replace(tzinfo=UTC)
        return ShiftState(
            on_shift=until is not None,
            until=until,
            next_start=next_start,
            absence=self.absence_on(day),
            absent_until=self.absent_until(day),
            follows_desk=self.follows_desk,
        )

    def on_shift(self, at: datetime) -> bool:
        """On shift at ``at`` (naive UTC or aware): a shift of that local day or the one before
        (past midnight) covers it. Routing asks this for every candidate; ``state`` says more."""
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        day = local_day(self.calendar, at)
        return any(a <= at < b for d in (day - _ONE_DAY, day) for a, b in self.shifts_on(d))

    # ------------------------------------------------------------------ internals

    def _utc(self, day: date, minute: int) -> datetime:
        local = datetime.combine(
            day + timedelta(days=minute // DAY_MINUTES), time(minute % DAY_MINUTES // 60, minute % 60)
        )
        return self.calendar._local_to_utc(local)  # the calendar's DST convention, one place

    def _runs_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """Shifts from local ``day`` on, touching ones joined (08-12 + 12-16 is one run to 16:00)."""
        current: tuple[datetime, datetime] | None = None
        for offset in range(_SEARCH_DAYS):
            for a, b in self.shifts_on(day + offset * _ONE_DAY):
                if current is not None and a <= current[1]:
                    current = (current[0], max(current[1], b))
                    continue
                if current is not None:
                    yield current
                current = (a, b)
        if current is not None:
            yield current
