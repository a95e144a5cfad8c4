"""Trends: one item per series × breakdown value (× compare period), in PostHog's legacy shape.

Time-series displays carry ``data/labels/days/persons_urls``; the non-time-series ones
(BoldNumber, ActionsPie, ActionsBarValue, ActionsTable, WorldMap) carry ``aggregated_value``
with empty ``data/labels/days`` and a ``persons`` link instead, like PostHog's fixtures.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> items = compute({"kind": "TrendsQuery", "series": [{"event": "$pageview"}]}, ctx)
    >>> items[0]["label"], len(items[0]["data"]) == len(items[0]["days"])
    ('$pageview', True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.demo.analytics._common import (
    BREAKDOWN_NULL,
    BREAKDOWN_OTHER,
    Context,
    DateRange,
    action_dict,
    bucket_of,
    check_interval,
    format_day,
    format_label,
    legacy_filter,
    persons_url,
    property_values,
    resolve_range,
    select_events,
    series_event,
)
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["NON_TIME_SERIES", "compute", "aggregate"]

NON_TIME_SERIES = ("BoldNumber", "ActionsPie", "ActionsBarValue", "ActionsTable", "WorldMap")
_PROPERTY_MATHS = ("sum", "avg", "min", "max", "median")


def aggregate(frame: pd.DataFrame, math: str | None, math_property: str | None) -> float:
    """One number for *frame* under PostHog's ``math``: total (rows), dau (unique persons), ...

    Example:
        >>> log = demo.app.insight_store().context().events
        >>> aggregate(log[log["event"] == "purchased"], "sum", "revenue") > 0
        True
    """
    math = math or "total"
    if math == "total":
        return len(frame)
    if math == "dau":
        return int(frame["person_id"].nunique())
    if math in _PROPERTY_MATHS:
        if not math_property:
            raise DemoValidationError(f"math {math!r} needs a math_property.", attr="math_property")
        if math_property not in frame.columns:
            return 0
        nums = pd.to_numeric(frame[math_property], errors="coerce").dropna()
        if nums.empty:
            return 0
        return round(float(getattr(nums, math)()), 4)
    raise DemoValidationError(
        f"math {math!r} is not supported by the demo; use total, dau, sum, avg, min, max or "
        "median.",
        attr="math",
    )


def _per_bucket(frame: pd.DataFrame, buckets: list, node: dict, ctx: Context, interval: str):
    keys = bucket_of(frame["timestamp"], interval, ctx.timezone)
    groups = dict(iter(frame.groupby(keys, sort=False))) if len(frame) else {}
    empty = frame.iloc[:0]
    return [
        aggregate(groups.get(b, empty), node.get("math"), node.get("math_property"))
        for b in buckets
    ]


def _breakdown_groups(ctx: Context, frame: pd.DataFrame, breakdown: dict, node: dict) -> list:
    """(value, rows) pairs, biggest first; beyond ``breakdown_limit`` (25) rows go to Other."""
    key = breakdown.get("breakdown")
    if not key:
        return [(None, frame)]
    if isinstance(key, list):
        raise DemoValidationError(
            "Multiple breakdowns are not supported by the demo.", attr="breakdown"
        )
    values = property_values(ctx, frame, str(key), breakdown.get("breakdown_type") or "event")
    values = values.astype(object).where(values.notna(), BREAKDOWN_NULL).astype(str)
    groups = {v: frame[values.to_numpy() == v] for v in pd.unique(values)}
    math, prop = node.get("math"), node.get("math_property")
    ranked = sorted(groups, key=lambda v: (-aggregate(groups[v], math, prop), v))
    limit = int(breakdown.get("breakdown_limit") or 25)
    out = [(v, groups[v]) for v in ranked[:limit]]
    if len(ranked) > limit:
        out.append((BREAKDOWN_OTHER, frame[values.isin(ranked[limit:]).to_numpy()]))
    return out


def _item(
    ctx: Context, source: dict, node: dict, order: int, period: DateRange, value: Any, rows
) -> dict:
    interval = check_interval(source.get("interval"))
    display = (source.get("trendsFilter") or {}).get("display") or "ActionsLineGraph"
    event = series_event(node)
    name = node.get("name") or event or "All events"
    breakdown = source.get("breakdownFilter") or {}
    item: dict[str, Any] = {
        "action": action_dict(node, order),
        "label": name if value is None else f"{name} - {value}",
    }
    entity = {"entity_id": event, "entity_type": "events", "entity_math": node.get("math")}
    drill = {**entity}
    if value is not None:
        drill |= {"breakdown_value": value, "breakdown_type": breakdown.get("breakdown_type")}
    echo = legacy_filter(source, period, "TRENDS")
    if display in NON_TIME_SERIES:
        total = aggregate(rows, node.get("math"), node.get("math_property"))
        item |= {"count": 0, "data": [], "labels": [], "days": [], "aggregated_value": total}
        item["filter"] = echo
        params = {**echo, **drill, "entity_order": order}
        item["persons"] = {"filter": {**drill, "entity_order": order}, "url": ""}
        item["persons"]["url"] = persons_url(ctx, "trends", params)
    else:
        buckets = period.buckets(interval)
        data = _per_bucket(rows, buckets, node, ctx, interval)
        if display == "ActionsLineGraphCumulative":
            data = np.cumsum(data).tolist()
        days = [format_day(b, interval) for b in buckets]
        item |= {
            "count": sum(data),
            "data": data,
            "labels": [format_label(b, interval) for b in buckets],
            "days": days,
        }
        item["persons_urls"] = [
            {
                "filter": {**entity, "date_from": d, "date_to": d, **_bd(drill)},
                "url": persons_url(ctx, "trends", {**echo, "date_from": d, "date_to": d, **drill}),
            }
            for d in days
        ]
        item["filter"] = echo
    if value is not None:
        item["breakdown_value"] = value
    return item


def _bd(drill: dict) -> dict:
    return {k: v for k, v in drill.items() if k.startswith("breakdown")}


def compute(source: dict, ctx: Context) -> list[dict]:
    """Run a ``TrendsQuery`` source against the demo log.

    Example:
        >>> ctx = demo.app.insight_store().context()
        >>> compute({"series": [{"event": "signed up", "math": "dau"}],
        ...          "trendsFilter": {"display": "BoldNumber"}}, ctx)[0]["aggregated_value"] >= 0
        True
    """
    series = source.get("series") or []
    if not series:
        raise DemoValidationError("A trends query needs at least one series.", attr="series")
    check_interval(source.get("interval"))
    current = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone)
    compare = bool((source.get("compareFilter") or {}).get("compare"))
    periods = [("current", current)] + ([("previous", current.previous())] if compare else [])
    breakdown = source.get("breakdownFilter") or {}
    items: list[dict] = []
    for label, period in periods:
        for order, node in enumerate(series):
            rows = select_events(
                ctx,
                series_event(node),
                properties=(node.get("properties"), source.get("properties")),
                date_range=period,
            )
            for value, group in _breakdown_groups(ctx, rows, breakdown, node):
                item = _item(ctx, source, node, order, period, value, group)
                if compare:
                    item |= {"compare": True, "compare_label": label}
                items.append(item)
    return items
