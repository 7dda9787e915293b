"""``bokdesk demo`` and ``bokdesk seed``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import ValidationError
from .args import any_int64, bounded

Common = Callable[[argparse.ArgumentParser], None]
SEED_MAX = 10_000_000  # tickets one `bokdesk seed` writes at most (the benchmarks use 1,000,000)


def register(sub: Any, common: Common) -> None:
    p = sub.add_parser(
        "demo", help="create (or reuse) a demo desk with a realistic month of work and open it"
    )
    common(p)
    p.add_argument(
        "--seed", type=any_int64, default=7, help="random seed (the same seed gives the same desk)"
    )
    p.add_argument("--no-open", action="store_true", help="build the database only; do not open the console")
    p.set_defaults(handler=cmd_demo)
    p = sub.add_parser("seed", help="fill a database with N synthetic tickets for load tests and benchmarks")
    common(p)
    p.add_argument("--tickets", type=bounded(1, SEED_MAX), required=True, metavar="N")
    p.add_argument("--seed", type=any_int64, default=1)
    p.set_defaults(handler=cmd_seed)


def demo_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("bokdesk")) / "demo.db"


def cmd_demo(args: argparse.Namespace) -> int:
    from ..core.config import load_config
    from ..core.demo import build_demo, is_demo
    from .context import desk_from_config, login_for

    config = load_config(args.config, args.db or str(demo_path()))
    if not args.db:
        config.db_path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not config.db_path.exists() or config.db_path.stat().st_size == 0
    me = login_for(args, config)
    if fresh:
        desk = desk_from_config(config, synchronous="OFF")
        started = time.perf_counter()
        counts = build_demo(desk, me=me, me_name=_display_name(me), seed=args.seed)
        desk.store.dispose()
        print(
            f"Demo desk built in {config.db_path}: {counts['tickets']} tickets, {counts['surveys']} survey answers "
            f"({time.perf_counter() - started:.1f} s). You ({me}) are its supervisor.",
            file=sys.stderr,
        )
    desk = desk_from_config(config)
    if not is_demo(desk):
        raise ValidationError(
            f"{config.db_path} is not a demo database; `bokdesk demo` only opens demo desks."
        )
    if args.no_open:
        return 0
    from .console_cmd import run_console

    args.db = str(config.db_path)
    return run_console(args)


def _display_name(login: str) -> str:
    try:
        import pwd

        gecos = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
        if gecos:
            return gecos
    except (KeyError, ImportError):
        pass
    return login.capitalize()


def cmd_seed(args: argparse.Namespace) -> int:
    from ..core.seed import seed
    from .output import Progress

    if args.tickets < 1:
        raise ValidationError("--tickets must be 1 or more.")
    from ..core.config import load_config
    from .context import desk_from_config

    # Bulk load data: NORMAL durability (WAL stays consistent on a crash; only the last batches
    # could be lost on power failure, and the command can simply be run again).
    config = load_config(args.config, args.db)
    desk = desk_from_config(config, synchronous="NORMAL")
    progress = Progress(args.tickets, "Seeding")
    started = time.perf_counter()
    written = seed(desk, args.tickets, rng_seed=args.seed, progress=progress.advance)
    progress.close()
    print(
        f"{written:,} tickets written to {config.db_path} in {time.perf_counter() - started:.1f} s.",
        file=sys.stderr,
    )
    return 0
