"""The ``[mail]`` table: the desk's address, its mailboxes and SMTP server, and the channel's limits.

Only the shape lives here; ``channels.mailconfig`` resolves it for the mail service (passwords from
the environment or files, ports from the security mode, addresses checked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from .base import Bound, Section

SecurityMode = Literal["ssl", "starttls", "none"]


@dataclass(init=False, repr=False, eq=False)
class ServerSettings(Section):
    """What an IMAP and an SMTP server have in common."""

    host: str | None = None
    """The server's host name (required when the table is given)."""
    port: Annotated[int, Bound(ge=1, le=65535)] | None = None
    """The port; by default the security mode's (IMAP 993/143, SMTP 465/587/25)."""
    security: SecurityMode | None = None
    """``ssl``, ``starttls``, or ``none`` (only for a server on this machine); IMAP defaults to
    ``ssl``, SMTP to ``starttls``."""
    user: str | None = None
    """The login; ``BOKDESK_IMAP_USER`` / ``BOKDESK_SMTP_USER`` in the environment if not set."""
    password: str | None = field(default=None, repr=False, metadata={"secret": True})
    """The password; allowed only in a file nobody else can read. ``BOKDESK_IMAP_PASSWORD`` /
    ``BOKDESK_SMTP_PASSWORD``, ``password_file`` and systemd credentials come first."""
    password_file: str | None = None
    """A file holding the password (mode 600)."""
    ca_file: str | None = None
    """An extra CA bundle, for a server with a certificate of its own."""
    timeout: Annotated[float, Bound(gt=0)] = 60.0
    """Seconds to wait for the server before giving up."""


@dataclass(init=False, repr=False, eq=False)
class ImapSettings(ServerSettings):
    """``[mail.imap]``: the mailbox ``bokdesk mail fetch`` and ``mail run`` read."""

    folder: str = "INBOX"
    """The folder to read."""
    after: Literal["keep", "seen"] = "keep"
    """What to do with a message once it is filed: ``keep`` it as it is (read-only), or mark it
    ``seen``."""
    idle: bool = True
    """Whether ``mail run`` waits in IMAP IDLE (when the server offers it) instead of polling."""
    idle_seconds: Annotated[float, Bound(gt=0, le=1740)] = 600.0
    """How long one IDLE lasts before a full fetch anyway (RFC 2177: at most 29 minutes)."""


@dataclass(init=False, repr=False, eq=False)
class SmtpSettings(ServerSettings):
    """``[mail.smtp]``: the server replies are sent through."""

    max_attempts: Annotated[int, Bound(ge=1)] = 8
    """How many times a reply is tried before it is marked NOT SENT."""
    envelope_from: str | None = None
    """The envelope sender (bounces go there); by default the address of ``from``."""


@dataclass(init=False, repr=False, eq=False)
class MaildirSettings(Section):
    """``[mail.maildir]``: a local Maildir to read instead of IMAP."""

    path: str | None = None
    """The Maildir's directory (required when the table is given)."""


@dataclass(init=False, repr=False, eq=False)
class MailSettings(Section):
    """``[mail]``: e-mail in and out (see docs/email.md)."""

    from_: str | None = field(default=None, metadata={"key": "from"})
    """The desk's address on replies, e.g. ``"BOK Firma <bok@firma.example>"``."""
    reply_to: str | None = None
    """A Reply-To for replies, if it differs from ``from``."""
    addresses: list[str] = field(default_factory=list)
    """The desk's other addresses (aliases): never copied into a reply's Cc."""
    max_attachment_bytes: Annotated[int, Bound(ge=0)] = 10_000_000
    """Larger attachments are listed but not stored."""
    max_message_bytes: Annotated[int, Bound(ge=1024)] = 50_000_000
    """Larger messages go to the quarantine (headers only)."""
    poll_seconds: Annotated[float, Bound(gt=0)] = 60.0
    """``mail run``: how often to fetch."""
    send_poll_seconds: Annotated[float, Bound(gt=0)] = 5.0
    """``mail run``: how often to look at the outbox."""
    survey_after_solve: bool = False
    """Whether a survey goes out after a ticket is solved, until the desk setting
    ``mail.survey_after_solve`` (``bokdesk mail survey on/off``) says otherwise."""
    survey_delay_minutes: Annotated[int, Bound(ge=0)] = 60
    """Minutes after the solve before the survey is sent."""
    team: str | None = None
    """The team new e-mail tickets go to (for automatic assignment)."""
    customer_from_reply_to: bool = True
    """Whether a Reply-To (web forms) names the customer instead of From."""
    imap: ImapSettings | None = None
    """The mailbox to read."""
    maildir: MaildirSettings | None = None
    """A local Maildir to read."""
    smtp: SmtpSettings | None = None
    """The server to send through."""
