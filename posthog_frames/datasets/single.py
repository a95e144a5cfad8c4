"""One Parquet file, one row group per page: ``stream_to_parquet("….parquet", …)``.

The file appears under its name only once complete (it is written as ``<name>.partial``); a
pull that stops leaves nothing behind. A folder (a dataset) is what resumes: see
:mod:`posthog_frames.datasets.writer`.

Example:
    >>> import tempfile, pathlib, pyarrow as pa
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "n.parquet"
    >>> write_file(path, iter([pa.table({"n": [1, 2]}), pa.table({"n": [3]})]))
    3
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from posthog_frames.datasets.arrow import pyarrow_modules

__all__ = ["write_file"]


def write_file(path: Path, tables: Iterator[Any], bar: Any = None) -> int:
    """Write *tables* (one schema: the first's) to *path*, one row group each; the rows."""
    _, pq = pyarrow_modules()
    partial = path.with_name(path.name + ".partial")
    writer, rows, ok = None, 0, False
    try:
        for table in tables:
            if writer is None:
                writer = pq.ParquetWriter(str(partial), table.schema)
            if table.num_rows:  # the empty page that ends an exact multiple of the page size
                writer.write_table(table, row_group_size=max(1, table.num_rows))
                rows += table.num_rows
            if bar is not None:
                bar.update(table.num_rows)
        ok = True
    finally:
        if writer is not None:
            writer.close()
        if ok and writer is not None:
            os.replace(partial, path)
        else:
            partial.unlink(missing_ok=True)
    return rows
