"""``phf.read_dataset()``: a dataset ``stream_to_parquet`` wrote, back as one DataFrame.

Only the part files the checkpoint counts are read (a file of a page whose checkpoint never
landed is not a row of the dataset), and an incomplete dataset is refused unless
``allow_partial=True``. Partition columns come back with their type: ``day`` as a date
(``datetime.date`` values; ``date32[pyarrow]`` with ``dtype_backend="pyarrow"``), last; a
column the rows were partitioned by (``partition_by=``) in its own place. Rows come in the order
they were written within each partition folder, folders in name order (for events: oldest
first).

Example:
    >>> import tempfile
    >>> folder = tempfile.mkdtemp() + "/signups"
    >>> _ = client.stream_to_parquet(folder, "select uuid, event, timestamp from events where "
    ...                              "event = 'signed up' order by timestamp, uuid")
    >>> read_dataset(folder, columns=["event"])["event"].unique().tolist()
    ['signed up']
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from posthog_frames.datasets.checkpoint import CHECKPOINT, Checkpoint
from posthog_frames.datasets.filesystems import resolve
from posthog_frames.datasets.writer import part_number
from posthog_frames.exceptions import IncompleteDataset, ValidationError
from posthog_frames.frames.backends import DtypeBackend, check_backend, with_backend

__all__ = ["read_dataset"]


def read_dataset(
    path: str | os.PathLike[str],
    *,
    columns: list[str] | None = None,
    filesystem: Any = None,
    dtype_backend: DtypeBackend | None = None,
    allow_partial: bool = False,
) -> pd.DataFrame:
    """A Parquet dataset written by :meth:`Client.stream_to_parquet` as a DataFrame.

    *path* is the dataset's folder or URI (``s3://bucket/prefix``; or pass *filesystem*, a
    ``pyarrow.fs.FileSystem``). *columns* picks columns (``day`` included for events);
    *dtype_backend* means what it means in ``pd.read_parquet``. Events come back with a ``day``
    column (the UTC date of the timestamp, as ``datetime.date``) after the others. An
    interrupted pull raises :class:`IncompleteDataset` (run the same ``stream_to_parquet`` call
    again to resume it) unless *allow_partial*: then the pages written so far. Needs pyarrow.

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp() + "/events"
        >>> _ = client.stream_to_parquet(folder, "events")
        >>> df = read_dataset(folder)
        >>> len(df) == len(client.events(after="all")), df.columns[-1], str(df["timestamp"].dt.tz)
        (True, 'day', 'UTC')
    """
    backend = check_backend(dtype_backend)
    from posthog_frames.datasets.arrow import pyarrow_modules

    pa, _ = pyarrow_modules()
    import pyarrow.dataset as ds

    place = resolve(path, filesystem)
    if not place.exists(CHECKPOINT):
        raise ValidationError(
            f"{place.shown} has no {CHECKPOINT}: it is not a dataset stream_to_parquet wrote (or "
            "not yet: no page was written). Check the path; other Parquet folders read with "
            "pandas.read_parquet or pyarrow.dataset."
        )
    point = Checkpoint.from_json(place.read_bytes(CHECKPOINT), f"{place.shown}/{CHECKPOINT}")
    if not point.complete and not allow_partial:
        raise IncompleteDataset(
            f"{place.shown} is incomplete: its pull stopped after {point.pages:,} pages "
            f"({point.rows:,} rows). Run the same client.stream_to_parquet(...) call again to "
            "resume it where it stopped, or pass allow_partial=True to read the rows so far."
        )
    schema = point.arrow_schema()
    split = point.partition
    fields = list(schema)
    folder_field = None
    if split is not None:
        kind = pa.date32() if split["by_day"] else schema.field(split["column"]).type
        folder_field = pa.field(split["folder"], kind)
        if not split["by_day"]:
            fields = [f for f in fields if f.name != split["column"]]
    full = pa.schema([*fields, *([folder_field] if folder_field is not None else [])])
    wanted = _columns(columns, schema.names, full.names)
    files = [
        place.path(name)
        for name in place.files()
        if (number := part_number(name)) is not None and number < point.pages
    ]
    if files:
        dataset = ds.dataset(
            files,
            schema=full,
            format="parquet",
            filesystem=place.filesystem,
            partitioning=ds.partitioning(pa.schema([folder_field]), flavor="hive")
            if folder_field is not None
            else None,
            partition_base_dir=place.root,
        )
        table = dataset.to_table(columns=wanted)
    else:
        table = full.empty_table().select(wanted)
    if backend == "pyarrow":
        return table.to_pandas(types_mapper=pd.ArrowDtype)
    return with_backend(table.to_pandas(), backend)


def _columns(columns: list[str] | None, written: list[str], readable: list[str]) -> list[str]:
    """The columns to read, in the schema's order (a partition column in its own place)."""
    order = [name for name in written if name in readable] + [
        name for name in readable if name not in written
    ]
    if columns is None:
        return order
    if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
        raise ValidationError(f"columns is a list of column names, got {columns!r}.")
    unknown = [c for c in columns if c not in order]
    if unknown:
        raise ValidationError(f"The dataset has no column {unknown}; its columns are {order}.")
    return list(columns)
