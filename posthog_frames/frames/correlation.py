"""Funnel correlation results: which events (or properties) go with converting or dropping off.

PostHog answers ``{"events": [...], "skewed": bool}`` as the result of a legacy correlation
request and as the ``results`` of a ``FunnelCorrelationQuery`` (``FunnelCorrelationResult`` in
``posthog/schema.py``); each entry is an ``EventOddsRatioSerialized``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.frames import _common as c

TYPES = ("success", "failure")


def is_correlation(result: Any) -> bool:
    """Whether *result* is a funnel correlation result (``{"events", "skewed"}``)."""
    return isinstance(result, Mapping) and {"events", "skewed"} <= set(result)


def correlation_frame(
    result: Mapping[str, Any], insight: Mapping[str, Any], attrs: dict[str, Any]
) -> pd.DataFrame:
    """One row per correlated event, in PostHog's order: ``event`` (the event, or
    ``"property::value"`` for property correlations), ``correlation_type`` (``success``: more
    likely among those who converted; ``failure``: among those who dropped off),
    ``success_count``, ``failure_count``, ``odds_ratio`` (+ ``properties`` when any entry has
    some). ``df.attrs["skewed"]`` is PostHog's warning that one side is too small to trust."""
    events = c.require_list(
        result.get("events"), "correlation entries (dicts with 'event', 'odds_ratio', ...)"
    )
    names, kinds, properties = [], [], []
    for i, entry in enumerate(events):
        event = c.field(entry, "event", "a correlation entry", i)
        event = event if isinstance(event, Mapping) else {"event": event}
        names.append(event.get("event"))
        kind = c.field(entry, "correlation_type", "a correlation entry", i)
        if kind not in TYPES:
            raise c.invalid(f"'correlation_type' in {TYPES}", kind, where=f"result.events[{i}]")
        kinds.append(kind)
        properties.append(event.get("properties") or None)
    columns: dict[str, Any] = {
        "event": c.strings(names),
        "correlation_type": c.strings(kinds),
    }
    for key in ("success_count", "failure_count"):
        values = [c.field(e, key, "a correlation entry", i) for i, e in enumerate(events)]
        columns[key] = c.numbers(values, key)
    ratios = [c.field(e, "odds_ratio", "a correlation entry", i) for i, e in enumerate(events)]
    columns["odds_ratio"] = c.optional_floats(ratios, "odds_ratio")
    if any(properties):
        columns["properties"] = np.array(properties + [None], dtype=object)[:-1]
    attrs["skewed"] = bool(result.get("skewed"))
    kind = _correlation_kind(insight)
    if kind:
        attrs["correlation"] = kind
    return c.frame(columns, attrs)


def _correlation_kind(insight: Mapping[str, Any]) -> Any:
    source = c.query_source(insight)
    return source.get("funnelCorrelationType") or c.legacy_filters(insight).get(
        "funnel_correlation_type"
    )


__all__ = ["TYPES", "correlation_frame", "is_correlation"]
