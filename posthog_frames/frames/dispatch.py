"""Which converter an insight needs: its kind and view, from its definition or its shape."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from posthog_frames.exceptions import InvalidArgument, UnsupportedInsight
from posthog_frames.frames import _common as c
from posthog_frames.frames.funnels import funnel_frame, funnel_view
from posthog_frames.frames.lifecycle import lifecycle_frame
from posthog_frames.frames.paths import paths_frame
from posthog_frames.frames.retention import retention_frame
from posthog_frames.frames.sql import hogql_frame
from posthog_frames.frames.stickiness import stickiness_frame
from posthog_frames.frames.trends import trends_frame, trends_view

__all__ = ["CONVERTERS", "KINDS", "detect_kind", "insight_frame", "kind_of"]

CONVERTERS: dict[str, Callable[..., pd.DataFrame]] = {
    "trends": trends_frame,
    "stickiness": stickiness_frame,
    "lifecycle": lifecycle_frame,
    "funnels": funnel_frame,
    "retention": retention_frame,
    "paths": paths_frame,
    "sql": hogql_frame,
}
KINDS: tuple[str, ...] = tuple(CONVERTERS)

QUERY_KINDS = {
    "TrendsQuery": "trends",
    "FunnelsQuery": "funnels",
    "RetentionQuery": "retention",
    "PathsQuery": "paths",
    "StickinessQuery": "stickiness",
    "LifecycleQuery": "lifecycle",
    "HogQLQuery": "sql",
    "DataTableNode": "sql",
    "DataVisualizationNode": "sql",
    "ExperimentFunnelsQuery": "funnels",
    "ExperimentTrendsQuery": "trends",
    "ExperimentExposureQuery": "trends",
    "FunnelCorrelationQuery": "funnels",
}
FIXED_VIEWS = {
    "stickiness": "line",
    "lifecycle": "bar",
    "retention": "table",
    "paths": "sankey",
    "sql": "table",
}
_ALIASES = {"funnel": "funnels", "hogql": "sql", "path": "paths", "trend": "trends"}
_SHOWN_AS = {"stickiness": "stickiness", "lifecycle": "lifecycle"}


def detect_kind(insight: Any) -> tuple[str, str]:
    """``(kind, view)`` of an insight, a /query/ response or a bare result.

    The kind comes from ``query`` (InsightVizNode ``source.kind``; DataTableNode,
    DataVisualizationNode, HogQLQuery → ``sql``), else legacy ``filters.insight``, else the
    result's shape. Raises :class:`UnsupportedInsight` (a ValueError) when it cannot tell, or
    the kind is one this library does not convert, naming the supported kinds.

    Example:
        >>> detect_kind({"query": {"kind": "InsightVizNode", "source": {"kind": "FunnelsQuery"}}})
        ('funnels', 'steps')
    """
    insight = c.insight_json(insight)
    insight_map = insight if isinstance(insight, Mapping) else {}
    result = insight if not insight_map else _result_of(insight_map)
    kind = _kind_from_definition(insight_map) or _kind_from_shape(result, insight_map)
    if kind is None:
        raise UnsupportedInsight(
            "Cannot tell which kind of insight this is (no query, no filters.insight and an "
            f"unrecognised result). Pass kind= one of {', '.join(KINDS)}."
        )
    if kind == "trends":
        return kind, trends_view(insight_map, result)
    if kind == "funnels":
        return kind, funnel_view(insight_map, result)
    return kind, FIXED_VIEWS[kind]


def kind_of(insight: Any) -> str:
    """The insight's kind word (as in ``df.attrs["kind"]``), or ``"unknown"``.

    Never raises, so listings of many insights can use it.

    Example:
        >>> kind_of({"filters": {"insight": "RETENTION"}})
        'retention'
    """
    try:
        return detect_kind(insight)[0]
    except UnsupportedInsight:
        return "unknown"


def insight_frame(insight: Any, kind: str | None = None, **options: Any) -> pd.DataFrame:
    """Convert any insight to a DataFrame, choosing the converter from its kind.

    *insight* is a whole insight (JSON or an :class:`~posthog_frames.insight.Insight`), a
    /query/ response, or a bare ``result`` (then give ``kind=``). *options* go to the
    converter (``wide``/``tz`` for trends, ``percent`` for retention …); ``tz`` is ignored by
    kinds without dates.

    Example:
        >>> raw = client.insight("sY43mSt7").raw
        >>> insight_frame(raw).attrs["kind"], insight_frame(raw).shape
        ('retention', (11, 11))
        >>> float(insight_frame(raw["result"], kind="retention", percent=True).iloc[0, 0])
        1.0
    """
    insight = c.insight_json(insight)
    if isinstance(insight, Mapping):
        c.unwrap(insight)  # result: null says "not computed" before any kind is judged
    if kind is None:
        kind = detect_kind(insight)[0]
    else:
        kind = _normalise(kind)
        _check_fits(kind, insight)
    converter = CONVERTERS[kind]
    accepted = set(inspect.signature(converter).parameters) - {"result", "response"}
    options = {k: v for k, v in options.items() if k in accepted or k != "tz"}
    unknown = set(options) - accepted
    if unknown:
        raise InvalidArgument(
            f"{kind} frames take no option {', '.join(sorted(unknown))}; "
            f"they accept: {', '.join(sorted(accepted)) or 'none'}.",
            attr=sorted(unknown)[0],
        )
    return converter(insight, **options)


def _normalise(kind: str) -> str:
    word = str(kind).strip()
    found = QUERY_KINDS.get(word)
    word = found or word.lower().removesuffix("query")
    word = _ALIASES.get(word, word)
    if word not in CONVERTERS:
        raise UnsupportedInsight(
            f"Unknown insight kind {kind!r}; supported kinds: {', '.join(KINDS)}. Pass one of "
            "them, or leave kind= out to detect it from the insight."
        )
    return word


def _check_fits(kind: str, insight: Any) -> None:
    """Refuse a ``kind=`` that the insight's definition, or else its result's shape, denies."""
    insight_map = insight if isinstance(insight, Mapping) else {}
    try:
        found = _kind_from_definition(insight_map)
    except UnsupportedInsight:
        return  # a kind this library does not detect: kind= is how to convert it anyway
    source = "its definition (query or filters) is"
    if found is None:
        result = insight if not insight_map else _result_of(insight_map)
        found = _kind_from_shape(result, insight_map)
        source = "its result has the shape of"
        # Funnel conversion trends and trends series share a shape ({data, days}) when the
        # series carries no action: the trends converter reads either.
        if kind == "trends" and found == "funnels" and _is_series(result):
            return
    if found is not None and found != kind:
        raise UnsupportedInsight(
            f"kind={kind!r} does not fit this insight: {source} {found!r}. Converting it as "
            f"{kind} would give numbers that mean something else; leave kind= out to detect "
            f"it, or pass kind={found!r}."
        )


def _is_series(result: Any) -> bool:
    first = result[0] if isinstance(result, list) and result else None
    return isinstance(first, Mapping) and {"data", "days"} <= set(first)


def _result_of(insight: Mapping[str, Any]) -> Any:
    for key in ("result", "results"):
        if key in insight:
            return insight[key]
    if str(insight.get("kind", "")).startswith("Experiment"):
        return insight.get("insight")
    return insight if "bins" in insight else None


def _kind_from_definition(insight: Mapping[str, Any]) -> str | None:
    query = insight.get("query")
    if isinstance(query, Mapping):
        for node in (query, query.get("source")):
            if isinstance(node, Mapping) and node.get("kind") in QUERY_KINDS:
                return QUERY_KINDS[node["kind"]]
        if query.get("kind") not in (None, "InsightVizNode"):
            _unsupported(query.get("kind"))
        source = query.get("source")
        if isinstance(source, Mapping) and source.get("kind"):
            _unsupported(source.get("kind"))
    if insight.get("kind") in QUERY_KINDS:
        return QUERY_KINDS[insight["kind"]]
    filters = c.legacy_filters(insight)
    legacy = filters.get("insight")
    shown_as = filters.get("shown_as")
    # Old trends insights showed stickiness and lifecycle as TRENDS + shown_as (reference §4).
    trends = legacy is None or (isinstance(legacy, str) and legacy.upper() == "TRENDS")
    if trends and isinstance(shown_as, str) and shown_as.lower() in _SHOWN_AS:
        return _SHOWN_AS[shown_as.lower()]
    if isinstance(legacy, str) and legacy:
        word = legacy.lower()
        word = _ALIASES.get(word, word)
        if word in CONVERTERS:
            return word
        _unsupported(legacy)
    return None


# Kinds old projects still hold, described so the error says what the insight was.
_LEGACY_KINDS = {
    "SESSIONS": (
        "a legacy SESSIONS insight (session lengths, retired by PostHog in 2021; its result is "
        "one {label, count} per length bucket)"
    ),
}


def _unsupported(name: Any) -> None:
    what = _LEGACY_KINDS.get(str(name).upper(), f"Insight kind {name!r}")
    raise UnsupportedInsight(
        f"{what[0].upper()}{what[1:]} is not converted; supported kinds: {', '.join(KINDS)}. "
        "Its JSON is still there to read (Insight.raw, or the dict you passed); to get a frame, "
        "rebuild it in PostHog as one of the supported kinds."
    )


def _kind_from_shape(result: Any, insight: Mapping[str, Any]) -> str | None:
    if "boxplot_data" in insight:  # a box plot's numbers sit beside its (empty) result
        return "trends"
    if isinstance(result, Mapping):
        # time to convert {bins, ...}; funnel correlation {events, skewed}
        return "funnels" if "bins" in result or {"events", "skewed"} <= set(result) else None
    if isinstance(insight.get("columns"), list) and isinstance(result, list):
        return "sql"
    if not isinstance(result, list) or not result:
        return None
    first = result[0]
    if isinstance(first, list):
        return "funnels" if first and isinstance(first[0], Mapping) else None
    if not isinstance(first, Mapping):
        return None
    keys = set(first)
    for needed, kind in (
        ({"bins"}, "funnels"),
        ({"values", "date"}, "retention"),
        ({"values", "breakdown_values"}, "retention"),  # legacy retention with breakdowns
        ({"source", "target"}, "paths"),
        ({"status", "data"}, "lifecycle"),
        ({"aggregated_value"}, "trends"),
        ({"day", "median"}, "trends"),  # box plot statistics, one row per series and bucket
    ):
        if needed <= keys:
            return kind
    if {"data", "days"} <= keys:
        if "action" not in keys:
            return "funnels"  # funnel conversion trends carry no series action
        days = first["days"]
        ints = isinstance(days, list) and days and all(isinstance(d, int) for d in days)
        return "stickiness" if ints else "trends"
    return "funnels" if "count" in keys and ({"order", "action_id"} & keys) else None
