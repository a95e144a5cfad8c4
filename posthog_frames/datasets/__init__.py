"""Parquet output: single files and resumable, partitioned datasets on any pyarrow filesystem.

``client.stream_to_parquet()`` (:mod:`posthog_frames.client.parquet`) fetches the pages; the
modules here write them (``writer``, ``single``), keep the checkpoint (``checkpoint``), find the
filesystem (``filesystems``) and read datasets back (``reader``). None imports pyarrow until
it is used.
"""

from posthog_frames.datasets.reader import read_dataset
from posthog_frames.datasets.result import StreamResult

__all__ = ["StreamResult", "read_dataset"]
