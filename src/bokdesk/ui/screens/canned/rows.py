"""The canned responses as the console lists them: a row per response, the fuzzy ranking of the
search, a row's label, and a sample ticket's values for the preview (read in workers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content
from textual.fuzzy import Matcher

from ....i18n import _
from ...safe_text import assemble, safe_line

if TYPE_CHECKING:
    from ....core.desk import Actor, Desk

PLACEHOLDER_HELP = "{{customer_name}} {{customer_first_name}} {{agent_name}} {{ticket_number}} {{ticket_subject}} {{desk_name}}"


@dataclass(frozen=True)
class CannedRow:
    id: int
    title: str
    shortcut: str
    body: str
    category: str | None
    language: str
    shared: bool
    mine: bool
    usage: int
    version: int


def read_rows(desk: Desk, actor: Actor) -> list[CannedRow]:
    from ....core.services import canned

    return [
        CannedRow(
            r.id,
            r.title,
            r.shortcut,
            r.body,
            r.category,
            r.language,
            r.owner_id is None,
            r.owner_id == actor.id,
            r.usage_count,
            r.version,
        )
        for r in canned.visible(desk, actor)
        if r.id is not None
    ]


def rank(rows: list[CannedRow], query: str, language: str | None = None) -> list[CannedRow]:
    """Rows matching ``query`` (fuzzy over title, shortcut and body), best first; with no query,
    the preferred language first, then the most used."""
    query = query.strip()
    preferred = [r for r in rows if language is None or r.language == language]
    others = [r for r in rows if language is not None and r.language != language]
    if not query:
        key = lambda r: (-r.usage, r.title.lower())  # noqa: E731
        return sorted(preferred, key=key) + sorted(others, key=key)
    matcher = Matcher(query)
    needle = _fold(query)
    scored = []
    for row in rows:
        # Fuzzy on the title and the shortcut; the body only where it contains what was typed (a fuzzy
        # match over a whole paragraph finds almost any few letters and would bury the right answer).
        score = max(
            matcher.match(row.title),
            matcher.match(row.shortcut) * 1.1,
            0.5 if needle in _fold(row.body) else 0.0,
        )
        if score > 0:
            bonus = 0.05 if language is not None and row.language == language else 0.0
            scored.append((score + bonus + min(row.usage, 100) / 10_000, row))
    scored.sort(key=lambda item: -item[0])
    return [row for _score, row in scored]


def _fold(text: str) -> str:
    """Lower case without Polish diacritics, so "haslo" finds "hasło"."""
    import unicodedata

    text = text.lower().replace("ł", "l")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def row_label(row: CannedRow, *, two_lines: bool = False) -> Content:
    """One line (the editor's picker: as many answers as fit), or two (the manager's narrow list: the
    title and shortcut, then the language, scope and use, so a row never wraps mid-way)."""
    scope = _("shared") if row.shared else _("personal")
    used = _("used {n}×").format(n=row.usage)
    if two_lines:
        return assemble(
            safe_line(row.title, "bold", limit=40),
            "  ",
            ("/" + row.shortcut, "$text-accent"),
            "\n  ",
            (f"{row.language.upper()} · {scope} · {used}", "$text-muted"),
        )
    return assemble(
        safe_line(row.title, "bold", limit=40),
        "  ",
        ("/" + row.shortcut, "$text-accent"),
        "  ",
        (row.language.upper(), "$text-muted"),
        " ",
        (scope, "$text-muted"),
        " ",
        (used, "$text-muted"),
    )


def read_sample(
    desk: Desk, actor: Actor, ticket_id: int | None
) -> tuple[dict[str, str], str | None, int | None]:
    """Placeholder values of a sample ticket (the given one, else the newest), its customer's language."""
    from ....core.lookups import sample_ticket
    from ....core.services import canned

    sample = sample_ticket(desk, ticket_id)
    if sample is None:
        return canned.values_for(desk, actor, None), None, None
    return canned.values_for(desk, actor, sample.id), sample.language, sample.id
