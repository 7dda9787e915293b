"""Configuration: TOML files layered over built-in defaults, and where the data lives.

Lookup (later wins): built-in defaults, the site config dir, the user config dir, then the file
named by ``--config`` or ``BOKDESK_CONFIG``. Settings that grant power (``[security]``) are read
from the site config only, so an agent cannot give themselves rights in their own file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

APP_NAME = "bokdesk"
CONFIG_FILE = "config.toml"


def user_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / CONFIG_FILE


def site_config_path() -> Path:
    from platformdirs import site_config_dir

    return Path(site_config_dir(APP_NAME)) / CONFIG_FILE


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME)) / "bokdesk.db"


@dataclass
class Config:
    """The merged configuration and where each part came from."""

    data: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)
    db_path: Path = field(default_factory=default_db_path)
    db_url: str | None = None
    db_is_default: bool = True

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, dict) else {}

    @property
    def language(self) -> str | None:
        value = self.section("ui").get("language")
        return str(value) if value else None

    @property
    def allow_as(self) -> bool:
        """Whether ``--as LOGIN`` is honoured for anyone: only the site config can allow it."""
        security = self.site.get("security", {})
        return bool(isinstance(security, dict) and security.get("allow_as", False))

    def allows_as(self, unix_login: str) -> bool:
        """Whether this Unix login may use ``--as``: the site config's ``allow_as`` is true, or a
        list of Unix logins naming it (e.g. ``["bokdesk"]``, the service account of forced commands)."""
        security = self.site.get("security", {})
        value = security.get("allow_as", False) if isinstance(security, dict) else False
        if isinstance(value, list):
            return unix_login in value
        return value is True


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a broken file is a ConfigError naming the file and the problem."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} does not exist.") from None
    except PermissionError:
        raise ConfigError(f"Config file {path} is not readable.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}.") from None


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge two TOML tables; values of ``over`` win."""
    result = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def load_config(
    explicit: str | None = None,
    db: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """Build the configuration from files, environment and command-line options."""
    env = os.environ if env is None else env
    cfg = Config()
    site_path = site_config_path()
    if site_path.is_file():
        cfg.site = read_toml(site_path)
        cfg.data = merge(cfg.data, cfg.site)
        cfg.sources.append(site_path)
    user_path = user_config_path()
    if user_path.is_file():
        cfg.data = merge(cfg.data, read_toml(user_path))
        cfg.sources.append(user_path)
    chosen = explicit or env.get("BOKDESK_CONFIG")
    if chosen:
        path = Path(chosen).expanduser()
        cfg.data = merge(cfg.data, read_toml(path))
        cfg.sources.append(path)
    database = cfg.section("database")
    url = database.get("url")
    if url is not None and not isinstance(url, str):
        raise ConfigError("[database] url must be a string.")
    cfg.db_url = url or None
    chosen_db = db or env.get("BOKDESK_DB") or database.get("path")
    if chosen_db:
        cfg.db_path = Path(str(chosen_db)).expanduser()
        cfg.db_is_default = False
        cfg.db_url = None if (db or env.get("BOKDESK_DB")) else cfg.db_url
    return cfg
