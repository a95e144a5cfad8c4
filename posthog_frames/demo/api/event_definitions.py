"""``/event_definitions/`` as ``posthog/api/event_definition.py`` answers it: one definition per
event name in the demo's event log, first and last seen from the log.

Paged by ``CappedCountLimitOffsetPagination``: ``{count, count_is_capped, next, previous,
results}``, the count capped (the demo's few events never reach the cap). Default order
``-last_seen_at::date, name``; ``ordering`` (``name``, ``last_seen_at``, ``created_at``, each
with ``-``), ``search`` (every word in the name), ``event_type`` (``event_posthog``: names
starting with ``$``; ``event_custom``: the others) narrow it. Fields are the open-source
``EventDefinitionSerializer``'s: current PostHog sends no volume.

Example:
    >>> import pandas as pd
    >>> log = pd.DataFrame({"event": ["a", "b", "a"], "timestamp": pd.to_datetime(
    ...     ["2025-03-01", "2025-03-02", "2025-03-03"], utc=True)})
    >>> [d["name"] for d in event_definitions(log, {})]
    ['a', 'b']
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import pandas as pd

from posthog_frames.demo.clock import iso_z

__all__ = ["COUNT_CAP", "event_definitions"]

COUNT_CAP = 10_000  # the demo's stand-in for the paginator's cap
_ORDERINGS = ("name", "last_seen_at", "created_at")


def event_definitions(events: pd.DataFrame, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """The definitions of *events* (an event log with ``event`` and ``timestamp``), filtered and
    ordered as *params* ask."""
    seen = events.groupby("event")["timestamp"].agg(["min", "max"])
    rows = [_definition(str(name), first, last) for name, (first, last) in seen.iterrows()]
    words = (params.get("search") or "").lower().split()
    rows = [r for r in rows if all(w in r["name"].lower() for w in words)]
    kind = params.get("event_type")
    if kind == "event_posthog":
        rows = [r for r in rows if r["name"].startswith("$")]
    elif kind == "event_custom":
        rows = [r for r in rows if not r["name"].startswith("$")]
    ordering = params.get("ordering") or ""
    if ordering.lstrip("-") in _ORDERINGS:
        field = ordering.lstrip("-")
        rows.sort(key=lambda r: r[field], reverse=ordering.startswith("-"))
    else:  # -last_seen_at::date, name
        rows.sort(key=lambda r: r["name"])
        rows.sort(key=lambda r: r["last_seen_at"][:10], reverse=True)
    return rows


def _definition(name: str, first: pd.Timestamp, last: pd.Timestamp) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"posthog-frames-demo/event/{name}")),
        "name": name,
        "created_at": iso_z(first.to_pydatetime()),
        "last_seen_at": iso_z(last.to_pydatetime()),
        "last_updated_at": iso_z(last.to_pydatetime()),
        "tags": [],
        "is_action": False,
        "action_id": None,
        "is_calculating": False,
        "last_calculated_at": None,
        "created_by": None,
        "post_to_slack": False,
    }
