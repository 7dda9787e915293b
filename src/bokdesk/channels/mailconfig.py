"""The e-mail channel's configuration: the ``[mail]`` settings resolved for the mail service.

The table's keys, types and defaults are ``core.settings.MailSettings`` (documented in
docs/configuration.md). Here they become what the channel uses: the server's port from its security
mode, the user from ``BOKDESK_IMAP_USER`` / ``BOKDESK_SMTP_USER`` when not configured, addresses
checked and normalised, and the passwords.

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
from typing import Any, TypeVar

from ..core.errors import ConfigError
from ..core.settings import (
    ImapSettings,
    MaildirSettings,
    MailSettings,
    ServerSettings,
    SettingError,
    SmtpSettings,
)
from ..core.settings.base import build

T = TypeVar("T")
DEFAULT_MAX_ATTACHMENT = MailSettings().max_attachment_bytes
DEFAULT_MAX_MESSAGE = MailSettings().max_message_bytes


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


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _address(value: str | None, key: str) -> str | None:
    value = _text(value)
    if value is None:
        return None
    name, addr = parseaddr(value)
    if "@" not in addr or any(c in addr for c in " \r\n<>"):
        raise SettingError(("mail", key), "mail_address_form")
    try:
        return str(Address(display_name=name, addr_spec=addr))
    except Exception:  # noqa: BLE001 - the stdlib raises several kinds for odd addresses
        raise SettingError(("mail", key), "mail_address_invalid") from None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# What refuses a file holding a password, by what it is: cannot be read, others can read it.
_PRIVATE_CODES = {
    "password file": ("password_file_unreadable", "password_file_open"),
    "config file": ("config_file_unreadable", "config_file_open"),
}


def check_private(path: Path, what: str) -> None:
    """Refuse a file holding a password that group or others can read (``what``: a password
    file or a config file)."""
    unreadable, open_to_others = _PRIVATE_CODES[what]
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(unreadable, path=path, reason=exc.strerror) from None
    if mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(open_to_others, path=path, mode=f"{stat.S_IMODE(mode):04o}")


def _password(
    kind: str, server: ServerSettings, env: Mapping[str, str], sources: list[Path]
) -> Secret | None:
    from_env = env.get(f"BOKDESK_{kind.upper()}_PASSWORD")
    if from_env:
        return Secret(from_env)
    pw_file = _text(server.password_file)
    if pw_file:
        path = Path(pw_file).expanduser()
        check_private(path, "password file")
        try:
            return Secret(path.read_text(encoding="utf-8").rstrip("\r\n"))
        except OSError as exc:
            raise ConfigError("password_file_unreadable", path=path, reason=exc.strerror) from None
    cred_dir = env.get("CREDENTIALS_DIRECTORY")
    if cred_dir:
        path = Path(cred_dir) / f"{kind}-password"
        if path.is_file():
            return Secret(path.read_text(encoding="utf-8").rstrip("\r\n"))
    if server.password is None:
        return None
    for source in sources:
        if _file_holds_password(source, kind):
            check_private(source, "config file")
    return Secret(server.password)


def _file_holds_password(path: Path, kind: str) -> bool:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return False
    mail = data.get("mail", {})
    sub = mail.get(kind, {}) if isinstance(mail, dict) else {}
    return isinstance(sub, dict) and "password" in sub


_DEFAULT_PORTS = {
    "imap": {"ssl": 993, "starttls": 143, "none": 143},
    "smtp": {"ssl": 465, "starttls": 587, "none": 25},
}


def _server(kind: str, server: ServerSettings, env: Mapping[str, str], sources: list[Path]) -> dict[str, Any]:
    key = ("mail", kind)
    host = _text(server.host)
    if not host:
        raise SettingError(key, "mail_needs_host")
    security = server.security or ("ssl" if kind == "imap" else "starttls")
    if security == "none" and not is_loopback(host):
        raise SettingError((*key, "security"), "mail_security_none", host=host)
    user = _text(server.user) or env.get(f"BOKDESK_{kind.upper()}_USER") or None
    password = _password(kind, server, env, sources)
    if password and not user:
        raise SettingError(key, "mail_password_no_user")
    ca_file = _text(server.ca_file)
    if ca_file and not Path(ca_file).expanduser().is_file():
        raise SettingError((*key, "ca_file"), "mail_ca_file_missing", path=ca_file)
    return dict(
        host=host,
        port=server.port or _DEFAULT_PORTS[kind][security],
        security=security,
        user=user,
        password=password,
        ca_file=str(Path(ca_file).expanduser()) if ca_file else None,
        timeout=server.timeout,
    )


def _checked(section: MailSettings | Mapping[str, Any] | None) -> MailSettings:
    if section is None:
        return MailSettings()
    if isinstance(section, MailSettings):
        return section
    from ..core.settings.check import check  # pydantic, loaded with SQLModel by every mail command

    return check(build(MailSettings, section, ("mail",)), ("mail",))


def _given(table: T | None, empty: T) -> T | None:
    """The table, or None when it is absent or says nothing (an empty ``[mail.imap]``)."""
    return None if table is None or table == empty else table


def load_mail_config(
    section: MailSettings | Mapping[str, Any] | None,
    *,
    env: Mapping[str, str] | None = None,
    sources: list[Path] | None = None,
) -> MailConfig:
    """Resolve ``[mail]`` for the mail service: passwords, default ports, addresses checked.

    ``section``: the checked settings (``config.settings.mail``), or a TOML table, checked here.
    Every problem is a one-line ``ConfigError``; a ``SettingError`` names its key (``Config.blame``
    adds the file)."""
    env = os.environ if env is None else env
    sources = sources or []
    mail = _checked(section)
    imap_cfg = None
    imap = _given(mail.imap, ImapSettings())
    if imap is not None:
        imap_cfg = ImapConfig(
            **_server("imap", imap, env, sources),
            folder=_text(imap.folder) or "INBOX",
            after=imap.after,
            idle=imap.idle,
            idle_seconds=imap.idle_seconds,
        )
    smtp_cfg = None
    smtp = _given(mail.smtp, SmtpSettings())
    if smtp is not None:
        smtp_cfg = SmtpConfig(
            **_server("smtp", smtp, env, sources),
            max_attempts=smtp.max_attempts,
            envelope_from=_text(smtp.envelope_from),
        )
    own = tuple(parseaddr(_address(a, "addresses") or "")[1].lower() for a in mail.addresses if a.strip())
    maildir_path = None
    maildir = _given(mail.maildir, MaildirSettings())
    if maildir is not None:
        path = _text(maildir.path)
        if not path:
            raise SettingError(("mail", "maildir"), "mail_maildir_no_path")
        maildir_path = Path(path).expanduser()
    return MailConfig(
        from_addr=_address(mail.from_, "from"),
        reply_to=_address(mail.reply_to, "reply_to"),
        max_attachment_bytes=mail.max_attachment_bytes,
        max_message_bytes=mail.max_message_bytes,
        poll_seconds=mail.poll_seconds,
        send_poll_seconds=mail.send_poll_seconds,
        survey_after_solve=mail.survey_after_solve,
        survey_delay_minutes=mail.survey_delay_minutes,
        team=_text(mail.team),
        customer_from_reply_to=mail.customer_from_reply_to,
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
