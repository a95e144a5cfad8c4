"""Stickiness: how many persons did the event on exactly 1, 2, ... N intervals of the range.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> item = compute({"kind": "StickinessQuery", "series": [{"event": "$pageview"}]}, ctx)[0]
    >>> item["labels"][:2], item["days"][:2]
    (['1 day', '2 days'], [1, 2])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from posthog_frames.demo.analytics._common import (
    Context,
    action_dict,
    bucket_of,
    check_interval,
    legacy_filter,
    persons_url,
    resolve_range,
    select_events,
    series_event,
    series_name,
    series_type,
)
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["active_intervals", "compute"]


def active_intervals(ctx: Context, source: dict, node: dict) -> pd.Series:
    """For each person who did the series' event in the range: on how many intervals."""
    interval = check_interval(source.get("interval"))
    period = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone)
    rows = select_events(
        ctx,
        series_event(node),
        properties=(node.get("properties"), source.get("properties")),
        date_range=period,
    )
    keys = bucket_of(rows["timestamp"], interval, ctx.timezone)
    return keys.groupby(rows["person_id"].to_numpy()).nunique()


def compute(source: dict, ctx: Context) -> list[dict]:
    """Run a ``StickinessQuery`` source: one item per series."""
    series = source.get("series") or []
    if not series:
        raise DemoValidationError("A stickiness query needs at least one series.", attr="series")
    interval = check_interval(source.get("interval"))
    period = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone)
    n = len(period.buckets(interval))
    echo = legacy_filter(source, period, "STICKINESS") | {"shown_as": "Stickiness"}
    items = []
    for order, node in enumerate(series):
        event = series_event(node)
        per_person = active_intervals(ctx, source, node)
        data = np.bincount(per_person.to_numpy(int), minlength=n + 1)[1 : n + 1].tolist()
        entity = {
            "entity_id": event,
            "entity_type": series_type(node),
            "entity_math": node.get("math"),
        }
        items.append(
            {
                "action": action_dict(node, order),
                "label": series_name(node),
                "count": int(sum(data)),
                "data": [int(v) for v in data],
                "labels": [f"{k} {interval}{'s' if k > 1 else ''}" for k in range(1, n + 1)],
                "days": list(range(1, n + 1)),
                "filter": echo,
                "persons_urls": [
                    {
                        "filter": {"stickiness_days": k, **entity},
                        "url": persons_url(
                            ctx, "stickiness", {**echo, "stickiness_days": k, **entity}
                        ),
                    }
                    for k in range(1, n + 1)
                ],
            }
        )
    return items
