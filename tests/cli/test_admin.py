"""Identity (--as, unknown logins, $USER), admin commands, and `bokdesk admin init-shared`."""

from __future__ import annotations

import grp
import json
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bokdesk.cli import main
from bokdesk.cli.context import unix_login
from bokdesk.core.shared_setup import prepare_process

ME = unix_login()
MY_GROUP = grp.getgrgid(os.getgid()).gr_name


@pytest.fixture(autouse=True)
def keep_umask() -> Iterator[None]:
    """Opening a shared desk sets the process umask; give the next test the one it had."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No real config: user and site config dirs point into the test's directory."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.delenv("BOKDESK_DB", raising=False)
    monkeypatch.delenv("BOKDESK_CONFIG", raising=False)
    return tmp_path


@pytest.fixture
def db(env: Path) -> Path:
    path = env / "desk.db"
    assert main(["db", "upgrade", "--db", str(path)]) == 0  # only a few commands create a desk
    assert (
        main(
            [
                "agent",
                "add",
                ME,
                "--name",
                "Adam Admin",
                "--role",
                "admin",
                "--team",
                "BOK Warszawa",
                "--db",
                str(path),
            ]
        )
        == 0
    )
    assert (
        main(
            ["agent", "add", "ola", "--name", "Aleksandra Nowak", "--team", "BOK Warszawa", "--db", str(path)]
        )
        == 0
    )
    assert (
        main(
            ["agent", "add", "marek", "--name", "Marek Wiśniewski", "--role", "supervisor", "--db", str(path)]
        )
        == 0
    )
    return path


def site_config(env: Path, text: str) -> Path:
    path = env / "site" / "bokdesk" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- identity ----------------------------------------------------------------------------------------


def test_as_is_refused_unless_the_site_config_allows_it(db, env, capsys):
    code, _, err = run(capsys, "--as", "ola", "ticket", "take-next", "--db", str(db))
    assert code == 2 and "--as is not allowed here" in err and "Traceback" not in err
    # an agent's own config (user config, --config, BOKDESK_CONFIG) cannot grant it
    user = env / "cfg" / "bokdesk" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[security]\nallow_as = true\n")
    assert run(capsys, "ticket", "take-next", "--as", "ola", "--db", str(db))[0] == 2
    mine = env / "mine.toml"
    mine.write_text("[security]\nallow_as = true\n")
    assert run(capsys, "ticket", "take-next", "--as", "ola", "--config", str(mine), "--db", str(db))[0] == 2
    site_config(env, "[security]\nallow_as = true\n")
    code, out, _ = run(capsys, "--as", "ola", "status", "--db", str(db))
    assert code == 0 and out.strip() == "available"


def test_allow_as_may_name_the_only_logins_allowed_to_use_it(db, env, capsys):
    site_config(env, '[security]\nallow_as = ["bokdesk"]\n')
    code, _, err = run(capsys, "--as", "ola", "status", "--db", str(db))
    assert code == 2 and "list your Unix login" in err  # this test runs as another Unix user
    site_config(env, f'[security]\nallow_as = ["bokdesk", "{ME}"]\n')
    code, out, _ = run(capsys, "--as", "ola", "status", "--db", str(db))
    assert code == 0 and out.strip() == "available"


def test_as_given_before_or_after_the_command_acts_as_that_agent(db, env, capsys):
    site_config(env, "[security]\nallow_as = true\n")
    assert run(capsys, "--as", "ola", "status", "away", "--db", str(db))[0] == 0
    assert run(capsys, "status", "off_shift", "--as", "marek", "--db", str(db))[0] == 0
    code, out, _ = run(capsys, "who", "--all", "--json", "--db", str(db))
    states = {a["login"]: a["status"] for a in json.loads(out)}
    assert states["ola"] == "away" and states["marek"] == "off_shift" and states[ME] == "available"


def test_unknown_and_inactive_logins_are_told_how_to_be_added(db, env, capsys):
    site_config(env, "[security]\nallow_as = true\n")
    code, _, err = run(capsys, "--as", "zosia", "ticket", "take-next", "--db", str(db))
    assert code == 4
    assert "'zosia' is not an agent of this desk" in err
    assert 'bokdesk agent add zosia --name "Your Name"' in err
    assert run(capsys, "admin", "deactivate", "ola", "--db", str(db))[0] == 0
    code, _, err = run(capsys, "--as", "ola", "ticket", "take-next", "--db", str(db))
    assert code == 4 and "no longer an active agent" in err


def test_the_login_comes_from_the_password_database_not_user(db, env, capsys, monkeypatch):
    monkeypatch.setenv("USER", "marek")
    monkeypatch.setenv("LOGNAME", "marek")
    assert unix_login() == ME
    run(capsys, "status", "away", "--db", str(db))
    code, out, _ = run(capsys, "who", "--all", "--json", "--db", str(db))
    states = {a["login"]: a["status"] for a in json.loads(out)}
    assert states[ME] == "away" and states["marek"] == "available"


# --- roles through the command line -----------------------------------------------------------------------


def test_admin_commands_check_roles(db, env, capsys):
    site_config(env, "[security]\nallow_as = true\n")
    code, _, err = run(
        capsys, "--as", "ola", "admin", "team-mode", "BOK Warszawa", "round_robin", "--db", str(db)
    )
    assert code == 4 and "Changing desk settings needs the supervisor role; you are agent." in err
    code, out, _ = run(
        capsys, "--as", "marek", "admin", "team-mode", "BOK Warszawa", "round_robin", "--db", str(db)
    )
    assert code == 0 and "round robin" in out
    code, _, err = run(
        capsys, "--as", "ola", "admin", "sla", "set", "urgent", "--first-response", "30", "--db", str(db)
    )
    assert code == 4 and "Changing SLA policies needs the supervisor role" in err
    code, out, _ = run(
        capsys,
        "--as",
        "marek",
        "admin",
        "sla",
        "set",
        "urgent",
        "--first-response",
        "30",
        "--resolution",
        "240",
        "--db",
        str(db),
    )
    assert code == 0 and "first response 30 min, resolution 4 h 00 min" in out
    code, out, _ = run(capsys, "admin", "sla", "list", "--json", "--db", str(db))
    assert {
        "priority": "urgent",
        "category": None,
        "first_response_minutes": 30,
        "resolution_minutes": 240,
        "business_hours": True,
    } in json.loads(out)
    code, _, err = run(capsys, "--as", "marek", "admin", "role", "ola", "supervisor", "--db", str(db))
    assert code == 4 and "needs the admin role; you are supervisor" in err
    assert run(capsys, "admin", "role", "ola", "supervisor", "--db", str(db))[0] == 0
    code, _, err = run(capsys, "--as", "ola", "agent", "add", "zosia", "--name", "Zosia", "--db", str(db))
    assert code == 4 and "needs the admin role" in err
    code, _, err = run(capsys, "--as", "ola", "status", "available", "--agent", "marek", "--db", str(db))
    assert code == 0  # ola is a supervisor now


def test_admin_audit_lists_who_changed_roles_and_policies(db, env, capsys):
    site_config(env, "[security]\nallow_as = true\n")
    assert (
        run(
            capsys,
            "--as",
            "marek",
            "admin",
            "sla",
            "set",
            "urgent",
            "--first-response",
            "30",
            "--resolution",
            "240",
            "--db",
            str(db),
        )[0]
        == 0
    )
    assert run(capsys, "admin", "role", "ola", "supervisor", "--db", str(db))[0] == 0
    code, out, _ = run(capsys, "admin", "audit", "--db", str(db))
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["AT", "(UTC)", "BY", "CHANGE", "OF", "FROM", "TO", "NOTE"]
    assert "Adam Admin" in lines[1] and "role" in lines[1] and "ola" in lines[1] and "supervisor" in lines[1]
    assert "Marek Wiśniewski" in lines[2] and "sla_policy" in lines[2] and "first response 30 min" in lines[2]
    code, out, _ = run(capsys, "admin", "audit", "--action", "sla_policy", "--json", "--db", str(db))
    [entry] = json.loads(out)
    assert (entry["actor"], entry["target"], entry["new"]) == (
        "Marek Wiśniewski",
        "urgent",
        "first response 30 min, resolution 240 min, business",
    )
    assert entry["old"] == "first response 60 min, resolution 480 min, business"
    assert entry["note"] == "due times recomputed on 0 open ticket(s)" and entry["at"].endswith("Z")
    code, _, err = run(capsys, "--as", "marek", "admin", "audit", "--db", str(db))
    assert code == 4 and "Reading the audit needs the admin role; you are supervisor." in err


# --- init-shared --------------------------------------------------------------------------------------------


@pytest.fixture
def box(env: Path) -> Iterator[Path]:
    """A directory other users could reach (pytest's own tmp dir is 0700)."""
    base = Path(tempfile.mkdtemp(prefix="bokdesk-box-", dir="/tmp"))
    base.chmod(0o755)
    yield base
    import shutil

    shutil.rmtree(base, ignore_errors=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def init(capsys, box: Path, env: Path, *extra: str, group: str = MY_GROUP) -> tuple[int, str, str]:
    return run(
        capsys,
        "admin",
        "init-shared",
        "--db",
        str(box / "desk" / "desk.db"),
        "--group",
        group,
        "--site-config",
        str(env / "site" / "bokdesk" / "config.toml"),
        *extra,
    )


def test_init_shared_creates_directory_database_and_site_config(box, env, capsys):
    code, out, err = init(capsys, box, env, "--admin", ME, "--admin-name", "Adam Admin")
    assert code == 0, err
    directory, db = box / "desk", box / "desk" / "desk.db"
    assert mode(directory) == 0o2770 and directory.stat().st_gid == os.getgid()
    assert mode(db) == 0o660 and db.stat().st_gid == os.getgid()
    config = env / "site" / "bokdesk" / "config.toml"
    assert mode(config) == 0o640
    text = config.read_text()
    assert f'path = "{db}"' in text and "allow_as = false" in text
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    assert "usermod -aG" in out and f"{ME}: the desk's first admin" in out
    # every agent now reaches the desk through the site config: no --db
    code, out, _ = run(capsys, "agent", "list", "--json")
    assert [a["login"] for a in json.loads(out)] == [ME]


def test_init_shared_is_idempotent_and_fixes_modes(box, env, capsys):
    assert init(capsys, box, env)[0] == 0
    db = box / "desk" / "desk.db"
    code, out, _ = init(capsys, box, env)
    assert code == 0 and "fixed" not in out and "made" not in out
    (box / "desk").chmod(0o750)
    db.chmod(0o640)
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"")
    wal.chmod(0o600)
    code, out, _ = init(capsys, box, env, "--check")
    assert code == 1 and out.count("WRONG") == 3
    assert mode(db) == 0o640  # --check changed nothing
    code, out, _ = init(capsys, box, env)
    assert code == 0 and out.count("fixed") == 3
    assert mode(box / "desk") == 0o2770 and mode(db) == 0o660
    assert not wal.exists() or mode(wal) == 0o660  # SQLite may have consumed the empty WAL
    assert init(capsys, box, env, "--check")[0] == 0


def test_init_shared_refuses_a_missing_group(box, env, capsys):
    code, _, err = init(capsys, box, env, group="no-such-group-bokdesk")
    assert code == 2 and "groupadd no-such-group-bokdesk" in err
    assert not (box / "desk").exists()


def test_init_shared_refuses_a_world_writable_directory(box, env, capsys):
    (box / "desk").mkdir()
    (box / "desk").chmod(0o777)
    code, _, err = init(capsys, box, env)
    assert code == 2 and "writable by everyone" in err
    assert not (box / "desk" / "desk.db").exists()


def test_init_shared_refuses_a_database_readable_by_others(box, env, capsys):
    assert init(capsys, box, env)[0] == 0
    db = box / "desk" / "desk.db"
    db.chmod(0o644)
    code, _, err = init(capsys, box, env)
    assert code == 2 and "open to users outside the group" in err and f"chmod o-rwx {db}" in err
    assert mode(db) == 0o644


def test_init_shared_refuses_symlinks_planted_in_the_directory(box, env, capsys):
    assert init(capsys, box, env)[0] == 0
    victim = box / "victim"
    victim.write_text("secret")
    victim.chmod(0o600)
    os.symlink(victim, box / "desk" / "desk.db-shm")
    code, _, err = init(capsys, box, env)
    assert code == 2 and "symbolic link" in err
    assert mode(victim) == 0o600


def test_init_shared_refuses_a_directory_agents_cannot_reach(env, capsys, tmp_path):
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    code, _, err = run(
        capsys,
        "admin",
        "init-shared",
        "--db",
        str(closed / "desk" / "desk.db"),
        "--group",
        MY_GROUP,
        "--site-config",
        str(env / "site" / "bokdesk" / "config.toml"),
    )
    assert code == 2 and "Agents cannot reach" in err


def test_init_shared_keeps_an_existing_site_config_and_refuses_a_conflicting_one(box, env, capsys):
    config = site_config(env, '[calendar]\ntimezone = "Europe/Warsaw"\n')
    assert init(capsys, box, env)[0] == 0
    text = config.read_text()
    assert text.startswith("[calendar]") and f'path = "{box / "desk" / "desk.db"}"' in text
    config.write_text('[database]\npath = "/srv/other/desk.db"\n')
    code, _, err = init(capsys, box, env)
    assert code == 2 and "points agents at /srv/other/desk.db" in err
    config.write_text(f'[database]\npath = "{box / "desk" / "desk.db"}"\n[security]\nallow_as = false\n')
    code, _, err = init(capsys, box, env, "--no-allow-as")
    assert code == 0
    code, _, err = init(capsys, box, env, "--allow-as", "bokdesk")
    assert code == 2 and "change [security] allow_as by hand" in err
    config.unlink()
    assert init(capsys, box, env, "--allow-as", "bokdesk", "--allow-as", "helpdesk")[0] == 0
    assert 'allow_as = ["bokdesk", "helpdesk"]' in config.read_text()
    assert init(capsys, box, env, "--allow-as", "helpdesk", "--allow-as", "bokdesk")[0] == 0  # same list


def test_init_shared_refuses_a_foreign_database(box, env, capsys):
    (box / "desk").mkdir(mode=0o2770)
    foreign = box / "desk" / "desk.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE other(x)")
    con.commit()
    con.close()
    foreign.chmod(0o660)
    code, _, err = init(capsys, box, env)
    assert code == 3 and "another program" in err


def test_init_shared_needs_a_db_path(env, capsys):
    code, _, err = run(capsys, "admin", "init-shared", "--group", MY_GROUP)
    assert code == 2 and "needs --db PATH" in err


def test_every_process_opening_a_shared_desk_sets_umask_0007(box):
    shared = box / "shared"
    shared.mkdir()
    shared.chmod(0o2770)
    previous = os.umask(0o022)
    try:
        assert prepare_process(shared / "new.db") is True
        assert os.umask(0o022) == 0o007
        assert mode(shared / "new.db") == 0o660
        plain = box / "plain"
        plain.mkdir(mode=0o755)
        assert prepare_process(plain / "mine.db") is False and not (plain / "mine.db").exists()
        assert (
            prepare_process(shared / "missing.db", create=False) is True
            and not (shared / "missing.db").exists()
        )
    finally:
        os.umask(previous)
