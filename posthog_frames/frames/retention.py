"""Retention results as a cohort matrix (cohort start x period)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.frames import _common as c
from posthog_frames.frames import _dates as d


def retention_frame(result: Any, percent: bool = False, tz: bool = False) -> pd.DataFrame:
    """A retention result as a cohort matrix.

    Index ``cohort`` (cohort start; with a breakdown, a MultiIndex ``breakdown_value``,
    ``cohort``), columns the integer periods 0..N, values the counts: int64 when the matrix is
    full, else float64 with NaN where the period has not happened yet. ``percent=True`` divides
    each row by its period 0 (0..1; a cohort of size 0 gives NaN). Cohort sizes (period 0) are in
    ``df.attrs["cohort_sizes"]``, a list in row order (None where unknown) — a plain list so the
    attrs survive ``to_parquet``; ``pd.Series(df.attrs["cohort_sizes"], index=df.index)`` maps
    them to cohorts. The period unit (Day, Week…) is in
    ``df.attrs["period"]``. Dates follow the rule in :mod:`posthog_frames.frames`.

    Example:
        >>> retention_frame(client.insight("sY43mSt7").raw, percent=True).iloc[:2, :3].round(2)
        period        0     1     2
        cohort
        2025-01-19  1.0  0.25  0.33
        2025-01-26  1.0  0.59  0.63
    """
    rows, insight = c.unwrap(result)
    rows = c.require_list(rows, "a list of retention cohorts (dicts with 'values' and 'date')")
    counts = [_counts(row, i) for i, row in enumerate(rows)]
    width = max((len(row) for row in counts), default=0)
    matrix = np.full((len(rows), width), np.nan)
    for i, row in enumerate(counts):
        matrix[i, : len(row)] = row
    dates = [c.field(row, "date", "a retention cohort", i) for i, row in enumerate(rows)]
    attrs = c.metadata(insight, "retention", "table")
    cohorts = d.bucket_dates(dates, attrs["timezone"] if tz else None, "date")
    cohorts.name = "cohort"
    index: pd.Index = cohorts
    if any("breakdown_value" in row for row in rows):
        breakdowns = [c.unwrap_breakdown(row.get("breakdown_value")) for row in rows]
        index = pd.MultiIndex.from_arrays(
            [pd.Index(c.strings(breakdowns), name="breakdown_value"), cohorts]
        )
    sizes = matrix[:, 0] if width else np.full(len(rows), np.nan)
    attrs["cohort_sizes"] = [int(size) if size == size else None for size in sizes.tolist()]
    period = _period(insight)
    if period:
        attrs["period"] = period
    if percent:
        attrs["percent"] = True
        with np.errstate(divide="ignore", invalid="ignore"):
            matrix = np.where(sizes[:, None] > 0, matrix / sizes[:, None], np.nan)
    elif not np.isnan(matrix).any():
        matrix = matrix.astype(np.int64)
    columns = pd.RangeIndex(width, name="period")
    df = pd.DataFrame(matrix, index=index, columns=columns)
    df.attrs.update(attrs)
    return df


def _counts(row: Mapping[str, Any], index: int) -> np.ndarray:
    values = c.field(row, "values", "a retention cohort", index)
    if not isinstance(values, list) or not all(isinstance(v, Mapping) for v in values):
        raise c.invalid("'values' as a list of {'count': n}", values, where=f"result[{index}]")
    counts = [c.field(v, "count", "a retention value", index) for v in values]
    return c.numbers(counts, f"result[{index}].values").astype(np.float64)


def _period(insight: Mapping[str, Any]) -> str | None:
    block = c.query_source(insight).get("retentionFilter")
    period = block.get("period") if isinstance(block, Mapping) else None
    return period or c.legacy_filters(insight).get("period")
