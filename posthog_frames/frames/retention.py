"""Retention results as a cohort matrix (cohort start x period)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import _common as c
from posthog_frames.frames import _dates as d

PERIODS = ("Hour", "Day", "Week", "Month")
_LABEL = re.compile(r"^\s*(hour|day|week|month)s?\b", re.IGNORECASE)
# Gaps between consecutive cohort starts that identify a period (months run 28 to 31 days).
_SPACING = (
    ("Hour", pd.Timedelta(hours=1), pd.Timedelta(hours=1)),
    ("Day", pd.Timedelta(days=1), pd.Timedelta(days=1)),
    ("Week", pd.Timedelta(days=7), pd.Timedelta(days=7)),
    ("Month", pd.Timedelta(days=28), pd.Timedelta(days=31)),
)


def retention_frame(result: Any, percent: bool = False, tz: bool = False) -> pd.DataFrame:
    """A retention result as a cohort matrix.

    Index ``cohort`` (cohort start; with a breakdown, a MultiIndex ``breakdown_value``,
    ``cohort``), columns the integer periods 0..N, values the counts: int64 when the matrix is
    full, else float64 with NaN where the period has not happened yet. ``percent=True`` divides
    each row by its period 0 (0..1; a cohort of size 0 gives NaN). Cohort sizes (period 0) are in
    ``df.attrs["cohort_sizes"]``, a list in row order (None where unknown) — a plain list so the
    attrs survive ``to_parquet``; ``pd.Series(df.attrs["cohort_sizes"], index=df.index)`` maps
    them to cohorts. The period unit (Hour, Day, Week, Month) is in ``df.attrs["period"]``: the
    result's own, read from its labels ("Week 3") or the spacing of its cohorts, before the
    definition's. ``df.attrs["in_progress"]`` is True when each cohort's last period had not
    ended when PostHog computed the result (the insight runs up to now, or its ``date_to`` falls
    in the period of ``last_refresh``), as PostHog marks those cells: their counts are partial.
    Dates follow the rule in :mod:`posthog_frames.frames`.

    Legacy insights with breakdowns answer one row per breakdown value and no cohort dates
    (``{"values", "label": "Chrome::96", "breakdown_values"}``): the index is then
    ``breakdown_value`` alone (a tuple for several breakdown properties).

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
    attrs = c.metadata(insight, "retention", "table")
    index = _index(rows, attrs["timezone"] if tz else None)
    sizes = matrix[:, 0] if width else np.full(len(rows), np.nan)
    attrs["cohort_sizes"] = [int(size) if size == size else None for size in sizes.tolist()]
    period = _period(rows, index, insight)
    if period:
        attrs["period"] = period
    attrs["in_progress"] = _in_progress(insight, period)
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


def _index(rows: list[Mapping[str, Any]], zone: str | None) -> pd.Index:
    """Cohort starts (with the breakdown value in front when rows carry one)."""
    if rows and all("date" not in row and "breakdown_values" in row for row in rows):
        values = [c.unwrap_breakdown(row["breakdown_values"]) for row in rows]
        return pd.Index(c.strings(values), name="breakdown_value", tupleize_cols=False)
    dates = [_date(row, i) for i, row in enumerate(rows)]
    cohorts = d.bucket_dates(dates, zone, "date")
    cohorts.name = "cohort"
    if not any("breakdown_value" in row for row in rows):
        return cohorts
    breakdowns = [c.unwrap_breakdown(row.get("breakdown_value")) for row in rows]
    return pd.MultiIndex.from_arrays(
        [pd.Index(c.strings(breakdowns), name="breakdown_value"), cohorts]
    )


def _date(row: Mapping[str, Any], index: int) -> Any:
    if "date" in row:
        return row["date"]
    raise InvalidResponse(
        f"result[{index}]: a retention row without a 'date' (the cohort's start) and without "
        "'breakdown_values' (the legacy breakdown form), so it belongs to no cohort. Pass the "
        "whole insight as PostHog answered it; rows edited by hand need one of the two."
    )


def _counts(row: Mapping[str, Any], index: int) -> np.ndarray:
    values = c.field(row, "values", "a retention cohort", index)
    if not isinstance(values, list) or not all(isinstance(v, Mapping) for v in values):
        raise c.invalid("'values' as a list of {'count': n}", values, where=f"result[{index}]")
    counts = [c.field(v, "count", "a retention value", index) for v in values]
    return c.numbers(counts, f"result[{index}].values").astype(np.float64)


def _period(rows: list[Mapping[str, Any]], index: pd.Index, insight: Mapping[str, Any]) -> Any:
    """The period PostHog computed: its labels ("Week 3"), else the cohorts' spacing, else the
    definition. Old answers carry a `filters.period` that contradicts their own labels."""
    found = {_LABEL.match(row["label"]) for row in rows if isinstance(row.get("label"), str)}
    words = {match.group(1).capitalize() for match in found if match}
    if len(words) == 1 and None not in found:
        return words.pop()
    spaced = _spacing(index)
    if spaced:
        return spaced
    block = c.query_source(insight).get("retentionFilter")
    period = block.get("period") if isinstance(block, Mapping) else None
    return period or c.legacy_filters(insight).get("period")


_PERIOD_FREQ = {"Hour": "h", "Day": "D", "Week": "W-SAT", "Month": "M"}  # dayjs weeks: Sunday


def _in_progress(insight: Mapping[str, Any], period: Any) -> bool:
    """Whether each row's last period was still running when PostHog computed the result.

    PostHog's own rule (``retentionTableLogic.ts``, ``periodIsLatest``): yes without a
    ``date_to``; else when ``date_to`` falls in the current period. "Current" is read from
    ``last_refresh`` (when the result was computed), so the answer never depends on today.
    """
    date_range = c.query_source(insight).get("dateRange")
    date_to = date_range.get("date_to") if isinstance(date_range, Mapping) else None
    date_to = date_to or c.legacy_filters(insight).get("date_to")
    if not date_to:
        return True
    freq = _PERIOD_FREQ.get(str(period).capitalize())
    computed = insight.get("last_refresh")
    if freq is None or not computed:
        return False
    try:
        end, now = _naive(date_to), _naive(computed)
    except (ValueError, TypeError):
        return False  # a relative date_to ("-7d"): PostHog's check fails on it too
    return bool(end.to_period(freq) == now.to_period(freq))


def _naive(text: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(text)
    return stamp.tz_convert(None) if stamp.tz is not None else stamp


def _spacing(index: pd.Index) -> str | None:
    cohorts = index.get_level_values("cohort") if "cohort" in (index.names or ()) else None
    if cohorts is None or len(cohorts.unique()) < 2:
        return None
    gaps = pd.Series(cohorts.unique().sort_values()).diff().dropna()
    for name, low, high in _SPACING:
        if ((gaps >= low) & (gaps <= high)).all():
            return name
    return None
