"""Translations and localized formatting for the console. No Textual here.

Messages are English ``msgid``s translated through the standard library's gettext from
``bokdesk/locale/<lang>/LC_MESSAGES/bokdesk.mo`` (``scripts/i18n.py`` extracts, updates and
compiles the catalogs). Placeholders use ``str.format`` names: ``_("Ticket #{number}")``.

Compact durations and numbers (queue, KPI strip) are formatted here without Babel, so the first
screen does not pay for loading locale data; dates, times and relative times ("in 3 hours",
"za 3 godziny") use Babel, imported on first use.

The language comes from ``--lang``, then the config (``[ui] language``), then the locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``, ``LANGUAGE``); English when nothing matches.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

DOMAIN = "bokdesk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SUPPORTED = ("en", "pl")
DEFAULT = "en"
# Babel locale per language: English dates in the British style (day first, 24-hour clock),
# which is what an office in Poland expects from English software.
BABEL_LOCALE = {"en": "en_GB", "pl": "pl_PL"}

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = DEFAULT


def resolve_language(
    cli: str | None = None, config: str | None = None, env: Mapping[str, str] | None = None
) -> str:
    """The console language: ``--lang``, then the config, then the locale, then English."""
    env = os.environ if env is None else env
    candidates = [cli, config]
    candidates += [env.get(name) for name in ("LC_ALL", "LC_MESSAGES", "LANG")]
    candidates += (env.get("LANGUAGE") or "").split(":")
    for candidate in candidates:
        code = normalize(candidate)
        if code:
            return code
    return DEFAULT


def normalize(value: str | None) -> str | None:
    """``pl_PL.UTF-8`` -> ``pl``; None for anything unsupported (``C``, ``POSIX``, ``de``)."""
    if not value:
        return None
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in SUPPORTED else None


def set_language(language: str) -> str:
    """Switch every later ``_()`` to ``language``; returns the language actually used."""
    global _translation, _language
    code = normalize(language) or DEFAULT
    if code == DEFAULT:
        _translation = _gettext.NullTranslations()
    else:
        _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    _language = code
    return code


def language() -> str:
    return _language


def _(message: str) -> str:
    """Translate a message."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark a message for extraction; translate it later, where it is shown, with ``_()``."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count (Polish has three plural forms)."""
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a short message whose meaning depends on ``context`` (e.g. a column label)."""
    return _translation.pgettext(context, message)


# ------------------------------------------------------------------ numbers and durations


def format_number(value: int) -> str:
    """A whole number with the language's digit grouping (Polish groups from 10 000, with a space)."""
    if _language == "pl":
        if abs(value) < 10_000:
            return str(value)
        return f"{value:,}".replace(",", "\u00a0")
    return f"{value:,}"


def _units(seconds: int) -> tuple[int, int, int]:
    minutes = seconds // 60
    return minutes // 1440, (minutes % 1440) // 60, minutes % 60


def format_duration(seconds: int | float | None, *, compact: bool = False) -> str:
    """A duration in the two largest units: ``2 h 10 min`` (compact: ``2h 10m``); None gives ``—``."""
    if seconds is None:
        return "—"
    seconds = int(seconds)
    sign = "−" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return sign + (pgettext("duration compact", "{n}s") if compact else _("{n} s")).format(n=seconds)
    days, hours, minutes = _units(seconds)
    if compact:
        d, h, m = (
            pgettext("duration compact", "{n}d"),
            pgettext("duration compact", "{n}h"),
            pgettext("duration compact", "{n}m"),
        )
    else:
        d, h, m = _("{n} d"), _("{n} h"), _("{n} min")
    if days:
        parts = [d.format(n=days)] + ([h.format(n=hours)] if hours and days < 10 else [])
    elif hours:
        parts = [h.format(n=hours)] + ([m.format(n=minutes)] if minutes else [])
    else:
        parts = [m.format(n=minutes)]
    return sign + " ".join(parts)


def format_age(seconds: int | float) -> str:
    """How old something is, in its largest unit only, for narrow columns: ``3d``, ``5h``, ``12m``."""
    seconds = max(0, int(seconds))
    days, hours, minutes = _units(seconds)
    if days:
        return pgettext("duration compact", "{n}d").format(n=days)
    if hours:
        return pgettext("duration compact", "{n}h").format(n=hours)
    return pgettext("duration compact", "{n}m").format(n=minutes)


# ------------------------------------------------------------------ dates and times (Babel)


def _babel_locale() -> str:
    return BABEL_LOCALE.get(_language, "en_GB")


def format_datetime(value: datetime | None, tz: tzinfo | None = None, *, fmt: str = "short") -> str:
    """A date and time in the desk's time zone, the language's way (``24.11.2026, 09:30``)."""
    if value is None:
        return "—"
    from babel.dates import format_datetime as babel_format

    return babel_format(value, fmt, tzinfo=tz, locale=_babel_locale())


def format_date(value: datetime | None, tz: tzinfo | None = None, *, fmt: str = "short") -> str:
    if value is None:
        return "—"
    from babel.dates import format_date as babel_format

    local = value.astimezone(tz) if tz is not None else value
    return babel_format(local.date(), fmt, locale=_babel_locale())


def format_time(value: datetime | None, tz: tzinfo | None = None) -> str:
    if value is None:
        return "—"
    from babel.dates import format_time as babel_format

    return babel_format(value, "short", tzinfo=tz, locale=_babel_locale())


def format_relative(delta: timedelta) -> str:
    """A signed interval in words: ``in 3 hours`` / ``3 hours ago`` (``za 3 godziny`` / ``3 godziny temu``)."""
    from babel.dates import format_timedelta

    return format_timedelta(delta, add_direction=True, threshold=1.5, locale=_babel_locale())


def warm_up() -> None:
    """Load Babel and the locale data ahead of first use (call from a background thread)."""
    from datetime import UTC

    format_datetime(datetime.now(UTC))
    format_relative(timedelta(hours=1))
