"""Opening the console (the only command that imports Textual)."""

from __future__ import annotations

import os
from argparse import Namespace

from .context import context_for


# How long a lone Escape byte waits for the rest of an escape sequence before it counts as the
# Escape key (Textual reads ESCDELAY, default 100 ms). A terminal sends a key's sequence in one
# write, so 50 ms is ample even over SSH and halves the wait of every "back"; the environment wins.
ESCAPE_DELAY_MS = "50"


def run_console(args: Namespace) -> int:
    os.environ.setdefault("ESCDELAY", ESCAPE_DELAY_MS)  # read by Textual when it is imported
    from ..ui.boot import launch

    started = launch(args)  # fast start: the queue on screen before the desk is opened; None = not here
    if started is not None:
        return started
    context = context_for(args)
    actor = context.actor(args)
    from ..ui.app import run

    return run(context, actor, language=getattr(args, "lang", None))
