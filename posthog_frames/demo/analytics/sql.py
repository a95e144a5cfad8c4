"""SQL insights (``HogQLQuery``) of the demo, run by the demo's HogQL engine.

The insight's event log and persons are loaded into the same SQLite engine that answers
``POST /query/`` (:mod:`posthog_frames.demo.hogql`), so a saved SQL insight and the same
query sent to ``/query/`` agree. The answer carries ``columns`` and ``types`` like HogQL's.

Example:
    >>> ctx = demo.app.insight_store().context()  # the doctest demo server's event log
    >>> out = compute({"kind": "HogQLQuery", "query": "select event, count() as n from events "
    ...                "group by event order by n desc"}, ctx)
    >>> out["columns"], out["types"][1]
    (['event', 'n'], ['n', 'UInt64'])
"""

from __future__ import annotations

from typing import Any

from posthog_frames.demo.analytics._common import Context
from posthog_frames.demo.errors import DemoValidationError
from posthog_frames.demo.hogql.compiler import HogQLError
from posthog_frames.demo.hogql.db import database_for_log
from posthog_frames.demo.hogql.engine import execute

__all__ = ["compute"]


def compute(source: dict, ctx: Context) -> dict[str, Any]:
    """Evaluate a ``HogQLQuery`` source; returns ``{results, columns, types, hogql, hasMore}``."""
    values = source.get("values") or {}
    if not isinstance(values, dict):
        raise DemoValidationError("HogQLQuery 'values' must be an object.", attr="query")
    db = database_for_log(ctx.events, ctx.persons)
    try:
        return execute(
            db,
            str(source.get("query") or ""),
            values,
            now=ctx.now,
            timezone=ctx.timezone,
            events=lambda: ctx.events,
        )
    except HogQLError as err:
        raise DemoValidationError(str(err), attr="query") from None
