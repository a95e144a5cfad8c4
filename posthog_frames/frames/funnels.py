"""Funnel results (steps, time to convert, conversion trends) as tidy frames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import _common as c
from posthog_frames.frames.correlation import correlation_frame, is_correlation
from posthog_frames.frames.trends import series_columns

VIEWS = ("steps", "time_to_convert", "trends", "correlation")
STEP_COLUMNS = (
    "step",
    "name",
    "count",
    "conversion_rate",
    "step_conversion_rate",
    "dropped",
    "average_conversion_time",
    "median_conversion_time",
)


def funnel_view(insight: Mapping[str, Any], result: Any = None) -> str:
    """``steps``, ``time_to_convert`` or ``trends``: the result's shape, else the viz type.

    Example:
        >>> funnel_view({}, {"bins": [[0, 3]], "average_conversion_time": 12.0})
        'time_to_convert'
    """
    shape = _shape_view(result)
    if shape:
        return shape
    block = c.query_source(insight).get("funnelsFilter")
    viz = block.get("funnelVizType") if isinstance(block, Mapping) else None
    viz = viz or c.legacy_filters(insight).get("funnel_viz_type")
    return viz if viz in VIEWS else "steps"


def _shape_view(result: Any) -> str | None:
    if is_correlation(result):
        return "correlation"
    if isinstance(result, Mapping):
        return "time_to_convert" if "bins" in result else None
    if not isinstance(result, list) or not result:
        return None
    first = result[0]
    if isinstance(first, list):
        return "steps"
    if not isinstance(first, Mapping):
        return None
    if "bins" in first:
        return "time_to_convert"
    if "data" in first and "days" in first:
        return "trends"
    return "steps" if "count" in first else None


def funnel_frame(result: Any, tz: bool = False) -> pd.DataFrame:
    """A funnel result as a frame; the view (in ``df.attrs["view"]``) follows the result.

    - steps: one row per step (per breakdown value / compare period): ``step`` (1-based),
      ``name``, ``count``, ``conversion_rate`` (of step 1), ``step_conversion_rate`` (of the
      previous step; 1 at step 1), ``dropped`` (0 at step 1), ``average_conversion_time`` and
      ``median_conversion_time`` (seconds), + ``breakdown_value`` / ``compare_label``.
      Rates are 0..1; a rate over a zero count is NaN, so when nobody entered the funnel
      (step 1 count 0) both rates of every step, step 1 included, are NaN.
    - time_to_convert: ``seconds`` (bin start), ``count`` (+ ``compare_label``); the average
      (a float, or a dict per compare label) in ``df.attrs["average_conversion_time"]``.
    - trends: ``date``, ``conversion_rate`` (0..1) (+ ``breakdown_value``, ``compare_label``);
      dates follow the rule in :mod:`posthog_frames.frames`.
    - correlation: one row per correlated event, ``event``, ``correlation_type``,
      ``success_count``, ``failure_count``, ``odds_ratio`` (see
      :func:`~posthog_frames.frames.correlation.correlation_frame`).

    Example:
        >>> df = funnel_frame(client.insight("C6VbrwPs").raw)
        >>> df[["step", "name", "count", "conversion_rate"]]
           step            name  count  conversion_rate
        0     1       signed up    203         1.000000
        1     2  viewed product    171         0.842365
        2     3   added to cart    100         0.492611
        3     4       purchased     37         0.182266
    """
    data, insight = c.unwrap(result)
    view = funnel_view(insight, data)
    attrs = c.metadata(insight, "funnels", view)
    if view == "time_to_convert":
        return _time_to_convert(data, insight, attrs)
    if view == "trends":
        return _conversion_trends(data, insight, attrs, attrs["timezone"] if tz else None)
    if view == "correlation":
        return correlation_frame(data, insight, attrs)
    return _steps(data, insight, attrs)


def _steps(data: Any, insight: Mapping[str, Any], attrs: dict[str, Any]) -> pd.DataFrame:
    groups = _step_groups(data)
    compare = _group_compare_labels(groups, insight)
    definitions = c.series_definitions(insight)
    rows: dict[str, list] = {key: [] for key in STEP_COLUMNS}
    breakdowns: list[Any] = []
    labels: list[Any] = []
    for g, steps in enumerate(groups):
        counts = c.numbers([_count(s, g, i) for i, s in enumerate(steps)], "count")
        # Step 1 is measured against itself: a rate of 1, or NaN when nobody entered.
        previous = np.concatenate([counts[:1], counts[:-1]])
        with np.errstate(divide="ignore", invalid="ignore"):
            overall = np.where(counts[:1] > 0, counts / counts[:1], np.nan)  # [] stays []
            step_rate = np.where(previous > 0, counts / previous, np.nan)
        rows["step"].extend(range(1, len(steps) + 1))
        rows["name"].extend(_step_name(s, i, definitions) for i, s in enumerate(steps))
        rows["count"].extend(counts.tolist())
        rows["conversion_rate"].extend(overall.tolist())
        rows["step_conversion_rate"].extend(step_rate.tolist())
        rows["dropped"].extend((previous - counts).tolist())
        for key in ("average_conversion_time", "median_conversion_time"):
            rows[key].extend(c.optional_floats((s.get(key) for s in steps), key).tolist())
        breakdowns.extend(_breakdown(s) for s in steps)
        labels.extend([compare[g] if compare else None] * len(steps))
    columns: dict[str, Any] = {
        "step": np.array(rows["step"], dtype=np.int64),
        "name": c.strings(rows["name"]),
        "count": c.numbers(rows["count"], "count"),
        "conversion_rate": np.array(rows["conversion_rate"], dtype=np.float64),
        "step_conversion_rate": np.array(rows["step_conversion_rate"], dtype=np.float64),
        "dropped": c.numbers(rows["dropped"], "count"),
        "average_conversion_time": np.array(rows["average_conversion_time"], dtype=np.float64),
        "median_conversion_time": np.array(rows["median_conversion_time"], dtype=np.float64),
    }
    if any(b is not None for b in breakdowns):
        columns["breakdown_value"] = c.strings(breakdowns)
    if compare:
        columns["compare_label"] = c.strings(labels)
    return c.frame(columns, attrs)


def _count(step: Mapping[str, Any], group: int, index: int) -> Any:
    count = c.field(step, "count", "a funnel step", index)
    if count is None:
        # A step nobody counted has no rate to derive: NaN would pass for "nobody converted".
        raise InvalidResponse(
            f"result[{group}][{index}]: funnel step {step.get('name') or index!r} has 'count': "
            "null, so no rate can be derived from it. Fetch the insight again with "
            'refresh="blocking"; if PostHog itself answers null, open the funnel in PostHog '
            "to check its steps."
        )
    return count


def _step_groups(data: Any) -> list[list[Mapping[str, Any]]]:
    """Step lists: one per breakdown value (list of lists) or compare period (flat, tagged)."""
    expected = "a list of funnel steps, or a list of such lists (one per breakdown value)"
    if not isinstance(data, list):
        raise c.invalid(expected, data)
    groups: list[list[Any]] = []
    if data and all(isinstance(group, list) for group in data):
        groups = [c.require_list(group, expected) for group in data]
    else:
        steps = c.require_list(data, expected)
        seen: set[Any] = set()
        for position, step in enumerate(steps):
            # A new group starts at a new compare label or where a step order repeats.
            order = _order(step, position)
            if (
                not groups
                or step.get("compare_label") != groups[-1][-1].get("compare_label")
                or order in seen
            ):
                groups.append([])
                seen = set()
            seen.add(order)
            groups[-1].append(step)
    return [sorted(group, key=lambda s: _order(s, 0)) for group in groups]


def _order(step: Mapping[str, Any], default: int) -> int:
    order = step.get("order")
    return order if isinstance(order, int) and not isinstance(order, bool) else default


def _group_compare_labels(groups: list[list], insight: Mapping[str, Any]) -> list | None:
    firsts = [group[0] if group else {} for group in groups]
    if any(first.get("breakdown_value") is not None for first in firsts):
        own = [first.get("compare_label") for first in firsts]
        return _checked_labels(own) if any(own) else None
    return _checked_labels(c.compare_labels(firsts, insight))


def _checked_labels(labels: list | None) -> list | None:
    """*labels* when each is text (``current``/``previous``) or null, else InvalidResponse."""
    for i, label in enumerate(labels or ()):
        if label is not None and not isinstance(label, str):
            raise c.invalid(
                "'compare_label' as text ('current' or 'previous')", label, where=f"result[{i}]"
            )
    return labels


def _step_name(step: Mapping[str, Any], position: int, definitions: list) -> Any:
    entity = {
        "custom_name": step.get("custom_name"),
        "name": step.get("name"),
        "id": step.get("action_id"),
    }
    return c.display_name(entity, _order(step, position), definitions, fallback=f"step {position}")


def _breakdown(step: Mapping[str, Any]) -> Any:
    value = step.get("breakdown_value", step.get("breakdown"))
    return c.unwrap_breakdown(value)


def _time_to_convert(data: Any, insight: Mapping[str, Any], attrs: dict[str, Any]) -> pd.DataFrame:
    objects = [data] if isinstance(data, Mapping) else data
    expected = "a time-to-convert object {'bins': [[seconds, count], ...]} (or a list of them)"
    objects = c.require_list(objects, expected)
    labels = _checked_labels(c.compare_labels(objects, insight))
    if labels is None and len(objects) > 1:
        # PostHog only answers a list of histograms when comparing: current first.
        labels = [
            "current" if i < (len(objects) + 1) // 2 else "previous" for i in range(len(objects))
        ]
    seconds: list[Any] = []
    counts: list[Any] = []
    row_labels: list[Any] = []
    averages: dict[Any, float] = {}
    medians: dict[Any, float] = {}
    for i, obj in enumerate(objects):
        bins = c.field(obj, "bins", "a time-to-convert object", i)
        if not isinstance(bins, list) or not all(isinstance(b, list) and len(b) == 2 for b in bins):
            raise c.invalid("'bins' as [[seconds, count], ...]", bins, where=f"result[{i}]")
        label = labels[i] if labels else None
        seconds.extend(b[0] for b in bins)
        counts.extend(b[1] for b in bins)
        row_labels.extend([label] * len(bins))
        for key, store in (
            ("average_conversion_time", averages),
            ("median_conversion_time", medians),
        ):
            if key in obj:
                store[label] = float(c.optional_floats([obj[key]], key)[0])
    columns: dict[str, Any] = {
        "seconds": c.numbers(seconds, "bins seconds"),
        "count": c.numbers(counts, "bins count"),
    }
    if labels:
        columns["compare_label"] = c.strings(row_labels)
    for key, store in (("average_conversion_time", averages), ("median_conversion_time", medians)):
        if store:
            attrs[key] = dict(store) if labels else next(iter(store.values()))
    return c.frame(columns, attrs)


def _conversion_trends(
    data: Any, insight: Mapping[str, Any], attrs: dict[str, Any], zone: str | None
) -> pd.DataFrame:
    items = c.require_list(data, "a list of funnel trend series (dicts with 'data' and 'days')")
    columns, _ = series_columns(items, insight, x="date", zone=zone)
    percent = columns["value"].astype(np.float64)
    outside = percent[(percent < 0) | (percent > 100)]
    if outside.size:
        raise c.invalid(
            "conversion rates as percentages 0..100 in 'data' (a trends series has counts: "
            "pass kind='trends', or leave kind= out)",
            outside[:3].tolist(),
        )
    out: dict[str, Any] = {"date": columns["date"], "conversion_rate": percent / 100.0}
    for key in ("breakdown_value", "compare_label"):
        if key in columns:
            out[key] = columns[key]
    return c.frame(out, attrs)
