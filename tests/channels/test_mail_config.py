"""The [mail] configuration: validation, and credentials that are never shown or readable by others."""

from __future__ import annotations

from pathlib import Path

import pytest

from bokdesk.channels.mailconfig import Secret, load_mail_config
from bokdesk.core.errors import ConfigError


def write(path: Path, text: str, mode: int) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


IMAP = {"host": "imap.firma.example", "user": "bok@firma.example"}


def test_defaults_and_ports():
    cfg = load_mail_config(
        {"from": "BOK Firma <BOK@Firma.example>", "imap": IMAP, "smtp": {"host": "smtp.firma.example"}},
        env={},
    )
    assert cfg.from_address == "bok@firma.example"
    assert (cfg.imap.port, cfg.imap.security, cfg.imap.folder, cfg.imap.after) == (
        993,
        "ssl",
        "INBOX",
        "keep",
    )
    assert (cfg.smtp.port, cfg.smtp.security) == (587, "starttls")
    assert cfg.imap.source == "imap://bok@firma.example@imap.firma.example:993/INBOX"
    assert cfg.max_attachment_bytes == 10_000_000 and not cfg.survey_after_solve


@pytest.mark.parametrize(
    "section, message",
    [
        ({"from": "not an address"}, "from must be an e-mail address"),
        ({"imap": {"user": "x"}}, "needs a host"),
        ({"imap": {**IMAP, "security": "tls13"}}, "security must be one of"),
        ({"imap": {**IMAP, "security": "none"}}, "allowed only for a server on this machine"),
        ({"imap": {**IMAP, "after": "delete"}}, "after must be one of"),
        ({"smtp": {"host": "s", "max_attempts": 0}}, r"\[mail.smtp\] max_attempts must be at least 1, not 0"),
        ({"smtp": {"host": "s", "max_attempts": "8"}}, "max_attempts must be a whole number"),
        ({"imap": {**IMAP, "idle_seconds": 3600}}, "idle_seconds must be at most 1740"),
        ({"imap": {**IMAP, "folders": "INBOX"}}, r"unknown setting \[mail.imap\] folders"),
        ({"form": "bok@firma.example"}, r"unknown setting \[mail\] form"),
        ({"max_attachment_bytes": "10 MB"}, "max_attachment_bytes must be a whole number"),
        ({"survey_after_solve": "yes"}, "survey_after_solve must be true or false"),
        ({"imap": "imap.example"}, "must be a table"),
        ({"maildir": {}}, None),
        ({"maildir": {"path": ""}}, "needs a path"),
        ({"imap": {**IMAP, "ca_file": "/nonexistent/ca.pem"}}, "ca_file"),
    ],
)
def test_bad_values_are_one_clear_line(section, message):
    if message is None:
        assert load_mail_config(section, env={}).maildir is None
        return
    with pytest.raises(ConfigError, match=message):
        load_mail_config(section, env={})


def test_plain_connections_are_allowed_on_loopback():
    cfg = load_mail_config({"smtp": {"host": "127.0.0.1", "security": "none"}}, env={})
    assert cfg.smtp.port == 25


def test_a_password_in_a_file_others_can_read_is_refused(tmp_path):
    text = '[mail.imap]\nhost = "imap.firma.example"\nuser = "bok"\npassword = "tajne-hasło"\n'
    shared = write(tmp_path / "config.toml", text, 0o644)
    with pytest.raises(ConfigError) as err:
        load_mail_config({"imap": {**IMAP, "password": "tajne-hasło"}}, env={}, sources=[shared])
    assert "others can read it" in str(err.value) and "chmod 600" in str(err.value)
    assert "tajne" not in str(err.value)
    group = write(tmp_path / "group.toml", text, 0o640)
    with pytest.raises(ConfigError):
        load_mail_config({"imap": {**IMAP, "password": "tajne-hasło"}}, env={}, sources=[group])
    private = write(tmp_path / "private.toml", text, 0o600)
    cfg = load_mail_config(
        {"imap": {**IMAP, "password": "tajne-hasło"}}, env={}, sources=[shared.with_name("x"), private]
    )
    assert cfg.imap.password.reveal() == "tajne-hasło"


def test_a_readable_file_without_a_password_is_fine(tmp_path):
    site = write(tmp_path / "site.toml", '[mail.imap]\nhost = "imap.firma.example"\n', 0o644)
    cfg = load_mail_config({"imap": IMAP}, env={"BOKDESK_IMAP_PASSWORD": "z-env"}, sources=[site])
    assert cfg.imap.password.reveal() == "z-env"


def test_password_sources_in_order(tmp_path):
    pw = write(tmp_path / "imap.pass", "z-pliku\n", 0o600)
    creds = tmp_path / "creds"
    creds.mkdir()
    write(creds / "smtp-password", "z-systemd\n", 0o600)
    cfg = load_mail_config(
        {"imap": {**IMAP, "password_file": str(pw)}, "smtp": {"host": "s", "user": "u"}},
        env={"CREDENTIALS_DIRECTORY": str(creds)},
    )
    assert cfg.imap.password.reveal() == "z-pliku" and cfg.smtp.password.reveal() == "z-systemd"
    cfg = load_mail_config(
        {"imap": {**IMAP, "password_file": str(pw)}}, env={"BOKDESK_IMAP_PASSWORD": "z-env"}
    )
    assert cfg.imap.password.reveal() == "z-env"
    pw.chmod(0o644)
    with pytest.raises(ConfigError, match=r"Password file .* others can read it"):
        load_mail_config({"imap": {**IMAP, "password_file": str(pw)}}, env={})


def test_secrets_never_show(tmp_path):
    cfg = load_mail_config(
        {"imap": {**IMAP}, "smtp": {"host": "s", "user": "u"}},
        env={"BOKDESK_IMAP_PASSWORD": "sekret-1", "BOKDESK_SMTP_PASSWORD": "sekret-2"},
    )
    text = repr(cfg) + str(cfg) + repr(cfg.imap) + str(cfg.smtp.password) + f"{cfg.smtp.password}"
    assert "sekret" not in text and "***" in str(Secret("x"))


def test_a_password_without_a_user_is_refused():
    with pytest.raises(ConfigError, match="no user"):
        load_mail_config({"smtp": {"host": "s"}}, env={"BOKDESK_SMTP_PASSWORD": "x"})


def test_the_cli_refuses_a_world_readable_config_with_a_password(tmp_path, monkeypatch, capsys):
    from bokdesk.cli import main

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("BOKDESK_IMAP_PASSWORD", raising=False)
    cfg = write(
        tmp_path / "mail.toml",
        '[mail.imap]\nhost = "imap.firma.example"\nuser = "bok"\npassword = "tajne-hasło"\n',
        0o644,
    )
    assert main(["db", "upgrade", "--db", str(tmp_path / "d.db")]) == 0
    code = main(["mail", "fetch", "--db", str(tmp_path / "d.db"), "--config", str(cfg)])
    err = capsys.readouterr().err
    assert code == 2 and "others can read it" in err and "tajne" not in err and "Traceback" not in err


def test_the_cli_names_the_file_of_a_mail_setting_it_refuses(tmp_path, monkeypatch, capsys):
    from bokdesk.cli import main

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["db", "upgrade", "--db", str(tmp_path / "d.db")]) == 0
    capsys.readouterr()
    for text, message in (
        ('[mail.imap]\nuser = "bok"\n', "[mail.imap] needs a host"),
        ('[mail]\nfrom = "nobody"\n', "[mail] from must be an e-mail address"),
        (
            "[mail.imap]\nhost = 'imap.firma.example'\nidle = 'yes'\n",
            '[mail.imap] idle must be true or false, not "yes"',
        ),
    ):
        cfg = write(tmp_path / "mail.toml", text, 0o600)
        code = main(["mail", "fetch", "--db", str(tmp_path / "d.db"), "--config", str(cfg)])
        err = capsys.readouterr().err
        assert code == 2 and err.startswith(f"bokdesk: {cfg}: {message}") and err.count("\n") == 1, err
