"""The ``bokdesk`` command. Parsing and dispatch only; it never imports Textual for scripting
commands, so ``bokdesk --help`` and ``bokdesk ticket list`` start fast."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from .. import __version__
from ..core.errors import BokdeskError
from ..core.text_safety import one_line
from .args import OneLineParser, check_text

Handler = Callable[[argparse.Namespace], int]


def _options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db", metavar="PATH", default=default, help="database file (default: $BOKDESK_DB or the config)"
    )
    parser.add_argument(
        "--config", metavar="FILE", default=default, help="config file (default: $BOKDESK_CONFIG, user, site)"
    )
    parser.add_argument(
        "--as",
        dest="as_login",
        metavar="LOGIN",
        default=default,
        help="act as this agent (if the site allows it)",
    )
    parser.add_argument("--lang", choices=["en", "pl"], default=default, help="language of the console")


def _common(parser: argparse.ArgumentParser) -> None:
    """The common options on a subcommand; given before the command, they are kept."""
    _options(parser, argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    from . import commands, demo_cmd, registry

    parser = OneLineParser(  # its subcommands' parsers are of its class: every usage error is one line
        prog="bokdesk",
        description="Keyboard-first helpdesk console for a customer-service office. "
        "Without a command, opens the console for you on the configured database.",
    )
    parser.add_argument("--version", action="version", version=f"bokdesk {__version__}")
    _options(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (demo_cmd, commands, *registry.EXTRA_COMMANDS):
        module.register(sub, _common)
    return parser


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def console_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments of a plain ``bokdesk [--db …] [--lang …]`` (open the console), parsed without
    building every subcommand's parser (that imports each command module: ~75 ms of the console's
    start); None when there is a command, ``--help``, ``--version`` or anything else to parse."""
    parser = _QuietParser(prog="bokdesk", add_help=False, allow_abbrev=False)
    _options(parser, None)
    try:
        args, rest = parser.parse_known_args(list(argv))
    except ValueError:  # e.g. --db without a value: the full parser says so
        return None
    if rest:
        return None
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    try:
        check_text(words)
        args = console_args(words)
        if args is None:
            args = build_parser().parse_args(words)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            from .console_cmd import run_console

            return run_console(args)
        return handler(args)
    except BokdeskError as exc:
        print(f"bokdesk: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("bokdesk: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - last resort: one line, details in the log
        path = _log_crash()
        print(
            f"bokdesk: internal error ({type(exc).__name__}: {one_line(exc, 200)}); details in {path}",
            file=sys.stderr,
        )
        return 70


def _log_crash() -> str:
    import traceback
    from datetime import datetime
    from pathlib import Path

    from platformdirs import user_log_dir

    directory = Path(user_log_dir("bokdesk"))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "crash.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now().isoformat()} bokdesk {__version__}\n")
            fh.write(traceback.format_exc())
        return str(path)
    except OSError:
        return "(the log directory is not writable)"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
