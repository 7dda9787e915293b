"""Full-text search over tickets: number, subject, bodies, customer name, e-mail and phone.

Backed by the SQLite FTS5 table ``ticket_search`` (rowid = ticket id, kept current by triggers).
What the agent typed is never passed to FTS5 as syntax: every word becomes a quoted prefix term
(AND-ed), digits typed like a phone number also match the customer's normalised phone, and a
number (``123`` or ``#123``) also finds that ticket. Results are ranked by bm25 (subject first);
a very broad query (thousands of matches, e.g. the first letters typed) returns the newest
matches instead of ranking all of them, so every keystroke costs about the same. What is typed is
bounded: its first ``MAX_QUERY_CHARS`` characters and first ``MAX_TERMS`` different words are
searched (a prefix term costs a scan of its index entries: a pasted page of words cost minutes).

PostgreSQL searches its own ``ticket_search`` (schema 0007): a weighted ``tsvector`` with a GIN
index, accent-blind through ``bokdesk_fold``; the typed words become prefix lexemes (``word:*``),
the phone digits a prefix restricted to the customer's weight (``digits:*B``), and the matches
are ranked by ``ts_rank`` with FTS5's weights, under the same broad-query rule. Other databases
fall back to LIKE. No Textual here: the console and the command line share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select, text
from sqlmodel import col

from .desk import Desk
from .models import Customer, CustomerContact, Ticket
from .paging import QueueItem, rows_by_id

RANK_LIMIT = 1000  # rank by bm25 when at most this many tickets match; otherwise newest first
MAX_QUERY_CHARS = 200  # of what was typed; the console's search field takes no more either
MAX_TERMS = 8  # different words searched (all must match: more words narrow, never widen)
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\s*#?\s*(\d{1,18})\s*")
_PHONEISH = re.compile(r"[\d\s+()./-]+")
# subject, body, customer
_WEIGHTS = (10.0, 1.0, 4.0)
# PostgreSQL: ts_rank's weights in the order D (bodies), C (unused), B (customer), A (subject).
_PG_WEIGHTS = f"{{{_WEIGHTS[1] / 10}, 0, {_WEIGHTS[2] / 10}, {_WEIGHTS[0] / 10}}}"
# The letters bokdesk_fold (migration 0007) folds to ASCII; what is typed is folded the same way.
FOLD_FROM = (
    "ąćęłńóśźżàáâãäåāăèéêëēėěìíîïīįòôõöøōőùúûüūůűýÿçčďğľĺňřšşťžđ"
    "ĄĆĘŁŃÓŚŹŻÀÁÂÃÄÅĀĂÈÉÊËĒĖĚÌÍÎÏĪĮÒÔÕÖØŌŐÙÚÛÜŪŮŰÝŸÇČĎĞĽĹŇŘŠŞŤŽĐ"
)
FOLD_TO = (
    "acelnoszzaaaaaaaaeeeeeeeiiiiiiooooooouuuuuuuyyccdgllnrsstzd"
    "acelnoszzaaaaaaaaeeeeeeeiiiiiiooooooouuuuuuuyyccdgllnrsstzd"
)
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
_ALNUM = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class SearchResult:
    """Matching tickets, best first."""

    items: list[QueueItem] = field(default_factory=list)
    broad: bool = False  # too many matches to rank: the newest are shown
    query: str = ""
    shortened: bool = False  # what was typed was longer than the search takes (see bounded)


def bounded(typed: str) -> str:
    """What was typed, cut to ``MAX_QUERY_CHARS`` characters and stripped."""
    return typed.strip()[:MAX_QUERY_CHARS].strip()


def _first_terms(words: list[str]) -> list[str]:
    """The first ``MAX_TERMS`` different words, in the order typed."""
    return list(dict.fromkeys(words))[:MAX_TERMS]


def ticket_number(typed: str) -> int | None:
    """The ticket number typed as ``123`` or ``#123``, if that is all that was typed."""
    match = _NUMBER.fullmatch(typed)
    if not match:
        return None
    value = int(match.group(1))
    return value if 0 < value < 2**63 else None


def phone_digits(typed: str) -> str | None:
    """The digits of something typed like a phone number (at least 3 digits), else None."""
    stripped = typed.strip()
    if not stripped or not _PHONEISH.fullmatch(stripped):
        return None
    digits = re.sub(r"\D", "", stripped)
    if stripped.startswith("00"):
        digits = digits[2:]
    return digits if len(digits) >= 3 else None


def match_expression(typed: str) -> str | None:
    """A safe FTS5 MATCH expression for what was typed, or None when there is nothing to search.

    Each word is a quoted prefix term; all words must match. One-letter words are left out
    (too broad to be useful, and not in the prefix index) unless they are all there is.
    """
    words = [w for w in _WORD.findall(bounded(typed).lower()) if w.replace("_", "")]
    long_words = _first_terms([w for w in words if len(w) >= 2])
    terms = [_term(w) for w in long_words]
    expression = " AND ".join(terms)
    digits = phone_digits(typed)
    if digits and (len(words) > 1 or digits not in words):
        phone = f'customer : "{digits}"*'
        expression = f"({expression}) OR {phone}" if expression else phone
    return expression or None


def tsquery_expression(typed: str) -> str | None:
    """A safe ``to_tsquery('simple', ...)`` text for what was typed (PostgreSQL), or None.

    The same rules as ``match_expression``: every word of two letters or more is a prefix
    (``word:*``), all must match; phone digits may match the customer's part instead. Words are
    folded as ``bokdesk_fold`` folds the index and contain letters and digits only, so nothing
    typed is ever tsquery syntax.
    """
    folded = bounded(typed).translate(_FOLD).lower()
    words = _ALNUM.findall(folded)
    expression = " & ".join(f"{w}:*" for w in _first_terms([w for w in words if len(w) >= 2]))
    digits = phone_digits(typed)
    if digits and (len(words) > 1 or digits not in words):
        phone = f"{digits}:*B"
        expression = f"({expression}) | {phone}" if expression else phone
    return expression or None


def _term(word: str) -> str:
    """A quoted prefix term. "ł" has no Unicode decomposition, so FTS5 keeps it when it removes
    diacritics; a word typed without Polish letters ("platnosc") also tries "ł" for "l"."""
    if "l" in word and word.isascii():
        return f'("{word}"* OR "{word.replace("l", "ł")}"*)'
    return f'"{word}"*'


def search(desk: Desk, typed: str, *, limit: int = 200) -> SearchResult:
    """Tickets matching what was typed, best first (a typed ticket number first of all)."""
    shortened = len(typed.strip()) > MAX_QUERY_CHARS
    typed = bounded(typed)
    if not typed:
        return SearchResult(query=typed)
    number = ticket_number(typed)
    broad = False
    if desk.store.is_sqlite:
        ids, broad = _fts_ids(desk, typed, limit)
    elif desk.store.is_postgres:
        ids, broad = _pg_ids(desk, typed, limit)
    else:
        ids = _like_ids(desk, typed, limit)
    if number is not None:
        ids = [number, *[i for i in ids if i != number]]
    rows = rows_by_id(desk, ids)
    items = [rows[i] for i in ids if i in rows][:limit]
    return SearchResult(items=items, broad=broad, query=typed, shortened=shortened)


def _fts_ids(desk: Desk, typed: str, limit: int) -> tuple[list[int], bool]:
    expression = match_expression(typed)
    if expression is None:
        return [], False
    return _newest_or_ranked(
        desk,
        {"q": expression},
        "SELECT rowid FROM ticket_search WHERE ticket_search MATCH :q ORDER BY rowid DESC LIMIT :n",
        "SELECT rowid FROM ticket_search WHERE ticket_search MATCH :q "
        f"ORDER BY bm25(ticket_search, {_WEIGHTS[0]}, {_WEIGHTS[1]}, {_WEIGHTS[2]}), rowid DESC LIMIT :n",
        limit,
    )


def _pg_ids(desk: Desk, typed: str, limit: int) -> tuple[list[int], bool]:
    expression = tsquery_expression(typed)
    if expression is None:
        return [], False
    return _newest_or_ranked(
        desk,
        {"q": expression, "w": _PG_WEIGHTS},
        "SELECT ticket_id FROM ticket_search WHERE document @@ to_tsquery('simple', :q) "
        "ORDER BY ticket_id DESC LIMIT :n",
        "SELECT ticket_id FROM ticket_search WHERE ticket_id = ANY(:ids) "
        "ORDER BY ts_rank(CAST(:w AS real[]), document, to_tsquery('simple', :q)) DESC, ticket_id DESC LIMIT :n",
        limit,
    )


def _newest_or_ranked(
    desk: Desk, params: dict[str, object], newest_sql: str, ranked_sql: str, limit: int
) -> tuple[list[int], bool]:
    """The newest matches when there are more than RANK_LIMIT (ranking them all costs too much),
    else the matches ranked; ``ranked_sql`` may narrow itself to the matches found (``:ids``)."""
    with desk.store.read() as session:
        connection = session.connection()
        newest = [row[0] for row in connection.execute(text(newest_sql), {**params, "n": RANK_LIMIT + 1})]
        if len(newest) > RANK_LIMIT:
            return newest[:limit], True
        if not newest:
            return [], False
        extra = {"ids": newest} if ":ids" in ranked_sql else {}
        ranked = connection.execute(text(ranked_sql), {**params, **extra, "n": limit})
        return [row[0] for row in ranked], False


def _like_ids(desk: Desk, typed: str, limit: int) -> list[int]:
    """Portable fallback: every word in the subject, customer name or a contact; newest first."""
    words = _first_terms([w for w in _WORD.findall(typed.lower()) if len(w) >= 2])
    digits = phone_digits(typed)
    conditions = []
    for word in words:
        pattern = f"%{_escape_like(word)}%"
        conditions.append(
            or_(
                func.lower(col(Ticket.subject)).like(pattern, escape="\\"),
                func.lower(col(Customer.name)).like(pattern, escape="\\"),
                col(Ticket.customer_id).in_(
                    select(col(CustomerContact.customer_id)).where(
                        col(CustomerContact.normalized).like(pattern, escape="\\")
                    )
                ),
            )
        )
    where = and_(*conditions) if conditions else None
    if digits:
        phone = col(Ticket.customer_id).in_(
            select(col(CustomerContact.customer_id)).where(
                col(CustomerContact.normalized).like(f"%{digits}%")
            )
        )
        where = or_(where, phone) if where is not None else phone
    if where is None:
        return []
    query = (
        select(col(Ticket.id))
        .join(Customer, col(Customer.id) == col(Ticket.customer_id))
        .where(where)
        .order_by(col(Ticket.id).desc())
        .limit(limit)
    )
    with desk.store.read() as session:
        return [row[0] for row in session.execute(query)]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
