"""Retention: cohorts by the first (or each) occurrence of the target event, returning on the
returning event; a triangular table of ``totalIntervals`` rows (row i has N − i values).

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> rows = compute({"kind": "RetentionQuery", "retentionFilter": {"period": "Day",
    ...     "targetEntity": {"id": "signed up", "type": "events"},
    ...     "returningEntity": {"id": "$pageview", "type": "events"}}}, ctx)
    >>> rows[0]["label"], len(rows[0]["values"]) - len(rows[-1]["values"])
    ('Day 0', 10)
"""

from __future__ import annotations

import pandas as pd

from posthog_frames.demo.analytics._common import (
    Context,
    bucket_of,
    floor_to,
    iso,
    resolve_range,
    select_events,
    series_event,
)
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["PERIODS", "cohorts", "compute"]

PERIODS = {"Hour": "hour", "Day": "day", "Week": "week", "Month": "month"}


def _bucket_index(ctx: Context, frame: pd.DataFrame, starts: list, interval: str) -> pd.Series:
    position = {b: i for i, b in enumerate(starts)}
    keys = bucket_of(frame["timestamp"], interval, ctx.timezone)
    return keys.map(position)


def cohorts(source: dict, ctx: Context) -> tuple[list, pd.DataFrame, pd.DataFrame]:
    """The table's row starts, its cohorts (``person_id, i``: person in row i) and the returns
    (``person_id, i, k``: a person of row i came back k periods later)."""
    rf = source.get("retentionFilter") or {}
    rtype = rf.get("retentionType") or "retention_first_time"
    period = rf.get("period") or "Day"
    if period not in PERIODS:
        raise DemoValidationError(f"Unknown retention period {period!r}.", attr="period")
    interval = PERIODS[period]
    total = int(rf.get("totalIntervals") or 11)
    if not 1 <= total <= 120:
        raise DemoValidationError(
            "totalIntervals must be between 1 and 120.", attr="totalIntervals"
        )
    if rtype not in ("retention_first_time", "retention_recurring"):
        raise DemoValidationError(f"Unknown retentionType {rtype!r}.", attr="retentionType")
    target = rf.get("targetEntity") or {"id": "$pageview", "type": "events"}
    returning = rf.get("returningEntity") or target
    end = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone, default_from="-11d").end
    starts = [floor_to(end, interval)]
    for _ in range(total - 1):
        starts.insert(0, floor_to(starts[0] - pd.Timedelta(microseconds=1), interval))
    props = source.get("properties")
    tgt = select_events(ctx, series_event(target), properties=(target.get("properties"), props))
    tgt = tgt[tgt["timestamp"] <= end]
    if rtype == "retention_first_time":
        # The cohort is fixed by the first occurrence ever, even before the table's first row.
        tgt = tgt.sort_values("timestamp").drop_duplicates("person_id")
    found = (
        tgt.assign(i=_bucket_index(ctx, tgt, starts, interval))
        .dropna(subset=["i"])
        .drop_duplicates(["person_id", "i"])
    )
    back = select_events(
        ctx, series_event(returning), properties=(returning.get("properties"), props)
    )
    back = back[back["timestamp"] <= end]
    active = pd.DataFrame(
        {"person_id": back["person_id"], "j": _bucket_index(ctx, back, starts, interval)}
    ).dropna()
    pairs = found[["person_id", "i"]].merge(active.drop_duplicates(), on="person_id")
    pairs = pairs[pairs["j"] > pairs["i"]]
    returns = pairs.assign(k=pairs["j"] - pairs["i"])[["person_id", "i", "k"]]
    return starts, found[["person_id", "i"]], returns


def compute(source: dict, ctx: Context) -> list[dict]:
    """Run a ``RetentionQuery`` source against the demo log."""
    rf = source.get("retentionFilter") or {}
    period = rf.get("period") or "Day"
    starts, found, returns = cohorts(source, ctx)
    total = len(starts)
    returned = returns.groupby(["i", "k"]).size()
    sizes = found.groupby("i").size()
    rows = []
    # The shape of today's RetentionQueryRunner._calculate (posthog/hogql_queries/insights/
    # retention_query_runner.py): each value is {count, label}; the people/people_url of the
    # legacy runner are gone (schema: RetentionResult/RetentionValue forbid other keys).
    for i, start in enumerate(starts):
        values = [
            {
                "count": int(sizes.get(i, 0) if k == 0 else returned.get((i, k), 0)),
                "label": f"{period} {k}",
            }
            for k in range(total - i)
        ]
        rows.append({"values": values, "label": f"{period} {i}", "date": iso(start)})
    return rows
