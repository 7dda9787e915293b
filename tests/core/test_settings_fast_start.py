"""The console's fast start and the settings: a typo stops it before its first frame, a wrong value
when its desk opens (checking the values imports pydantic, which waits for the desk's thread)."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import pytest

from bokdesk.core.database import open_store
from bokdesk.core.desk import SYSTEM, Desk
from bokdesk.core.errors import ConfigError
from bokdesk.core.identity import unix_login
from bokdesk.core.services import agents


@pytest.fixture
def args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Namespace:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.delenv("BOKDESK_CONFIG", raising=False)
    db = tmp_path / "desk.db"
    store = open_store(db)
    agents.add_agent(Desk(store=store), SYSTEM, unix_login(), "Konsola Testowa")
    store.dispose()
    return Namespace(db=str(db), config=str(tmp_path / "mine.toml"), as_login=None, lang="en")


def test_an_unknown_setting_stops_the_fast_start_at_once(args):
    from bokdesk.ui import boot

    Path(args.config).write_text("[ui]\nlangauge = 'pl'\n")
    with pytest.raises(ConfigError, match=r"mine.toml: unknown setting \[ui\] langauge$"):
        boot.probe(args)


def test_a_wrong_value_stops_it_when_the_desk_opens(args):
    from bokdesk.ui import boot

    Path(args.config).write_text("[complaints]\ndays = '14'\n")
    started = boot.probe(args)
    assert started is not None and started.config.unchecked.complaints.days == "14"
    try:
        with pytest.raises(
            ConfigError, match=r'mine.toml: \[complaints\] days must be a whole number, not "14"'
        ):
            started.open()
    finally:
        started.close()


def test_a_wrong_value_the_first_frame_uses_sends_it_down_the_normal_path(args):
    from bokdesk.ui import boot

    Path(args.config).write_text("[ui]\npoll_interval = 'fast'\n")
    assert boot.probe(args) is None  # the normal path checks the settings before any frame
