"""Shared pieces of the demo's insight computations: the context, event selection (with the
property filters of :mod:`posthog_frames.demo.filters`) and the legacy per-item echoes
(``action``, ``filter``, persons links).

Example:
    >>> series_event({"kind": "EventsNode", "event": "$pageview"})
    '$pageview'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from posthog_frames.demo.analytics._actions import find_action, is_action, steps_mask
from posthog_frames.demo.analytics._dates import (
    DateRange,
    bucket_of,
    check_interval,
    floor_to,
    format_day,
    format_label,
    next_bucket,
    resolve_range,
    shift_buckets,
)
from posthog_frames.demo.clock import iso
from posthog_frames.demo.errors import DemoValidationError
from posthog_frames.demo.filters import CohortLookup, FilterError, filters_mask, parse_filters

__all__ = [
    "BREAKDOWN_NULL",
    "BREAKDOWN_OTHER",
    "Context",
    "DateRange",
    "action_dict",
    "bucket_of",
    "check_interval",
    "floor_to",
    "format_day",
    "format_label",
    "iso",
    "legacy_filter",
    "next_bucket",
    "persons_url",
    "property_values",
    "resolve_range",
    "select_events",
    "series_event",
    "series_name",
    "series_type",
    "shift_buckets",
]

BREAKDOWN_NULL = "$$_posthog_breakdown_null_$$"
BREAKDOWN_OTHER = "$$_posthog_breakdown_other_$$"


@dataclass(frozen=True)
class Context:
    """Everything a computation reads: the event log, persons by uuid, the clock and zone, and
    who is in each cohort (for cohort filters)."""

    events: pd.DataFrame
    persons: pd.DataFrame
    now: datetime
    timezone: str
    project_id: int
    cohorts: CohortLookup | None = None

    @property
    def local_now(self) -> pd.Timestamp:
        return pd.Timestamp(self.now).tz_convert(self.timezone)


def property_values(ctx: Context, frame: pd.DataFrame, key: str, kind: str) -> pd.Series:
    """The property *key* per event row: an event column, or the person's property (a cohort
    filter tests the event's person, so its "property" is the person's uuid)."""
    if kind == "cohort":
        return frame["person_id"]
    if kind == "person":
        if key not in ctx.persons.columns:
            return pd.Series(None, index=frame.index, dtype=object)
        return frame["person_id"].map(ctx.persons[key])
    if kind == "event":
        if key not in frame.columns:
            return pd.Series(None, index=frame.index, dtype=object)
        return frame[key]
    raise DemoValidationError(
        f"Property filters of type {kind!r} are not supported by the demo; use 'event' or "
        "'person'.",
        attr="properties",
    )


def _matching(ctx: Context, frame: pd.DataFrame, props: Any) -> np.ndarray:
    """Which rows of *frame* pass the property filters *props* (events and their persons')."""
    try:
        node = parse_filters(
            props, now=ctx.now, timezone=ctx.timezone, scope="event", cohorts=ctx.cohorts
        )
    except FilterError as err:
        raise DemoValidationError(str(err), attr="properties") from None
    return filters_mask(node, lambda key, kind: property_values(ctx, frame, key, kind), len(frame))


def select_events(
    ctx: Context,
    event: str | int | None,
    *,
    properties: Sequence[Any] = (),
    date_range: DateRange | None = None,
) -> pd.DataFrame:
    """Rows of the log for *event* (None = all events, an int = that action's events) inside
    *date_range*, matching every filter set in *properties* (a series' own filters, the
    insight's global ones, ...)."""
    log = ctx.events
    mask = np.ones(len(log), bool)
    if isinstance(event, str):
        mask &= (log["event"] == event).to_numpy()
    if date_range is not None:
        ts = log["timestamp"]
        mask &= ((ts >= date_range.start) & (ts <= date_range.end)).to_numpy()
    frame = log[mask]
    if isinstance(event, int):
        action = find_action(event)
        frame = frame[steps_mask(action, frame, lambda rows, props: _matching(ctx, rows, props))]
    for props in properties:
        if props:
            frame = frame[_matching(ctx, frame, props)]
    return frame


def series_event(node: dict) -> str | int | None:
    """The event an EventsNode / legacy entity counts (None = all events), or the id of the
    action an ActionsNode counts (a 400 when the demo has no such action)."""
    if is_action(node):
        return find_action(node.get("id")).id
    return node.get("event", node.get("id"))


def series_name(node: dict) -> str:
    """The name PostHog shows for a series: its own, else the action's or event's."""
    target = series_event(node)
    if isinstance(target, int):
        return node.get("name") or find_action(target).name
    return node.get("name") or target or "All events"


def series_type(node: dict) -> str:
    """``actions`` or ``events``: the entity type of a series in legacy echoes."""
    return "actions" if is_action(node) else "events"


def action_dict(node: dict, order: int, *, math: Any = None) -> dict:
    """The legacy ``action`` object each trends/lifecycle/stickiness item carries."""
    return {
        "id": series_event(node),
        "type": series_type(node),
        "order": order,
        "name": series_name(node),
        "custom_name": node.get("custom_name"),
        "math": node.get("math", math),
        "math_property": node.get("math_property"),
        "math_group_type_index": node.get("math_group_type_index"),
        "properties": node.get("properties") or {},
    }


def legacy_entity(node: dict, order: int) -> dict:
    """A series as the legacy ``filters.events`` entry."""
    return action_dict(node, order)


def legacy_filter(source: dict, period: DateRange | None, insight: str) -> dict:
    """The per-item ``filter`` echo of legacy results, rebuilt from a query source."""
    out: dict[str, Any] = {"insight": insight}
    display = (source.get("trendsFilter") or {}).get("display")
    if display:
        out["display"] = display
    out["interval"] = source.get("interval") or "day"
    if period is not None:
        out["date_from"] = period.start.isoformat()
        out["date_to"] = period.end.isoformat()
    out["events"] = [legacy_entity(n, i) for i, n in enumerate(source.get("series") or [])]
    breakdown = source.get("breakdownFilter") or {}
    if breakdown.get("breakdown"):
        out["breakdown"] = breakdown["breakdown"]
        out["breakdown_type"] = breakdown.get("breakdown_type") or "event"
    if (source.get("compareFilter") or {}).get("compare"):
        out["compare"] = True
    if source.get("properties"):
        out["properties"] = source["properties"]
    return out


def persons_url(ctx: Context, path: str, params: dict) -> str:
    """A legacy ``.../persons/<path>/?...`` drill-down link (relative, like PostHog's)."""
    flat = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}
    clean = {k: v for k, v in flat.items() if v is not None}
    return f"api/projects/{ctx.project_id}/persons/{path}/?{urlencode(clean)}"
