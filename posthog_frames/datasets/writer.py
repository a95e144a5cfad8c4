"""Writing a dataset page by page: part files first, then the checkpoint, so each page counts once.

A page becomes one Parquet file per partition it touches, named from the page's sequence number
(``part-000042.parquet``, or ``day=2026-11-03/part-000042.parquet``). The files are written
under hidden temporary names and moved into place; only then is the checkpoint replaced, in one
step, counting the page. A pull stopped anywhere (a network error, ``RateLimited``, Ctrl-C, a
kernel restart) leaves at worst files of the page being written: on resume, :func:`open_dataset`
deletes every part file whose number the checkpoint does not count, and the pull goes on from
the checkpoint's keyset position — no row twice, none missing.

Partitions: ``day`` is the UTC date of a timestamp (events: of ``timestamp``), the package's
rule for event and person times; any other column partitions by its value and, as hive-style
writers do, is kept in the folder name only (:func:`~posthog_frames.read_dataset` puts it back
with its type).

Example:
    >>> import tempfile, pyarrow as pa
    >>> from posthog_frames.datasets.filesystems import resolve
    >>> place = resolve(tempfile.mkdtemp() + "/ds")
    >>> writer = DatasetWriter.start(place, {"kind": "sql"}, pa.schema([("n", pa.int64())]))
    >>> writer.write(pa.table({"n": [1, 2]}), position=[2]); writer.finish()
    >>> place.files(), writer.checkpoint.rows, writer.checkpoint.complete
    (['_checkpoint.json', 'part-000000.parquet'], 2, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial
from typing import Any
from urllib.parse import quote

from posthog_frames.datasets.checkpoint import CHECKPOINT, Checkpoint
from posthog_frames.datasets.filesystems import Location
from posthog_frames.exceptions import ValidationError

__all__ = ["DAY", "DatasetWriter", "open_dataset", "part_number", "partitioning"]

DAY = "day"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # hive's (and so pyarrow's and Spark's) null
_PART = re.compile(r"(?:^|/)part-(\d{6,})\.parquet$")
_HIDDEN = re.compile(r"(?:^|/)\.[^/]*\.tmp$")
_FOLDER = re.compile(r"^[^/=]+=[^/]*/")


def part_number(relative: str) -> int | None:
    """The page number of a part file's relative path, None for any other file.

    Example:
        >>> part_number("day=2026-11-03/part-000042.parquet"), part_number("notes.txt")
        (42, None)
    """
    found = _PART.search(relative)
    return int(found.group(1)) if found else None


def _ours(relative: str) -> bool:
    if relative == CHECKPOINT or _HIDDEN.search(relative):
        return True
    return part_number(relative) is not None and (
        "/" not in relative or _FOLDER.match(relative) is not None
    )


def open_dataset(place: Location, source: dict[str, Any], *, overwrite: bool) -> Checkpoint | None:
    """The checkpoint of the dataset at *place* to resume (tidied), or None to start afresh.

    A checkpoint of another source is refused unless *overwrite* (then, as with ``overwrite``
    on the same source, the dataset's own files are deleted). Files this toolkit did not write
    are never deleted: a folder holding them is refused.
    """
    files = place.files()
    others = [name for name in files if not _ours(name)]
    if others:
        raise ValidationError(
            f"{place.shown} holds files stream_to_parquet did not write ({', '.join(others[:3])}"
            f"{' …' if len(others) > 3 else ''}); pick an empty or new folder for the dataset."
        )
    if overwrite or CHECKPOINT not in files:
        _delete(place, files)  # without a checkpoint, part files are a first page never counted
        return None
    found = Checkpoint.from_json(place.read_bytes(CHECKPOINT), f"{place.shown}/{CHECKPOINT}")
    if found.source != source:
        raise ValidationError(
            f"{place.shown} holds a dataset of another source ({_describe(found.source)}); "
            f"this call asks for {_describe(source)}. Pick another path, or pass "
            "overwrite=True to replace it."
        )
    if not found.complete:
        # Files numbered from the checkpoint's page count on were written while it still said
        # fewer pages: that page is fetched again.
        _delete(place, [name for name in files if _uncounted(name, found.pages)])
    return found


def _uncounted(name: str, pages: int) -> bool:
    number = part_number(name)
    return bool(_HIDDEN.search(name)) or (number is not None and number >= pages)


def _delete(place: Location, names: list[str]) -> None:
    for name in names:
        place.delete(name)
    if names:
        place.remove_empty_folders()


def _describe(source: dict[str, Any]) -> str:
    kind = source.get("kind")
    return repr(source.get("sql")) if kind == "sql" else f"{kind!r} (filters, page size …)"


def partitioning(schema: Any, column: str | None, *, by_day: bool = False) -> dict[str, Any] | None:
    """How *schema*'s rows are split into folders by *column* (None: not at all).

    Example:
        >>> import pyarrow as pa
        >>> partitioning(pa.schema([("t", pa.timestamp("us", tz="UTC"))]), "t")
        {'column': 't', 'folder': 'day', 'by_day': True}
    """
    if column is None:
        return None
    import pyarrow as pa

    if column not in schema.names:
        raise ValidationError(
            f"partition_by={column!r} is not a column of the source; its columns are "
            f"{schema.names}.",
            attr="partition_by",
        )
    kind = schema.field(column).type
    day = by_day or pa.types.is_timestamp(kind) or pa.types.is_date(kind)
    if day and DAY in schema.names:
        raise ValidationError(
            f"partition_by={column!r} makes a folder per day named {DAY!r}, but the source "
            f"has a column {DAY!r} too: rename it in the SQL.",
            attr="partition_by",
        )
    plain = pa.types.is_integer(kind) or pa.types.is_string(kind) or pa.types.is_boolean(kind)
    if not day and not plain:
        raise ValidationError(
            f"partition_by={column!r} is a {kind} column; partition by a date, time, text, "
            "whole-number or boolean column.",
            attr="partition_by",
        )
    return {"column": column, "folder": DAY if day else column, "by_day": day}


class DatasetWriter:
    """Writes pages into a dataset and moves its checkpoint on after each (see the module)."""

    def __init__(self, place: Location, checkpoint: Checkpoint) -> None:
        self.place = place
        self.checkpoint = checkpoint
        self.schema = checkpoint.arrow_schema()

    @classmethod
    def start(
        cls,
        place: Location,
        source: dict[str, Any],
        schema: Any,
        partition: dict[str, Any] | None = None,
        key_types: Sequence[str] = (),
    ) -> DatasetWriter:
        """A new dataset of *source* with *schema* (nothing is written before the first page)."""
        point = Checkpoint(
            source=source,
            schema=schema.serialize().to_pybytes(),
            columns=[[f.name, str(f.type)] for f in schema],
            partition=partition,
            key_types=list(key_types),
        )
        place.make_folder()
        return cls(place, point)

    def write(self, table: Any, position: Sequence[Any] | None) -> None:
        """Write one page (*table*, in the dataset's schema), then count it in the checkpoint."""
        if not table.schema.equals(self.schema):
            table = table.cast(self.schema)  # the same columns; a resumed pull's own schema
        if table.num_rows:
            for relative, part in self._split(table, self.checkpoint.pages):
                self.place.write_with(relative, partial(self._parquet, part))
            self.checkpoint.pages += 1
            self.checkpoint.rows += table.num_rows
        if position is not None:
            self.checkpoint.position = list(position)
        self._save()

    def finish(self) -> None:
        """Mark the dataset complete: a re-run of the same call fetches nothing."""
        self.checkpoint.complete = True
        self._save()

    def _save(self) -> None:
        self.place.write_bytes(CHECKPOINT, self.checkpoint.to_json())

    def _parquet(self, table: Any, target: str) -> None:
        import pyarrow.parquet as pq

        pq.write_table(
            table, target, filesystem=self.place.filesystem, row_group_size=max(1, table.num_rows)
        )

    def _split(self, table: Any, number: int) -> list[tuple[str, Any]]:
        name = f"part-{number:06d}.parquet"
        split = self.checkpoint.partition
        if split is None:
            return [(name, table)]
        import pyarrow as pa
        import pyarrow.compute as pc

        values = table.column(split["column"])
        if split["by_day"] and pa.types.is_timestamp(values.type):
            values = pc.cast(pc.cast(values, pa.timestamp("us", tz="UTC")), pa.date32())
        keys = pc.fill_null(pc.cast(values, pa.string()), NULL_PARTITION)
        if not split["by_day"]:
            table = table.drop_columns([split["column"]])
        parts = []
        for key in sorted(pc.unique(keys).to_pylist()):
            folder = f"{split['folder']}={quote(key, safe='') if key != NULL_PARTITION else key}"
            parts.append((f"{folder}/{name}", table.filter(pc.equal(keys, key))))
        return parts
