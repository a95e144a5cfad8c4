"""PostHog insight queries (``TrendsQuery``, ``FunnelsQuery`` …) from keyword arguments. Pure.

Each builder checks every argument against PostHog's query schema (``posthog/schema.py``;
reference §10) and answers the ``InsightVizNode`` the PostHog UI keeps in its URL, so a refusal
happens here, naming the valid choices, before anything is sent. The keyword arguments mirror the
schema in snake_case: ``date_from``/``date_to`` → ``dateRange``, ``breakdown`` →
``breakdownFilter``, ``window`` → ``funnelWindowInterval`` + ``funnelWindowIntervalUnit`` ….

Example:
    >>> q = trends_query("$pageview", interval="week", breakdown="$browser")
    >>> q["source"]["interval"], q["source"]["breakdownFilter"]
    ('week', {'breakdown': '$browser', 'breakdown_type': 'event'})
"""

from __future__ import annotations

from typing import Any

from posthog_frames._reference import (
    FUNNEL_ORDERS,
    FUNNEL_VIZ_TYPES,
    INTERVALS,
    PATH_TYPES,
    RETENTION_PERIODS,
    RETENTION_TYPES,
)
from posthog_frames.exceptions import InvalidArgument, ValidationError
from posthog_frames.queries._checks import one_of, positive_int, text
from posthog_frames.queries._parts import (
    DISPLAY_ALIASES,
    breakdown_filter,
    common_source,
    display_type,
    formula_text,
    funnel_window,
    insight_viz,
    one_series,
    retention_entity,
)
from posthog_frames.queries.series import series_nodes

__all__ = [
    "DISPLAY_ALIASES",
    "funnel_query",
    "insight_source",
    "lifecycle_query",
    "paths_query",
    "retention_query",
    "stickiness_query",
    "trends_query",
]


def insight_source(query: Any) -> dict[str, Any]:
    """The insight query inside an ``InsightVizNode`` (or the query itself).

    Example:
        >>> insight_source(trends_query("$pageview"))["kind"]
        'TrendsQuery'
    """
    if isinstance(query, dict) and query.get("kind") == "InsightVizNode":
        source = query.get("source")
        if isinstance(source, dict):
            return source
    if isinstance(query, dict) and isinstance(query.get("kind"), str):
        return query
    raise InvalidArgument(
        f"Expected a PostHog insight query (a dict with a 'kind'), got {type(query).__name__}.",
        attr="query",
    )


def trends_query(
    series: Any,
    *,
    date_from: Any = "-7d",
    date_to: Any = None,
    interval: str = "day",
    breakdown: Any = None,
    breakdown_type: str = "event",
    properties: Any = None,
    compare: bool = False,
    filter_test_accounts: bool = False,
    display: str | None = None,
    formula: str | None = None,
) -> dict[str, Any]:
    """A ``TrendsQuery`` (see :meth:`posthog_frames.Client.trends` for the arguments).

    Example:
        >>> trends_query(["$pageview", "signed up"], formula="B/A")["source"]["trendsFilter"]
        {'formula': 'B/A'}
    """
    source = common_source(
        "TrendsQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    nodes = series_nodes(series)
    source["series"] = nodes
    source["interval"] = one_of(interval, INTERVALS, "interval")
    found = breakdown_filter(breakdown, breakdown_type)
    if found:
        source["breakdownFilter"] = found
    if not isinstance(compare, bool):
        raise InvalidArgument(f"compare is True or False, got {compare!r}.", attr="compare")
    if compare:
        source["compareFilter"] = {"compare": True}
    trends: dict[str, Any] = {}
    if display is not None:
        trends["display"] = display_type(display)
    if formula is not None:
        # `formula` (not the newer formulaNodes) is read by every PostHog release.
        trends["formula"] = formula_text(formula, len(nodes))
    if trends:
        source["trendsFilter"] = trends
    return insight_viz(source)


def funnel_query(
    steps: Any,
    *,
    window: Any = "14d",
    viz: str = "steps",
    order: str = "ordered",
    breakdown: Any = None,
    breakdown_type: str = "event",
    date_from: Any = "-7d",
    date_to: Any = None,
    interval: str = "day",
    properties: Any = None,
    filter_test_accounts: bool = False,
) -> dict[str, Any]:
    """A ``FunnelsQuery`` (see :meth:`posthog_frames.Client.funnel` for the arguments).

    Example:
        >>> f = funnel_query(["signed up", "purchased"], window="3d")["source"]["funnelsFilter"]
        >>> f["funnelWindowInterval"], f["funnelWindowIntervalUnit"]
        (3, 'day')
    """
    source = common_source(
        "FunnelsQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    source["series"] = series_nodes(steps, "steps", minimum=2)
    size, unit = funnel_window(window)
    viz = one_of(viz, FUNNEL_VIZ_TYPES, "viz")
    source["funnelsFilter"] = {
        "funnelVizType": viz,
        "funnelOrderType": one_of(order, FUNNEL_ORDERS, "order"),
        "funnelWindowInterval": size,
        "funnelWindowIntervalUnit": unit,
    }
    interval = one_of(interval, INTERVALS, "interval")
    if viz == "trends":
        source["interval"] = interval
    found = breakdown_filter(breakdown, breakdown_type)
    if found:
        source["breakdownFilter"] = found
    return insight_viz(source)


def retention_query(
    target: Any,
    returning: Any = None,
    *,
    period: str = "Week",
    intervals: int = 8,
    retention_type: str = "retention_first_time",
    date_to: Any = None,
    properties: Any = None,
    filter_test_accounts: bool = False,
) -> dict[str, Any]:
    """A ``RetentionQuery`` (see :meth:`posthog_frames.Client.retention` for the arguments).

    Example:
        >>> r = retention_query("signed up", "$pageview", period="day")["source"]
        >>> r["retentionFilter"]["period"], r["retentionFilter"]["returningEntity"]["id"]
        ('Day', '$pageview')
    """
    source = common_source(
        "RetentionQuery",
        date_from=None,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    periods = {p.lower(): p for p in RETENTION_PERIODS}
    named = periods.get(period.lower(), period) if isinstance(period, str) else period
    source["retentionFilter"] = {
        "period": one_of(named, RETENTION_PERIODS, "period"),
        "totalIntervals": positive_int(intervals, "intervals"),
        "retentionType": one_of(retention_type, RETENTION_TYPES, "retention_type"),
        "targetEntity": retention_entity(target, "target"),
        "returningEntity": retention_entity(
            target if returning is None else returning, "returning"
        ),
    }
    return insight_viz(source)


def lifecycle_query(
    event: Any,
    *,
    date_from: Any = "-7d",
    date_to: Any = None,
    interval: str = "day",
    properties: Any = None,
    filter_test_accounts: bool = False,
) -> dict[str, Any]:
    """A ``LifecycleQuery`` (see :meth:`posthog_frames.Client.lifecycle` for the arguments).

    Example:
        >>> lifecycle_query("$pageview", interval="week")["source"]["series"][0]["event"]
        '$pageview'
    """
    source = common_source(
        "LifecycleQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    node = one_series(event, "event")
    if node.get("math") not in (None, "total"):
        raise ValidationError(
            f"Lifecycle counts persons by status, so the series takes no math (got "
            f"math={node['math']!r}).",
            attr="event",
        )
    source["series"] = [node]
    source["interval"] = one_of(interval, INTERVALS, "interval")
    return insight_viz(source)


def stickiness_query(
    series: Any,
    *,
    date_from: Any = "-7d",
    date_to: Any = None,
    interval: str = "day",
    properties: Any = None,
    filter_test_accounts: bool = False,
) -> dict[str, Any]:
    """A ``StickinessQuery`` (see :meth:`posthog_frames.Client.stickiness` for the arguments).

    Example:
        >>> stickiness_query("$pageview")["source"]["interval"]
        'day'
    """
    source = common_source(
        "StickinessQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    source["series"] = series_nodes(series)
    source["interval"] = one_of(interval, INTERVALS, "interval")
    return insight_viz(source)


def paths_query(
    *,
    start: str | None = None,
    end: str | None = None,
    include: Any = ("$pageview",),
    step_limit: int = 5,
    exclude: Any = (),
    date_from: Any = "-7d",
    date_to: Any = None,
    properties: Any = None,
    filter_test_accounts: bool = False,
) -> dict[str, Any]:
    """A ``PathsQuery`` (see :meth:`posthog_frames.Client.paths` for the arguments).

    Example:
        >>> paths_query(start="/pricing")["source"]["pathsFilter"]["startPoint"]
        '/pricing'
    """
    source = common_source(
        "PathsQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    kinds = [include] if isinstance(include, str) else list(include or ())
    if not kinds:
        raise ValidationError(
            f"include is empty: name what paths go through, from {', '.join(PATH_TYPES)}.",
            attr="include",
        )
    excluded = [exclude] if isinstance(exclude, str) else list(exclude or ())
    paths: dict[str, Any] = {
        "includeEventTypes": [one_of(k, PATH_TYPES, "include") for k in kinds],
        "stepLimit": positive_int(step_limit, "step_limit"),
    }
    if start is not None:
        paths["startPoint"] = text(start, "start")
    if end is not None:
        paths["endPoint"] = text(end, "end")
    if excluded:
        paths["excludeEvents"] = [text(e, "exclude") for e in excluded]
    source["pathsFilter"] = paths
    return insight_viz(source)
