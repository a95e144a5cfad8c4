"""Calendar heatmap trends (display ``CalendarHeatmap``): counts per weekday and hour.

PostHog answers one trends item per series whose ``data`` is empty and whose numbers are in
``calendar_heatmap_data`` (``calendar_heatmap_trends_query_runner.py``): cells ``{row, column,
value}`` with ``row`` ClickHouse's ``toDayOfWeek`` (1 = Monday … 7 = Sunday) and ``column`` the
hour (0–23, in the project's time zone), plus the total in ``allAggregations``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from posthog_frames.frames import _common as c

KEY = "calendar_heatmap_data"


def is_calendar(items: Any) -> bool:
    """Whether trends *items* carry calendar heatmap cells."""
    return isinstance(items, list) and any(
        isinstance(item, Mapping) and KEY in item for item in items
    )


def calendar_frame(
    items: list[Mapping[str, Any]], identity: dict[str, Any], attrs: dict[str, Any]
) -> pd.DataFrame:
    """One row per cell PostHog sent: the item's identity columns (``series``, ``label``,
    ``math`` …, one value per item in *identity*), then ``weekday`` (1 = Monday … 7 = Sunday),
    ``hour`` (0–23) and ``value``. Cells PostHog left out had nothing in them. The total (or a
    dict of totals by label, for several series) is in ``attrs["total"]``."""
    rows: list[int] = []
    weekdays, hours, values = [], [], []
    totals: dict[Any, Any] = {}
    for i, item in enumerate(items):
        heatmap = c.field(item, KEY, "a calendar heatmap item", i)
        cells = heatmap.get("data") if isinstance(heatmap, Mapping) else None
        cells = c.require_list(cells, "calendar heatmap cells (dicts with 'row', 'column')")
        for cell in cells:
            weekdays.append(c.field(cell, "row", "a calendar heatmap cell", i))
            hours.append(c.field(cell, "column", "a calendar heatmap cell", i))
            values.append(c.field(cell, "value", "a calendar heatmap cell", i))
            rows.append(i)
        totals[item.get("label", i)] = heatmap.get("allAggregations")
    columns: dict[str, Any] = {
        key: c.strings([list(per_item)[j] for j in rows]) for key, per_item in identity.items()
    }
    columns["weekday"] = c.numbers(weekdays, "calendar heatmap rows")
    columns["hour"] = c.numbers(hours, "calendar heatmap columns")
    columns["value"] = c.numbers(values, "calendar heatmap values")
    attrs["total"] = next(iter(totals.values())) if len(totals) == 1 else totals
    return c.frame(columns, attrs)


__all__ = ["KEY", "calendar_frame", "is_calendar"]
