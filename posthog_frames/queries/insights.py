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

import datetime as dt
import re
import string
from typing import Any

from posthog_frames._reference import (
    BREAKDOWN_TYPES,
    CHART_DISPLAYS,
    FUNNEL_ORDERS,
    FUNNEL_VIZ_TYPES,
    INTERVALS,
    PATH_TYPES,
    RETENTION_PERIODS,
    RETENTION_TYPES,
)
from posthog_frames.exceptions import InvalidArgument, ValidationError
from posthog_frames.filters import normalize_filters
from posthog_frames.queries._checks import date_text, one_of, positive_int, text
from posthog_frames.queries.series import Action, Event, series_nodes

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

# The view words of the trends frames (df.attrs["view"]) as PostHog's display names.
DISPLAY_ALIASES = {
    "line": "ActionsLineGraph",
    "cumulative": "ActionsLineGraphCumulative",
    "bar": "ActionsBar",
    "stacked_bar": "ActionsStackedBar",
    "area": "ActionsAreaGraph",
    "number": "BoldNumber",
    "pie": "ActionsPie",
    "bar_value": "ActionsBarValue",
    "table": "ActionsTable",
    "world_map": "WorldMap",
    "calendar_heatmap": "CalendarHeatmap",
}
_WINDOW = re.compile(r"^\s*(\d+)\s*([A-Za-z]+)\s*$")
_WINDOW_UNITS = {
    "s": "second",
    "sec": "second",
    "second": "second",
    "seconds": "second",
    "M": "minute",
    "min": "minute",
    "minute": "minute",
    "minutes": "minute",
    "h": "hour",
    "hour": "hour",
    "hours": "hour",
    "d": "day",
    "day": "day",
    "days": "day",
    "w": "week",
    "week": "week",
    "weeks": "week",
    "m": "month",
    "month": "month",
    "months": "month",
}
_FORMULA = re.compile(r"^[A-Z0-9+\-*/%(). ]+$")


def _viz(source: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "InsightVizNode", "source": source, "full": True}


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


def _common(
    kind: str,
    *,
    date_from: Any,
    date_to: Any,
    properties: Any,
    filter_test_accounts: Any,
) -> dict[str, Any]:
    source: dict[str, Any] = {"kind": kind}
    dates = {
        "date_from": date_text(date_from, "date_from"),
        "date_to": date_text(date_to, "date_to"),
    }
    dates = {k: v for k, v in dates.items() if v is not None}
    if dates:
        source["dateRange"] = dates
    filters = normalize_filters(properties)
    if filters:
        source["properties"] = [f.to_dict() for f in filters]
    if not isinstance(filter_test_accounts, bool):
        raise InvalidArgument(
            f"filter_test_accounts is True or False, got {filter_test_accounts!r}.",
            attr="filter_test_accounts",
        )
    if filter_test_accounts:
        source["filterTestAccounts"] = True
    return source


def _breakdown(breakdown: Any, breakdown_type: Any) -> dict[str, Any] | None:
    kind = one_of(breakdown_type, BREAKDOWN_TYPES, "breakdown_type")
    if breakdown is None:
        return None
    if kind == "cohort":
        ids = breakdown if isinstance(breakdown, list | tuple) else [breakdown]
        if not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise ValidationError(
                f"A cohort breakdown takes cohort ids (ints), got {breakdown!r}.", attr="breakdown"
            )
        return {"breakdown": list(ids), "breakdown_type": kind}
    return {"breakdown": text(breakdown, "breakdown"), "breakdown_type": kind}


def _display(display: Any) -> str:
    if isinstance(display, str) and display in DISPLAY_ALIASES:
        return DISPLAY_ALIASES[display]
    return one_of(display, CHART_DISPLAYS, "display")


def _formula(formula: Any, count: int) -> str:
    if not isinstance(formula, str) or not _FORMULA.fullmatch(formula.upper()):
        raise ValidationError(
            f"formula={formula!r}: write the series as letters A, B, … (in series order) with "
            "numbers, + - * / % ** and parentheses, e.g. 'A/B'.",
            attr="formula",
        )
    letters = sorted(set(re.findall(r"[A-Z]", formula.upper())))
    known = string.ascii_uppercase[:count]
    unknown = [letter for letter in letters if letter not in known]
    if unknown:
        raise ValidationError(
            f"formula={formula!r} names series {', '.join(unknown)}, but there are {count} "
            f"series: {', '.join(known)}.",
            attr="formula",
        )
    return formula.upper()


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
    source = _common(
        "TrendsQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    nodes = series_nodes(series)
    source["series"] = nodes
    source["interval"] = one_of(interval, INTERVALS, "interval")
    found = _breakdown(breakdown, breakdown_type)
    if found:
        source["breakdownFilter"] = found
    if not isinstance(compare, bool):
        raise InvalidArgument(f"compare is True or False, got {compare!r}.", attr="compare")
    if compare:
        source["compareFilter"] = {"compare": True}
    trends: dict[str, Any] = {}
    if display is not None:
        trends["display"] = _display(display)
    if formula is not None:
        # `formula` (not the newer formulaNodes) is read by every PostHog release.
        trends["formula"] = _formula(formula, len(nodes))
    if trends:
        source["trendsFilter"] = trends
    return _viz(source)


def _window(window: Any) -> tuple[int, str]:
    if isinstance(window, dt.timedelta):
        seconds = int(window.total_seconds())
        for name, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
            if seconds and seconds % size == 0:
                return seconds // size, name
        return positive_int(seconds, "window"), "second"
    found = _WINDOW.match(window) if isinstance(window, str) else None
    spelled = found[2] if found else ""
    unit = _WINDOW_UNITS.get(spelled) or _WINDOW_UNITS.get(spelled.lower())
    if not found or not unit:
        raise ValidationError(
            f"window={window!r}: write a number and a unit, e.g. '14d', '2w', '1m' (a month), "
            "'6h', '30M' or '30min' (minutes), '90s', or a datetime.timedelta.",
            attr="window",
        )
    return positive_int(int(found[1]), "window"), unit


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
    source = _common(
        "FunnelsQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    source["series"] = series_nodes(steps, "steps", minimum=2)
    size, unit = _window(window)
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
    found = _breakdown(breakdown, breakdown_type)
    if found:
        source["breakdownFilter"] = found
    return _viz(source)


def _entity(value: Any, name: str) -> dict[str, Any]:
    """A retention ``RetentionEntity`` from an event name, an Event or an Action."""
    if isinstance(value, str) and value:
        value = Event(value)
    if isinstance(value, Event):
        entity: dict[str, Any] = {
            "id": value.name,
            "name": value.name,
            "type": "events",
            "kind": "EventsNode",
        }  # fmt: skip  (one entity per line)
    elif isinstance(value, Action):
        entity = {"id": value.id, "type": "actions", "kind": "ActionsNode"}
        if value.name:
            entity["name"] = value.name
    else:
        raise InvalidArgument(
            f"{name} is an event name, phf.Event(...) or phf.Action(...), got {value!r}.",
            attr=name,
        )
    if value.math != "total" or value.math_property is not None:
        raise ValidationError(
            f"Retention counts persons, so {name} takes no math (got math={value.math!r}).",
            attr=name,
        )
    if value.properties:
        entity["properties"] = [f.to_dict() for f in value.properties]
    if value.custom_name:
        entity["custom_name"] = value.custom_name
    return entity


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
    source = _common(
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
        "targetEntity": _entity(target, "target"),
        "returningEntity": _entity(target if returning is None else returning, "returning"),
    }
    return _viz(source)


def _one_series(series: Any, what: str) -> dict[str, Any]:
    nodes = series_nodes(series, what)
    if len(nodes) != 1:
        raise ValidationError(f"{what} takes one series, got {len(nodes)}.", attr=what)
    return nodes[0]


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
    source = _common(
        "LifecycleQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    node = _one_series(event, "event")
    if node.get("math") not in (None, "total"):
        raise ValidationError(
            f"Lifecycle counts persons by status, so the series takes no math (got "
            f"math={node['math']!r}).",
            attr="event",
        )
    source["series"] = [node]
    source["interval"] = one_of(interval, INTERVALS, "interval")
    return _viz(source)


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
    source = _common(
        "StickinessQuery",
        date_from=date_from,
        date_to=date_to,
        properties=properties,
        filter_test_accounts=filter_test_accounts,
    )
    source["series"] = series_nodes(series)
    source["interval"] = one_of(interval, INTERVALS, "interval")
    return _viz(source)


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
    source = _common(
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
    return _viz(source)
