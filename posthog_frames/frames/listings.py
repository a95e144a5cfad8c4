"""PostHog's listings as DataFrames: insights, projects, property definitions and values. Pure.

Each converter takes what PostHog answered — one page (``{"results": [...]}``), or the rows of
every page already joined into one list — so JSON fetched by hand converts like the client's.

Example:
    >>> projects_frame({"results": [{"id": 1, "name": "Hogflix", "timezone": "UTC"}]})
       id     name timezone
    0   1  Hogflix      UTC
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from posthog_frames.exceptions import InvalidResponse, PostHogError
from posthog_frames.frames._common import describe
from posthog_frames.frames.dispatch import detect_kind, kind_of

__all__ = [
    "INSIGHT_LIST_COLUMNS",
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
