"""bokdesk: a keyboard-first terminal helpdesk console."""

__version__ = "0.1.0"
