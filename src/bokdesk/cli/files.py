"""Writing a file the user named (an export, a report, an attachment) without surprises.

The data goes to a new temporary file in the target's directory (created with ``O_EXCL``, so
nothing planted there is followed) and only when it is complete does it take the target's name:
by ``link`` when the file must be new (it fails if any file, or a symbolic link, has that name),
by ``rename`` with ``--force``. Neither follows a symbolic link at the target: a link planted there
is refused, or with ``--force`` replaced itself, and its target is never written. A failure leaves
nothing behind.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..core.errors import ValidationError
from ..core.text_safety import clean

NAME_BYTES = 200  # of a sender's file name, in UTF-8 (file systems allow 255)


def output_path(text: str) -> Path:
    """The path given on the command line, checked before any work is done."""
    path = Path(text).expanduser()
    try:
        if path.is_dir():
            raise ValidationError(f"{path} is a directory; name a file to write.")
        if not path.parent.is_dir():
            raise ValidationError(f"The directory {path.parent} does not exist.")
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise ValidationError(f"The directory {path.parent} is not writable for you.")
        path.is_symlink()  # a name too long for the file system fails here, not half-way
    except OSError as exc:
        raise ValidationError(f"{path} cannot be written: {exc.strerror}.") from None
    return path


def input_file(text: str) -> Path:
    """A file the command reads, which must exist."""
    path = Path(text).expanduser()
    try:
        found = path.is_file()
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror}.") from None
    if not found:
        raise ValidationError(f"{path} does not exist." if not path.is_dir() else f"{path} is a directory.")
    return path


def refuse_existing(path: Path, *, force: bool = False, hint: str = "add --force to replace it") -> None:
    """Refuse a target that exists (a dangling symbolic link too) unless ``force``."""
    if force and not path.is_dir():
        return
    if path.is_symlink() or path.exists():
        raise ValidationError(f"{path} already exists; {hint}.")


def write_file(
    path: Path,
    write: Callable[[IO[Any]], object],
    *,
    force: bool = False,
    binary: bool = False,
    hint: str = "add --force to replace it",
) -> None:
    """Write ``path`` through ``write(fh)``: all or nothing, never through a symbolic link, and
    never over an existing file unless ``force``."""
    path = output_path(str(path))
    refuse_existing(path, force=force, hint=hint)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:60]}.", suffix=".partial")
    tmp = Path(tmp_name)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as a plain `> FILE` would make it
        fh: IO[Any] = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with fh:
            write(fh)
        if force:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path, hint)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _link_new(tmp: Path, path: Path, hint: str) -> None:
    """Give the finished file its name only if nothing has that name yet."""
    try:
        os.link(tmp, path, follow_symlinks=False)
    except FileExistsError:
        raise ValidationError(f"{path} already exists; {hint}.") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: rename (it replaces a name, never writes through a
        # link); the check just before keeps the window for a race small.
        refuse_existing(path, hint=hint)
        os.rename(tmp, path)
        return
    tmp.unlink()


def attachment_name(filename: str | None, number: int) -> str:
    """A sender's file name made safe to create here: its last part only, no control characters,
    no leading dots, at most ``NAME_BYTES`` long (the extension kept); ``attachment-N`` when
    nothing is left."""
    name = clean(filename or "").replace("\n", " ").replace("\t", " ")
    name = re.split(r"[/\\]", name)[-1].strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode()) > 16:
        stem, dot, ext = name, "", ""
    room = NAME_BYTES - len((dot + ext).encode())
    stem = stem.encode()[:room].decode("utf-8", "ignore").rstrip()
    name = stem + dot + ext if stem else ""
    return name or f"attachment-{number}"
