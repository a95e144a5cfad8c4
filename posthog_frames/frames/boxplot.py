"""Box plot trends (display ``BoxPlot``): distribution statistics per series and date bucket.

PostHog has answered them three ways (``boxplot_trends_query_runner.py`` over its history): a
top-level ``boxplot_data`` list beside an empty ``result`` (quartiles named ``p25``/``p75``, or
``q1``/``q3`` at first, with a placeholder series in ``result``), and now the statistics rows as
the ``results`` themselves, with ``series_index`` and ``series_label``. All three convert here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import _common as c
from posthog_frames.frames import _dates as d

STATS = ("min", "p25", "median", "p75", "max", "mean")
_ALIASES = {"p25": ("p25", "q1"), "p75": ("p75", "q3")}
DISPLAY = "BoxPlot"


def is_boxplot(insight: Mapping[str, Any], items: Any, display: str | None) -> bool:
    """Whether the answer is a box plot: by its display, ``boxplot_data``, or its rows' shape."""
    return display == DISPLAY or "boxplot_data" in insight or _are_stats(items)


def _are_stats(items: Any) -> bool:
    return (
        isinstance(items, list)
        and bool(items)
        and all(isinstance(item, Mapping) and {"day", "median"} <= set(item) for item in items)
    )


def boxplot_frame(
    items: Any, insight: Mapping[str, Any], attrs: dict[str, Any], zone: str | None = None
) -> pd.DataFrame:
    """One row per series x date: ``series``, ``label``, ``date``, then ``min``, ``p25``,
    ``median``, ``p75``, ``max``, ``mean`` (floats; a statistic PostHog did not send is NaN)."""
    rows = insight.get("boxplot_data") if "boxplot_data" in insight else items
    if not isinstance(rows, list) or not rows:
        error = insight.get("error")
        said = f" PostHog said: {error!r}." if error else ""
        raise InvalidResponse(
            "This box plot insight carries no statistics (an empty 'boxplot_data' and 'result'),"
            f" so there is nothing to convert.{said} Box plots need a numeric property on every "
            'series: set one in PostHog, then fetch the insight again with refresh="blocking".'
        )
    rows = c.require_list(rows, "box plot statistics (dicts with 'day', 'min', 'median', ...)")
    definitions = c.series_definitions(insight)
    placeholder = items[0] if _placeholder(items) else {}
    names, labels = [], []
    for row in rows:
        position = row.get("series_index")
        position = position if isinstance(position, int) else 0
        action = placeholder.get("action") if position == 0 else None
        name = c.display_name(action, position, definitions, fallback=row.get("series_label"))
        names.append(name or "value")
        labels.append(row.get("series_label") or placeholder.get("label") or name or "value")
    days = [c.field(row, "day", "a box plot statistic", i) for i, row in enumerate(rows)]
    dates = d.DateCache(zone)(days, "boxplot_data.day")
    columns: dict[str, Any] = {
        "series": c.strings(names),
        "label": c.strings(labels),
        "date": dates if zone is None else d.in_zone(dates, zone).array,
    }
    for stat in STATS:
        keys = _ALIASES.get(stat, (stat,))
        values = [next((row[k] for k in keys if k in row), None) for row in rows]
        columns[stat] = c.optional_floats(values, f"boxplot_data {stat}")
    properties = {s.get("math_property") for s in definitions if s.get("math_property")}
    if len(properties) == 1:
        attrs["math_property"] = properties.pop()
    return c.frame(columns, attrs)


def _placeholder(items: Any) -> bool:
    """The first runner's stand-in series: an action and label, ``data: []``, no statistics."""
    return (
        isinstance(items, list)
        and len(items) == 1
        and isinstance(items[0], Mapping)
        and not items[0].get("data")
        and "median" not in items[0]
    )


__all__ = ["DISPLAY", "STATS", "boxplot_frame", "is_boxplot"]
