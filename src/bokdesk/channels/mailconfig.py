"""The ``[mail]`` configuration: mailboxes, SMTP, identity, limits, and where secrets come from.

Layout (TOML)::

    [mail]
    from = "BOK Firma <bok@firma.example>"
    reply_to = "bok@firma.example"          # optional
    max_attachment_bytes = 10_000_000       # larger attachments are listed but not stored
    max_message_bytes = 50_000_000          # larger messages go to quarantine (headers only)
    poll_seconds = 60                       # `mail run`: how often to fetch
    send_poll_seconds = 5                   # `mail run`: how often to look at the outbox
    survey_after_solve = false              # default of the desk setting mail.survey_after_solve
    survey_delay_minutes = 60
    team = "BOK Warszawa"                   # team of new e-mail tickets (auto-assignment)
    customer_from_reply_to = true           # a Reply-To (web forms) names the customer

    [mail.imap]
    host = "imap.firma.example"
    port = 993
    security = "ssl"                        # ssl | starttls | none (loopback only)
    user = "bok@firma.example"
    password = "..."                        # only in a file nobody else can read; or the env
    folder = "INBOX"
    after = "keep"                          # keep (read-only) | seen (set \\Seen after commit)
    ca_file = ""                            # extra CA bundle (self-signed servers)

    [mail.maildir]
    path = "/var/mail/bok/Maildir"

    [mail.smtp]
    host = "smtp.firma.example"
    port = 587
    security = "starttls"                   # ssl | starttls | none (loopback only)
    user = "bok@firma.example"
    password = "..."
    max_attempts = 8

Passwords: ``BOKDESK_IMAP_PASSWORD`` / ``BOKDESK_SMTP_PASSWORD`` in the environment win; then
``password_file``; then files in systemd's ``$CREDENTIALS_DIRECTORY`` (``imap-password``,
``smtp-password``); then ``password`` in a config file. A config file or password file that holds
a password and that group or others can read is refused. Secrets never appear in ``repr`` or in
any message.
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from ..core.errors import ConfigError

SECURITY_MODES = ("ssl", "starttls", "none")
AFTER_MODES = ("keep", "seen")
DEFAULT_MAX_ATTACHMENT = 10_000_000
DEFAULT_MAX_MESSAGE = 50_000_000


class Secret:
    """A password that never shows itself in repr, str or tracebacks' locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class ServerConfig:
    """An IMAP or SMTP server."""

    host: str
    port: int
    security: str
    user: str | None = None
    password: Secret | None = field(default=None, repr=False)
    ca_file: str | None = None
    timeout: float = 60.0

    @property
    def label(self) -> str:
        who = f"{self.user}@" if self.user else ""
        return f"{who}{self.host}:{self.port}"


@dataclass(frozen=True)
class ImapConfig(ServerConfig):
    folder: str = "INBOX"
    after: str = "keep"
    idle: bool = True  # mail run waits in IMAP IDLE (when the server offers it) instead of polling
    idle_seconds: float = 600.0  # how long one IDLE lasts before a full fetch round anyway

    @property
    def source(self) -> str:
        """The cursor key: one per account and folder."""
        return f"imap://{self.label}/{self.folder}"


@dataclass(frozen=True)
class SmtpConfig(ServerConfig):
    max_attempts: int = 8
    envelope_from: str | None = None


@dataclass(frozen=True)
class MailConfig:
    """Everything the e-mail channel reads from ``[mail]`` and the environment."""

    from_addr: str | None = None  # "Name <addr>" as configured
    reply_to: str | None = None
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT
    max_message_bytes: int = DEFAULT_MAX_MESSAGE
    poll_seconds: float = 60.0
    send_poll_seconds: float = 5.0
    survey_after_solve: bool = False
    survey_delay_minutes: int = 60
    team: str | None = None
    customer_from_reply_to: bool = True
    addresses: tuple[str, ...] = ()  # the desk's other addresses (aliases): never put in Cc of a reply
    imap: ImapConfig | None = None
    maildir: Path | None = None
    smtp: SmtpConfig | None = None

    @property
    def from_address(self) -> str | None:
        """The bare address of ``from``, lower-cased."""
        if not self.from_addr:
            return None
        return parseaddr(self.from_addr)[1].lower() or None


def _int(section: Mapping[str, Any], key: str, default: int, what: str, low: int = 0) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"[{what}] {key} must be a whole number ≥ {low}, not {value!r}.")
    return value


def _num(section: Mapping[str, Any], key: str, default: float, what: str) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"[{what}] {key} must be a positive number, not {value!r}.")
    return float(value)


def _str(section: Mapping[str, Any], key: str, what: str, default: str | None = None) -> str | None:
    value = section.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"[{what}] {key} must be a string.")
    return value.strip() or None


def _address(value: str | None, key: str) -> str | None:
    if value is None:
        return None
    name, addr = parseaddr(value)
    if "@" not in addr or any(c in addr for c in " \r\n<>"):
        raise ConfigError(f'[mail] {key} must be an e-mail address like "BOK <bok@firma.example>".')
    try:
        return str(Address(display_name=name, addr_spec=addr))
    except Exception:  # noqa: BLE001 - the stdlib raises several kinds for odd addresses
        raise ConfigError(f"[mail] {key} is not a valid e-mail address.") from None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_private(path: Path, what: str) -> None:
    """Refuse a file holding a password that group or others can read."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"Cannot read {what} {path}: {exc.strerror}.") from None
    if mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(
            f"{what.capitalize()} {path} holds a mail password but others can read it "
            f"(mode {stat.S_IMODE(mode):04o}); run `chmod 600 {path}` or pass the password in the environment."
        )


def _password(
    kind: str,
    section: Mapping[str, Any],
    env: Mapping[str, str],
    sources: list[Path],
) -> Secret | None:
    from_env = env.get(f"BOKDESK_{kind.upper()}_PASSWORD")
    if from_env:
        return Secret(from_env)
    pw_file = _str(section, "password_file", f"mail.{kind}")
    if pw_file:
        path = Path(pw_file).expanduser()
        check_private(path, "password file")
        try:
            return Secret(path.read_text(encoding="utf-8").rstrip("\r\n"))
        except OSError as exc:
            raise ConfigError(f"Cannot read password file {path}: {exc.strerror}.") from None
    cred_dir = env.get("CREDENTIALS_DIRECTORY")
    if cred_dir:
        path = Path(cred_dir) / f"{kind}-password"
        if path.is_file():
            return Secret(path.read_text(encoding="utf-8").rstrip("\r\n"))
    value = section.get("password")
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"[mail.{kind}] password must be a string.")
    for source in sources:
        if _file_holds_password(source, kind):
            check_private(source, "config file")
    return Secret(value)


def _file_holds_password(path: Path, kind: str) -> bool:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return False
    mail = data.get("mail", {})
    sub = mail.get(kind, {}) if isinstance(mail, dict) else {}
    return isinstance(sub, dict) and "password" in sub


def _server(
    kind: str, section: Mapping[str, Any], env: Mapping[str, str], sources: list[Path]
) -> dict[str, Any]:
    what = f"mail.{kind}"
    host = _str(section, "host", what)
    if not host:
        raise ConfigError(f"[{what}] needs a host.")
    security = (_str(section, "security", what) or ("ssl" if kind == "imap" else "starttls")).lower()
    if security not in SECURITY_MODES:
        raise ConfigError(f"[{what}] security must be one of {', '.join(SECURITY_MODES)}, not {security!r}.")
    if security == "none" and not is_loopback(host):
        raise ConfigError(
            f'[{what}] security = "none" is allowed only for a server on this machine '
            f"(localhost); {host} needs ssl or starttls."
        )
    default_port = {
        "imap": {"ssl": 993, "starttls": 143, "none": 143},
        "smtp": {"ssl": 465, "starttls": 587, "none": 25},
    }
    port = _int(section, "port", default_port[kind][security], what, 1)
    user = _str(section, "user", what) or env.get(f"BOKDESK_{kind.upper()}_USER") or None
    password = _password(kind, section, env, sources)
    if password and not user:
        raise ConfigError(f"[{what}] has a password but no user.")
    ca_file = _str(section, "ca_file", what)
    if ca_file and not Path(ca_file).expanduser().is_file():
        raise ConfigError(f"[{what}] ca_file {ca_file} does not exist.")
    return dict(
        host=host,
        port=port,
        security=security,
        user=user,
        password=password,
        ca_file=str(Path(ca_file).expanduser()) if ca_file else None,
        timeout=_num(section, "timeout", 60.0, what),
    )


def load_mail_config(
    section: Mapping[str, Any] | None,
    *,
    env: Mapping[str, str] | None = None,
    sources: list[Path] | None = None,
) -> MailConfig:
    """Validate ``[mail]``; every problem is a one-line ConfigError naming the key."""
    env = os.environ if env is None else env
    sources = sources or []
    mail = dict(section or {})
    imap = mail.get("imap")
    smtp = mail.get("smtp")
    maildir = mail.get("maildir")
    for name, value in (("imap", imap), ("smtp", smtp), ("maildir", maildir)):
        if value is not None and not isinstance(value, dict):
            raise ConfigError(f"[mail.{name}] must be a table.")
    survey = mail.get("survey_after_solve", False)
    by_reply_to = mail.get("customer_from_reply_to", True)
    for key, value in (("survey_after_solve", survey), ("customer_from_reply_to", by_reply_to)):
        if not isinstance(value, bool):
            raise ConfigError(f"[mail] {key} must be true or false.")
    imap_cfg = None
    if imap:
        extra = dict(imap)
        folder = _str(extra, "folder", "mail.imap") or "INBOX"
        after = (_str(extra, "after", "mail.imap") or "keep").lower()
        if after not in AFTER_MODES:
            raise ConfigError(f"[mail.imap] after must be one of {', '.join(AFTER_MODES)}, not {after!r}.")
        idle = extra.get("idle", True)
        if not isinstance(idle, bool):
            raise ConfigError("[mail.imap] idle must be true or false.")
        idle_seconds = _num(extra, "idle_seconds", 600.0, "mail.imap")
        if idle_seconds > 29 * 60:
            raise ConfigError("[mail.imap] idle_seconds must be at most 1740 (RFC 2177: 29 minutes).")
        imap_cfg = ImapConfig(
            **_server("imap", extra, env, sources),
            folder=folder,
            after=after,
            idle=idle,
            idle_seconds=idle_seconds,
        )
    smtp_cfg = None
    if smtp:
        smtp_cfg = SmtpConfig(
            **_server("smtp", smtp, env, sources),
            max_attempts=_int(smtp, "max_attempts", 8, "mail.smtp", 1),
            envelope_from=_str(smtp, "envelope_from", "mail.smtp"),
        )
    aliases = mail.get("addresses", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ConfigError("[mail] addresses must be a list of e-mail addresses.")
    own = tuple(parseaddr(_address(a.strip(), "addresses") or "")[1].lower() for a in aliases if a.strip())
    maildir_path = None
    if maildir:
        path = _str(maildir, "path", "mail.maildir")
        if not path:
            raise ConfigError("[mail.maildir] needs a path.")
        maildir_path = Path(path).expanduser()
    return MailConfig(
        from_addr=_address(_str(mail, "from", "mail"), "from"),
        reply_to=_address(_str(mail, "reply_to", "mail"), "reply_to"),
        max_attachment_bytes=_int(mail, "max_attachment_bytes", DEFAULT_MAX_ATTACHMENT, "mail"),
        max_message_bytes=_int(mail, "max_message_bytes", DEFAULT_MAX_MESSAGE, "mail", 1024),
        poll_seconds=_num(mail, "poll_seconds", 60.0, "mail"),
        send_poll_seconds=_num(mail, "send_poll_seconds", 5.0, "mail"),
        survey_after_solve=survey,
        survey_delay_minutes=_int(mail, "survey_delay_minutes", 60, "mail"),
        team=_str(mail, "team", "mail"),
        customer_from_reply_to=by_reply_to,
        addresses=own,
        imap=imap_cfg,
        maildir=maildir_path,
        smtp=smtp_cfg,
    )


__all__ = [
    "ImapConfig",
    "MailConfig",
    "Secret",
    "ServerConfig",
    "SmtpConfig",
    "check_private",
    "is_loopback",
    "load_mail_config",
]
