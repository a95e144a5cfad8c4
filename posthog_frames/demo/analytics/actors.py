"""The persons behind one number of an insight: what PostHog's "view persons" lists.

The actors source nodes of ``posthog/hogql_queries/insights/insight_actors_query_runner.py``:

- ``InsightActorsQuery`` over a trends query: series ``series`` (0 by default), bucket ``day``
  (a ``days`` entry; none for the non-time-series displays), ``breakdown`` value and
  ``compare`` period: each person with an event counted in that number, with ``event_count``
  and ``event_distinct_ids``;
- over a lifecycle query: ``day`` and ``status``; over a retention query: ``interval``, the
  cohort row, each person with ``appearances`` (the periods they came back in, 0 first);
- ``InsightActorsQuery``/``StickinessActorsQuery`` over a stickiness query: ``day``, the number
  of active intervals (``operator`` ``exact``, ``gte`` or ``lte``);
- ``FunnelsActorsQuery``: ``funnelStep`` N reached step N (1-based), -N did step N-1 and
  dropped off before step N (``_get_funnel_person_step_condition``), per
  ``funnelStepBreakdown`` value.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> source = {"kind": "FunnelsQuery", "series": [{"event": "signed up"},
    ...           {"event": "purchased"}], "dateRange": {"date_from": "-30d"}}
    >>> done = actors({"kind": "FunnelsActorsQuery", "source": source, "funnelStep": 2}, ctx)
    >>> lost = actors({"kind": "FunnelsActorsQuery", "source": source, "funnelStep": -2}, ctx)
    >>> len(done) + len(lost) == len(actors({"kind": "FunnelsActorsQuery", "source": source,
    ...                                      "funnelStep": 1}, ctx))
    True
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from posthog_frames.demo.analytics import funnels, lifecycle, retention, stickiness, trends
from posthog_frames.demo.analytics._common import (
    Context,
    check_interval,
    floor_to,
    resolve_range,
)
from posthog_frames.demo.analytics._support import check_supported
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["actors"]


def _trends(node: dict, source: dict, ctx: Context) -> pd.DataFrame:
    rows = trends.point_rows(
        ctx,
        source,
        series=node.get("series") or 0,
        day=node.get("day"),
        breakdown=node.get("breakdown"),
        compare=node.get("compare"),
    )
    grouped = rows.groupby("person_id", sort=False)
    return pd.DataFrame(
        {
            "event_count": grouped.size(),
            "event_distinct_ids": grouped["distinct_id"].agg(lambda ids: sorted(set(ids))),
        }
    ).rename_axis("person_id")


def _lifecycle(node: dict, source: dict, ctx: Context) -> pd.DataFrame:
    if node.get("day") is None or node.get("status") is None:
        raise DemoValidationError("A lifecycle drill-down needs day and status.", attr="day")
    interval = check_interval(source.get("interval"))
    day = pd.Timestamp(str(node["day"]))
    day = day.tz_localize(ctx.timezone) if day.tzinfo is None else day.tz_convert(ctx.timezone)
    _, table = lifecycle.status_table(ctx, source)
    chosen = table[
        (table["bucket"] == floor_to(day, interval)) & (table["status"] == node["status"])
    ]
    return pd.DataFrame(index=pd.Index(chosen["person_id"].unique(), name="person_id"))


def _retention(node: dict, source: dict, ctx: Context) -> pd.DataFrame:
    row = node.get("interval")
    if not isinstance(row, int) or isinstance(row, bool):
        raise DemoValidationError(
            "A retention drill-down needs interval, the cohort's row (0, 1, …).", attr="interval"
        )
    if node.get("breakdown"):
        raise DemoValidationError(
            "Retention breakdowns are not computed by the demo.", attr="breakdown"
        )
    _, found, returns = retention.cohorts(source, ctx)
    persons = found.loc[found["i"] == row, "person_id"].unique()
    back = returns[returns["i"] == row].groupby("person_id")["k"].agg(lambda k: sorted(set(k)))
    appearances = [[0, *[int(k) for k in back.get(p, [])]] for p in persons]
    return pd.DataFrame({"appearances": appearances}, index=pd.Index(persons, name="person_id"))


def _stickiness(node: dict, source: dict, ctx: Context) -> pd.DataFrame:
    try:
        count = int(node["day"])
    except (KeyError, TypeError, ValueError):
        raise DemoValidationError(
            "A stickiness drill-down needs day, the number of active intervals.", attr="day"
        ) from None
    series = source.get("series") or []
    index = node.get("series") or 0
    if not 0 <= index < len(series):
        raise DemoValidationError(f"series must be 0 to {len(series) - 1}.", attr="series")
    per_person = stickiness.active_intervals(ctx, source, series[index])
    operator = node.get("operator") or "exact"
    keep = {"exact": per_person == count, "gte": per_person >= count, "lte": per_person <= count}
    if operator not in keep:
        raise DemoValidationError(f"Unknown operator {operator!r}.", attr="operator")
    return pd.DataFrame(index=pd.Index(per_person[keep[operator]].index, name="person_id"))


def _funnel(node: dict, source: dict, ctx: Context) -> pd.DataFrame:
    for key in ("funnelTrendsDropOff", "funnelTrendsEntrancePeriodStart", "funnelCustomSteps"):
        if node.get(key) is not None:
            raise DemoValidationError(f"{key} is not computed by the demo.", attr=key)
    step = node.get("funnelStep")
    n = len(source.get("series") or [])
    if not isinstance(step, int) or isinstance(step, bool) or not 1 <= abs(step) <= n:
        raise DemoValidationError(
            f"funnelStep must be 1 to {n} (reached that step) or -2 to -{n} (dropped off before "
            "it).",
            attr="funnelStep",
        )
    if step == -1:
        raise DemoValidationError("Nobody drops off before the first step.", attr="funnelStep")
    period = resolve_range(source.get("dateRange"), ctx.now, ctx.timezone)
    att = funnels.attempts(ctx, source, period)
    keys = ["person_id", "breakdown"] if "breakdown" in att.columns else ["person_id"]
    best = funnels.best_attempts(att, keys)
    wanted = node.get("funnelStepBreakdown")
    if wanted is not None and "breakdown" in best.columns:
        value = wanted[0] if isinstance(wanted, list) and len(wanted) == 1 else wanted
        best = best[best["breakdown"] == str(value)]
    chosen = best[best["reached"] >= step] if step > 0 else best[best["reached"] == -step - 1]
    return pd.DataFrame(index=pd.Index(chosen["person_id"].unique(), name="person_id"))


_BY_SOURCE = {
    "TrendsQuery": _trends,
    "LifecycleQuery": _lifecycle,
    "RetentionQuery": _retention,
    "StickinessQuery": _stickiness,
}


def actors(node: dict[str, Any], ctx: Context) -> pd.DataFrame:
    """One row per person behind the number *node* selects, indexed by ``person_id`` (the
    person's UUID), with the source's extra columns."""
    source = node.get("source")
    if not isinstance(source, dict):
        raise DemoValidationError(f"{node.get('kind')} needs a source query.", attr="source")
    kind = source.get("kind")
    if kind == "PathsQuery":
        raise DemoValidationError("Paths drill-downs are not computed by the demo.", attr="source")
    check_supported(source)
    if node.get("kind") == "FunnelsActorsQuery":
        if kind != "FunnelsQuery":
            raise DemoValidationError("FunnelsActorsQuery needs a FunnelsQuery.", attr="source")
        return _funnel(node, source, ctx)
    if kind == "FunnelsQuery":
        raise DemoValidationError(
            "Persons of a funnel step come from a FunnelsActorsQuery.", attr="source"
        )
    return _BY_SOURCE[str(kind)](node, source, ctx)
