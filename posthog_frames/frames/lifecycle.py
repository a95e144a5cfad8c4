"""Lifecycle results (new, returning, resurrecting, dormant users per period) as tidy frames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from posthog_frames.frames import _common as c
from posthog_frames.frames.trends import series_columns

STATUSES = ("new", "returning", "resurrecting", "dormant")


def lifecycle_frame(result: Any, tz: bool = False) -> pd.DataFrame:
    """A lifecycle result: one row per date x status.

    Columns ``date``, ``status`` (new, returning, resurrecting, dormant), ``value`` (dormant is
    negative, as PostHog gives it), then ``series`` and ``label`` (+ ``breakdown_value``,
    ``compare_label`` when present). Dates follow the rule in :mod:`posthog_frames.frames`.

    Example:
        >>> df = lifecycle_frame(client.insight("cW54vhj6").raw)
        >>> df.pivot_table(index="date", columns="status", values="value", aggfunc="sum").tail(2)
        status      dormant  new  resurrecting  returning
        date
        2025-03-30      -16    5            19          5
        2025-03-31      -25    9            11          4
    """
    items, insight = c.unwrap(result)
    items = c.require_list(items, "a list of lifecycle series (dicts with 'data' and 'days')")
    statuses = [_status(item, i) for i, item in enumerate(items)]
    attrs = c.metadata(insight, "lifecycle", "bar")
    zone = attrs["timezone"] if tz else None
    columns, rows = series_columns(items, insight, x="date", zone=zone)
    ordered: dict[str, Any] = {
        "date": columns.pop("date"),
        "status": c.repeat(statuses, rows),
        "value": columns.pop("value"),
    }
    ordered.update(columns)
    return c.frame(ordered, attrs)


def _status(item: Mapping[str, Any], index: int) -> str:
    # Older answers lack "status"; their label ends with it ("$pageview - dormant").
    status = item.get("status")
    if status is None and isinstance(item.get("label"), str):
        status = item["label"].rsplit(" - ", 1)[-1]
    if status not in STATUSES:
        raise c.invalid(
            f"a lifecycle 'status' in {STATUSES}", item.get("status"), where=f"result[{index}]"
        )
    return str(status)


__all__ = ["lifecycle_frame", "STATUSES"]
