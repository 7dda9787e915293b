"""The settings files: layering, unknown and wrong settings named with their file, [security]."""

from __future__ import annotations

from pathlib import Path

import pytest

from bokdesk.core.config import load_config
from bokdesk.core.errors import ConfigError


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home directory with no config files; the site config dir is ``<tmp>/site``, outside it."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("BOKDESK_CONFIG", raising=False)
    monkeypatch.delenv("BOKDESK_DB", raising=False)
    return home


def user_file(home: Path, text: str) -> Path:
    return write(home / ".config" / "bokdesk" / "config.toml", text)


def site_file(home: Path, text: str) -> Path:
    return write(home.parent / "site" / "bokdesk" / "config.toml", text)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problem(**kwargs: object) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(**kwargs).settings  # noqa: B018 - reading the settings checks them
    text = str(err.value)
    assert "\n" not in text and "pydantic" not in text.lower() and "validation error" not in text
    return text


def test_no_files_gives_the_defaults(home):
    cfg = load_config()
    assert cfg.sources == [] and cfg.db_is_default
    settings = cfg.settings
    assert settings.ui.start_view == "unassigned" and settings.ui.poll_interval == 0.75
    assert settings.complaints.days == 14 and settings.desk.online_seconds == 120
    assert settings.calendar.timezone == "Europe/Warsaw" and settings.mail.imap is None
    assert settings.security.allow_as is False and not cfg.allows_as("ola")


@pytest.mark.parametrize(
    "text, name",
    [
        ("[database]\npaht = 'x.db'\n", "[database] paht"),
        ("[ui]\nlangauge = 'pl'\n", "[ui] langauge"),
        ("[calendar]\ntimzone = 'Europe/Warsaw'\n", "[calendar] timzone"),
        ("[calendar.hours]\nmonday = '08:00-16:00'\n", "[calendar.hours] monday"),
        ("[complaints]\nday = 14\n", "[complaints] day"),
        ("[desk]\nname = 'BOK'\n", "[desk] name"),
        ("[mail]\nform = 'bok@firma.example'\n", "[mail] form"),
        ("[mail.imap]\nhost = 'imap.example'\nfolders = 'INBOX'\n", "[mail.imap] folders"),
        ("[mail.smtp]\nhost = 'smtp.example'\nattempts = 3\n", "[mail.smtp] attempts"),
        ("[mail.maildir]\ndir = '/var/mail'\n", "[mail.maildir] dir"),
        ("theme = 'nord'\n", "theme"),
    ],
)
def test_an_unknown_setting_is_named_with_its_file(home, text, name):
    user_file(home, text)
    with pytest.raises(ConfigError) as err:
        load_config(check=False)  # unknown keys are refused even before the values are checked
    assert str(err.value) == f"~/.config/bokdesk/config.toml: unknown setting {name}"


def test_an_unknown_section_and_security_in_the_site_config(home):
    site_file(home, "[uii]\nlanguage = 'pl'\n")
    assert problem() == f"{home.parent}/site/bokdesk/config.toml: unknown section [uii]"
    site_file(home, "[security]\nallow_ass = true\n")
    assert problem().endswith("site/bokdesk/config.toml: unknown setting [security] allow_ass")


@pytest.mark.parametrize(
    "text, message",
    [
        ("[ui]\npoll_interval = 'fast'\n", '[ui] poll_interval must be a number, not "fast"'),
        ("[ui]\nlanguage = 'de'\n", '[ui] language must be one of "en", "pl", not "de"'),
        ("[ui]\nstart_view = 'unasigned'\n", "[ui] start_view must be one of"),
        ("[ui]\nescape_delay_ms = 0\n", "[ui] escape_delay_ms must be at least 1, not 0"),
        ("ui = 'pl'\n", "[ui] must be a table"),
        ("[keys]\n'queue.take' = 7\n", '[keys] "queue.take" must be a string, a list of strings or a table'),
        ("[keys.queue]\ntake = true\n", "[keys.queue] take must be a string or a list of strings, not true"),
        ("[database]\nurl = 5\n", "[database] url must be a string, not 5"),
        ("[calendar]\ndays_off = '2026-12-31'\n", "[calendar] days_off must be a list of dates or strings"),
        ("[calendar.hours]\nmon = 8\n", "[calendar.hours] mon must be a string or a list of strings, not 8"),
        ("[complaints]\ndays = 0\n", "[complaints] days must be at least 1, not 0"),
        ("[complaints]\ndays = '14'\n", '[complaints] days must be a whole number, not "14"'),
        ("[desk]\nonline_seconds = 5\n", "[desk] online_seconds must be at least 10, not 5"),
        (
            "[mail]\nsurvey_after_solve = 'yes'\n",
            '[mail] survey_after_solve must be true or false, not "yes"',
        ),
        ("[mail.imap]\nhost = 'h'\nport = '993'\n", '[mail.imap] port must be a whole number, not "993"'),
    ],
)
def test_a_wrong_value_is_one_line_naming_the_key_and_the_file(home, text, message):
    user_file(home, text)
    assert problem().startswith(f"~/.config/bokdesk/config.toml: {message}")


def test_a_password_of_the_wrong_type_is_not_shown(home):
    user_file(home, "[mail.smtp]\nhost = 'h'\npassword = 123456789\n")
    assert problem() == "~/.config/bokdesk/config.toml: [mail.smtp] password must be a string"


def test_the_file_named_is_the_one_that_set_the_value(home, tmp_path):
    site_file(home, "[ui]\nlanguage = 'pl'\npoll_interval = 1\n")
    user_file(home, "[ui]\npoll_interval = 'slow'\n")
    assert problem().startswith("~/.config/bokdesk/config.toml: [ui] poll_interval")
    explicit = write(home / "elsewhere" / "mine.toml", "[ui]\nlanguage = 'fr'\n")
    assert problem(explicit=str(explicit)).startswith("~/elsewhere/mine.toml: [ui] language")
    user_file(home, "[ui]\npoll_interval = 2\n")
    site_file(home, "[ui]\nlanguage = 'xx'\n")
    assert problem().startswith(f"{home.parent}/site/bokdesk/config.toml: [ui] language")


def test_layers_site_then_user_then_the_named_file(home, tmp_path, monkeypatch):
    site_file(home, "[ui]\nlanguage = 'pl'\ntheme = 'nord'\n[complaints]\ndays = 30\n")
    user_file(home, "[ui]\ntheme = 'gruvbox'\nstart_view = 'mine'\n")
    cfg = load_config()
    assert [p.name for p in cfg.sources] == ["config.toml", "config.toml"]
    ui = cfg.settings.ui
    assert (ui.language, ui.theme, ui.start_view) == ("pl", "gruvbox", "mine")
    assert cfg.settings.complaints.days == 30
    named = write(tmp_path / "named.toml", "[ui]\nstart_view = 'sla'\n[keys]\n'queue.take' = 'g'\n")
    monkeypatch.setenv("BOKDESK_CONFIG", str(named))
    cfg = load_config()
    assert cfg.sources[-1] == named and cfg.settings.ui.start_view == "sla"
    assert cfg.settings.ui.theme == "gruvbox" and cfg.settings.keys == {"queue.take": "g"}
    other = write(tmp_path / "other.toml", "[ui]\nstart_view = 'open'\n")
    assert load_config(explicit=str(other)).settings.ui.start_view == "open"  # --config wins over the env


def test_the_database_from_option_environment_or_config(home, tmp_path, monkeypatch):
    user_file(home, "[database]\npath = '~/desk.db'\n")
    cfg = load_config()
    assert cfg.db_path == home / "desk.db" and not cfg.db_is_default and cfg.db_url is None
    monkeypatch.setenv("BOKDESK_DB", str(tmp_path / "env.db"))
    assert load_config().db_path == tmp_path / "env.db"
    assert load_config(db=str(tmp_path / "option.db")).db_path == tmp_path / "option.db"
    monkeypatch.delenv("BOKDESK_DB")
    user_file(home, "[database]\nurl = 'postgresql://bokdesk@db/bokdesk'\n")
    assert load_config().db_url == "postgresql://bokdesk@db/bokdesk"
    assert load_config(db=str(tmp_path / "file.db")).db_url is None  # --db opens a file


def test_security_is_read_from_the_site_config_only(home, tmp_path):
    user_file(home, "[security]\nallow_as = true\nanything = 'goes'\n")
    cfg = load_config()
    assert cfg.settings.security.allow_as is False and not cfg.allows_as("ola")
    named = write(tmp_path / "named.toml", "[security]\nallow_as = ['ola']\n")
    assert not load_config(explicit=str(named)).allows_as("ola")
    site_file(home, "[security]\nallow_as = ['bokdesk']\n")
    cfg = load_config(explicit=str(named))
    assert cfg.allows_as("bokdesk") and not cfg.allows_as("ola")
    site_file(home, "[security]\nallow_as = true\n")
    assert load_config().allows_as("anyone")
    site_file(home, "[security]\nallow_as = 'bokdesk'\n")
    assert problem().endswith('[security] allow_as must be true, false or a list of logins, not "bokdesk"')


def test_a_broken_file_is_still_named(home):
    user_file(home, "[ui\nlanguage = 'pl'\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config()


def test_a_value_the_calendar_refuses_is_named_with_its_file(home, tmp_path):
    from bokdesk.core.opening import desk_from_config

    user_file(home, "[calendar]\ntimezone = 'Mars/Olympus_Mons'\n")
    with pytest.raises(ConfigError) as err:
        desk_from_config(load_config(db=str(tmp_path / "desk.db")))
    assert str(err.value).startswith("~/.config/bokdesk/config.toml: [calendar] ")
    assert "Mars/Olympus_Mons" in str(err.value)
