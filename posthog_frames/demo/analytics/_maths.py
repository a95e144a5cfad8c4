"""What a trends series counts: PostHog's ``math`` over a set of events, and series formulas.

Maths (``posthog_frames._reference.MATH_TYPES``) the demo computes: ``total`` (events),
``dau`` (unique persons), ``weekly_active``/``monthly_active`` (unique persons over the 7/30 days
ending with each bucket; PostHog reads them as ``dau`` when the interval is as long, see
``convert_active_user_math_based_on_interval``), the property maths (``sum``, ``avg``, ``min``,
``max``, ``median``, ``p75`` … ``p99`` of ``math_property``) and the count-per-person maths
(``avg_count_per_actor`` …). Formulas follow ``posthog/hogql_queries/utils/formula_ast.py``:
series A, B, … with + - * / % **, evaluated point by point, a division by zero giving 0.

Example:
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"person_id": ["a", "a", "b"], "revenue": [1.0, 2.0, 6.0]})
    >>> aggregate(rows, "dau", None), aggregate(rows, "sum", "revenue")
    (2, 9.0)
    >>> apply_formula("A/B", [[2, 3], [1, 0]])
    [2.0, 0]
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd

from posthog_frames.demo.errors import DemoValidationError

__all__ = ["ACTIVE_WINDOWS", "COMPUTED_MATHS", "active_window", "aggregate", "apply_formula"]

_PROPERTY: dict[str, Callable[[pd.Series], Any]] = {
    "sum": pd.Series.sum,
    "avg": pd.Series.mean,
    "min": pd.Series.min,
    "max": pd.Series.max,
    "median": pd.Series.median,
    **{f"p{q}": partial(pd.Series.quantile, q=q / 100) for q in (75, 90, 95, 99)},
}
_PER_ACTOR = {f"{name}_count_per_actor": fn for name, fn in _PROPERTY.items() if name != "sum"}
ACTIVE_WINDOWS = {"weekly_active": pd.Timedelta(days=7), "monthly_active": pd.Timedelta(days=30)}
COMPUTED_MATHS = ("total", "dau", *ACTIVE_WINDOWS, *_PROPERTY, *_PER_ACTOR)
# convert_active_user_math_based_on_interval: an active-users window no longer than the
# interval counts the interval's own unique persons.
_AS_DAU = {"weekly_active": ("week", "month"), "monthly_active": ("month",)}


def active_window(math: str | None, interval: str) -> pd.Timedelta | None:
    """The trailing window an active-users math counts over, or None (per-bucket maths).

    Example:
        >>> active_window("weekly_active", "day"), active_window("weekly_active", "week")
        (Timedelta('7 days 00:00:00'), None)
    """
    if math in ACTIVE_WINDOWS and interval not in _AS_DAU[math]:
        return ACTIVE_WINDOWS[math]
    return None


def _round(value: Any) -> float:
    return 0.0 if pd.isna(value) else round(float(value), 4)


def aggregate(frame: pd.DataFrame, math: str | None, math_property: str | None) -> float:
    """One number for *frame* (events) under PostHog's *math*.

    An active-users math counts the unique persons of *frame*: the caller chooses the window.
    """
    math = math or "total"
    if math == "total":
        return len(frame)
    if math == "dau" or math in ACTIVE_WINDOWS:
        return int(frame["person_id"].nunique())
    if math in _PROPERTY:
        if not math_property:
            raise DemoValidationError(f"math {math!r} needs a math_property.", attr="math_property")
        if math_property not in frame.columns:
            return 0
        numbers = pd.to_numeric(frame[math_property], errors="coerce").dropna()
        return 0 if numbers.empty else _round(_PROPERTY[math](numbers))
    if math in _PER_ACTOR:
        per_person = frame.groupby("person_id").size()
        return 0 if per_person.empty else _round(_PER_ACTOR[math](per_person))
    raise DemoValidationError(
        f"math {math!r} is not computed by the demo; use one of {', '.join(COMPUTED_MATHS)}.",
        attr="math",
    )


_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


def _evaluate(node: ast.AST, values: dict[str, Any]) -> Any:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = (_evaluate(n, values) or 0 for n in (node.left, node.right))
        try:
            return _OPS[type(node.op)](left, right)
        except ZeroDivisionError:
            return 0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _evaluate(node.operand, values) or 0
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.Name) and node.id in values:
        return values[node.id]
    if isinstance(node, ast.Name):
        known = ", ".join(sorted(k.upper() for k in values)) or "none"
        raise DemoValidationError(
            f"Formula references series {node.id.upper()}, but only {len(values)} series are "
            f"defined ({known})",
            attr="formula",
        )
    raise DemoValidationError(
        f"Formulas only support arithmetic between series, not {type(node).__name__}",
        attr="formula",
    )


def apply_formula(formula: str, series: list[list[Any]]) -> list[Any]:
    """*formula* over the series' data, point by point (series A is ``series[0]``)."""
    try:
        tree = ast.parse(formula.lower(), mode="eval")
    except SyntaxError:
        raise DemoValidationError(f"Formula {formula!r} is not valid.", attr="formula") from None
    points = zip(*series, strict=True) if series else iter(())
    return [
        _evaluate(tree, {chr(ord("a") + i): v for i, v in enumerate(values)}) for values in points
    ]
