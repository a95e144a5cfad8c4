"""What ``stream_to_parquet`` returns.

Example:
    >>> result = StreamResult("s3://bucket/events", 1200, pages=3, fetched=1, resumed=True)
    >>> path, rows = result
    >>> path, rows, result.fetched
    ('s3://bucket/events', 1200, 1)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["StreamResult"]


@dataclass(frozen=True)
class StreamResult:
    """What :meth:`posthog_frames.Client.stream_to_parquet` wrote.

    ``path`` (a ``Path`` locally, else the URI without credentials) and ``rows`` (every row in
    the file or dataset) unpack as a pair: ``path, rows = client.stream_to_parquet(...)``.
    ``pages``: pages in it; ``fetched``: pages this call asked PostHog for (one request each; 0
    when the dataset was already complete); ``resumed``: whether it went on from a checkpoint;
    ``complete``: whether every row is in (always, once the call returns).
    """

    path: Path | str
    rows: int
    pages: int = 0
    fetched: int = 0
    resumed: bool = False
    complete: bool = True

    def __iter__(self) -> Iterator[Any]:
        # Unpacking as (path, rows) is how the result was first used: it stays a pair.
        yield self.path
        yield self.rows
