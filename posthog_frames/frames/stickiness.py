"""Stickiness results (how many days in the period users were active) as tidy frames."""

from __future__ import annotations

from typing import Any

import pandas as pd

from posthog_frames.frames import _common as c
from posthog_frames.frames.trends import series_columns


def stickiness_frame(result: Any) -> pd.DataFrame:
    """A stickiness result: one row per series x number of active days.

    Columns ``series``, ``label``, ``days`` (int64: days active in the period), ``value``
    (+ ``breakdown_value``, ``compare_label`` when present). Takes the whole insight or its
    ``result``.

    Example:
        >>> df = stickiness_frame(client.insight("89GO7nIg").raw)
        >>> df.pivot(index="days", columns="series", values="value").head(2)
        series  $pageview
        days
        1             105
        2              62
    """
    items, insight = c.unwrap(result)
    items = c.require_list(items, "a list of stickiness series (dicts with 'data' and 'days')")
    columns, _ = series_columns(items, insight, x="days")
    return c.frame(columns, c.metadata(insight, "stickiness", "line"))
