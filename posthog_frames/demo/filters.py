"""Person property filters evaluated the way PostHog's HogQL evaluates them.

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

Demo limits (answered 400, PostHog would act): cohort filters, non-person filter types (PostHog
answers "The 'event' property filter does not work in 'person' scope"; a filter without ``type``
counts as ``event`` there, as ``Property()`` defaults to it), and semver operators.
Malformed JSON answers PostHog's own "Properties are unparsable!".

Example:
    >>> from posthog_frames.demo import DEMO_NOW as NOW
    >>> match = compile_filters('[{"key": "plan", "value": ["pro"], "type": "person"}]', now=NOW)
    >>> match({"plan": "pro"}), match({})
    (True, False)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from posthog_frames.demo.clock import parse_when

__all__ = ["FilterError", "compile_filters"]

Matcher = Callable[[dict[str, Any]], bool]

_NEGATIVE = {"is_not", "not_icontains", "not_regex"}
_NUMERIC = {"gt": "__gt__", "gte": "__ge__", "lt": "__lt__", "lte": "__le__", "min": "__ge__",
            "max": "__le__"}  # fmt: skip
_DATES = {"is_date_before", "is_date_after", "is_date_exact"}
_KNOWN = {"exact", "is_not", "icontains", "not_icontains", "regex", "not_regex", "is_set",
          "is_not_set", "between", "not_between", "icontains_multi", "not_icontains_multi",
          "is_cleaned_path_exact", *_NUMERIC, *_DATES}  # fmt: skip


class FilterError(ValueError):
    """A filter PostHog would reject; the message is the 400 ``detail``."""


def compile_filters(raw: str | list | dict, *, now: datetime, timezone: str = "UTC") -> Matcher:
    """Parse a ``properties`` parameter (JSON text or decoded) into a predicate on properties.

    Raises :class:`FilterError` for anything PostHog would refuse.

    Example:
        >>> from posthog_frames.demo import DEMO_NOW as NOW
        >>> compile_filters("[]", now=NOW)({"a": 1})
        True
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise FilterError("Properties are unparsable!") from None
    tz = ZoneInfo(timezone)
    if isinstance(raw, list):
        return _all([_compile(item, now, tz) for item in raw])
    if isinstance(raw, dict):
        return _compile(raw, now, tz)
    raise FilterError("properties must be a JSON list of property filters")


def _all(matchers: list[Matcher]) -> Matcher:
    return lambda props: all(m(props) for m in matchers)


def _any(matchers: list[Matcher]) -> Matcher:
    return lambda props: any(m(props) for m in matchers)


def _compile(item: Any, now: datetime, tz: ZoneInfo) -> Matcher:
    if not isinstance(item, dict):
        raise FilterError(f"each property filter must be an object, got {json.dumps(item)}")
    kind = item.get("type")
    if kind in ("AND", "OR") and "values" in item:
        values = item["values"]
        if not isinstance(values, list):
            raise FilterError(f'property group "{kind}" needs a list in "values"')
        parts = [_compile(v, now, tz) for v in values]
        return _all(parts) if kind == "AND" else _any(parts)
    if kind in ("cohort", "static-cohort", "dynamic-cohort", "precalculated-cohort"):
        raise FilterError("cohort filters are not supported by the demo server")
    if kind != "person":
        shown = kind if kind else "event"
        raise FilterError(
            f"The '{shown}' property filter does not work in 'person' scope"
            ' (set "type": "person" on person property filters)'
        )
    key = item.get("key")
    if not isinstance(key, str) or not key:
        raise FilterError(f"property filter needs a string key: {json.dumps(item)}")
    operator = item.get("operator") or "exact"
    if operator not in _KNOWN:
        raise FilterError(f"unknown operator {operator!r} for property {key!r}")
    value = item.get("value")
    if value is None and operator not in ("is_set", "is_not_set"):
        raise FilterError(f"Value must be set for property type person & operator {operator}")
    return _leaf(key, operator, value, now, tz)


def _leaf(key: str, operator: str, value: Any, now: datetime, tz: ZoneInfo) -> Matcher:
    if operator == "is_set":
        return lambda props: props.get(key) is not None
    if operator == "is_not_set":
        return lambda props: props.get(key) is None
    if operator in ("between", "not_between"):
        low, high = _between_bounds(value, operator)
        if operator == "between":
            return _numeric(key, lambda x: low <= x <= high)
        return _numeric(key, lambda x: x < low or x > high)
    if operator in ("icontains_multi", "not_icontains_multi") or (
        operator in ("icontains", "not_icontains") and isinstance(value, list) and len(value) > 1
    ):
        needles = [str(v).lower() for v in (value if isinstance(value, list) else [value])]
        found = not operator.startswith("not_")
        # multiSearchAny(...) > 0 / = 0: both wrapped in ifNull(.., 0), so missing never matches
        return _present(key, lambda f: any(n in _text(f).lower() for n in needles) == found)
    if isinstance(value, list):
        if len(value) == 0:
            return lambda props: True  # PostHog: an empty value list is no condition at all
        if len(value) > 1:
            parts = [_leaf(key, operator, v, now, tz) for v in value]
            return _all(parts) if operator in _NEGATIVE else _any(parts)
        value = value[0]
    return _scalar(key, operator, value, now, tz)


def _scalar(key: str, operator: str, value: Any, now: datetime, tz: ZoneInfo) -> Matcher:
    if operator in ("exact", "is_not", "is_cleaned_path_exact"):
        same = _equals_to(value)
        return _negated(key, same) if operator == "is_not" else _present(key, same)
    if operator in ("icontains", "not_icontains"):
        needle = _text(value).lower()
        contains = lambda f: needle in _text(f).lower()  # noqa: E731
        return _present(key, contains) if operator == "icontains" else _negated(key, contains)
    if operator in ("regex", "not_regex"):
        try:
            pattern = re.compile(str(value))
        except re.error as err:
            raise FilterError(f"invalid regex {value!r} for property {key!r}: {err}") from None
        searched = lambda f: pattern.search(_text(f)) is not None  # noqa: E731
        return _present(key, searched) if operator == "regex" else _negated(key, searched)
    if operator in _NUMERIC:
        bound = _to_float(value)
        if bound is None:
            raise FilterError(f"operator {operator!r} needs a number, got {value!r}")
        compare = getattr(float, _NUMERIC[operator])
        return _numeric(key, lambda x: compare(x, bound))
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

    return _present(key, dated)


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


def _present(key: str, test: Callable[[Any], bool]) -> Matcher:
    """Missing → no match (the ``ifNull(.., 0)`` wrapping). *test* gets the raw value."""

    def match(props: dict[str, Any]) -> bool:
        found = props.get(key)
        return found is not None and test(found)

    return match


def _negated(key: str, test: Callable[[Any], bool]) -> Matcher:
    """Missing → match (the ``ifNull(.., 1)`` wrapping of !=, NOT ILIKE, not(match))."""

    def match(props: dict[str, Any]) -> bool:
        found = props.get(key)
        return found is None or not test(found)

    return match


def _text(found: Any) -> str:
    return str(_json_form(found))


def _numeric(key: str, test: Callable[[float], bool]) -> Matcher:
    def match(props: dict[str, Any]) -> bool:
        number = _to_float(props.get(key))
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
