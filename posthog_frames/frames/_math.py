"""What a trends series counts (its ``math``), in words an axis label can carry.

PostHog's math values are listed in ``posthog/schema.py`` (``BaseMathType``, ``PropertyMathType``,
``CountPerActorMathType``, ``HogQLMathType``, ``GroupMathType``); the words follow the labels of
PostHog's own math picker (``frontend/src/scenes/trends/mathsLogic.tsx``), in lower case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from posthog_frames.frames import _common as c

_COUNTS = {
    None: "count",
    "": "count",
    "total": "count",
    "dau": "unique users",
    "weekly_active": "weekly active users",
    "monthly_active": "monthly active users",
    "unique_session": "unique sessions",
    "first_time_for_user": "first-time users",
    "first_matching_event_for_user": "first matching events per user",
    "unique_group": "unique groups",
    "hogql": "HogQL expression",
}
_OF_PROPERTY = {
    "avg": "average",
    "sum": "sum",
    "min": "minimum",
    "max": "maximum",
    "median": "median",
    "p75": "75th percentile",
    "p90": "90th percentile",
    "p95": "95th percentile",
    "p99": "99th percentile",
}
_PER_USER = "_count_per_actor"


def math_text(math: Any, math_property: Any = None) -> str:
    """``"sum"``, ``"revenue"`` → ``"sum of revenue"``; ``None``/``"total"`` → ``"count"``.

    Example:
        >>> math_text("dau"), math_text("p90", "load_time"), math_text("avg_count_per_actor")
        ('unique users', '90th percentile of load_time', 'average count per user')
    """
    if math is not None and not isinstance(math, str):
        return str(math)
    if math in _OF_PROPERTY:
        word = _OF_PROPERTY[math]
        return f"{word} of {math_property}" if math_property else word
    if isinstance(math, str) and math.endswith(_PER_USER):
        word = _OF_PROPERTY.get(math.removesuffix(_PER_USER), math.removesuffix(_PER_USER))
        return f"{word} count per user"
    if math in _COUNTS:
        return _COUNTS[math]
    return str(math)


def series_maths(
    items: list[Mapping[str, Any]], insight: Mapping[str, Any], definitions: list
) -> list[str]:
    """One math text per result item: its formula, else its action's math, else its series'."""
    formulas = _formulas(insight)
    texts = []
    for position, item in enumerate(items):
        action = item.get("action")
        action = action if isinstance(action, Mapping) else {}
        if formulas and not action:
            texts.append(_formula_text(item, position, formulas))
            continue
        order = action.get("order")
        definition = (
            definitions[order] if isinstance(order, int) and order < len(definitions) else {}
        )
        math = action.get("math") if action.get("math") is not None else definition.get("math")
        prop = action.get("math_property") or definition.get("math_property")
        texts.append(math_text(math, prop))
    return texts


def _formulas(insight: Mapping[str, Any]) -> list[str]:
    block = c.query_source(insight).get("trendsFilter")
    block = block if isinstance(block, Mapping) else {}
    nodes = block.get("formulaNodes")
    if isinstance(nodes, list) and nodes:
        return [str(n.get("formula", "")) if isinstance(n, Mapping) else "" for n in nodes]
    many = block.get("formulas")
    if isinstance(many, list) and many:
        return [str(f) for f in many]
    one = block.get("formula") or c.legacy_filters(insight).get("formula")
    return [str(one)] if one else []


def _formula_text(item: Mapping[str, Any], position: int, formulas: list[str]) -> str:
    order = item.get("order")
    index = order if isinstance(order, int) else (0 if len(formulas) == 1 else position)
    formula = formulas[index] if 0 <= index < len(formulas) else ""
    return f"formula {formula}" if formula else "formula"


__all__ = ["math_text", "series_maths"]
