"""The shared box for real: two Unix users in one group work one database, a third is kept out.

Needs root (to create the users and the group). Each bokdesk run goes through ``runuser`` as that
user, with an interpreter the user can execute and this checkout on ``PYTHONPATH``.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import bokdesk

SRC = str(Path(bokdesk.__file__).resolve().parents[1])
RUNUSER = shutil.which("runuser") or "runuser"
RUN = "import sys; from bokdesk.cli import main; sys.exit(main(sys.argv[1:]))"
HOLD = (
    "import sys, time; from pathlib import Path; from bokdesk.core.database import open_store; "
    "from bokdesk.core.desk import Desk; from bokdesk.core.services import agents; "
    "store = open_store(Path(sys.argv[1])); desk = Desk(store=store); "
    "agents.set_status(desk, agents.require_agent(desk, sys.argv[2]), 'available'); "
    "print('holding', flush=True); time.sleep(60)"
)


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "needs root to create two Unix users and a group (useradd/groupadd); run the suite as root, as CI does"
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "runuser"):
        if shutil.which(tool) is None:
            return f"needs {tool} to run bokdesk as other Unix users"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")]


@dataclass
class Box:
    group: str
    ua: str
    ub: str
    outsider: str
    interpreter: str
    env: dict[str, str]
    base: Path
    db: Path

    def run(self, user: str, *argv: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [RUNUSER, "-u", user, "--", self.interpreter, "-c", RUN, *argv],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
            cwd="/",
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{user}: bokdesk {' '.join(argv)} -> {result.returncode}\n{result.stderr}")
        return result

    def spawn(self, user: str, code: str, *argv: str) -> subprocess.Popen[str]:
        """A process of its own session: ``kill9`` ends runuser and the Python under it together."""
        return subprocess.Popen(
            [RUNUSER, "-u", user, "--", self.interpreter, "-c", code, *argv],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd="/",
            start_new_session=True,
        )


def kill9(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def _interpreter(user: str, env: dict[str, str]) -> str | None:
    """A Python of this version that ``user`` may execute and that imports this checkout."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (
        os.path.realpath(sys.executable),
        f"/usr/bin/python{version}",
        f"/usr/local/bin/python{version}",
    ):
        if not os.path.exists(candidate):
            continue
        probe = subprocess.run(
            [RUNUSER, "-u", user, "--", candidate, "-c", "import bokdesk.cli, sqlalchemy, sqlmodel"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd="/",
        )
        if probe.returncode == 0:
            return candidate
    return None


@pytest.fixture(scope="module")
def box() -> Iterator[Box]:
    tag = f"bk{os.getpid() % 100000}"
    group, ua, ub, outsider = f"{tag}desk", f"{tag}a", f"{tag}b", f"{tag}x"
    base = Path(tempfile.mkdtemp(prefix="bokdesk-users-", dir="/tmp"))
    base.chmod(0o755)
    made_users: list[str] = []
    made_group = False
    try:
        subprocess.run(["groupadd", group], check=True)
        made_group = True
        for user, groups in ((ua, [group]), (ub, [group]), (outsider, [])):
            extra = ["-G", ",".join(groups)] if groups else []
            subprocess.run(["useradd", "-M", "-s", "/bin/sh", *extra, user], check=True)
            made_users.append(user)
        paths = [SRC, sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
        env = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)),
            "XDG_CONFIG_DIRS": str(base / "site"),
            "LANG": "C.UTF-8",
        }
        interpreter = _interpreter(ua, env)
        if interpreter is None:
            pytest.skip(
                f"no Python {sys.version_info.major}.{sys.version_info.minor} that another user may run "
                f"with {paths[1]} readable (the venv lives where other users cannot reach it)"
            )
        yield Box(group, ua, ub, outsider, interpreter, env, base, base / "desk" / "desk.db")
    finally:
        for user in made_users:
            subprocess.run(["userdel", user], check=False, capture_output=True)
        if made_group:
            subprocess.run(["groupdel", group], check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def owner_group_mode(path: Path) -> tuple[str, str, int]:
    st = path.stat()
    return pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name, stat.S_IMODE(st.st_mode)


def init_shared(box: Box) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            RUN,
            "admin",
            "init-shared",
            "--db",
            str(box.db),
            "--group",
            box.group,
            "--site-config",
            str(box.base / "site" / "bokdesk" / "config.toml"),
            "--admin",
            box.ua,
            "--admin-name",
            "Ania Admin",
        ],
        env={**box.env, "PYTHONPATH": box.env["PYTHONPATH"]},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_two_agents_in_the_group_share_one_desk(box: Box) -> None:
    result = init_shared(box)
    assert result.returncode == 0, result.stderr
    assert owner_group_mode(box.db.parent) == ("root", box.group, 0o2770)
    assert owner_group_mode(box.db) == ("root", box.group, 0o660)
    assert owner_group_mode(box.base / "site" / "bokdesk" / "config.toml") == ("root", box.group, 0o640)

    # the admin (a plain group member) adds a colleague; nobody passes --db: the site config says where
    box.run(box.ua, "agent", "add", box.ub, "--name", "Bartek Agent", "--team", "BOK Warszawa")
    holder = box.spawn(box.ua, HOLD, str(box.db), box.ua)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        wal, shm = Path(f"{box.db}-wal"), Path(f"{box.db}-shm")
        # created by the first agent's process: theirs, but in the desk's group and group-writable
        assert owner_group_mode(wal) == (box.ua, box.group, 0o660)
        assert owner_group_mode(shm) == (box.ua, box.group, 0o660)
        box.run(
            box.ub,
            "ticket",
            "new",
            "--subject",
            "Brak faktury",
            "--email",
            "anna@example.pl",
            "--body",
            "Proszę o fakturę.",
        )
        taken = box.run(box.ub, "ticket", "take-next")
        assert "#1" in taken.stdout and f"assignee {box.ub}" in taken.stdout
    finally:
        kill9(holder)  # the -wal and -shm stay behind, owned by the first agent
    refused = box.run(box.ua, "ticket", "take", "1", check=False)
    assert refused.returncode == 5 and "already taken by Bartek Agent" in refused.stderr
    box.run(box.ub, "ticket", "reply", "1", "--body", "Wysłaliśmy fakturę.")
    assert "integrity ok" in box.run(box.ua, "db", "backup", str(box.db.parent / "backup.db")).stdout
    owner, group, mode = owner_group_mode(box.db.parent / "backup.db")
    assert (owner, group) == (box.ua, box.group) and mode & 0o007 == 0  # umask 0007: closed to others
    assert box.run(box.ub, "db", "check").stdout.strip() == "ok"

    # a login outside the group is kept out with one clear line
    outside = box.run(box.outsider, "ticket", "list", check=False)
    assert outside.returncode != 0 and "Traceback" not in outside.stderr
    assert outside.stderr.count("\n") == 1 and "not readable" in outside.stderr
    outside = box.run(
        box.outsider, "ticket", "list", "--db", str(box.db), check=False, XDG_CONFIG_DIRS="/nonexistent"
    )
    assert outside.returncode == 3 and "not writable for you" in outside.stderr

    # init-shared run again changes nothing
    again = init_shared(box)
    assert again.returncode == 0 and "fixed" not in again.stdout and "made    /" not in again.stdout


def test_a_group_member_creating_a_desk_first_leaves_it_group_writable(box: Box) -> None:
    """The umask and create rule: whoever opens a missing database in a 2770 directory first."""
    result = init_shared(box)
    assert result.returncode == 0, result.stderr
    second = box.db.parent / "second.db"
    box.run(box.ub, "db", "upgrade", "--db", str(second))  # only a few commands create a desk
    box.run(box.ub, "agent", "add", box.ub, "--name", "Bartek", "--role", "admin", "--db", str(second))
    assert owner_group_mode(second) == (box.ub, box.group, 0o660)
    box.run(box.ua, "agent", "list", "--db", str(second))  # the other member can open and write it
    box.run(box.ub, "agent", "add", box.ua, "--name", "Ania", "--db", str(second))
    status = box.run(box.ua, "status", "away", "--db", str(second))
    assert status.stdout.strip() == f"{box.ua}: away"


def test_without_init_shared_the_second_agent_is_locked_out(box: Box) -> None:
    """The measured problem: a plain 0755 directory and SQLite's own file modes."""
    plain = box.base / f"plain-{time.monotonic_ns()}"
    plain.mkdir(mode=0o755)
    shutil.chown(plain, user=box.ua, group=box.group)
    db = plain / "desk.db"
    box.run(box.ua, "db", "upgrade", "--db", str(db))  # only a few commands create a desk
    box.run(box.ua, "agent", "add", box.ua, "--name", "Ania", "--role", "admin", "--db", str(db))
    assert owner_group_mode(db)[2] == 0o644  # SQLite's default: no group write
    box.run(box.ua, "agent", "add", box.ub, "--name", "Bartek", "--db", str(db))
    refused = box.run(box.ub, "status", "away", "--db", str(db), check=False)
    assert refused.returncode == 3 and "Traceback" not in refused.stderr
    assert "not writable for you" in refused.stderr
