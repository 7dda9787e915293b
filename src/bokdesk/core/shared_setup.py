"""Setting up (and checking) one database file that many agents' processes share.

Measured on the target machine (Debian, SQLite 3.40): SQLite creates a database file with mode
0644 minus the umask, so never group-writable; the ``-wal`` and ``-shm`` files take the database
file's mode (SQLite ``fchmod``s them) and belong to whoever creates them; and with a plain 0755
directory a group member who opens the database first gets "attempt to write a readonly database".

So a shared desk needs:

- a directory owned by the desk's group, setgid (new files inherit the group), group-writable
  and closed to others: mode 2770;
- the database file created by us with mode 0660 in that group, before SQLite ever sees it; its
  ``-wal``/``-shm`` then come out 0660 in the group, whoever opens the desk first;
- every bokdesk process working on a file in such a directory runs with umask 0007, so anything
  else it creates there (a database it creates, a backup) stays group-writable and closed to others;
- a site config, readable by the group and writable only by root, that points every agent at the
  file and says whether ``--as`` is allowed (off unless the admin turns it on).

``init_shared`` does all of that, is safe to run again (it fixes modes and groups it owns), and
refuses what it must not paper over: a missing group, a world-writable directory, a database or
journal readable by others, symlinks where files should be. Everything it changes as root is
changed through a file descriptor opened with ``O_NOFOLLOW``, so a group member who plants a
symlink in the shared directory cannot make root chmod some other file.
"""

from __future__ import annotations

import grp
import os
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BokdeskError

DIR_MODE = 0o2770
FILE_MODE = 0o660
CONFIG_MODE = 0o640
SHARED_UMASK = 0o007
SIDE_FILES = ("-wal", "-shm", "-journal", "-writelock")


class SetupError(BokdeskError):
    """The shared setup cannot be made safe without the administrator deciding something."""

    exit_code = 2


# --- what every process does before opening a shared file ----------------------------------------


def is_shared_directory(directory: Path) -> bool:
    """A directory set up for a desk group: setgid and group-writable."""
    try:
        mode = directory.stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_ISGID) and bool(mode & stat.S_IWGRP)


def prepare_process(db_path: Path, *, create: bool = True) -> bool:
    """Before opening a database in a shared directory: umask 0007, and create a missing file 0660.

    Returns whether the database is shared. Called by ``open_store`` for every process (console,
    scripts, mail importer), so whoever opens a shared desk first leaves files the group can write.
    """
    directory = db_path.parent
    if not is_shared_directory(directory):
        return False
    os.umask(SHARED_UMASK)
    if create and not db_path.exists() and not db_path.is_symlink():
        try:
            fd = os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        except FileExistsError:
            return True  # another agent's process created it a moment ago
        try:
            os.fchmod(fd, FILE_MODE)
        finally:
            os.close(fd)
    return True


# --- the administrator's command -------------------------------------------------------------------


@dataclass
class SetupReport:
    """What ``init_shared`` did (or, with ``check_only``, would have to do), line by line."""

    db_path: Path
    group: str
    config_path: Path
    done: list[str] = field(default_factory=list)
    ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _mode(value: int) -> str:
    return f"{stat.S_IMODE(value):04o}"


def group_id(group: str) -> int:
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise SetupError("setup_no_group", group=group) from None


def _open_nofollow(path: Path, directory: bool = False) -> int:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | (os.O_DIRECTORY if directory else 0)
    try:
        return os.open(path, flags)
    except OSError as exc:
        if path.is_symlink():
            raise SetupError("setup_symlink", path=path) from None
        raise SetupError("setup_cannot_open", path=path, reason=exc.strerror) from None


def _fix(
    path: Path,
    gid: int,
    mode: int,
    report: SetupReport,
    check_only: bool,
    *,
    directory: bool = False,
    owner: int | None = None,
) -> None:
    """Give ``path`` the group and mode (and owner) it must have, through an O_NOFOLLOW descriptor."""
    fd = _open_nofollow(path, directory)
    try:
        st = os.fstat(fd)
        if not directory and (not stat.S_ISREG(st.st_mode) or st.st_nlink != 1):
            raise SetupError("setup_not_plain", path=path)
        wrong = []
        if st.st_gid != gid:
            wrong.append(f"group {_group_name(st.st_gid)} -> {report.group}")
        if stat.S_IMODE(st.st_mode) != mode:
            wrong.append(f"mode {_mode(st.st_mode)} -> {mode:04o}")
        if owner is not None and st.st_uid != owner:
            wrong.append(f"owner uid {st.st_uid} -> {owner}")
        if not wrong:
            report.ok.append(f"{path}: {_mode(st.st_mode)}, group {report.group}")
            return
        if check_only:
            report.problems.append(f"{path}: {', '.join(wrong)}")
            return
        os.fchown(fd, owner if owner is not None else -1, gid)
        os.fchmod(fd, mode)  # after chown, which may clear the setgid bit
        report.done.append(f"{path}: {', '.join(wrong)}")
    finally:
        os.close(fd)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _check_ancestors(directory: Path, gid: int) -> None:
    """Refuse a path an outsider could swap out, or one the group cannot reach."""
    for ancestor in [directory, *directory.parents]:
        if not ancestor.exists():
            continue
        st = ancestor.stat()
        mode = st.st_mode
        if ancestor != directory and mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
            raise SetupError("setup_ancestor_open", path=ancestor)
        if ancestor != directory:
            reachable = mode & stat.S_IXOTH or (mode & stat.S_IXGRP and st.st_gid == gid)
            if not reachable:
                raise SetupError("setup_unreachable", path=directory, ancestor=ancestor, mode=_mode(mode))


def _check_not_public(path: Path) -> None:
    """A database or journal must never be readable or writable by users outside the group."""
    if path.is_symlink():
        raise SetupError("setup_symlink", path=path)
    if not path.exists():
        return
    mode = path.stat().st_mode
    if mode & stat.S_IRWXO:
        raise SetupError("setup_public", path=path, mode=_mode(mode))


def init_shared(
    db_path: Path,
    group: str,
    *,
    config_path: Path,
    allow_as: bool | list[str] | None = None,
    check_only: bool = False,
    open_desk: Callable[[Path], None] | None = None,
) -> SetupReport:
    """Create or repair a shared desk: directory 2770, database 0660, site config 0640 root:group.

    ``open_desk(path)`` creates the schema in a fresh (empty) database file, or checks that an
    existing file is a usable bokdesk database (the CLI passes ``open_store``). With ``check_only``
    nothing is changed and ``problems`` lists what would be. ``allow_as``: None keeps what the
    site config says (off in a new one), False turns ``--as`` off, a list of Unix logins allows it for
    them only (the service account of SSH forced commands).
    """
    gid = group_id(group)
    db_path = Path(os.path.abspath(db_path.expanduser()))
    directory = db_path.parent
    report = SetupReport(db_path, group, config_path)
    is_root = os.geteuid() == 0

    _check_ancestors(directory, gid)
    if directory.is_symlink():
        raise SetupError("setup_dir_symlink", path=directory)
    if directory.exists():
        mode = directory.stat().st_mode
        if not stat.S_ISDIR(mode):
            raise SetupError("setup_not_directory", path=directory)
        if mode & stat.S_IWOTH:
            raise SetupError("setup_dir_open", path=directory, mode=_mode(mode))
    elif check_only:
        report.problems.append(f"{directory} does not exist")
    else:
        _make_parents(directory.parent)
        directory.mkdir(mode=0o700)
        report.done.append(f"{directory}: created")
    for path in (db_path, *(Path(f"{db_path}{suffix}") for suffix in SIDE_FILES)):
        _check_not_public(path)
    if directory.exists():
        _fix(directory, gid, DIR_MODE, report, check_only, directory=True, owner=0 if is_root else None)

    if not db_path.exists():
        if check_only:
            report.problems.append(f"{db_path} does not exist")
        else:
            fd = os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
            os.close(fd)
            report.done.append(f"{db_path}: created")
    if db_path.exists():
        _fix(db_path, gid, FILE_MODE, report, check_only, owner=0 if is_root else None)
        _fix_side_files(db_path, gid, report, check_only)  # a stale -wal of 0600 would lock agents out
        if open_desk is not None and not check_only:
            previous = os.umask(SHARED_UMASK)
            try:
                open_desk(db_path)
            finally:
                os.umask(previous)
            _fix_side_files(db_path, gid, report, check_only)

    _site_config(config_path, db_path, gid, report, allow_as=allow_as, check_only=check_only, is_root=is_root)
    return report


def _make_parents(directory: Path) -> None:
    """Create missing directories 0755 whatever the umask (agents must be able to pass through)."""
    missing = []
    for path in [directory, *directory.parents]:
        if path.exists():
            break
        missing.append(path)
    for path in reversed(missing):
        path.mkdir()
        path.chmod(0o755)


def _fix_side_files(db_path: Path, gid: int, report: SetupReport, check_only: bool) -> None:
    for suffix in SIDE_FILES:
        side = Path(f"{db_path}{suffix}")
        if side.exists() or side.is_symlink():
            _fix(side, gid, FILE_MODE, report, check_only)


def config_text(db_path: Path, allow_as: bool | list[str]) -> str:
    """The site config ``init_shared`` writes for a new box."""
    return (
        "# bokdesk site configuration, written by `bokdesk admin init-shared`.\n"
        "# Every agent's bokdesk reads this file; only root may change it.\n\n"
        "[database]\n"
        f"path = {_toml_string(str(db_path))}\n\n"
        "[security]\n"
        "# Who may run `bokdesk --as NAME`: false, or the Unix logins of the service account whose\n"
        '# SSH keys are bound to agents with command="bokdesk --as NAME"; see the README.\n'
        f"allow_as = {_toml_allow_as(allow_as)}\n"
    )


def _toml_allow_as(value: bool | list[str]) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_string(v) for v in value) + "]"
    return "true" if value else "false"


def _normal_allow_as(value: object) -> bool | list[str]:
    if isinstance(value, list):
        return sorted(str(v) for v in value) or False
    return value is True


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _site_config(
    config_path: Path,
    db_path: Path,
    gid: int,
    report: SetupReport,
    *,
    allow_as: bool | list[str] | None,
    check_only: bool,
    is_root: bool,
) -> None:
    if config_path.is_symlink():
        raise SetupError("setup_config_symlink", path=config_path)
    if not config_path.exists():
        if check_only:
            report.problems.append(f"{config_path} does not exist")
            return
        _make_parents(config_path.parent)
        fd = os.open(config_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(config_text(db_path, _normal_allow_as(allow_as or False)))
        report.done.append(
            f"{config_path}: written (allow_as = {_toml_allow_as(_normal_allow_as(allow_as or False))})"
        )
    else:
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SetupError("setup_config_not_toml", path=config_path, detail=str(exc)) from None
        database = data.get("database")
        security = data.get("security", {})
        current_as = _normal_allow_as(
            security.get("allow_as", False) if isinstance(security, dict) else False
        )
        if database is None:
            if check_only:
                report.problems.append(f"{config_path}: no [database] path")
            else:
                with config_path.open("a", encoding="utf-8") as fh:
                    fh.write(f"\n[database]\npath = {_toml_string(str(db_path))}\n")
                report.done.append(f"{config_path}: [database] path added")
        elif not isinstance(database, dict) or Path(str(database.get("path", ""))) != db_path:
            raise SetupError(
                "setup_config_elsewhere",
                path=config_path,
                current=database.get("path") if isinstance(database, dict) else database,
                wanted=db_path,
            )
        if allow_as is not None and _normal_allow_as(allow_as) != current_as:
            raise SetupError("setup_allow_as", path=config_path, allow_as=_toml_allow_as(current_as))
        report.ok.append(f"{config_path}: points at {db_path}; allow_as = {_toml_allow_as(current_as)}")
    _fix(config_path, gid, CONFIG_MODE, report, check_only, owner=0 if is_root else None)


__all__ = [
    "CONFIG_MODE",
    "DIR_MODE",
    "FILE_MODE",
    "SHARED_UMASK",
    "SetupError",
    "SetupReport",
    "config_text",
    "group_id",
    "init_shared",
    "is_shared_directory",
    "prepare_process",
]
