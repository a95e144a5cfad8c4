"""PostHog's listings as DataFrames: insights, projects, property definitions and values,
cohorts, dashboards, actions and event definitions. Pure.

Each converter takes what PostHog answered — one page (``{"results": [...]}``), or the rows of
every page already joined into one list — so JSON fetched by hand converts like the client's.

Example:
    >>> projects_frame({"results": [{"id": 1, "name": "Hogflix", "timezone": "UTC"}]})
       id     name timezone
    0   1  Hogflix      UTC
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from posthog_frames._compat import parse_iso
from posthog_frames.exceptions import InvalidResponse, PostHogError
from posthog_frames.frames._common import describe
from posthog_frames.frames.dispatch import detect_kind, kind_of

__all__ = [
    "ACTION_COLUMNS",
    "COHORT_COLUMNS",
    "DASHBOARD_COLUMNS",
    "EVENT_DEFINITION_COLUMNS",
    "INSIGHT_LIST_COLUMNS",
    "actions_frame",
    "cohorts_frame",
    "dashboards_frame",
    "event_definitions_frame",
    "insights_frame",
    "projects_frame",
    "property_definitions_frame",
    "property_values_frame",
]

INSIGHT_LIST_COLUMNS = (
    "id",
    "short_id",
    "name",
    "kind",
    "display",
    "last_refresh",
    "created_at",
    "last_modified_at",
    "tags",
    "saved",
    "description",
)
_DEFINITION_COLUMNS = ("name", "property_type", "is_numerical", "id", "tags", "virtual")
COHORT_COLUMNS = (
    "id",
    "name",
    "count",
    "is_static",
    "is_calculating",
    "last_calculation",
    "filters",
    "description",
    "cohort_type",
    "created_at",
    "errors_calculating",
)
DASHBOARD_COLUMNS = (
    "id",
    "name",
    "description",
    "tags",
    "pinned",
    "created_at",
    "last_accessed_at",
    "insights",
)
ACTION_COLUMNS = ("id", "name", "description", "events", "steps", "tags", "created_at")
EVENT_DEFINITION_COLUMNS = ("name", "volume_30_day", "last_seen_at", "created_at", "tags", "id")
_EE_DEFINITION_COLUMNS = ("description", "verified", "hidden")  # ee/api/ee_event_definition.py


def _rows(answer: Any, what: str) -> list[dict[str, Any]]:
    """The row objects of a page, or of a list of rows; anything else is an InvalidResponse."""
    rows = answer.get("results") if isinstance(answer, Mapping) else answer
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        raise InvalidResponse(
            f"expected a page of {what} ({{'results': [{{...}}, ...]}}) or a list of them, "
            f"got {describe(answer)}"
        )
    return [dict(row) for row in rows]


def _insight_row(raw: dict[str, Any]) -> dict[str, Any]:
    kind = kind_of(raw)
    try:
        view = detect_kind(raw)[1] if kind != "unknown" else None
    except (ValueError, PostHogError):
        view = None  # a listing shows what it can; converting that insight says what is wrong
    return {
        **{column: raw.get(column) for column in INSIGHT_LIST_COLUMNS},
        "name": raw.get("name") or raw.get("derived_name"),
        "kind": kind,
        "display": view,
    }


def insights_frame(answer: Any) -> pd.DataFrame:
    """One row per insight of ``GET /insights/`` (``basic=true`` or full), in PostHog's order.

    Columns: ``id``, ``short_id``, ``name`` (else PostHog's ``derived_name``), ``kind``
    (trends, funnels, … or unknown), ``display`` (the converters' view word), ``last_refresh``,
    ``created_at``, ``last_modified_at`` (UTC), ``tags``, ``saved``, ``description``.

    Example:
        >>> insights_frame({"results": [{"id": 7, "short_id": "Abc12345", "name": "Signups",
        ...     "query": {"kind": "InsightVizNode", "source": {"kind": "TrendsQuery"}}}]})[
        ...     ["id", "name", "kind", "display"]]
           id     name    kind display
        0   7  Signups  trends    line
    """
    rows = [_insight_row(raw) for raw in _rows(answer, "insights")]
    frame = pd.DataFrame(rows, columns=list(INSIGHT_LIST_COLUMNS))
    for column in ("last_refresh", "created_at", "last_modified_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    frame.attrs["kind"] = "insights"
    return frame


def projects_frame(answer: Any) -> pd.DataFrame:
    """One row per project of ``GET /api/projects/``: ``id``, ``name``, ``timezone``, …

    Example:
        >>> projects_frame([{"id": 1, "name": "Hogflix"}, {"id": 2, "name": "Staging"}])["name"]
        0    Hogflix
        1    Staging
        Name: name, dtype: ...
    """
    frame = pd.DataFrame(_rows(answer, "projects"))
    frame.attrs["kind"] = "projects"
    return frame


def property_definitions_frame(answer: Any, type: str = "person") -> pd.DataFrame:
    """Property definitions sorted by name: ``name``, ``property_type``, ``is_numerical``, …

    Example:
        >>> property_definitions_frame([{"name": "plan", "property_type": "String",
        ...     "is_numerical": False, "id": "1", "tags": []}])[["name", "property_type"]]
           name property_type
        0  plan        String
    """
    rows = _rows(answer, "property definitions")
    extra = [key for row in rows for key in row]
    frame = pd.DataFrame(rows, columns=list(dict.fromkeys([*_DEFINITION_COLUMNS, *extra])))
    # PostHog ends person definitions with its virtual ($builtin_*) properties, computed rather
    # than stored: kept (they filter like any other) and marked.
    frame["virtual"] = pd.Series([row.get("virtual") is True for row in rows], dtype=bool)
    frame.attrs.update({"kind": "property_definitions", "type": type})
    return frame.sort_values("name", ignore_index=True)


def property_values_frame(answer: Any, key: str) -> pd.DataFrame:
    """The values of property *key*, most common first: ``value`` and ``count`` (``Int64``).

    Example:
        >>> property_values_frame({"results": [{"name": "Linux", "count": 40}]}, "$initial_os")
           value  count
        0  Linux     40
    """
    rows = [(item.get("name"), item.get("count")) for item in _rows(answer, "property values")]
    frame = pd.DataFrame(rows, columns=["value", "count"])
    frame["count"] = frame["count"].astype("Int64")
    frame.attrs.update({"kind": "property_values", "key": key})
    return frame


def _framed(
    rows: list[dict[str, Any]], columns: Iterable[str], kind: str, optional: Iterable[str] = ()
) -> pd.DataFrame:
    """*rows* as *columns* (then those of *optional* that some row has), times as UTC (in
    microseconds on every pandas, as the persons frame), and ``attrs["kind"]``."""
    present = {key for row in rows for key in row}
    wanted = [*columns, *(key for key in optional if key in present)]
    frame = pd.DataFrame(rows, columns=list(dict.fromkeys(wanted)))
    for column in frame.columns:
        if column.endswith(("_at", "_calculation")) or column == "last_refresh":
            texts = frame[column].astype(object).where(frame[column].notna(), None).tolist()
            try:
                frame[column] = parse_iso(texts, utc=True)
            except (TypeError, ValueError) as err:
                raise InvalidResponse(
                    f"PostHog's {kind} have a {column} that is not an ISO 8601 timestamp "
                    f"({str(err).splitlines()[0]})"
                ) from None
    frame.attrs["kind"] = kind
    return frame


def _json_text(value: Any) -> str | None:
    # Definitions as JSON text: readable, and a frame of them stays writable to Parquet.
    return None if value is None else json.dumps(value)


def cohorts_frame(answer: Any) -> pd.DataFrame:
    """One row per cohort of ``GET /cohorts/``, in PostHog's order (newest first).

    Columns: ``id``, ``name``, ``count`` (``Int64``: PostHog's last calculated size, missing
    while a new cohort is first calculated), ``is_static``, ``is_calculating``,
    ``last_calculation`` (UTC), ``filters`` (the definition as JSON text), ``description``,
    ``cohort_type``, ``created_at``, ``errors_calculating``.

    Example:
        >>> cohorts_frame({"results": [{"id": 2, "name": "Beta", "count": 40, "is_static": True,
        ...     "is_calculating": False, "filters": None}]})[["id", "name", "count", "is_static"]]
           id  name  count  is_static
        0   2  Beta     40       True
    """
    rows = [{**row, "filters": _json_text(row.get("filters"))} for row in _rows(answer, "cohorts")]
    frame = _framed(rows, COHORT_COLUMNS, "cohorts")
    for column in ("count", "errors_calculating"):
        frame[column] = frame[column].astype("Int64")
    for column in ("is_static", "is_calculating"):
        frame[column] = frame[column].fillna(False).astype(bool)
    return frame


def dashboards_frame(answer: Any, insights: Mapping[int, int] | None = None) -> pd.DataFrame:
    """One row per dashboard of ``GET /dashboards/`` (pinned first, then by name, as PostHog
    orders them).

    Columns: ``id``, ``name``, ``description``, ``tags``, ``pinned``, ``created_at``,
    ``last_accessed_at`` (UTC), ``insights``: how many insights each shows, from *insights*
    (dashboard id → count; PostHog's list has no tiles), ``Int64`` and missing without it.

    Example:
        >>> dashboards_frame([{"id": 1, "name": "Overview", "pinned": True}], {1: 6})[
        ...     ["id", "name", "insights"]]
           id      name  insights
        0   1  Overview         6
    """
    rows = [
        {**row, "insights": insights.get(row.get("id", 0), 0) if insights is not None else None}
        for row in _rows(answer, "dashboards")
    ]
    frame = _framed(rows, DASHBOARD_COLUMNS, "dashboards")
    frame["insights"] = frame["insights"].astype("Int64")
    return frame


def actions_frame(answer: Any) -> pd.DataFrame:
    """One row per action of ``GET /actions/``: ``id``, ``name``, ``description``, ``events``
    (each step's event, in order; None for a step on any event), ``steps`` (the steps as JSON
    text, their unset fields left out: a step matches an event; the action, any of its steps),
    ``tags``, ``created_at``.

    Example:
        >>> actions_frame({"results": [{"id": 3, "name": "Checkout intent", "steps": [
        ...     {"event": "added to cart"}, {"event": "$pageview", "url": "/checkout"}]}]})[
        ...     ["id", "name", "events"]]
           id             name                      events
        0   3  Checkout intent  [added to cart, $pageview]
    """
    rows = []
    for row in _rows(answer, "actions"):
        steps = row.get("steps") or []
        steps = [
            {key: value for key, value in step.items() if value is not None}
            for step in steps
            if isinstance(step, Mapping)
        ]
        events = [step.get("event") for step in steps]
        rows.append({**row, "events": events, "steps": _json_text(steps)})
    return _framed(rows, ACTION_COLUMNS, "actions")


def event_definitions_frame(answer: Any) -> pd.DataFrame:
    """One row per event of ``GET /event_definitions/``, in PostHog's order (last seen first):
    ``name``, ``volume_30_day`` (``Int64``; current PostHog does not send it, older versions
    do), ``last_seen_at``, ``created_at`` (UTC), ``tags``, ``id``, and where PostHog sends
    them (its paid plans) ``description``, ``verified``, ``hidden``.

    Example:
        >>> event_definitions_frame([{"id": "0f", "name": "signed up",
        ...     "last_seen_at": "2025-03-31T11:00:00Z"}])[["name", "last_seen_at"]]
                name              last_seen_at
        0  signed up 2025-03-31 11:00:00+00:00
    """
    rows = _rows(answer, "event definitions")
    frame = _framed(rows, EVENT_DEFINITION_COLUMNS, "event_definitions", _EE_DEFINITION_COLUMNS)
    frame["volume_30_day"] = frame["volume_30_day"].astype("Int64")
    return frame
