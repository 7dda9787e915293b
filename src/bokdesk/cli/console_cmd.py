"""Opening the console (the only command that imports Textual)."""

from __future__ import annotations

from argparse import Namespace

from .context import context_for


def run_console(args: Namespace) -> int:
    from ..core.database import use_console_page_cache
    from ..ui.boot import launch

    use_console_page_cache()  # every connection of this process: a small SQLite page cache

    started = launch(args)  # fast start: the queue on screen before the desk is opened; None = not here
    if started is not None:
        return started
    context = context_for(args)
    actor = context.actor(args)
    from ..ui.app import run

    return run(context, actor, language=getattr(args, "lang", None))
