"""Reading the command line safely: numbers in range, text that is UTF-8, errors on one line.

Every number a command takes (a ticket, an attachment, a limit) is parsed by one of the types
here, so a value no database column can hold (2**63 and up) is refused while parsing instead of
failing deep inside a query.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from ..core.errors import ValidationError
from ..core.text_safety import one_line

ID_MAX = 2**63 - 1  # the largest value of a 64-bit integer column (SQLite's INTEGER, bigint)
USAGE_EXIT = 2  # argparse's exit code for a command line it cannot parse


def _whole(value: str) -> int:
    text = value.strip()
    if not text or len(text) > 40:
        raise argparse.ArgumentTypeError(f"{one_line(value, 40)!r} is not a whole number")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{one_line(value, 40)!r} is not a whole number") from None


def record_id(value: str) -> int:
    """A ticket, attachment, absence or other record number: 1 to 2**63 - 1."""
    number = _whole(value)
    if not 1 <= number <= ID_MAX:
        raise argparse.ArgumentTypeError(f"{number} is not a number of a record (1 or more)")
    return number


def bounded(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high`` (a count, a limit, minutes)."""

    def parse(value: str) -> int:
        number = _whole(value)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {number}")
        return number

    parse.__name__ = "number"  # argparse names the type in its message
    return parse


def any_int64(value: str) -> int:
    """A whole number a database column can hold; the command checks its own range."""
    return bounded(-ID_MAX - 1, ID_MAX)(value)


def check_text(words: Sequence[str]) -> None:
    """Refuse an argument that is not valid UTF-8 (Python keeps such bytes as lone surrogates,
    which no database, terminal or e-mail can take)."""
    for position, word in enumerate(words, 1):
        if "\x00" in word:  # not from a shell (argv is C strings), but main() takes any list
            raise ValidationError(f"Argument {position} contains a NUL character.")
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(
                f"Argument {position} is not valid UTF-8 text: {one_line(word.encode('utf-8', 'replace').decode(), 60)!r}."
            ) from None


def read_stdin_text(what: str) -> str:
    """Standard input as UTF-8 text, or one clear line when it is not."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{what}: standard input is not UTF-8 text (byte {exc.start + 1}).") from None


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit 2), untrusted text cleaned."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: {one_line(message, 300)} (see {self.prog} --help)\n")
        sys.exit(USAGE_EXIT)
