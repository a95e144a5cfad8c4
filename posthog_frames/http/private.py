"""Cache files only their owner can read: folder 0700, files 0600, whatever the umask.

The cache holds what PostHog answered (persons' emails, names, properties). Created with the
usual umask it would be 0644 in a 0755 folder, readable by every account on a shared machine (a
team JupyterHub, a CI runner). Here:

- the cache folder is created 0700; the default folder (``~/.cache/posthog-frames``) is tightened
  to 0700 when an older version left it open. A folder you chose is left as it is (it may be
  your project folder); the files in it are private anyway;
- the sqlite file is created 0600 before sqlite opens it (its ``-wal`` and ``-shm`` files take
  the same mode from it); an existing file, ``-wal`` or ``-shm`` of ours that others could read
  is tightened to 0600;
- a file or folder owned by another account is refused (:class:`ConfigurationError`): its
  entries could have been written by someone else, and ours would be readable by them.

POSIX only: Windows keeps files private through the user profile's access lists.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "cache"
    >>> private_folder(folder, tighten=False); private_file(folder / "c.sqlite")
    >>> oct(folder.stat().st_mode & 0o777), oct((folder / "c.sqlite").stat().st_mode & 0o777)
    ('0o700', '0o600')
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from posthog_frames.exceptions import ConfigurationError

__all__ = ["FILE_MODE", "FOLDER_MODE", "SIDE_FILES", "private_file", "private_folder"]

log = logging.getLogger("posthog_frames")

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SIDE_FILES = ("-wal", "-shm")  # sqlite's companions of a database file in WAL mode
_POSIX = hasattr(os, "geteuid")


def private_folder(folder: Path, *, tighten: bool) -> None:
    """Create *folder* 0700 (its parents as usual); an existing one must be ours, and is made
    0700 when *tighten* (the toolkit's own folder)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        if not tighten:
            return  # a folder the user chose (``/tmp`` is root's): only the files are checked
        info = folder.stat()
        _check_owner(folder, info, "folder")
        if _POSIX and stat.S_IMODE(info.st_mode) != FOLDER_MODE:
            os.chmod(folder, FOLDER_MODE)
            log.info("cache folder %s was open to other accounts; made private (0700)", folder)
        return
    os.chmod(folder, FOLDER_MODE)  # mkdir's mode went through the umask


def private_file(path: Path) -> None:
    """Make sure *path* exists, is ours and is 0600, and so are its ``-wal``/``-shm`` files."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _tighten(path)
    else:
        try:
            if _POSIX:
                os.fchmod(fd, FILE_MODE)  # the umask may have taken bits off, even the owner's
        finally:
            os.close(fd)
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        if side.exists():
            _tighten(side)


def _tighten(path: Path) -> None:
    info = path.stat()
    _check_owner(path, info, "file")
    if _POSIX and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, FILE_MODE)
        log.info("cache file %s was readable by other accounts; made private (0600)", path)


def _check_owner(path: Path, info: os.stat_result, what: str) -> None:
    if _POSIX and info.st_uid != os.geteuid():
        raise ConfigurationError(
            f"The cache {what} {path} belongs to another account (uid {info.st_uid}): its "
            "entries could have been written by someone else, and what this client caches "
            "would be theirs to read. Pass cache= a path of your own (or delete it if it "
            "should be yours)."
        )
