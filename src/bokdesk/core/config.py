"""Configuration: TOML files layered over built-in defaults, read into one typed ``Settings``.

Lookup (later wins): built-in defaults, the site config dir, the user config dir, then the file
named by ``--config`` or ``BOKDESK_CONFIG``. Settings that grant power (``[security]``) are read
from the site config only, so an agent cannot give themselves rights in their own file. An unknown
or wrong setting is one ``ConfigError`` line naming the key and the file it came from.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .settings import SettingError, Settings, build

APP_NAME = "bokdesk"
CONFIG_FILE = "config.toml"
SITE_ONLY = frozenset({"security"})
"""Sections read from the site config only: they grant power."""


def user_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / CONFIG_FILE


def site_config_path() -> Path:
    from platformdirs import site_config_dir

    return Path(site_config_dir(APP_NAME)) / CONFIG_FILE


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME)) / "bokdesk.db"


@dataclass(frozen=True)
class Layer:
    """One config file and what it says; a file other than the site config loses its [security]."""

    path: Path
    table: dict[str, Any]
    site: bool = False

    @property
    def effective(self) -> dict[str, Any]:
        if self.site:
            return self.table
        return {key: value for key, value in self.table.items() if key not in SITE_ONLY}


@dataclass
class Config:
    """The configuration files, the settings they make, and where the data lives."""

    layers: list[Layer] = field(default_factory=list)
    db_path: Path = field(default_factory=default_db_path)
    db_url: str | None = None
    db_is_default: bool = True
    unchecked: Settings = field(init=False)
    """The settings with unknown keys refused but values unchecked: the fast start's first frame
    only (checking imports pydantic). Everything else reads ``settings``."""
    _checked: Settings | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        merged: dict[str, Any] = {}
        for layer in self.layers:
            merged = merge(merged, layer.effective)
        with self.blame():
            self.unchecked = build(Settings, merged)

    @property
    def settings(self) -> Settings:
        """The settings, every value checked (on first use: it imports pydantic)."""
        if self._checked is None:
            from .settings.check import check  # pydantic: not on the fast start's path

            with self.blame():
                self._checked = check(self.unchecked)
        return self._checked

    @property
    def sources(self) -> list[Path]:
        """The files read, in the order they were layered."""
        return [layer.path for layer in self.layers]

    def allows_as(self, unix_login: str) -> bool:
        """Whether this Unix login may use ``--as``: the site config's ``allow_as`` is true, or a
        list of Unix logins naming it (e.g. ``["bokdesk"]``, the service account of forced commands)."""
        allowed = self.settings.security.allow_as
        if isinstance(allowed, list):
            return unix_login in allowed
        return allowed is True

    def source_of(self, key: tuple[str, ...]) -> Path | None:
        """The file that set ``key`` (the last one to set the most of it), or None (built-in)."""
        best: tuple[int, Path | None] = (0, None)
        for layer in reversed(self.layers):
            node: Any = layer.effective
            depth = 0
            for part in key:
                if not isinstance(node, Mapping) or part not in node:
                    break
                node = node[part]
                depth += 1
            if depth > best[0]:
                best = (depth, layer.path)
        return best[1]

    @contextmanager
    def blame(self) -> Iterator[None]:
        """Turn a ``SettingError`` raised inside into a ``ConfigError`` that names its file."""
        try:
            yield
        except SettingError as exc:
            source = self.source_of(exc.key)
            if source is None:
                raise ConfigError(exc.code, **exc.params) from None
            raise ConfigError("config_in_file", file=shown_path(source), error=exc.notice) from None


def shown_path(path: Path) -> str:
    """``~/.config/bokdesk/config.toml`` for a file in the home directory."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except (ValueError, RuntimeError):
        return str(path)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a broken file is a ConfigError naming the file and the problem."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError("config_missing", path=path) from None
    except PermissionError:
        raise ConfigError("config_unreadable", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config_not_toml", path=path, detail=str(exc)) from None


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
    *,
    check: bool = True,
) -> Config:
    """Read the config files and choose the database (``--db``, ``BOKDESK_DB``, ``[database]``).

    ``check=False`` leaves the values' types to the first read of ``settings`` (the fast start
    checks them in its desk thread); unknown keys are refused either way."""
    env = os.environ if env is None else env
    layers: list[Layer] = []
    site_path = site_config_path()
    if site_path.is_file():
        layers.append(Layer(site_path, read_toml(site_path), site=True))
    user_path = user_config_path()
    if user_path.is_file():
        layers.append(Layer(user_path, read_toml(user_path)))
    chosen = explicit or env.get("BOKDESK_CONFIG")
    if chosen:
        path = Path(chosen).expanduser()
        layers.append(Layer(path, read_toml(path)))
    cfg = Config(layers)
    database = (cfg.settings if check else cfg.unchecked).database
    cfg.db_url = str(database.url) if database.url else None
    chosen_db = db or env.get("BOKDESK_DB") or database.path
    if chosen_db:
        cfg.db_path = Path(str(chosen_db)).expanduser()
        cfg.db_is_default = False
        cfg.db_url = None if (db or env.get("BOKDESK_DB")) else cfg.db_url
    return cfg
