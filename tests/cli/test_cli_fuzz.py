"""Every command of the parser (walked, so a new one is covered without editing this file) gets
hostile arguments: numbers no database holds, invalid UTF-8, control and bidi characters, odd and
missing paths, an odd --db. Whatever happens: a documented exit code, never an internal error;
a refusal is one line on stderr without a traceback and leaves the database as it was; what is
printed carries no terminal or bidi control character."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hostile_desk import EXIT_CODES, Desk, bad_stdin, build, dump, environment, one_line_error, run

import bokdesk.cli as cli_module

BUILD_PARSER = cli_module.build_parser

# Commands that must not run their handler here: a long-running service, the console, building a
# demo month, a bulk seed, the shared box's setup (chowns, writes the site config). They still get
# every hostile value their parser refuses.
PARSE_ONLY = {"mail run", "demo", "seed", "admin init-shared"}
# Output that is data, not text for a terminal: the lossless export and the raw message bytes.
RAW_OUTPUT = {"export jsonl", "mail quarantine show"}
COMMON = {"--db", "--config", "--as", "--lang", "-h", "--help"}
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

HOSTILE = [
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999999",
    "0",
    "-1",
    "caf\udce9",  # invalid UTF-8 as Python keeps it (surrogateescape)
    "\udcff\udcfe",
    "\x1b[2J\x1b]52;c;ZXZpbA==\x07",
    "a\u202eb\u2066c\u200f",
    "C1\x9b31m\x85",
    "x\ny\r\nz",
    "",
    " ",
    "-",
    "/nonexistent/x",
    "/dev/null",
    "../../etc/passwd",
    "x" * 20_000,
    "=cmd|' /C calc'!A0",
    "9999-12-31",
    "nul\x00byte",
]
SANE = {
    "number": "1",
    "ticket": "1",
    "id": "1",
    "login": "ola",
    "status": "pending",
    "priority": "normal",
    "team": "=cmd|' /C calc'!A0",
    "week": "mon-fri 08:00-16:00",
    "first": "2026-12-14",
    "last": "2026-12-15",
    "subject": "Pytanie",
    "name": "Zosia",
    "body": "Dzień dobry",
    "group": "no-such-group-bokdesk",
    "customer": "Jan Kowalski",
}


@dataclass(frozen=True)
class Argument:
    """One argument of a command: a positional (``flag`` None) or an option taking a value."""

    dest: str
    flag: str | None
    choices: tuple[str, ...] | None
    typed: bool
    required: bool

    def sane(self, root: Path, n: int) -> str:
        if self.choices:
            return self.choices[0]
        if self.dest in ("file", "dest", "out", "output", "maildir", "site_config"):
            return str(root / "cwd" / f"out-{n}")  # a new file each time
        return SANE.get(self.dest, "1" if self.typed else "x")


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    arguments: tuple[Argument, ...]

    @property
    def name(self) -> str:
        return " ".join(self.words)


def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[Command]:
    """Every command the parser runs (a parser with a handler), depth first."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
    if parser.get_default("handler") is not None:
        arguments = []
        for action in parser._actions:  # noqa: SLF001
            if isinstance(action, argparse._SubParsersAction) or action.nargs == 0:  # noqa: SLF001
                continue
            flag = max(action.option_strings, key=len) if action.option_strings else None
            if flag in COMMON:
                continue
            choices = tuple(str(c) for c in action.choices) if action.choices else None
            required = action.required or (flag is None and action.nargs is None)
            arguments.append(Argument(action.dest, flag, choices, action.type is not None, required))
        yield Command(words, tuple(arguments))
    for sub in subs:
        for name, child in sub.choices.items():
            yield from commands(child, (*words, name))


def argv_for(command: Command, root: Path, n: int, hostile: Argument | None, value: str) -> list[str]:
    argv = list(command.words)
    for arg in command.arguments:
        if arg is hostile:
            text = value
        elif arg.required:
            text = arg.sane(root, n)
        else:
            continue
        argv.append(text if arg.flag is None else f"{arg.flag}={text}")
    return argv


@dataclass
class Case:
    command: Command
    argv: list[str]
    db: str | None = None  # another --db than the desk's


def cases(desk: Desk) -> list[Case]:
    """Each argument of each command gets several hostile values (rotating through the list, so
    every value meets many arguments); each command also gets an odd --db, --as and invalid UTF-8."""
    parser = _parser()
    odd_dbs = [
        str(desk.root / "typo.db"),
        str(desk.root / "dangling.db"),
        "/dev/null",
        str(desk.root),
        str(desk.root / "missing" / "x.db"),
        "",
        "x" * 300 + ".db",  # too long a name for the file system
    ]
    found: list[Case] = []
    n = 0
    for i, command in enumerate(commands(parser)):
        for j, arg in enumerate(command.arguments):
            for k in range(6):
                value = HOSTILE[(i * 7 + j * 5 + k * 3) % len(HOSTILE)]
                n += 1
                found.append(Case(command, argv_for(command, desk.root, n, arg, value)))
        n += 1
        base = argv_for(command, desk.root, n, None, "")
        found.append(Case(command, base, db=odd_dbs[i % len(odd_dbs)]))
        found.append(Case(command, [*base, f"--as={HOSTILE[(i + 8) % len(HOSTILE)]}"]))
        found.append(Case(command, [*base, "--lang=caf\udce9"]))  # refused before parsing
        found.append(Case(command, [*base, f"--config={odd_dbs[(i + 2) % len(odd_dbs)]}"]))
    return found


@cache
def _parser() -> argparse.ArgumentParser:
    return BUILD_PARSER()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    root = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        environment(mp, root)
        built = build(root)
        (root / "dangling.db").symlink_to(root / "nowhere.db")
        yield built


def test_every_command_survives_hostile_arguments(
    desk: Desk, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    environment(monkeypatch, desk.root)
    # One parser for every case (building it costs ~100 ms; parsing does not change it).
    monkeypatch.setattr(cli_module, "build_parser", _parser)
    all_cases = cases(desk)
    names = {case.command.name for case in all_cases}
    assert {"ticket show", "mail attachment", "export jsonl", "agent absence cancel", "report"} <= names
    capsys.readouterr()
    baseline = dump(desk.db)
    problems: list[str] = []
    ran = 0
    for case in all_cases:
        if case.command.name in PARSE_ONLY:
            refused = _refused_while_parsing(case.argv)
            capsys.readouterr()
            if not refused:
                continue
        monkeypatch.setattr(sys, "stdin", bad_stdin())
        db = case.db if case.db is not None else str(desk.db)
        code, out, err = run(capsys, *case.argv, "--db", db, "--config", str(desk.config))
        ran += 1
        shown = f"{case.argv!r:.300} --db {db!r}: exit {code}, stderr {err!r:.300}"
        after = dump(desk.db)
        if code not in EXIT_CODES:
            problems.append(f"undocumented exit code: {shown}")
        elif code != 0:
            if not one_line_error(code, err):
                problems.append(f"not one line: {shown}")
            if after != baseline:
                problems.append(f"refused but changed the database: {shown}")
        if code != 0 and UNSAFE.search(err):
            problems.append(f"control or bidi character on stderr: {shown}")
        if case.command.name not in RAW_OUTPUT and UNSAFE.search(out.replace("\n", "").replace("\t", "")):
            problems.append(f"control or bidi character on stdout: {shown}")
        baseline = after  # a command that succeeded may change the desk: compare from here on
        for stray in ("typo.db", "nowhere.db", "missing"):
            if (desk.root / stray).exists():
                problems.append(f"{stray} was created: {shown}")
    assert ran > 300
    assert not problems, "\n".join(problems[:40])


def _refused_while_parsing(argv: list[str]) -> bool:
    """Whether the parser (or the UTF-8 check before it) refuses ``argv``: the handler never runs."""
    try:
        cli_module.args.check_text(argv)
        _parser().parse_args(argv)
    except (SystemExit, cli_module.BokdeskError):
        return True
    return False
