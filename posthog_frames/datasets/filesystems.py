"""Where a dataset lives: a local folder or any filesystem pyarrow supports (``s3://…``).

A local folder the toolkit creates is private (0700) and every file in it 0600, as the cache
is (:mod:`posthog_frames.http.private`): the rows are what PostHog answered (emails, names,
properties). An object store keeps its own access rules. Files appear under their final name
only complete: each is written under a hidden temporary name (``.…tmp``, which pyarrow, DuckDB
and Spark skip) and then moved, so a reader never sees half a file.

Example:
    >>> import tempfile
    >>> place = resolve(tempfile.mkdtemp() + "/ds")
    >>> place.write_bytes("_checkpoint.json", b"{}"); place.read_bytes("_checkpoint.json")
    b'{}'
    >>> oct(os.stat(place.root).st_mode & 0o777), place.files()
    ('0o700', ['_checkpoint.json'])
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from posthog_frames.datasets.arrow import pyarrow_modules
from posthog_frames.exceptions import ValidationError
from posthog_frames.http.private import FILE_MODE, FOLDER_MODE

__all__ = ["Location", "resolve"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ATOMIC_UPLOADS = {"s3", "gcs"}  # pyarrow's object stores: a partial upload is never listed


@dataclass(frozen=True)
class Location:
    """A dataset's folder on a pyarrow filesystem; paths inside it are relative, with ``/``."""

    filesystem: Any
    root: str
    shown: str | Path  # what the result and messages show: the Path, or the URI without secrets
    local: bool

    def path(self, relative: str) -> str:
        return f"{self.root}/{relative}" if relative else self.root

    def files(self) -> list[str]:
        """Every file under the folder, relative and sorted (none when it does not exist)."""
        from pyarrow.fs import FileSelector, FileType

        if self.filesystem.get_file_info(self.root).type == FileType.File:
            raise ValidationError(
                f"{self.shown} is a file; a dataset is a folder (or give a path ending in "
                ".parquet for one file)."
            )
        selector = FileSelector(self.root, recursive=True, allow_not_found=True)
        found = self.filesystem.get_file_info(selector)
        prefix = self.root.rstrip("/") + "/"
        return sorted(
            info.path[len(prefix) :] if info.path.startswith(prefix) else info.path
            for info in found
            if info.type == FileType.File
        )

    def exists(self, relative: str) -> bool:
        from pyarrow.fs import FileType

        return bool(self.filesystem.get_file_info(self.path(relative)).type == FileType.File)

    def read_bytes(self, relative: str) -> bytes:
        with self.filesystem.open_input_stream(self.path(relative)) as stream:
            return bytes(stream.read())

    def write_bytes(self, relative: str, data: bytes) -> None:
        """Write *data* to *relative* in one step: a hidden temporary file, then moved."""
        self.write_with(relative, lambda target: self._put(target, data))

    def write_with(self, relative: str, write: Callable[[str], None]) -> None:
        """Call *write* with a temporary path, make the file private, move it to *relative*.

        On an object store an object appears only once its upload completes, so it is written
        under its own name: a move there is a copy and a delete, twice the requests.
        """
        folder, _, name = relative.rpartition("/")
        if self.filesystem.type_name in _ATOMIC_UPLOADS:
            write(self.path(relative))
            return
        self.make_folder(folder)
        temporary = self.path(f"{folder}/.{name}.tmp" if folder else f".{name}.tmp")
        try:
            write(temporary)
            if self.local:
                os.chmod(temporary, FILE_MODE)
            self.filesystem.move(temporary, self.path(relative))
        except BaseException:
            self.delete(temporary, absolute=True)
            raise

    def make_folder(self, relative: str = "") -> None:
        """Create the folder (and *relative* inside it); folders created locally are 0700."""
        if not self.local:
            return  # object stores have no folders to create: a key's prefix is enough
        root = Path(self.root)
        for folder in [root, *([root / relative] if relative else [])]:
            if not folder.is_dir():
                folder.mkdir(parents=True, mode=FOLDER_MODE, exist_ok=True)
                os.chmod(folder, FOLDER_MODE)  # mkdir's mode went through the umask

    def delete(self, relative: str, *, absolute: bool = False) -> None:
        target = relative if absolute else self.path(relative)
        try:
            self.filesystem.delete_file(target)
        except FileNotFoundError:
            pass

    def remove_empty_folders(self) -> None:
        """Drop partition folders left empty once their files were deleted (local only)."""
        if not self.local:
            return
        for folder in sorted(Path(self.root).glob("*/"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    def _put(self, target: str, data: bytes) -> None:
        with self.filesystem.open_output_stream(target) as stream:
            stream.write(data)


def resolve(path: str | os.PathLike[str], filesystem: Any = None) -> Location:
    """*path* (a local path or a URI such as ``s3://bucket/prefix``) on *filesystem* (a
    ``pyarrow.fs.FileSystem``; by default the one the URI names, else the local one).

    Example:
        >>> resolve("s3://bucket/events?region=eu-west-1").root
        'bucket/events'
    """
    pyarrow_modules()  # a MissingDependency that says how to install, before pyarrow.fs
    import pyarrow.fs as pafs

    text = os.fspath(path)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(
            f"path must be a folder or a URI such as s3://bucket/prefix, got {path!r}."
        )
    is_uri = bool(_SCHEME.match(text))
    if filesystem is not None:
        if not isinstance(filesystem, pafs.FileSystem):
            raise ValidationError(
                "filesystem must be a pyarrow.fs.FileSystem (e.g. pyarrow.fs.S3FileSystem(...)), "
                f"got {type(filesystem).__name__}."
            )
        root = _SCHEME.sub("", text).split("?", 1)[0] if is_uri else text
        local = isinstance(filesystem, pafs.LocalFileSystem)
        if local:
            root = str(Path(root).expanduser().absolute())
        return Location(filesystem, root.rstrip("/"), _shown(text, local), local)
    if not is_uri:
        absolute = Path(text).expanduser().absolute()
        return Location(pafs.LocalFileSystem(), str(absolute), absolute, True)
    try:
        found, root = pafs.FileSystem.from_uri(text)
    except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise ValidationError(
            f"pyarrow cannot open {_shown(text, False)!r}: {exc}. Use a local path, a URI pyarrow "
            "supports (s3://bucket/prefix, gs://…), or pass filesystem=."
        ) from None
    local = isinstance(found, pafs.LocalFileSystem)
    return Location(found, root.rstrip("/"), Path(root) if local else _shown(text, False), local)


def _shown(text: str, local: bool) -> str | Path:
    """The path as results and messages show it: no ``user:secret@`` and no ``?options``."""
    if local and not _SCHEME.match(text):
        return Path(text).expanduser().absolute()
    return re.sub(r"//[^/@]*@", "//", text.split("?", 1)[0])
