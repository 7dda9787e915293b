"""Real mail servers for the tests: Dovecot (IMAP) on loopback and aiosmtpd (SMTP) in-process.

Dovecot runs in the foreground from a generated config in a temporary directory: its own base
and state dirs, a self-signed certificate (``openssl``), a passwd-file user, Maildir storage
owned by an unprivileged uid (Dovecot refuses uid 0 for mail), implicit TLS and STARTTLS
listeners on free loopback ports. As root the mail uid is ``nobody``; as a normal user, the
user itself (a "rootless" Dovecot). Missing tools skip the test with the reason; a Dovecot that
is installed but does not start fails the test with the tail of its log.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
OPENSSL = shutil.which("openssl")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1."""
    if OPENSSL is None:
        pytest.skip("openssl is not installed, so no test certificate can be made (apt-get install openssl)")
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not cert.exists():
        subprocess.run(
            [
                OPENSSL,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )
    return cert, key


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@dataclass
class Dovecot:
    """A running Dovecot with one user; ``append`` puts raw messages into a folder."""

    root: Path
    ssl_port: int
    plain_port: int
    user: str = "desk"
    password: str = "Sekret-hasło-1"
    ca_file: Path = field(default=Path())
    proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls) -> Dovecot:
        """Start a fresh server in its own directory under /tmp (its unprivileged processes must
        reach it, and pytest's tmp_path is private to root)."""
        if DOVECOT is None:
            pytest.skip("Dovecot is not installed: apt-get install dovecot-imapd (.ci/run installs it)")
        root = Path(tempfile.mkdtemp(prefix="bokdesk-dovecot-"))
        cert, key = make_cert(root)
        server = cls(root=root, ssl_port=free_port(), plain_port=free_port(), ca_file=cert)
        (root / "run").mkdir(exist_ok=True)
        (root / "state").mkdir(exist_ok=True)
        mail = root / "mail"
        mail.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("nobody")
            internal, login = "dovecot", "dovenull"
            for name in (internal, login):
                try:
                    pwd.getpwnam(name)
                except KeyError:
                    pytest.fail(f"the system user {name!r} is missing; reinstall dovecot-core")
        else:
            owner = pwd.getpwuid(os.getuid())
            internal = login = owner.pw_name
        os.chown(mail, owner.pw_uid, owner.pw_gid)
        os.chmod(root, 0o755)
        (root / "users").write_text(f"{server.user}:{{PLAIN}}{server.password}\n", encoding="utf-8")
        os.chmod(root / "users", 0o644)
        config = f"""
base_dir = {root}/run
state_dir = {root}/state
instance_name = bokdesk-test-{server.ssl_port}
protocols = imap
listen = 127.0.0.1
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{mail}/%u
mail_uid = {owner.pw_uid}
mail_gid = {owner.pw_gid}
first_valid_uid = {owner.pw_uid}
last_valid_uid = {owner.pw_uid}
first_valid_gid = {owner.pw_gid}
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {server.plain_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {server.ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""
        conf = root / "dovecot.conf"
        conf.write_text(config, encoding="utf-8")
        key.chmod(0o600)
        proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        server.proc = proc
        if not (_wait_port(server.ssl_port, proc) and _wait_port(server.plain_port, proc)):
            server.stop(remove=False)
            out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
            log = (
                (root / "dovecot.log").read_text(errors="replace") if (root / "dovecot.log").exists() else ""
            )
            pytest.fail(f"Dovecot did not start on 127.0.0.1:{server.ssl_port}: {(out + log)[-2000:]}")
        return server

    def stop(self, *, remove: bool = True) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def client(self) -> imaplib.IMAP4_SSL:
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.ssl_port, ssl_context=self.context(), timeout=10)
        conn.authenticate("PLAIN", lambda _c: b"\0" + self.user.encode() + b"\0" + self.password.encode())
        return conn

    def append(self, folder: str, *raws: bytes) -> list[int]:
        """Deliver messages into a folder (created if needed); returns their UIDs."""
        from bokdesk.channels.imap import quote

        conn = self.client()
        try:
            conn.create(quote(folder))  # "already exists" is fine
            uids = []
            for raw in raws:
                typ, data = conn.append(quote(folder), None, None, raw)
                assert typ == "OK", data
                text = data[0].decode() if data and data[0] else ""
                if "APPENDUID" in text:
                    uids.append(int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]")))
            return uids
        finally:
            conn.logout()

    def flags(self, folder: str) -> dict[int, str]:
        from bokdesk.channels.imap import quote

        conn = self.client()
        try:
            conn.select(quote(folder), readonly=True)
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS)")
            result = {}
            for item in data:
                if isinstance(item, bytes) and b"UID" in item:
                    text = item.decode()
                    uid = int(text.split("UID ", 1)[1].split()[0].rstrip(")"))
                    result[uid] = text.split("FLAGS (", 1)[1].split(")", 1)[0]
            return result
        finally:
            conn.logout()

    def recreate(self, folder: str) -> None:
        """Delete and create the folder again: a new UIDVALIDITY."""
        from bokdesk.channels.imap import quote

        conn = self.client()
        try:
            conn.delete(quote(folder))
            time.sleep(1.1)  # UIDVALIDITY is a timestamp: make sure it changes
            conn.create(quote(folder))
        finally:
            conn.logout()

    def imap_config(
        self,
        *,
        security: str = "ssl",
        folder: str = "INBOX",
        after: str = "keep",
        password: str | None = None,
    ) -> dict[str, Any]:
        return {
            "host": "127.0.0.1",
            "port": self.ssl_port if security == "ssl" else self.plain_port,
            "security": security,
            "user": self.user,
            "password": self.password if password is None else password,
            "folder": folder,
            "after": after,
            "ca_file": str(self.ca_file),
            "timeout": 10,
        }


# --- SMTP ------------------------------------------------------------------------------------------


class Recorder:
    """aiosmtpd handler: keeps what it receives; refuses recipients on demand."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: dict[str, str] = {}  # recipient -> SMTP reply ("550 ..." / "451 ...")
        self.fail_data: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_data:
            return self.fail_data
        self.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                bytes(envelope.original_content or envelope.content),
            )
        )
        return "250 Message accepted for delivery"

    def parsed(self) -> list[EmailMessage]:
        from email import policy
        from email.parser import BytesParser

        return [BytesParser(policy=policy.default).parsebytes(raw) for _, _, raw in self.messages]  # type: ignore[misc]


@dataclass
class SmtpServer:
    controller: Any
    recorder: Recorder
    port: int
    ca_file: Path | None
    user: str | None
    password: str | None
    security: str

    def config(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "timeout": 10,
            "max_attempts": 3,
        }
        if self.ca_file:
            cfg["ca_file"] = str(self.ca_file)
        if self.user:
            cfg["user"] = self.user
            cfg["password"] = self.password
        return cfg

    def stop(self) -> None:
        self.controller.stop()


def start_smtp(tmp: Path, *, security: str = "none", auth: tuple[str, str] | None = None) -> SmtpServer:
    """aiosmtpd on a free loopback port: plain, STARTTLS (required) or implicit TLS, optional AUTH."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    recorder = Recorder()
    port = free_port()
    kwargs: dict[str, Any] = {}
    ca_file = None
    if security != "none":
        cert, key = make_cert(tmp)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(cert), str(key))
        ca_file = cert
        if security == "starttls":
            kwargs.update(tls_context=ctx, require_starttls=True)
        else:
            kwargs.update(ssl_context=ctx)
    if auth is not None:
        user, password = auth

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = (
                isinstance(data, LoginPassword)
                and data.login.decode() == user
                and data.password.decode() == password
            )
            return AuthResult(success=ok, handled=False)

        # aiosmtpd does not count implicit TLS as TLS for AUTH; STARTTLS must come before AUTH
        kwargs.update(
            authenticator=authenticator, auth_required=True, auth_require_tls=security == "starttls"
        )
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return SmtpServer(
        controller, recorder, port, ca_file, auth[0] if auth else None, auth[1] if auth else None, security
    )


# --- messages --------------------------------------------------------------------------------------


def mail(
    *,
    sender: str = "Anna Kowalska <anna@example.pl>",
    to: str = "BOK <bok@firma.example>",
    subject: str = "Zamówienie 123",
    body: str = "Dzień dobry, gdzie jest moja paczka?\n",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> bytes:
    """A well-formed message (UTF-8), as a customer's mail program would send it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Tue, 17 Nov 2026 09:00:00 +0100"
    if message_id:
        msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, ctype, data in attachments or []:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def deliver(maildir: Path, raw: bytes, name: str | None = None) -> Path:
    """Deliver into a Maildir the way an MDA does: write in tmp/, rename into new/."""
    for sub in ("tmp", "new", "cur"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    global _counter
    _counter += 1
    name = name or f"{time.time():.6f}.P{os.getpid()}Q{_counter}.bokdesk-test"
    tmp = maildir / "tmp" / name
    tmp.write_bytes(raw)
    dest = maildir / "new" / name
    os.rename(tmp, dest)
    return dest


_counter = 0
