"""Options of PostHog's insight queries that change results but that the demo does not compute.

PostHog accepts every field of its query schema (checked by
:mod:`posthog_frames.demo.api.query_schema`); the demo computes most of them and refuses the
rest with a 400 naming the option, rather than answering as if it were not there. Fields that
only change how PostHog draws a result (``showLegend``, ``layout``, ``display`` of retention …)
are accepted and ignored, as they change nothing in ``results``.

Example:
    >>> check_supported({"kind": "TrendsQuery", "samplingFactor": 0.1})
    Traceback (most recent call last):
    ...
    posthog_frames.demo.errors.DemoValidationError: samplingFactor=0.1 is not computed by the...
"""

from __future__ import annotations

from typing import Any

from posthog_frames.demo.analytics._actions import find_action, is_action
from posthog_frames.demo.analytics._maths import COMPUTED_MATHS
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["check_supported"]

# (block or None for the query itself, field) → the values the demo computes (None: absent).
_ONLY: dict[tuple[str | None, str], tuple[Any, ...]] = {
    (None, "samplingFactor"): (None, 1, 1.0),
    (None, "aggregation_group_type_index"): (None,),
    (None, "conversionGoal"): (None,),
    (None, "intervalCount"): (None, 1),
    (None, "funnelPathsFilter"): (None,),
    ("dateRange", "explicitDate"): (None, False),
    ("compareFilter", "compare_to"): (None,),
    ("breakdownFilter", "breakdowns"): (None, []),
    ("breakdownFilter", "breakdown_histogram_bin_count"): (None,),
    ("breakdownFilter", "breakdown_group_type_index"): (None,),
    ("breakdownFilter", "breakdown_normalize_url"): (None, False),
    ("trendsFilter", "smoothingIntervals"): (None, 1),
    ("funnelsFilter", "exclusions"): (None, []),
    ("funnelsFilter", "funnelAggregateByHogQL"): (None,),
    ("funnelsFilter", "breakdownAttributionType"): (None, "first_touch"),
    ("retentionFilter", "retentionType"): (None, "retention_first_time", "retention_recurring"),
    ("retentionFilter", "minimumOccurrences"): (None, 1),
    ("retentionFilter", "cumulative"): (None, False),
    ("retentionFilter", "retentionCustomBrackets"): (None, []),
    ("retentionFilter", "timeWindowMode"): (None, "strict_calendar_dates"),
    ("pathsFilter", "pathGroupings"): (None, []),
    ("pathsFilter", "pathReplacements"): (None, False),
    ("pathsFilter", "localPathCleaningFilters"): (None, []),
    ("pathsFilter", "pathsHogQLExpression"): (None,),
    ("pathsFilter", "pathStartKey"): (None,),
    ("pathsFilter", "pathEndKey"): (None,),
    ("pathsFilter", "pathDropoffKey"): (None,),
    ("stickinessFilter", "computedAs"): (None, "non_cumulative"),
    ("stickinessFilter", "stickinessCriteria"): (None,),
}
_BREAKDOWN_TYPES = ("event", "person")
_NODE_ONLY = ("math_group_type_index", "math_hogql", "math_multiplier", "fixedProperties")


def _refuse(name: str, value: Any, hint: str = "") -> DemoValidationError:
    return DemoValidationError(
        f"{name}={value!r} is not computed by the demo (PostHog computes it){hint}; leave it "
        "out, or try it on PostHog itself.",
        attr=name.rsplit(".", 1)[-1],
    )


def _check_node(node: Any, where: str) -> None:
    if not isinstance(node, dict):
        return
    if is_action(node):
        find_action(node.get("id"))
    math = node.get("math")
    if math is not None and math not in COMPUTED_MATHS:
        raise _refuse(f"{where}.math", math, f": use one of {', '.join(COMPUTED_MATHS)}")
    for key in _NODE_ONLY:
        if node.get(key) not in (None, []):
            raise _refuse(f"{where}.{key}", node[key])


def check_supported(source: dict) -> None:
    """Refuse, as a 400, a result-changing option of *source* that the demo does not compute."""
    for (block, key), allowed in _ONLY.items():
        holder = source if block is None else source.get(block)
        if isinstance(holder, dict) and holder.get(key) not in allowed:
            raise _refuse(key if block is None else f"{block}.{key}", holder[key])
    breakdown = source.get("breakdownFilter") or {}
    kind = breakdown.get("breakdown_type")
    if breakdown.get("breakdown") is not None and kind not in (None, *_BREAKDOWN_TYPES):
        raise _refuse("breakdownFilter.breakdown_type", kind, ": use event or person")
    if breakdown.get("breakdown") is not None and source.get("kind") == "RetentionQuery":
        raise _refuse("breakdownFilter", breakdown)
    if (source.get("interval") or "day") in ("second", "minute"):
        raise _refuse("interval", source["interval"], ": use hour, day, week or month")
    if source.get("kind") == "StickinessQuery" and (source.get("compareFilter") or {}).get(
        "compare"
    ):
        raise _refuse("compareFilter", source["compareFilter"])
    for i, node in enumerate(source.get("series") or []):
        _check_node(node, f"series.{i}")
    retention = source.get("retentionFilter") or {}
    for key in ("targetEntity", "returningEntity"):
        _check_node(retention.get(key), f"retentionFilter.{key}")
