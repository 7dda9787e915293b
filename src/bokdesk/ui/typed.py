"""The console's app as its screens and widgets see it: ``BokdeskApp``, typed for the checker."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from .app import BokdeskApp


def bokdesk_app(node: MessagePump) -> BokdeskApp:
    """``node.app``: every screen and widget of the console runs inside ``BokdeskApp``."""
    return cast("BokdeskApp", node.app)
