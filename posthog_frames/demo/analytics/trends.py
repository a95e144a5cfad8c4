"""Trends: one item per series × breakdown value (× compare period), in PostHog's legacy shape.

Time-series displays carry ``data/labels/days/persons_urls``; the non-time-series ones
(BoldNumber, ActionsPie, ActionsBarValue, ActionsTable, WorldMap) carry ``aggregated_value``
with empty ``data/labels/days`` and a ``persons`` link instead, like PostHog's fixtures. Formulas
(``trendsFilter.formula``, ``formulas`` or ``formulaNodes``) replace the series by one item per
formula, labelled ``Formula (A/B)`` (``trends_query_runner.apply_formula``). :func:`point_rows`
gives the events behind one number, for the persons drill-down.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> items = compute({"kind": "TrendsQuery", "series": [{"event": "$pageview"}]}, ctx)
    >>> items[0]["label"], len(items[0]["data"]) == len(items[0]["days"])
    ('$pageview', True)
"""

from __future__ import annotations

import copy
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
    floor_to,
    format_day,
    format_label,
    legacy_filter,
    next_bucket,
    persons_url,
    property_values,
    resolve_range,
    select_events,
    series_event,
    series_name,
    series_type,
)
from posthog_frames.demo.analytics._maths import active_window, aggregate, apply_formula
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["NON_TIME_SERIES", "compute", "point_rows"]

NON_TIME_SERIES = ("BoldNumber", "ActionsPie", "ActionsBarValue", "ActionsTable", "WorldMap")


def _display(source: dict) -> str:
    return (source.get("trendsFilter") or {}).get("display") or "ActionsLineGraph"


def _series_rows(ctx: Context, source: dict, node: dict, period: DateRange) -> pd.DataFrame:
    """The series' events of *period*, from earlier too when an active-users math looks back."""
    window = active_window(node.get("math"), check_interval(source.get("interval")))
    span = period if window is None else DateRange(period.start - window, period.end)
    return select_events(
        ctx,
        series_event(node),
        properties=(node.get("properties"), source.get("properties")),
        date_range=span,
    )


def _bucket_rows(
    rows: pd.DataFrame, bucket: pd.Timestamp, window: pd.Timedelta | None, interval: str
) -> pd.DataFrame:
    """The events one bucket counts: the bucket's own, or the window ending with it."""
    end = next_bucket(bucket, interval)
    start = bucket if window is None else end - window
    ts = rows["timestamp"]
    return rows[((ts >= start) & (ts < end)).to_numpy()]


def _per_bucket(
    frame: pd.DataFrame, buckets: list, node: dict, ctx: Context, interval: str
) -> list[float]:
    math, prop = node.get("math"), node.get("math_property")
    window = active_window(math, interval)
    if window is not None:
        return [aggregate(_bucket_rows(frame, b, window, interval), math, prop) for b in buckets]
    keys = bucket_of(frame["timestamp"], interval, ctx.timezone)
    groups = dict(iter(frame.groupby(keys, sort=False))) if len(frame) else {}
    empty = frame.iloc[:0]
    return [aggregate(groups.get(b, empty), math, prop) for b in buckets]


def _total_rows(rows: pd.DataFrame, node: dict, period: DateRange) -> pd.DataFrame:
    """The events a non-time-series display counts (an active-users math: the last window)."""
    window = active_window(node.get("math"), "day")
    if window is None:
        return rows[(rows["timestamp"] >= period.start).to_numpy()]
    return rows[(rows["timestamp"] > period.end - window).to_numpy()]


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
    if len(ranked) > limit and not breakdown.get("breakdown_hide_other_aggregation"):
        out.append((BREAKDOWN_OTHER, frame[values.isin(ranked[limit:]).to_numpy()]))
    return out


def _item(
    ctx: Context, source: dict, node: dict, order: int, period: DateRange, value: Any, rows
) -> dict:
    interval = check_interval(source.get("interval"))
    display = _display(source)
    event = series_event(node)
    name = series_name(node)
    breakdown = source.get("breakdownFilter") or {}
    item: dict[str, Any] = {
        "action": action_dict(node, order),
        "label": name if value is None else f"{name} - {value}",
    }
    entity = {"entity_id": event, "entity_type": series_type(node), "entity_math": node.get("math")}
    drill = {**entity}
    if value is not None:
        drill |= {"breakdown_value": value, "breakdown_type": breakdown.get("breakdown_type")}
    echo = legacy_filter(source, period, "TRENDS")
    if display in NON_TIME_SERIES:
        total = aggregate(
            _total_rows(rows, node, period), node.get("math"), node.get("math_property")
        )
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


def _formulas(source: dict) -> list[tuple[str, str | None]]:
    """(formula, custom name) pairs: formulaNodes, else formulas, else formula."""
    trends = source.get("trendsFilter") or {}
    if trends.get("formulaNodes"):
        return [(n.get("formula"), n.get("custom_name")) for n in trends["formulaNodes"]]
    if trends.get("formulas"):
        return [(f, None) for f in trends["formulas"]]
    return [(trends["formula"], None)] if trends.get("formula") else []


def _apply_formulas(source: dict, items: list[dict], count: int) -> list[dict]:
    """One item per formula (per breakdown value, else per compare period)."""
    breakdown = bool((source.get("breakdownFilter") or {}).get("breakdown"))
    key = "breakdown_value" if breakdown else "compare_label"
    groups: dict[Any, list[dict | None]] = {}
    for item in items:
        order = item["action"]["order"]
        groups.setdefault(item.get(key), [None] * count)[order] = item
    aggregated = _display(source) in NON_TIME_SERIES
    out = []
    for formula, name in _formulas(source):
        for row in groups.values():
            base = copy.deepcopy(next(i for i in row if i is not None))
            if aggregated:
                values = [[i["aggregated_value"] if i else 0] for i in row]
                base |= {
                    "aggregated_value": float(sum(apply_formula(formula, values))),
                    "data": None,
                    "count": 0,
                }
            else:
                zeros = [0] * len(base["data"])
                data = apply_formula(formula, [i["data"] if i else zeros for i in row])
                base |= {"data": data, "count": float(sum(data))}
            base |= {"label": name or f"Formula ({formula})", "action": None}
            out.append(base)
    if breakdown:
        out.sort(key=lambda i: i.get("aggregated_value", sum(i.get("data") or [])), reverse=True)
    return out


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
            rows = _series_rows(ctx, source, node, period)
            for value, group in _breakdown_groups(ctx, rows, breakdown, node):
                item = _item(ctx, source, node, order, period, value, group)
                if compare:
                    item |= {"compare": True, "compare_label": label}
                items.append(item)
    return _apply_formulas(source, items, len(series)) if _formulas(source) else items


def point_rows(
    ctx: Context,
    source: dict,
    *,
    series: int = 0,
    day: Any = None,
    breakdown: Any = None,
    compare: str | None = None,
) -> pd.DataFrame:
    """The events behind one number of a trends result: series *series* on *day* (a ``days``
    entry; None for the non-time-series displays), for one *breakdown* value and period.

    Example:
        >>> ctx = demo.app.insight_store().context()
        >>> q = {"series": [{"event": "signed up", "math": "dau"}]}
        >>> day = compute(q, ctx)[0]["days"][-2]
        >>> point_rows(ctx, q, day=day)["person_id"].nunique() == compute(q, ctx)[0]["data"][-2]
        True
    """
    nodes = source.get("series") or []
    if not isinstance(series, int) or not 0 <= series < len(nodes):
        raise DemoValidationError(f"series must be 0 to {len(nodes) - 1}.", attr="series")
    node = nodes[series]
    interval = check_interval(source.get("interval"))
    period = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone)
    period = period.previous() if compare == "previous" else period
    rows = _series_rows(ctx, source, node, period)
    if breakdown is not None:
        wanted = str(breakdown[0] if isinstance(breakdown, list) and breakdown else breakdown)
        groups = dict(_breakdown_groups(ctx, rows, source.get("breakdownFilter") or {}, node))
        rows = groups.get(wanted, rows.iloc[:0])
    if _display(source) in NON_TIME_SERIES or day is None:
        return _total_rows(rows, node, period)
    try:
        moment = pd.Timestamp(str(day))
    except ValueError:
        raise DemoValidationError(f"day {day!r} is not a date.", attr="day") from None
    local = moment.tz_localize(ctx.timezone) if moment.tzinfo is None else moment
    bucket = floor_to(local.tz_convert(ctx.timezone), interval)
    window = active_window(node.get("math"), interval)
    found = _bucket_rows(rows, bucket, window, interval)
    # An active-users point looks back before the period; the others count the period only.
    return found if window is not None else found[(found["timestamp"] >= period.start).to_numpy()]
