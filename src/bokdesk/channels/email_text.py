"""Plain-text helpers for inbound e-mail bodies.

HTML to readable text, ``format=flowed`` unwrapping, and folding of quoted history and signatures.
Pure functions, standard library only, linear in the size of their input.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "TRUNCATION_NOTE",
    "html_to_text",
    "normalize_newlines",
    "split_quoted",
    "truncate_text",
    "unflow",
]

TRUNCATION_NOTE = "[… truncated]"

# --------------------------------------------------------------------------------------------
# small text utilities


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR line endings into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def truncate_text(text: str, max_chars: int) -> str:
    """Cap *text* at *max_chars* characters in total, ending with :data:`TRUNCATION_NOTE`."""
    if len(text) <= max_chars:
        return text
    keep = max(0, max_chars - len(TRUNCATION_NOTE) - 1)
    return text[:keep] + "\n" + TRUNCATION_NOTE


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join the soft line breaks of a ``format=flowed`` body (RFC 3676).

    Quote depth is kept as ``"> "`` prefixes; the signature separator ``"-- "`` is never joined.
    """
    out: list[str] = []
    buf: list[str] = []
    buf_depth = -1
    for line in text.split("\n"):
        stripped = line.lstrip(">")
        depth = len(line) - len(stripped)
        if stripped.startswith(" "):
            stripped = stripped[1:]  # space-stuffing
        if buf and depth != buf_depth:
            out.append(_quote_prefix(buf_depth) + "".join(buf))
            buf = []
        buf.append(stripped)
        buf_depth = depth
        if stripped.endswith(" ") and stripped != "-- ":
            if delsp:
                buf[-1] = stripped[:-1]
            continue
        out.append(_quote_prefix(depth) + "".join(buf))
        buf = []
    if buf:
        out.append(_quote_prefix(buf_depth) + "".join(buf))
    return "\n".join(out)


def _quote_prefix(depth: int) -> str:
    return ">" * depth + " " if depth > 0 else ""


# --------------------------------------------------------------------------------------------
# HTML to text
#
# A small linear tokenizer instead of html.parser.HTMLParser: HTMLParser rescans the rest of the
# document for every unclosed tag ("<a b='" repeated 20,000 times takes ~30 s), and inbound mail
# is untrusted input. Every match attempt below stops at the next "<", so the total is linear.

_TOKEN = re.compile(
    r"""
      (?P<comment><!--.*?(?:--!?>|\Z))
    | (?P<bang><![^>]*(?:>|\Z))
    | (?P<pi><\?[^>]*(?:>|\Z))
    | <(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9:_-]*)
      (?P<attrs>(?:[^<>"']|"[^"<]*"|'[^'<]*')*)>
    """,
    re.S | re.X,
)
_ATTR = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_WS = re.compile(r"[ \t\n\r\f\v\xa0]+")
_INVISIBLE = re.compile("[\u00ad\u034f\u200b\u200c\u2060\ufeff]")
_RAW_TEXT = ("script", "style", "title", "template", "xml", "svg", "head")
_RAW_END = {name: re.compile(rf"</{name}\s*>", re.I) for name in _RAW_TEXT}
_SKIP_TO_END_IF_UNCLOSED = frozenset({"script", "style"})
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "figure", "dl", "fieldset"}
)
_BLOCK = frozenset(
    {
        "div", "section", "article", "header", "footer", "nav", "aside", "main", "center",
        "table", "thead", "tbody", "tfoot", "tr", "caption", "dt", "dd", "figcaption",
        "details", "summary", "form", "body", "html", "ul", "ol", "li", "blockquote", "hr",
    }
)  # fmt: skip
_CELL = frozenset({"td", "th"})


class _Writer:
    """Accumulates output lines with blockquote (``"> "``) and list indentation prefixes."""

    def __init__(self, limit: int) -> None:
        self.lines: list[tuple[int, str]] = []  # (quote depth, text incl. indentation)
        self.cur: list[str] = []
        self.cur_depth = 0
        self.cur_lead = ""
        self.quote = 0
        self.indent = ""
        self.bullet = ""
        self.want_blank = False
        self.size = 0
        self.limit = limit
        self.capture: list[str] | None = None  # text written inside the current <a>

    @property
    def full(self) -> bool:
        return self.size > self.limit

    def _open_line(self) -> None:
        if self.want_blank and self.lines and self.lines[-1][1]:
            self.lines.append((min(self.quote, self.lines[-1][0]), ""))
        self.want_blank = False
        self.cur_depth = self.quote
        self.cur_lead = self.bullet or self.indent
        self.bullet = ""

    def text(self, s: str) -> None:
        """Write inline text whose whitespace is already collapsed to single spaces."""
        if not self.cur:
            s = s.lstrip(" ")
            if not s:
                return
            self._open_line()
        elif s.startswith(" ") and self.cur[-1].endswith(" "):
            s = s[1:]
        if s:
            self.cur.append(s)
            self.size += len(s)
            if self.capture is not None:
                self.capture.append(s)

    def raw(self, s: str) -> None:
        """Write preformatted text, keeping its spaces and line breaks."""
        for i, piece in enumerate(s.split("\n")):
            if i:
                self.end_line(force=True)
            if piece:
                if not self.cur:
                    self._open_line()
                self.cur.append(piece)
                self.size += len(piece)
                if self.capture is not None:
                    self.capture.append(piece)

    def end_line(self, *, force: bool = False) -> None:
        if self.cur:
            self.lines.append((self.cur_depth, self.cur_lead + "".join(self.cur).rstrip()))
            self.cur = []
        elif force:
            self.lines.append((self.quote, ""))

    def blank(self) -> None:
        self.end_line()
        self.want_blank = True

    def render(self) -> str:
        out: list[str] = []
        prev_blank = True
        for depth, line in self.lines:
            blank = not line.strip()
            if blank and prev_blank:
                continue
            prefix = "> " * depth
            out.append((prefix + line).rstrip() if line else prefix.rstrip())
            prev_blank = blank
        while out and not out[-1].strip(" >"):
            out.pop()
        return "\n".join(out)


class _HtmlToText:
    """Converts one HTML document; see :func:`html_to_text`."""

    def __init__(self, limit: int) -> None:
        self.w = _Writer(limit)
        self.pre = 0
        self.lists: list[list[int]] = []  # [ordered (0/1), counter]
        self.link: tuple[str, list[str]] | None = None

    def run(self, doc: str) -> str:
        pos, n = 0, len(doc)
        while pos < n and not self.w.full:
            lt = doc.find("<", pos)
            if lt < 0:
                self.data(doc[pos:])
                break
            if lt > pos:
                self.data(doc[pos:lt])
            m = _TOKEN.match(doc, lt)
            if m is None:
                self.data("<")
                pos = lt + 1
                continue
            pos = m.end()
            name = m.group("name")
            if name is None:
                continue  # comment, doctype, conditional comment, processing instruction
            tag = name.lower()
            if m.group("close"):
                self.end(tag)
            elif tag in _RAW_END:
                end = _RAW_END[tag].search(doc, pos)
                if end is not None:
                    pos = end.end()
                elif tag in _SKIP_TO_END_IF_UNCLOSED:
                    pos = n
            else:
                self.start(tag, m.group("attrs") or "")
                if tag == "br" or m.group("attrs").rstrip().endswith("/"):
                    self.end(tag)
        self.close_link()
        self.w.end_line()
        return self.w.render()

    def data(self, raw: str) -> None:
        s = _INVISIBLE.sub("", html.unescape(raw))
        if self.pre:
            self.w.raw(s.replace("\r\n", "\n").replace("\r", "\n"))
        else:
            self.w.text(_WS.sub(" ", s))

    def start(self, tag: str, attrs: str) -> None:
        w = self.w
        if tag == "br":
            if w.cur:
                w.end_line()
            else:
                w.end_line(force=True)
        elif tag in _PARAGRAPH:
            w.blank()
            if tag == "pre":
                self.pre += 1
        elif tag == "blockquote":
            w.blank()
            w.quote += 1
        elif tag in ("ul", "ol"):
            w.end_line()
            self.lists.append([1 if tag == "ol" else 0, 0])
        elif tag == "li":
            self.start_item()
        elif tag == "hr":
            w.end_line()
            w.text("----")
            w.end_line()
        elif tag in _BLOCK:
            w.end_line()
        elif tag in _CELL:
            if w.cur:
                w.cur.append("  ")
        elif tag == "a":
            self.close_link()
            href = _attr(attrs, "href")
            if href is not None:
                self.link = (href, [])
                w.capture = self.link[1]
        elif tag == "img" and self.link is not None:
            alt = _attr(attrs, "alt")
            if alt:
                w.text(" " + _WS.sub(" ", alt).strip() + " ")

    def start_item(self) -> None:
        w = self.w
        w.end_line()
        if not self.lists:
            self.lists.append([0, 0])
        ordered, count = self.lists[-1]
        self.lists[-1][1] = count + 1
        depth = len(self.lists)
        mark = f"{count + 1}. " if ordered else "- "
        w.bullet = "  " * (depth - 1) + mark
        w.indent = "  " * depth

    def end(self, tag: str) -> None:
        w = self.w
        if tag in _PARAGRAPH:
            w.blank()
            if tag == "pre" and self.pre:
                self.pre -= 1
        elif tag == "blockquote":
            w.blank()
            w.quote = max(0, w.quote - 1)
        elif tag in ("ul", "ol"):
            w.end_line()
            if self.lists:
                self.lists.pop()
            w.indent = "  " * len(self.lists)
            w.bullet = ""
            if not self.lists:
                w.blank()
        elif tag == "li":
            w.end_line()
            w.indent = "  " * max(0, len(self.lists) - 1)
        elif tag in _BLOCK:
            w.end_line()
        elif tag == "a":
            self.close_link()

    def close_link(self) -> None:
        if self.link is None:
            return
        href, parts = self.link
        self.link = None
        self.w.capture = None
        label = _WS.sub(" ", "".join(parts)).strip()
        target = _link_target(href)
        if not target or _same_link(target, label):
            return
        self.w.text(f" ({target})" if label else target)


def _attr(attrs: str, wanted: str) -> str | None:
    """The unescaped value of attribute *wanted* in a raw attribute string, if present."""
    for m in _ATTR.finditer(attrs):
        if m.group(1).lower() == wanted:
            value = m.group(2) or ""
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            return html.unescape(value)
    return None


_NO_LINK_SCHEMES = ("javascript:", "vbscript:", "data:", "cid:")


def _link_target(href: str) -> str:
    href = _WS.sub("", href)
    low = href.lower()
    if not href or href.startswith("#") or low.startswith(_NO_LINK_SCHEMES):
        return ""
    if low.startswith("mailto:"):
        return href[7:].split("?", 1)[0]
    return href


def _same_link(target: str, label: str) -> bool:
    def norm(s: str) -> str:
        s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", s.strip().lower())
        return s.removeprefix("www.").rstrip("/")

    return norm(target) == norm(label)


def html_to_text(doc: str, *, max_chars: int | None = None) -> str:
    """Render an HTML document as readable plain text.

    Paragraphs and line breaks are kept, list items become ``"- "``/``"1. "`` lines, blockquotes
    become ``"> "`` quoted lines, links read ``"text (url)"``; tags, comments, ``<script>``,
    ``<style>`` and ``<head>`` content are dropped and entities decoded. Conversion stops soon
    after *max_chars* characters of output.
    """
    limit = max_chars if max_chars is not None else len(doc) + 1
    return _HtmlToText(limit).run(doc)


# --------------------------------------------------------------------------------------------
# quoted history and signatures

_REPLY_VERB = r"(?:wrote|napisał\(a\)|napisala?|napisał[a]?|napisal\(a\)|pisze)"
_ATTRIBUTION = re.compile(rf"^\s*(?:On|W\s+dniu|Dnia)\s.{{0,400}}{_REPLY_VERB}\s*:\s*$", re.I)
_ATTRIBUTION_LOOSE = re.compile(rf"^.{{0,400}}\b{_REPLY_VERB}\s*:\s*$", re.I)
_ATTRIBUTION_START = re.compile(r"^\s*(?:On|W\s+dniu|Dnia)\s", re.I)
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:original message|oryginalna wiadomo(?:ść|sc)|wiadomo(?:ść|sc) oryginalna)"
    r"\s*-{2,}\s*$",
    re.I,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HDR_FROM = re.compile(r"^\s*\*?(?:From|Od|Nadawca)\s*:\*?\s*\S", re.I)
_HDR_DATE = re.compile(r"^\s*\*?(?:Sent|Date|Wysłano|Wysłane|Data)\s*:", re.I)
_HDR_OTHER = re.compile(r"^\s*\*?(?:To|Do|Subject|Temat|Cc|DW)\s*:", re.I)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|wiadomo(?:ść|sc) przekazana dalej|przekazana wiadomo"
    r"(?:ść|sc))|begin forwarded message:|początek przekazywanej wiadomości:)",
    re.I,
)


def _is_quote(line: str) -> bool:
    return line.lstrip(" ").startswith(">")


def _is_sig(line: str) -> bool:
    return line in ("-- ", "--")


def _attribution_len(lines: list[str], i: int) -> int:
    """Number of lines (1 or 2) of a reply attribution starting at *i*, or 0."""
    line = lines[i]
    if _is_quote(line) or len(line) > 500:
        return 0
    if _is_attribution(line):
        return 1
    if i + 1 < len(lines) and line.strip() and not _is_quote(lines[i + 1]):
        joined = line.rstrip() + " " + lines[i + 1].strip()
        if _is_attribution(joined) and (_ATTRIBUTION_START.match(line) or "@" in line):
            return 2
    return 0


def _is_attribution(line: str) -> bool:
    if _ATTRIBUTION.match(line):
        return True
    return bool(_ATTRIBUTION_LOOSE.match(line)) and ("@" in line or any(c.isdigit() for c in line))


def _is_header_block(lines: list[str], i: int) -> bool:
    """True if an Outlook-style ``From:/Sent:/To:/Subject:`` block starts at *i*."""
    if not _HDR_FROM.match(lines[i]):
        return False
    window = lines[i + 1 : i + 6]
    return any(_HDR_DATE.match(x) for x in window) and any(_HDR_OTHER.match(x) for x in window)


def _after_forward_marker(lines: list[str], i: int) -> bool:
    return any(_FORWARD.match(lines[j]) for j in range(max(0, i - 2), i))


def _quoted_tails(lines: list[str]) -> list[bool]:
    """``tails[i]``: lines from *i* on are quoted or blank (a signature may follow them)."""
    tails = [True] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if _is_sig(line):
            tails[i] = True
        elif not line.strip() or _is_quote(line):
            tails[i] = tails[i + 1]
        else:
            tails[i] = False
    return tails


def _history_start(lines: list[str]) -> int | None:
    """Index of the first line of quoted history, or None."""
    tails = _quoted_tails(lines)
    for i, line in enumerate(lines):
        if _SEPARATOR.match(line):
            return i
        if _UNDERSCORES.match(line) and any(
            _is_header_block(lines, j) for j in range(i + 1, min(i + 3, len(lines)))
        ):
            return i
        if _is_header_block(lines, i) and not _after_forward_marker(lines, i):
            return i
        span = _attribution_len(lines, i)
        if span:
            rest = i + span
            while rest < len(lines) and not lines[rest].strip():
                rest += 1
            if rest >= len(lines) or not _is_quote(lines[rest]) or tails[rest]:
                return i
        elif _is_quote(line) and tails[i]:
            return i
    return None


def split_quoted(text: str) -> tuple[str, str]:
    """Split a reply into ``(new part, folded part)``.

    The folded part starts at the first of: quoted history (an ``"On … wrote:"`` / ``"W dniu …
    pisze:"`` attribution, ``"-----Original Message-----"``, an Outlook ``From:/Sent:`` block, or
    a trailing block of ``"> "`` lines) or a signature after a ``"-- "`` line. Quotes interleaved
    with new text are not folded, and if folding would leave no new text nothing is folded
    (the text comes back unchanged). Folded results use LF line endings.
    """
    lines = normalize_newlines(text).split("\n")
    cut = _history_start(lines)
    limit = len(lines) if cut is None else cut
    for i in range(limit):
        if _is_sig(lines[i]):
            cut = i
            break
    if cut is None:
        return text, ""
    new = "\n".join(lines[:cut]).rstrip()
    if not new.strip():
        return text, ""
    return new, "\n".join(lines[cut:]).strip("\n")
