"""How the console says an agent's rota: the week in the agent's language, and their state now
("● here · until 16:00", "○ off shift · starts Thu 08:00", "✕ on leave until 27.11.2026").

Used by the assign dialog and the rota screen, so both say it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

from textual.content import Content

from ..core.shifts import Block, format_week
from ..i18n import _, format_date, format_datetime, format_time, pgettext
from .safe_text import GAP, assemble

MUTED = "$text-muted"
_MONDAY = datetime(2026, 11, 16, 12, 0)  # any Monday: babel names the days from it


def day_names() -> tuple[str, ...]:
    """Monday..Sunday abbreviated in the agent's language (``Mon``, ``pon.``)."""
    return tuple(format_date(_MONDAY + timedelta(days=i), None, fmt="EEE") for i in range(7))


def week_text(blocks: Iterable[Block]) -> str:
    """``Mon-Fri 08:00-16:00, Sat 09:00-13:00`` in the agent's language; the desk's hours when none."""
    blocks = tuple(blocks)
    if not blocks:
        return _("desk hours")
    return format_week(blocks, day_names(), dash="–")


def day_text(day: date) -> str:
    """A local date the language's way (``25/11/2026``, ``25.11.2026``)."""
    return format_date(datetime.combine(day, time(12)), None)


def absence_label(kind: str | None) -> str:
    return {
        "leave": pgettext("absence", "on leave"),
        "sick": pgettext("absence", "sick"),
        "training": pgettext("absence", "training"),
    }.get(kind or "", pgettext("absence", "away"))


def when_text(at: datetime, tz: tzinfo, now: datetime) -> str:
    """``12:00`` today, ``Thu 08:00`` within the week, else the date and time."""
    local, today = at.astimezone(tz), now.astimezone(tz)
    if local.date() == today.date():
        return format_time(at, tz)
    if local.date() - today.date() < timedelta(days=7):
        return format_datetime(at, tz, fmt="EEE HH:mm")
    return format_datetime(at, tz)


def state_label(
    state: str,
    tz: tzinfo,
    now: datetime,
    *,
    shift_until: datetime | None = None,
    next_shift: datetime | None = None,
    absence_kind: str | None = None,
    absent_until: date | None = None,
) -> Content:
    """One agent's presence and rota now, as the assign dialog and the rota screen show it."""
    if state == "absent":
        text = _("✕ {absence} until {day}").format(
            absence=absence_label(absence_kind), day=day_text(absent_until) if absent_until else "—"
        )
        return Content.styled(text, "$text-error")
    label = {
        "available": (pgettext("agent presence", "● here"), "$text-success"),
        "away": (pgettext("agent presence", "◐ away"), "$text-warning"),
        "off_shift": (pgettext("agent presence", "○ off shift"), MUTED),
    }.get(state, (pgettext("agent presence", "○ offline"), MUTED))
    if shift_until is not None and state != "off_shift":
        until = when_text(shift_until, tz, now)
        text = (
            _("until {time}").format(time=until)
            if state in ("available", "away")
            else _("shift until {time}").format(time=until)
        )
        return assemble(label, GAP, ("· " + text, MUTED))
    if state == "off_shift" and next_shift is not None:
        return assemble(
            label, GAP, ("· " + _("starts {time}").format(time=when_text(next_shift, tz, now)), MUTED)
        )
    return assemble(label)


__all__ = [
    "absence_label",
    "day_names",
    "day_text",
    "state_label",
    "week_text",
    "when_text",
]
