"""Funnels: steps, breakdown (list of lists), time to convert and historical trends.

Every step-0 event inside the date range starts an attempt (any step's event, unordered); each
later step is the first matching event at or after the previous step (strict: the very next
event) within the conversion window (default 14 days) of step 0. A person (per breakdown
value) counts at their furthest attempt, the earliest one on ties — PostHog's "first touch"
attribution.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> steps = compute({"kind": "FunnelsQuery", "series": [{"event": "signed up"},
    ...                  {"event": "purchased"}]}, ctx)
    >>> steps[0]["order"], steps[1]["count"] <= steps[0]["count"]
    (0, True)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.demo.analytics._common import (
    BREAKDOWN_NULL,
    Context,
    DateRange,
    bucket_of,
    check_interval,
    format_day,
    format_label,
    persons_url,
    property_values,
    resolve_range,
    select_events,
    series_event,
    series_name,
    series_type,
)
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["attempts", "best_attempts", "compute"]

_UNITS = {
    "second": "s",
    "minute": "min",
    "hour": "h",
    "day": "D",
    "week": "W",
}


def _window(funnels_filter: dict) -> pd.Timedelta:
    n = int(funnels_filter.get("funnelWindowInterval") or 14)
    unit = funnels_filter.get("funnelWindowIntervalUnit") or "day"
    if unit == "month":
        return pd.Timedelta(days=30 * n)
    if unit not in _UNITS:
        raise DemoValidationError(
            f"Unknown funnelWindowIntervalUnit {unit!r}.", attr="funnelWindowIntervalUnit"
        )
    return pd.Timedelta(n, unit=_UNITS[unit])


def attempts(ctx: Context, source: dict, period: DateRange) -> pd.DataFrame:
    """One row per attempt: ``person_id, t0..t{n-1}`` (NaT = not reached), ``reached``.

    ``funnelOrderType`` (PostHog's funnel classes): ``ordered`` starts an attempt at each step-0
    event and takes each later step as the first matching event at or after the previous one;
    ``strict`` needs each step to be the person's very next event (any event counts as one in
    between); ``unordered`` starts an attempt at any step's event and counts the distinct steps
    done within the window, ``t{k}`` being when the k-th of them was first done. A
    ``breakdown`` column holds the breakdown value of the attempt (its first event's property,
    or the person's) when the query has a ``breakdownFilter``.
    """
    series = source.get("series") or []
    if len(series) < 2:
        raise DemoValidationError("A funnel needs at least two steps.", attr="series")
    ff = source.get("funnelsFilter") or {}
    order = ff.get("funnelOrderType") or "ordered"
    window = _window(ff)
    props = source.get("properties")
    frames = [
        select_events(
            ctx, series_event(n), properties=(n.get("properties"), props), date_range=period
        )
        for n in series
    ]
    if order == "strict":
        att, first = _strict(ctx, series, props, period, window)
    elif order == "unordered":
        att, first = _unordered(frames, window)
    else:
        att, first = _ordered(frames, series, window), frames[0]
    breakdown = source.get("breakdownFilter") or {}
    if breakdown.get("breakdown"):
        values = property_values(
            ctx, first, str(breakdown["breakdown"]), breakdown.get("breakdown_type") or "event"
        )
        att["breakdown"] = (
            values.astype(object).where(values.notna(), BREAKDOWN_NULL).astype(str).to_numpy()
        )
    steps = [f"t{k}" for k in range(len(series))]
    att["reached"] = att[steps].notna().cumprod(axis=1).sum(axis=1)
    return att


def _ordered(frames: list[pd.DataFrame], series: list[dict], window: pd.Timedelta) -> pd.DataFrame:
    first = frames[0]
    att = pd.DataFrame(
        {"person_id": first["person_id"].to_numpy(), "t0": first["timestamp"].to_numpy()}
    )
    att["t0"] = _utc_us(att["t0"])
    prev = "t0"
    for k in range(1, len(series)):
        col = f"t{k}"
        right = frames[k][["person_id", "timestamp"]].rename(columns={"timestamp": col})
        right[col] = _utc_us(right[col])
        right = right.sort_values(col)
        same = series_event(series[k]) == series_event(series[k - 1])
        live = att[att[prev].notna()].reset_index().sort_values(prev)
        if len(live) and len(right):
            merged = pd.merge_asof(
                live[["index", "person_id", prev]],
                right,
                left_on=prev,
                right_on=col,
                by="person_id",
                direction="forward",
                allow_exact_matches=not same,  # one event cannot fill two steps
            ).set_index("index")[col]
            att[col] = merged.reindex(att.index)
        else:
            att[col] = pd.NaT
        att[col] = _utc_us(att[col])
        att.loc[att[col] > att["t0"] + window, col] = pd.NaT
        prev = col
    return att


def _strict(
    ctx: Context, series: list[dict], props: Any, period: DateRange, window: pd.Timedelta
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each step must be the person's next event: shift every person's stream by k."""
    stream = select_events(ctx, None, properties=(props,), date_range=period)
    stream = stream.sort_values(["person_id", "timestamp", "uuid"], kind="stable")
    stream = stream.reset_index(drop=True)
    matches = [
        select_events(ctx, series_event(n), properties=(n.get("properties"),), date_range=period)
        for n in series
    ]
    hits = [stream["uuid"].isin(m["uuid"]).to_numpy() for m in matches]
    starts = np.nonzero(hits[0])[0]
    person = stream["person_id"].to_numpy()
    micros = _utc_us(stream["timestamp"]).to_numpy(dtype="datetime64[us]").astype(np.int64)
    limit = micros[starts] + int(window / pd.Timedelta(microseconds=1))
    att = pd.DataFrame({"person_id": person[starts], "t0": _stamps(micros[starts])})
    alive = np.ones(starts.size, bool)
    for k in range(1, len(series)):
        at = np.minimum(starts + k, len(stream) - 1)
        alive &= (starts + k < len(stream)) & (person[at] == person[starts]) & hits[k][at]
        alive &= micros[at] <= limit
        att[f"t{k}"] = _stamps(np.where(alive, micros[at], np.iinfo(np.int64).min))
    return att, stream.iloc[starts]


def _stamps(micros: np.ndarray) -> pd.Series:
    """Microseconds since the epoch as UTC datetimes (int64's minimum: NaT)."""
    return _utc_us(pd.Series(micros.astype("datetime64[us]")))


def _unordered(
    frames: list[pd.DataFrame], window: pd.Timedelta
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Any step may come first: count the distinct steps done within the window."""
    tagged = pd.concat(
        [f.assign(_step=k) for k, f in enumerate(frames)], ignore_index=True
    ).sort_values("timestamp", kind="stable")
    tagged["timestamp"] = _utc_us(tagged["timestamp"])
    rows = []
    for _, events in tagged.groupby("person_id", sort=False):
        times = events["timestamp"].to_numpy()
        steps = events["_step"].to_numpy()
        for i in range(len(events)):
            inside = (times >= times[i]) & (times <= times[i] + window.to_timedelta64())
            done = pd.Series(times[inside]).groupby(steps[inside]).min().sort_values()
            rows.append((i, events.index[i], done.to_numpy()))
    n = len(frames)
    index = [label for _, label, _ in rows]
    att = pd.DataFrame({"person_id": tagged.loc[index, "person_id"].to_numpy()})
    for k in range(n):
        att[f"t{k}"] = _utc_us(
            pd.Series([done[k] if k < len(done) else pd.NaT for _, _, done in rows], dtype=object)
        )
    return att, tagged.loc[index]


def _utc_us(values: pd.Series) -> pd.Series:
    # One resolution on both sides of merge_asof: pandas 2 parses to ns, pandas 3 keeps us.
    return pd.to_datetime(values, utc=True).dt.as_unit("us")


def best_attempts(att: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each unit's (person, breakdown, ...) furthest attempt, the earliest one on ties."""
    ordered = att.sort_values(["reached", "t0"], ascending=[False, True], kind="stable")
    return ordered.drop_duplicates(keys, keep="first")


def _step_times(best: pd.DataFrame, k: int) -> pd.Series:
    done = best[best["reached"] > k]
    return (done[f"t{k}"] - done[f"t{k - 1}"]).dt.total_seconds()


def _steps(ctx: Context, source: dict, best: pd.DataFrame, value: Any) -> list[dict]:
    out = []
    for k, node in enumerate(source.get("series") or []):
        event = series_event(node)
        times = _step_times(best, k) if k else pd.Series(dtype=float)
        avg = float(times.mean()) if len(times) else None
        median = float(times.median()) if len(times) else None
        step: dict[str, Any] = {
            "action_id": event,
            "name": series_name(node),
            "custom_name": node.get("custom_name"),
            "order": k,
            "people": [],
            "count": int((best["reached"] > k).sum()),
            "type": series_type(node),
            "average_conversion_time": avg,
            "median_conversion_time": median,
        }
        drill = {"funnel_step": k + 1, "insight": "FUNNELS"}
        if value is not None:
            step["breakdown"] = [value]
            step["breakdown_value"] = [value]
            drill["funnel_step_breakdown"] = value
        step["converted_people_url"] = "/" + persons_url(ctx, "funnel", drill)
        step["dropped_people_url"] = (
            "/" + persons_url(ctx, "funnel", {**drill, "funnel_step": -(k + 1)}) if k else None
        )
        out.append(step)
    return out


def _time_to_convert(source: dict, best: pd.DataFrame) -> dict:
    ff = source.get("funnelsFilter") or {}
    n = len(source.get("series") or [])
    from_step = int(ff.get("funnelFromStep") or 0)
    to_step = int(ff.get("funnelToStep") or n - 1)
    if not 0 <= from_step < to_step < n:
        raise DemoValidationError(
            f"funnelToStep can only be one of {', '.join(map(str, range(1, n)))} for time to "
            "convert.",
            attr="funnelToStep",
        )
    done = best[best["reached"] > to_step]
    secs = (done[f"t{to_step}"] - done[f"t{from_step}"]).dt.total_seconds().to_numpy()
    if secs.size == 0:
        return {"bins": [], "average_conversion_time": None, "median_conversion_time": None}
    # PostHog's histogram: cbrt(n) bins (1..60, or binCount 1..90), from floor(min) to ceil(max).
    count = ff.get("binCount")
    bins = (
        min(90, max(1, int(count))) if count else min(60, max(1, math.ceil(secs.size ** (1 / 3))))
    )
    lo, hi = math.floor(secs.min()), math.ceil(secs.max())
    width = math.ceil((hi - lo) / bins) or 60
    idx = np.floor((secs - lo) / width).astype(int)
    counts = np.bincount(idx, minlength=bins + 1)
    return {
        "bins": [[lo + i * width, int(counts[i])] for i in range(bins + 1)],
        "average_conversion_time": round(float(secs.mean()), 2),
        "median_conversion_time": round(float(np.median(secs)), 2),
    }


def _trends(ctx: Context, source: dict, att: pd.DataFrame, period: DateRange) -> list[dict]:
    interval = check_interval(source.get("interval"))
    ff = source.get("funnelsFilter") or {}
    n = len(source.get("series") or [])
    to_step = int(ff.get("funnelToStep") or n - 1)
    att = att.assign(bucket=bucket_of(att["t0"], interval, ctx.timezone))
    best = best_attempts(att, ["person_id", "bucket"])
    buckets = period.buckets(interval)
    entered = best.groupby("bucket").size()
    converted = best[best["reached"] > to_step].groupby("bucket").size()
    data, starts, ends = [], [], []
    for b in buckets:
        total, conv = int(entered.get(b, 0)), int(converted.get(b, 0))
        starts.append(total)
        ends.append(conv)
        data.append(round(100 * conv / total, 2) if total else 0)
    return [
        {
            "count": len(buckets),
            "data": data,
            "days": [format_day(b, interval) for b in buckets],
            "labels": [format_label(b, interval) for b in buckets],
            "reached_from_step_count": starts,
            "reached_to_step_count": ends,
        }
    ]


def compute(source: dict, ctx: Context) -> list | dict:
    """Run a ``FunnelsQuery`` source; the shape depends on ``funnelsFilter.funnelVizType``."""
    period = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone)
    viz = (source.get("funnelsFilter") or {}).get("funnelVizType") or "steps"
    if viz not in ("steps", "time_to_convert", "trends"):
        raise DemoValidationError(f"Unknown funnelVizType {viz!r}.", attr="funnelVizType")
    compare = bool((source.get("compareFilter") or {}).get("compare")) and viz != "trends"
    periods = [("current", period)] + ([("previous", period.previous())] if compare else [])
    results: list = []
    for label, span in periods:
        att = attempts(ctx, source, span)
        if viz == "trends":
            return _trends(ctx, source, att, span)
        if viz == "time_to_convert":
            result: Any = _time_to_convert(source, best_attempts(att, ["person_id"]))
            result = {"compare_label": label, **result} if compare else result
            results.append(result)
            continue
        if "breakdown" in att.columns:
            best = best_attempts(att, ["person_id", "breakdown"])
            sizes = best.groupby("breakdown").size().sort_values(ascending=False, kind="stable")
            results.extend(
                _steps(ctx, source, best[best["breakdown"] == v], v) for v in sizes.index
            )
        else:
            steps = _steps(ctx, source, best_attempts(att, ["person_id"]), None)
            results.extend({**s, "compare_label": label} if compare else s for s in steps)
    if viz == "time_to_convert" and not compare:
        return results[0]
    return results
