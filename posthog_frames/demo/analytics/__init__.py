"""Insight computations over the demo event log, one module per insight kind.

:func:`compute` takes a PostHog ``query`` (an ``InsightVizNode`` or a ``DataTableNode`` with a
``HogQLQuery``) and answers the legacy ``result`` shape PostHog's saved-insight API returns.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> from posthog_frames.demo.analytics import Computed, compute
    >>> out = compute({"kind": "InsightVizNode", "source": {"kind": "TrendsQuery",
    ...                "series": [{"kind": "EventsNode", "event": "$pageview"}]}}, ctx)
    >>> out.result[0]["label"]
    '$pageview'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from posthog_frames.demo.analytics import (
    funnels,
    lifecycle,
    paths,
    retention,
    sql,
    stickiness,
    trends,
)
from posthog_frames.demo.analytics._common import Context
from posthog_frames.demo.analytics._dates import resolve_range
from posthog_frames.demo.analytics._support import check_supported
from posthog_frames.demo.clock import iso
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["KINDS", "Computed", "Context", "compute", "insight_kind", "query_source"]

_RUNNERS = {
    "TrendsQuery": trends.compute,
    "FunnelsQuery": funnels.compute,
    "RetentionQuery": retention.compute,
    "PathsQuery": paths.compute,
    "StickinessQuery": stickiness.compute,
    "LifecycleQuery": lifecycle.compute,
}
# The `insight` list filter's names per source kind.
KINDS = {
    "TrendsQuery": "TRENDS",
    "FunnelsQuery": "FUNNELS",
    "RetentionQuery": "RETENTION",
    "PathsQuery": "PATHS",
    "StickinessQuery": "STICKINESS",
    "LifecycleQuery": "LIFECYCLE",
    "HogQLQuery": "SQL",
}


@dataclass(frozen=True)
class Computed:
    """A computed answer: ``result`` plus, for SQL, ``columns``/``types``/``hogql``."""

    result: Any
    columns: list | None = None
    types: list | None = None
    hogql: str | None = None
    has_more: bool = False
    # The absolute {date_from, date_to} the result covers (PostHog's ResolvedDateRangeResponse).
    resolved_date_range: dict[str, str] | None = None


def query_source(query: dict) -> dict:
    """The inner ``source`` of an InsightVizNode/DataTableNode (or the query itself).

    Example:
        >>> query_source({"kind": "InsightVizNode", "source": {"kind": "TrendsQuery"}})["kind"]
        'TrendsQuery'
    """
    if not isinstance(query, dict):
        raise DemoValidationError("The insight's query must be an object.", attr="query")
    if query.get("kind") in ("InsightVizNode", "DataTableNode", "DataVisualizationNode"):
        source = query.get("source")
        if not isinstance(source, dict):
            raise DemoValidationError(f"{query['kind']} needs a 'source' object.", attr="query")
        return source
    return query


def insight_kind(query: dict) -> str:
    """``TRENDS``, ``FUNNELS``, ..., or ``SQL`` for a query (the list endpoint's filter)."""
    kind = query_source(query).get("kind")
    if kind not in KINDS:
        raise DemoValidationError(f"Unknown query kind {kind!r}.", attr="query")
    return KINDS[kind]


def compute(query: dict, ctx: Context) -> Computed:
    """Compute *query* against the context's event log (raises DemoValidationError on bad input)."""
    source = query_source(query)
    kind = source.get("kind")
    if kind == "HogQLQuery":
        out = sql.compute(source, ctx)
        return Computed(out["results"], out["columns"], out["types"], out["hogql"], out["hasMore"])
    runner = _RUNNERS.get(str(kind))
    if runner is None:
        raise DemoValidationError(
            f"Query kind {kind!r} is not supported by the demo; use one of "
            f"{', '.join([*_RUNNERS, 'HogQLQuery'])}.",
            attr="query",
        )
    check_supported(source)
    # Retention's default window is its own: 11 periods back (see retention.compute).
    default_from = "-11d" if kind == "RetentionQuery" else "-7d"
    period = resolve_range(
        source.get("dateRange"), ctx.now, ctx.timezone, default_from=default_from
    )
    covered = {"date_from": iso(period.start), "date_to": iso(period.end)}
    return Computed(runner(source, ctx), resolved_date_range=covered)
