"""Reading a Maildir (a local mail server's delivery folder on the shared box).

A message waiting for the desk is a file in ``new/`` (or in ``cur/`` without the ``S`` flag, if a
mail client looked at the folder). After its batch is committed, the file is renamed into
``cur/`` with the ``S`` (seen) flag added, the standard Maildir way of saying "read". Nothing is
ever deleted, and nothing is renamed before the database has the message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ConfigError
from .ingest import RawMail

INFO = ":2,"
HEADER_PEEK = 256 * 1024


@dataclass(frozen=True)
class MaildirEntry:
    path: Path
    base: str  # the unique part of the name, without ":2,FLAGS"


class Maildir:
    """One Maildir folder (with ``cur/``, ``new/`` and ``tmp/``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()
        if not (self.path / "new").is_dir() or not (self.path / "cur").is_dir():
            raise ConfigError("maildir_not_maildir", path=self.path)
        if not os.access(self.path / "cur", os.W_OK) or not os.access(self.path / "new", os.W_OK):
            raise ConfigError("maildir_not_writable", path=self.path)

    @property
    def source(self) -> str:
        return f"maildir:{self.path}"

    def pending(self) -> list[MaildirEntry]:
        """Messages not yet read by the desk, oldest first."""
        found: list[tuple[int, str, MaildirEntry]] = []
        for sub in ("new", "cur"):
            with os.scandir(self.path / sub) as it:
                for entry in it:
                    name = entry.name
                    if name.startswith(".") or not entry.is_file(follow_symlinks=False):
                        continue
                    base, _, flags = name.partition(INFO)
                    if sub == "cur" and "S" in flags:
                        continue
                    try:
                        mtime = entry.stat(follow_symlinks=False).st_mtime_ns
                    except FileNotFoundError:
                        continue
                    found.append((mtime, name, MaildirEntry(Path(entry.path), base)))
        found.sort(key=lambda t: (t[0], t[1]))
        return [e for _, _, e in found]

    def read(self, entry: MaildirEntry, max_bytes: int) -> RawMail | None:
        """The message's bytes (only the headers when it is over ``max_bytes``); None if gone."""
        source = f"{self.source}/{entry.base}"
        try:
            with entry.path.open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size <= max_bytes:
                    return RawMail(fh.read(), source)
                head = fh.read(HEADER_PEEK)
        except FileNotFoundError:
            return None  # another fetcher took it (and filed it)
        return RawMail(head, source, size=size)

    def mark_done(self, entry: MaildirEntry) -> Path | None:
        """Move to ``cur/`` with the ``S`` flag (after the commit). Returns the new path."""
        name = entry.path.name
        base, _, flags = name.partition(INFO)
        new_flags = "".join(sorted(set(flags) | {"S"}))
        dest = self.path / "cur" / f"{base}{INFO}{new_flags}"
        try:
            os.rename(entry.path, dest)
        except FileNotFoundError:
            return None
        return dest


__all__ = ["Maildir", "MaildirEntry"]
