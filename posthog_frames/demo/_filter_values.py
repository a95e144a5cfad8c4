"""How the demo's property filters compare one property value, as PostHog's HogQL does: the
JSON-extracted text form, ``toFloat`` for numbers and the ``ifNull`` wrapping that decides what
a missing property matches (:mod:`posthog_frames.demo.filters` explains the rules).

Example:
    >>> equals_to(3)(3.0), present(equals_to("pro"))(None), negated(equals_to("pro"))(None)
    (True, False, True)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

__all__ = [
    "FilterError",
    "between_bounds",
    "equals_to",
    "json_form",
    "negated",
    "numeric",
    "present",
    "text_of",
    "to_float",
]

Test = Callable[[Any], bool]  # on one property value; None = missing or JSON null


class FilterError(ValueError):
    """A filter PostHog (or the demo) would reject; the message is the 400 ``detail``."""


def json_form(value: Any) -> Any:
    """The text PostHog's JSON extraction yields: booleans as true/false, numbers as JSON."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float | str):
        return value if isinstance(value, str) else json.dumps(value)
    return json.dumps(value, separators=(",", ":"))


def to_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def equals_to(value: Any) -> Callable[[Any], bool]:
    text = json_form(value)
    number = to_float(value)

    def same(found: Any) -> bool:
        if isinstance(found, int | float) and not isinstance(found, bool):
            # Numeric property definitions make HogQL compare toFloat(property) = value.
            return number is not None and float(found) == number
        return json_form(found) == text

    return same


def present(test: Test) -> Test:
    """Missing → no match (the ``ifNull(.., 0)`` wrapping)."""
    return lambda found: found is not None and test(found)


def negated(test: Test) -> Test:
    """Missing → match (the ``ifNull(.., 1)`` wrapping of !=, NOT ILIKE, not(match))."""
    return lambda found: found is None or not test(found)


def text_of(found: Any) -> str:
    return str(json_form(found))


def numeric(test: Callable[[float], bool]) -> Test:
    def match(found: Any) -> bool:
        number = to_float(found)
        return number is not None and test(number)

    return match


def between_bounds(value: Any, operator: str) -> tuple[float, float]:
    # Messages are PostHog's (posthog/hogql/property.py _validate_between_values).
    if not isinstance(value, list) or len(value) != 2:
        raise FilterError(f"{operator} operator requires a two-element array [min, max]")
    low, high = to_float(value[0]), to_float(value[1])
    if low is None or high is None:
        raise FilterError(f"{operator} operator requires numeric values")
    if low > high:
        raise FilterError(f"{operator} operator requires min value to be less than or equal to max")
    return low, high
