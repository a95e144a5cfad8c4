"""Lifecycle: per interval, persons who are new, returning, resurrecting or dormant.

Definitions (PostHog's): *new* = first ever activity in the interval; *returning* = active in
this and the previous interval; *resurrecting* = active now, not in the previous interval, but
active before; *dormant* = active in the previous interval and not in this one (a negative
count). So ``new + returning + resurrecting`` is the number of active persons and
``returning − dormant`` the number active in the previous interval.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> items = compute({"kind": "LifecycleQuery", "series": [{"event": "$pageview"}]}, ctx)
    >>> [i["status"] for i in items]
    ['new', 'dormant', 'resurrecting', 'returning']
"""

from __future__ import annotations

import pandas as pd

from posthog_frames.demo.analytics._common import (
    Context,
    action_dict,
    bucket_of,
    check_interval,
    format_day,
    format_label,
    resolve_range,
    select_events,
    series_event,
    series_name,
    shift_buckets,
)
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["STATUSES", "compute", "status_table", "statuses"]

STATUSES = ("new", "dormant", "resurrecting", "returning")


def status_table(ctx: Context, source: dict) -> tuple[list, pd.DataFrame]:
    """Bucket starts of the range and one row per (person, bucket) with a status: ``person_id,
    bucket, status`` (dormant rows are the bucket after a person's last active one)."""
    series = source.get("series") or []
    if len(series) != 1:
        raise DemoValidationError("A lifecycle query takes exactly one series.", attr="series")
    interval = check_interval(source.get("interval"))
    period = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone)
    node = series[0]
    rows = select_events(
        ctx, series_event(node), properties=(node.get("properties"), source.get("properties"))
    )
    rows = rows[rows["timestamp"] <= period.end]
    pairs = pd.DataFrame(
        {
            "person_id": rows["person_id"].reset_index(drop=True),
            "bucket": bucket_of(rows["timestamp"], interval, ctx.timezone).reset_index(drop=True),
        }
    ).drop_duplicates(ignore_index=True)
    first = pairs.groupby("person_id")["bucket"].transform("min")
    seen = pd.MultiIndex.from_frame(pairs[["person_id", "bucket"]])
    prev = pd.MultiIndex.from_arrays(
        [pairs["person_id"], shift_buckets(pairs["bucket"], interval, -1)]
    )
    nxt = shift_buckets(pairs["bucket"], interval, 1)
    has_prev = prev.isin(seen)
    status = pd.Series("resurrecting", index=pairs.index)
    status[has_prev] = "returning"
    status[(pairs["bucket"] == first).to_numpy()] = "new"
    table = pairs.assign(status=status)
    gone = ~pd.MultiIndex.from_arrays([pairs["person_id"], nxt]).isin(seen)
    dormant = pd.DataFrame(
        {
            "person_id": pairs["person_id"][gone].reset_index(drop=True),
            "bucket": nxt[gone].reset_index(drop=True),
            "status": "dormant",
        }
    )
    return period.buckets(interval), pd.concat([table, dormant], ignore_index=True)


def statuses(ctx: Context, source: dict) -> tuple[list, pd.DataFrame]:
    """Bucket starts of the range and a table (bucket × status) of person counts."""
    buckets, table = status_table(ctx, source)
    counts = table.groupby(["bucket", "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=pd.DatetimeIndex(buckets), columns=list(STATUSES), fill_value=0)
    return buckets, counts


def compute(source: dict, ctx: Context) -> list[dict]:
    """Run a ``LifecycleQuery`` source: four trends-shaped items, one per status."""
    buckets, counts = statuses(ctx, source)
    interval = check_interval(source.get("interval"))
    node = source["series"][0]
    name = series_name(node)
    labels = [format_label(b, interval) for b in buckets]
    days = [format_day(b, interval) for b in buckets]
    items = []
    for status in STATUSES:
        sign = -1 if status == "dormant" else 1
        data = [sign * int(v) for v in counts[status]]
        items.append(
            {
                "action": action_dict(node, 0, math="total") | {"math": "total"},
                "label": f"{name} - {status}",
                "count": sum(data),
                "data": data,
                "labels": labels,
                "days": days,
                "status": status,
            }
        )
    return items
