"""Cleaning untrusted text (customers, e-mail, file names, anything from the database) for a terminal.

One route for the console and the command line. Control characters can drive the terminal (escape
sequences: OSC 52 clipboard writes, screen clears) and bidirectional controls reorder what follows
them (a subject with U+202E prints the next columns backwards). ``clean`` removes C0 (except
newline and tab), DEL, C1, the bidirectional marks, embeddings, overrides and isolates, and the
line and paragraph separators; ``json_text`` keeps JSON exact but escapes the same characters.
No Textual here: the command line imports it.
"""

from __future__ import annotations

import re

# C0 except \t (09) and \n (0a); DEL; C1; Arabic letter mark; LRM/RLM; bidi embeddings/overrides;
# line/paragraph separators; bidi isolates.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069"
_CONTROL = re.compile(f"[{_UNSAFE}]")
_SPACES = re.compile(r"\s+")


def clean(text: object) -> str:
    """The text without control characters (newline and tab kept); CRLF becomes LF."""
    if text is None:
        return ""
    value = str(text)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def one_line(text: object, limit: int | None = None) -> str:
    """Clean text on one line (newlines and tabs become single spaces), optionally shortened."""
    value = _SPACES.sub(" ", clean(text)).strip()
    if limit is not None and len(value) > limit:
        value = value[: max(0, limit - 1)] + "…"
    return value


def json_text(encoded: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with every unsafe character escaped as
    ``\\uXXXX``. JSON's own syntax is ASCII, so each such character is inside a string literal and
    the escape decodes to the same value."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
