"""Property filters evaluated the way PostHog's HogQL evaluates them: one evaluator for the
persons API (a predicate on each person's properties) and the insights (a mask over the events).

Semantics follow ``posthog/hogql/property.py`` (``property_to_expr`` / ``_expr_to_compare_op``)
and the HogQL printer's null handling, read in PostHog/posthog's source:

* A property that is missing, or JSON ``null``, is SQL NULL. The printer wraps ``=`` as
  ``ifNull(equals(..), 0)`` and ``!=`` / ``NOT ILIKE`` as ``ifNull(..., 1)``; ``not_regex`` is
  ``ifNull(not(match(..)), 1)``. So a **missing property matches the negative operators**
  ``is_not``, ``not_icontains`` and ``not_regex``, and never matches the others (``exact``,
  ``icontains``, ``regex``, ``gt``/``gte``/``lt``/``lte``, dates, ``between`` *and*
  ``not_between``, which is ``x < min OR x > max``).
* Exception, also from source: ``not_icontains`` with **several** values becomes
  ``multiSearchAnyCaseInsensitive(toString(x), [...]) = 0``, an ``=`` wrapped in ``ifNull(.., 0)``,
  so there a missing property does **not** match.
* ``exact`` / ``is_not`` take a list (OR of values / none of them); an empty list matches every
  person; a one-element list is the scalar. Other operators given several values are OR-ed
  (AND-ed for the negative ones), as ``property_to_expr`` does.
* Values compare in the JSON-extracted string form: ``true`` equals the string ``"true"``,
  ``3`` equals ``"3"``. Numeric properties compare as numbers (``toFloat``), so ``3`` equals
  ``3.0``. ``exact`` is case-sensitive; ``icontains`` is case-insensitive; ``regex`` uses Python's
  ``re.search`` (close to re2 for ordinary patterns).
* ``gt``/``gte``/``lt``/``lte``/``min``/``max``/``between`` convert both sides with
  toFloat-or-null: a non-numeric property never matches. ``between`` needs exactly two numeric
  values with min <= max (PostHog's ``_validate_between_values`` messages).
* Dates (``is_date_before``/``after``/``exact``) parse ISO dates and datetimes (naive values in
  the project time zone) and PostHog's relative dates (``posthog/utils.py``
  ``relative_date_parse``): ``-7d``, ``-2w``, ``-1m`` (months), ``-1q`` (13 weeks), ``-1y``,
  ``-24h``, ``-30M`` (minutes), ``-10s``, with ``Start``/``End`` (``-1dStart``, ``mStart``),
  counted back from the server's fixed clock in the project zone, untruncated otherwise.

Filters nest as PostHog's property groups (``{"type": "AND"|"OR", "values": [...]}``); a list is
an AND of its items, lists included (the insights' ``filters_override`` nests them so).

Demo limits (answered 400, PostHog would act): cohort filters, semver operators, and filter types
other than ``person`` in the persons API (PostHog answers "The 'event' property filter does not
work in 'person' scope"; a filter without ``type`` counts as ``event``, as ``Property()``
defaults to it) or other than ``event``/``person`` in insights. Malformed JSON answers PostHog's
own "Properties are unparsable!".

Example:
    >>> from posthog_frames.demo import DEMO_NOW
    >>> match = compile_filters([{"key": "plan", "value": ["pro"], "type": "person"}], now=DEMO_NOW)
    >>> match({"plan": "pro"}), match({})
    (True, False)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from posthog_frames.demo.clock import parse_when

__all__ = ["Condition", "FilterError", "Group", "compile_filters", "filters_mask", "parse_filters"]

Matcher = Callable[[dict[str, Any]], bool]
Test = Callable[[Any], bool]  # on one property value; None = missing or JSON null

_NEGATIVE = {"is_not", "not_icontains", "not_regex"}
_NUMERIC = {
    "gt": "__gt__",
    "gte": "__ge__",
    "lt": "__lt__",
    "lte": "__le__",
    "min": "__ge__",
    "max": "__le__",
}
_DATES = {"is_date_before", "is_date_after", "is_date_exact"}
_KNOWN = {
    *"exact is_not icontains not_icontains regex not_regex is_set is_not_set between".split(),
    *"not_between icontains_multi not_icontains_multi is_cleaned_path_exact".split(),
    *_NUMERIC,
    *_DATES,
}
_COHORTS = ("cohort", "static-cohort", "dynamic-cohort", "precalculated-cohort")
# Which filter types each caller can evaluate: persons know their own properties only, events
# carry theirs and reach their person's.
_SCOPES = {"person": ("person",), "event": ("event", "person")}


class FilterError(ValueError):
    """A filter PostHog (or the demo) would reject; the message is the 400 ``detail``."""


@dataclass(frozen=True)
class Condition:
    """One property test: *test* gets the value of property *key* of type *type*."""

    key: str
    type: str
    test: Test


@dataclass(frozen=True)
class Group:
    """AND/OR of conditions and groups (an empty group holds for everything)."""

    join: str
    parts: tuple[Condition | Group, ...]


def parse_filters(
    raw: str | list | dict, *, now: datetime, timezone: str = "UTC", scope: str = "person"
) -> Condition | Group:
    """Parse a ``properties`` parameter (JSON text or decoded) into conditions and groups.

    Raises :class:`FilterError` for anything PostHog would refuse in *scope* (``person`` for
    the persons API, ``event`` for insights).

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> parse_filters('{"key": "$os", "value": "iOS"}', now=DEMO_NOW, scope="event").type
        'event'
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise FilterError("Properties are unparsable!") from None
    if not isinstance(raw, list | dict):
        raise FilterError("properties must be a JSON list of property filters")
    return _node(raw, now, ZoneInfo(timezone), _SCOPES[scope])


def compile_filters(raw: str | list | dict, *, now: datetime, timezone: str = "UTC") -> Matcher:
    """Person filters as a predicate on a person's ``properties`` dict.

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> compile_filters("[]", now=DEMO_NOW)({"a": 1})
        True
    """
    return _matcher(parse_filters(raw, now=now, timezone=timezone))


def filters_mask(
    node: Condition | Group, values: Callable[[str, str], pd.Series], rows: int
) -> np.ndarray:
    """Evaluate *node* over *rows* rows at once; ``values(key, type)`` gives a property's column
    (NaN/None where missing). Each distinct value is tested once.

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> node = parse_filters([{"key": "$os", "value": "iOS"}], now=DEMO_NOW, scope="event")
        >>> filters_mask(node, lambda key, kind: pd.Series(["iOS", None, "Linux"]), 3).tolist()
        [True, False, False]
    """
    if isinstance(node, Condition):
        codes, uniques = pd.factorize(values(node.key, node.type), use_na_sentinel=True)
        # The last slot answers code -1, the missing values.
        found = [node.test(_python(u)) for u in uniques] + [node.test(None)]
        return np.array(found, dtype=bool)[codes]
    masks = [filters_mask(part, values, rows) for part in node.parts]
    if not masks:
        return np.ones(rows, bool)
    return (np.logical_and if node.join == "AND" else np.logical_or).reduce(masks)


def _python(value: Any) -> Any:
    """A column's value as the Python value JSON would hold (NaN as missing, timestamps as text)."""
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, str | int | float | bool | list | dict) else str(value)


def _matcher(node: Condition | Group) -> Matcher:
    if isinstance(node, Condition):
        key, test = node.key, node.test
        return lambda props: test(props.get(key))
    parts = [_matcher(p) for p in node.parts]
    if node.join == "AND":
        return lambda props: all(m(props) for m in parts)
    return lambda props: any(m(props) for m in parts)


def _node(item: Any, now: datetime, tz: ZoneInfo, kinds: Sequence[str]) -> Condition | Group:
    if isinstance(item, list):
        return Group("AND", tuple(_node(v, now, tz, kinds) for v in item))
    if not isinstance(item, dict):
        raise FilterError(f"each property filter must be an object, got {json.dumps(item)}")
    kind = item.get("type")
    if kind in ("AND", "OR") and "values" in item:
        values = item["values"]
        if not isinstance(values, list):
            raise FilterError(f'property group "{kind}" needs a list in "values"')
        return Group(kind, tuple(_node(v, now, tz, kinds) for v in values))
    if kind in _COHORTS:
        raise FilterError("cohort filters are not supported by the demo server")
    kind = kind or "event"
    if kind not in kinds and kinds == _SCOPES["person"]:
        raise FilterError(
            f"The '{kind}' property filter does not work in 'person' scope"
            ' (set "type": "person" on person property filters)'
        )
    if kind not in kinds:
        raise FilterError(
            f"Property filters of type {kind!r} are not supported by the demo; use 'event' or "
            "'person'."
        )
    key = item.get("key")
    if not isinstance(key, str) or not key:
        raise FilterError(f"property filter needs a string key: {json.dumps(item)}")
    operator = item.get("operator") or "exact"
    if operator not in _KNOWN:
        raise FilterError(f"unknown operator {operator!r} for property {key!r}")
    value = item.get("value")
    if value is None and operator not in ("is_set", "is_not_set"):
        raise FilterError(f"Value must be set for property type {kind} & operator {operator}")
    return Condition(key, kind, _leaf(key, operator, value, now, tz))


def _all(tests: list[Test]) -> Test:
    return lambda found: all(t(found) for t in tests)


def _any(tests: list[Test]) -> Test:
    return lambda found: any(t(found) for t in tests)


def _leaf(key: str, operator: str, value: Any, now: datetime, tz: ZoneInfo) -> Test:
    if operator == "is_set":
        return lambda found: found is not None
    if operator == "is_not_set":
        return lambda found: found is None
    if operator in ("between", "not_between"):
        low, high = _between_bounds(value, operator)
        if operator == "between":
            return _numeric(lambda x: low <= x <= high)
        return _numeric(lambda x: x < low or x > high)
    if operator in ("icontains_multi", "not_icontains_multi") or (
        operator in ("icontains", "not_icontains") and isinstance(value, list) and len(value) > 1
    ):
        needles = [str(v).lower() for v in (value if isinstance(value, list) else [value])]
        found = not operator.startswith("not_")
        # multiSearchAny(...) > 0 / = 0: both wrapped in ifNull(.., 0), so missing never matches
        return _present(lambda f: any(n in _text(f).lower() for n in needles) == found)
    if isinstance(value, list):
        if len(value) == 0:
            return lambda found: True  # PostHog: an empty value list is no condition at all
        if len(value) > 1:
            parts = [_leaf(key, operator, v, now, tz) for v in value]
            return _all(parts) if operator in _NEGATIVE else _any(parts)
        value = value[0]
    return _scalar(key, operator, value, now, tz)


def _scalar(key: str, operator: str, value: Any, now: datetime, tz: ZoneInfo) -> Test:
    if operator in ("exact", "is_not", "is_cleaned_path_exact"):
        same = _equals_to(value)
        return _negated(same) if operator == "is_not" else _present(same)
    if operator in ("icontains", "not_icontains"):
        needle = _text(value).lower()
        contains = lambda f: needle in _text(f).lower()  # noqa: E731
        return _present(contains) if operator == "icontains" else _negated(contains)
    if operator in ("regex", "not_regex"):
        try:
            pattern = re.compile(str(value))
        except re.error as err:
            raise FilterError(f"invalid regex {value!r} for property {key!r}: {err}") from None
        searched = lambda f: pattern.search(_text(f)) is not None  # noqa: E731
        return _present(searched) if operator == "regex" else _negated(searched)
    if operator in _NUMERIC:
        bound = _to_float(value)
        if bound is None:
            raise FilterError(f"operator {operator!r} needs a number, got {value!r}")
        compare = getattr(float, _NUMERIC[operator])
        return _numeric(lambda x: compare(x, bound))
    moment = parse_when(value, now=now, tz=tz)
    if moment is None:
        raise FilterError(
            f"operator {operator!r} needs a date such as 2025-02-10, 2025-02-10T12:00:00Z or -7d,"
            f" got {value!r}"
        )
    stamp = float(math.floor(moment.timestamp()))  # toDateTime has second precision
    test = {"is_date_before": stamp.__gt__, "is_date_after": stamp.__lt__}.get(
        operator, stamp.__eq__
    )

    def dated(found: Any) -> bool:
        when = parse_when(_text(found), now=now, tz=tz, relative=False)
        return when is not None and test(float(math.floor(when.timestamp())))

    return _present(dated)


def _json_form(value: Any) -> Any:
    """The text PostHog's JSON extraction yields: booleans as true/false, numbers as JSON."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float | str):
        return value if isinstance(value, str) else json.dumps(value)
    return json.dumps(value, separators=(",", ":"))


def _to_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _equals_to(value: Any) -> Callable[[Any], bool]:
    text = _json_form(value)
    number = _to_float(value)

    def same(found: Any) -> bool:
        if isinstance(found, int | float) and not isinstance(found, bool):
            # Numeric property definitions make HogQL compare toFloat(property) = value.
            return number is not None and float(found) == number
        return _json_form(found) == text

    return same


def _present(test: Test) -> Test:
    """Missing → no match (the ``ifNull(.., 0)`` wrapping)."""
    return lambda found: found is not None and test(found)


def _negated(test: Test) -> Test:
    """Missing → match (the ``ifNull(.., 1)`` wrapping of !=, NOT ILIKE, not(match))."""
    return lambda found: found is None or not test(found)


def _text(found: Any) -> str:
    return str(_json_form(found))


def _numeric(test: Callable[[float], bool]) -> Test:
    def match(found: Any) -> bool:
        number = _to_float(found)
        return number is not None and test(number)

    return match


def _between_bounds(value: Any, operator: str) -> tuple[float, float]:
    # Messages are PostHog's (posthog/hogql/property.py _validate_between_values).
    if not isinstance(value, list) or len(value) != 2:
        raise FilterError(f"{operator} operator requires a two-element array [min, max]")
    low, high = _to_float(value[0]), _to_float(value[1])
    if low is None or high is None:
        raise FilterError(f"{operator} operator requires numeric values")
    if low > high:
        raise FilterError(f"{operator} operator requires min value to be less than or equal to max")
    return low, high
