"""Paths: the most common page-to-page links, ``{source: "1_/", target: "2_/pricing", ...}``.

Like PostHog: each person's events are split into sessions at 30-minute gaps, consecutive
repeats of the same item collapse into one (keeping the last), only the first ``stepLimit``
items of a session count (from ``startPoint`` when given; up to ``endPoint``, the last ones
before it when there is no start point), and ``average_conversion_time`` is in milliseconds. The
``edgeLimit`` (default 50) biggest links are returned, biggest first.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> links = compute({"kind": "PathsQuery", "pathsFilter": {"stepLimit": 5}}, ctx)
    >>> links[0]["source"].startswith("1_")
    True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from posthog_frames.demo.analytics._common import Context, resolve_range, select_events
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["SESSION_GAP", "compute"]

SESSION_GAP = pd.Timedelta(minutes=30)


def _items(ctx: Context, source: dict, pf: dict) -> pd.DataFrame:
    kinds = pf.get("includeEventTypes") or ["$pageview"]
    unknown = set(kinds) - {"$pageview", "custom_event"}
    if unknown:
        raise DemoValidationError(
            f"includeEventTypes {sorted(unknown)} not in the demo; use $pageview or custom_event.",
            attr="includeEventTypes",
        )
    period = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone)
    rows = select_events(ctx, None, properties=(source.get("properties"),), date_range=period)
    is_view = (rows["event"] == "$pageview").to_numpy()
    keep = np.zeros(len(rows), bool)
    if "$pageview" in kinds:
        keep |= is_view
    if "custom_event" in kinds:
        keep |= ~is_view & ~rows["event"].str.startswith("$").to_numpy(bool)
    rows = rows[keep]
    item = np.where(
        (rows["event"] == "$pageview").to_numpy(), rows["$current_url"].to_numpy(), rows["event"]
    )
    excluded = set(pf.get("excludeEvents") or [])
    frame = pd.DataFrame(
        {
            "person_id": rows["person_id"].to_numpy(),
            "ts": rows["timestamp"].to_numpy(),
            "item": item.astype(str),
        }
    )
    frame = frame[~frame["item"].isin(excluded)]
    return frame.sort_values(["person_id", "ts"], kind="stable").reset_index(drop=True)


def compute(source: dict, ctx: Context) -> list[dict]:
    """Run a ``PathsQuery`` source against the demo log."""
    pf = source.get("pathsFilter") or {}
    step_limit = int(pf.get("stepLimit") or 5)
    edge_limit = int(pf.get("edgeLimit") or 50)
    frame = _items(ctx, source, pf)
    same_person = frame["person_id"].eq(frame["person_id"].shift())
    new_session = ~same_person | (frame["ts"].diff() >= SESSION_GAP)
    frame["session"] = new_session.cumsum()
    # Collapse runs of one item, keeping the last (its time is what the next step is timed from).
    last_of_run = frame["item"].ne(frame["item"].shift(-1)) | frame["session"].ne(
        frame["session"].shift(-1)
    )
    frame = frame[last_of_run].reset_index(drop=True)
    start, end = pf.get("startPoint"), pf.get("endPoint")
    if start:
        hit = frame["item"].eq(start).groupby(frame["session"]).cummax()
        frame = frame[hit.to_numpy()].reset_index(drop=True)
    if end:
        # Paths to an end point stop there: a session that never reaches it has no path.
        hit = frame["item"].eq(end).groupby(frame["session"]).cummax()
        before = hit.groupby(frame["session"]).shift(fill_value=False)
        reached = hit.groupby(frame["session"]).transform("max")
        frame = frame[(reached & ~before).to_numpy()].reset_index(drop=True)
    if end and not start:
        # Without a start point, the steps leading to the end point are the ones kept.
        frame["step"] = frame.groupby("session").cumcount(ascending=False)
        frame = frame[frame["step"] < step_limit].reset_index(drop=True)
    frame["step"] = frame.groupby("session").cumcount() + 1
    frame = frame[frame["step"] <= step_limit]
    prev = frame.shift(1)
    link = frame[frame["step"] > 1].copy()
    link["source"] = prev["step"].astype("Int64").astype(str) + "_" + prev["item"]
    link["target"] = link["step"].astype(str) + "_" + link["item"]
    link["ms"] = (link["ts"] - prev.loc[link.index, "ts"]).dt.total_seconds() * 1000
    agg = link.groupby(["source", "target"], as_index=False).agg(
        value=("ms", "size"), average_conversion_time=("ms", "mean")
    )
    low, high = pf.get("minEdgeWeight"), pf.get("maxEdgeWeight")
    agg = agg[(agg["value"] >= (low or 0)) & (agg["value"] <= (high or len(link) + 1))]
    agg = agg.sort_values(["value", "source", "target"], ascending=[False, True, True])
    return [
        {
            "source": r.source,
            "target": r.target,
            "value": int(r.value),
            "average_conversion_time": float(r.average_conversion_time),
        }
        for r in agg.head(edge_limit).itertuples(index=False)
    ]
