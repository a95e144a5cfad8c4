"""The persons behind one number of an insight: PostHog's ``ActorsQuery`` and its source node.
Pure: no I/O.

The source node is what PostHog's "view persons" sends (``insight_actors_query_runner.py``;
reference §12): an ``InsightActorsQuery`` for a trend point (``day``, ``series``,
``breakdown``), a lifecycle bar (``day``, ``status``), a retention cohort (``interval``, its
row) or a stickiness bar (``day``, the number of active intervals); a ``FunnelsActorsQuery``
for a funnel step (``funnelStep``: N reached step N, -N dropped off before it, 1-based). Each
selector is checked against the insight's kind before anything is sent.

Example:
    >>> from posthog_frames.queries import funnel_query
    >>> node = actors_source(funnel_query(["signed up", "purchased"]), step=2, dropped=True)
    >>> node["kind"], node["funnelStep"]
    ('FunnelsActorsQuery', -2)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from posthog_frames._reference import LIFECYCLE_STATUSES
from posthog_frames.exceptions import InvalidArgument, ValidationError
from posthog_frames.queries._checks import one_of
from posthog_frames.queries.insights import insight_source

__all__ = ["SELECTORS", "actors_query", "actors_source"]

# The selectors each insight kind reads (the rest are refused, naming these).
SELECTORS = {
    "TrendsQuery": ("date", "series", "breakdown"),
    "FunnelsQuery": ("step", "dropped", "breakdown"),
    "RetentionQuery": ("cohort", "period"),
    "LifecycleQuery": ("date", "status"),
    "StickinessQuery": ("period", "series"),
}
_TOTAL_DISPLAYS = ("BoldNumber", "ActionsPie", "ActionsBarValue", "ActionsTable", "WorldMap")
_DEFAULTS = {"series": 0, "dropped": False}


def _whole(value: Any, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValidationError(
            f"{name} must be a whole number from {low}, got {value!r}.", attr=name
        )
    if high is not None and value > high:
        raise ValidationError(f"{name} is at most {high} here, got {value}.", attr=name)
    return value


def _day(date: Any, interval: str | None, timezone: str | None) -> str:
    """A bucket as the series' ``days`` write it (``2025-03-04``; hourly ``… 13:00:00``)."""
    if date is None:
        raise ValidationError(
            "date= names the bucket, e.g. date='2025-03-04' (a value of the frame's date column).",
            attr="date",
        )
    try:
        stamp = pd.Timestamp(date)
    except (ValueError, TypeError):
        raise ValidationError(f"date={date!r} is not a date.", attr="date") from None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(timezone or "UTC").tz_localize(None)
    hourly = interval in ("hour", "minute", "second")
    return stamp.strftime("%Y-%m-%d %H:%M:%S" if hourly else "%Y-%m-%d")


def actors_source(
    query: Any,
    *,
    date: Any = None,
    series: int = 0,
    breakdown: Any = None,
    step: int | None = None,
    dropped: bool = False,
    cohort: int | None = None,
    period: int | None = None,
    status: str | None = None,
    timezone: str | None = None,
) -> dict[str, Any]:
    """The actors source node for one number of *query* (see
    :meth:`posthog_frames.Client.actors` for the selectors); *timezone* reads tz-aware dates.

    Example:
        >>> from posthog_frames.queries import trends_query
        >>> actors_source(trends_query("$pageview"), date="2025-03-04")
        {'kind': 'InsightActorsQuery', 'source': {...}, 'day': '2025-03-04', 'series': 0}
    """
    source = insight_source(query)
    kind = str(source.get("kind"))
    if kind not in SELECTORS:
        raise ValidationError(
            f"PostHog lists the persons behind trends, funnel, retention, lifecycle and "
            f"stickiness numbers, not those of a {kind}.",
            attr="query",
        )
    given = {
        "date": date,
        "series": series,
        "breakdown": breakdown,
        "step": step,
        "dropped": dropped,
        "cohort": cohort,
        "period": period,
        "status": status,
    }
    wrong = [
        k
        for k, v in given.items()
        if v is not None and v != _DEFAULTS.get(k) and k not in SELECTORS[kind]
    ]
    if wrong:
        raise InvalidArgument(
            f"{wrong[0]}= does not apply to a {kind}; it takes {', '.join(SELECTORS[kind])}.",
            attr=wrong[0],
        )
    if kind == "FunnelsQuery":
        return _funnel(source, step, dropped, breakdown)
    node: dict[str, Any] = {"kind": "InsightActorsQuery", "source": source}
    count = len(source.get("series") or [])
    if kind == "TrendsQuery":
        display = (source.get("trendsFilter") or {}).get("display")
        if display in _TOTAL_DISPLAYS:
            if date is not None:
                raise InvalidArgument(
                    f"This {display} insight has one number per series: leave date= out.",
                    attr="date",
                )
        else:
            node["day"] = _day(date, source.get("interval"), timezone)
        node["series"] = _whole(series, "series", 0, count - 1)
        if breakdown is not None:
            if not (source.get("breakdownFilter") or {}).get("breakdown"):
                raise ValidationError(
                    "breakdown= needs an insight with a breakdown.", attr="breakdown"
                )
            node["breakdown"] = breakdown
    elif kind == "LifecycleQuery":
        node["day"] = _day(date, source.get("interval"), timezone)
        node["status"] = one_of(status, LIFECYCLE_STATUSES, "status")
    elif kind == "RetentionQuery":
        rows = (source.get("retentionFilter") or {}).get("totalIntervals") or 8
        if cohort is None:
            raise ValidationError(
                "cohort= names the retention row (0 is the first).", attr="cohort"
            )
        node["interval"] = _whole(cohort, "cohort", 0, rows - 1)
        if period is not None:
            _whole(period, "period", 0, rows - 1 - node["interval"])
    else:  # StickinessQuery
        if period is None:
            raise ValidationError(
                "period= names the bar: persons active on exactly that many intervals.",
                attr="period",
            )
        node["day"] = _whole(period, "period", 1)
        node["series"] = _whole(series, "series", 0, count - 1)
    return node


def _funnel(source: dict[str, Any], step: Any, dropped: Any, breakdown: Any) -> dict[str, Any]:
    count = len(source.get("series") or [])
    if step is None:
        raise ValidationError(
            f"step= names the funnel step, 1 to {count} (dropped=True: those who left before it).",
            attr="step",
        )
    number = _whole(step, "step", 2 if dropped else 1, count)
    if not isinstance(dropped, bool):
        raise InvalidArgument(f"dropped is True or False, got {dropped!r}.", attr="dropped")
    node: dict[str, Any] = {
        "kind": "FunnelsActorsQuery",
        "source": source,
        "funnelStep": -number if dropped else number,
    }
    if breakdown is not None:
        if not (source.get("breakdownFilter") or {}).get("breakdown"):
            raise ValidationError("breakdown= needs a funnel with a breakdown.", attr="breakdown")
        # "an array for person and event properties" (FunnelsActorsQuery.funnelStepBreakdown)
        node["funnelStepBreakdown"] = breakdown if isinstance(breakdown, list) else [breakdown]
    return node


def actors_query(
    source: dict[str, Any], *, select: list[str], limit: int, offset: int = 0
) -> dict[str, Any]:
    """One page of the ``ActorsQuery`` over *source*, in PostHog's default order (the first
    column, the person, ascending), so pages by ``offset`` are stable.

    Example:
        >>> actors_query({"kind": "InsightActorsQuery"}, select=["actor"], limit=100)["kind"]
        'ActorsQuery'
    """
    return {
        "kind": "ActorsQuery",
        "source": source,
        "select": select,
        "limit": limit,
        "offset": offset,
    }
