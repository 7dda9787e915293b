"""Opening the console (the only command that imports Textual)."""

from __future__ import annotations

from argparse import Namespace

from .context import context_for


def run_console(args: Namespace) -> int:
    context = context_for(args)
    actor = context.actor(args)
    from ..ui.app import run

    return run(context, actor, language=getattr(args, "lang", None))
