"""The pieces of PostHog's insight queries that several kinds share, each from one keyword
argument: the date range and filters, breakdowns, displays, formulas, funnel windows, retention
entities. Each checks its argument and names the valid choices when it is wrong. Pure: no I/O.

Example:
    >>> funnel_window("3 days"), display_type("pie")
    ((3, 'day'), 'ActionsPie')
"""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any

from posthog_frames._reference import BREAKDOWN_TYPES, CHART_DISPLAYS
from posthog_frames.exceptions import InvalidArgument, ValidationError
from posthog_frames.filters import normalize_filters
from posthog_frames.queries._checks import date_text, one_of, positive_int, text
from posthog_frames.queries.series import Action, Event, series_nodes

__all__ = [
    "DISPLAY_ALIASES",
    "breakdown_filter",
    "common_source",
    "display_type",
    "formula_text",
    "funnel_window",
    "insight_viz",
    "one_series",
    "retention_entity",
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
    spelling: unit
    for unit, spellings in {
        "second": "s sec second seconds",
        "minute": "M min minute minutes",
        "hour": "h hour hours",
        "day": "d day days",
        "week": "w week weeks",
        "month": "m month months",
    }.items()
    for spelling in spellings.split()
}
_FORMULA = re.compile(r"^[A-Z0-9+\-*/%(). ]+$")


def insight_viz(source: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "InsightVizNode", "source": source, "full": True}


def common_source(
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


def breakdown_filter(breakdown: Any, breakdown_type: Any) -> dict[str, Any] | None:
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


def display_type(display: Any) -> str:
    if isinstance(display, str) and display in DISPLAY_ALIASES:
        return DISPLAY_ALIASES[display]
    return one_of(display, CHART_DISPLAYS, "display")


def formula_text(formula: Any, count: int) -> str:
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


def funnel_window(window: Any) -> tuple[int, str]:
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


def retention_entity(value: Any, name: str) -> dict[str, Any]:
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


def one_series(series: Any, what: str) -> dict[str, Any]:
    nodes = series_nodes(series, what)
    if len(nodes) != 1:
        raise ValidationError(f"{what} takes one series, got {len(nodes)}.", attr=what)
    return nodes[0]
