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

Cohort filters (``{"type": "cohort", "key": "id", "value": <id>}``) test the person, not a
property: ``posthog/hogql/property.py`` makes them ``id IN COHORT n`` (person scope) or
``person_id IN COHORT n`` (events), and ``NOT IN COHORT`` when ``operator`` is ``not_in`` or
``negation`` is true; any other operator reads as ``in``. Who is in a cohort comes from the
caller's *cohorts* look-up (the demo's cohorts); without one, cohort filters are refused.

Demo limits (answered 400, PostHog would act): semver operators, and filter types other than
``person``/``cohort`` in the persons API (PostHog answers "The 'event' property filter does not
work in 'person' scope"; a filter without ``type`` counts as ``event``, as ``Property()``
defaults to it) or other than ``event``/``person``/``cohort`` in insights. Malformed JSON
answers PostHog's own "Properties are unparsable!".

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

from posthog_frames.demo._filter_values import (
    FilterError,
    between_bounds,
    equals_to,
    negated,
    numeric,
    present,
    text_of,
    to_float,
)
from posthog_frames.demo.clock import parse_when

__all__ = [
    "CohortLookup",
    "Condition",
    "FilterError",
    "Group",
    "UnknownCohort",
    "compile_filters",
    "filters_mask",
    "parse_filters",
    "person_matcher",
]

Matcher = Callable[[dict[str, Any]], bool]
# A cohort id → whether a person (by uuid) is in it; raises UnknownCohort for an unknown id.
CohortLookup = Callable[[int], Callable[[str], bool]]
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
# carry theirs and reach their person's; both can be tested for cohort membership.
_SCOPES = {"person": ("person",), "event": ("event", "person")}


class UnknownCohort(LookupError):
    """A cohort filter names a cohort the project does not have. PostHog's
    ``property_to_expr`` looks it up with ``Cohort.objects.get`` and lets ``DoesNotExist``
    escape, so the request fails as a server error rather than a 400."""


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
    raw: str | list | dict,
    *,
    now: datetime,
    timezone: str = "UTC",
    scope: str = "person",
    cohorts: CohortLookup | None = None,
) -> Condition | Group:
    """Parse a ``properties`` parameter (JSON text or decoded) into conditions and groups.

    Raises :class:`FilterError` for anything PostHog would refuse in *scope* (``person`` for
    the persons API, ``event`` for insights); a cohort condition's value is the person's uuid
    (``type == "cohort"``), tested with *cohorts*.

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
    return _node(raw, _Context(now, ZoneInfo(timezone), _SCOPES[scope], cohorts))


def compile_filters(raw: str | list | dict, *, now: datetime, timezone: str = "UTC") -> Matcher:
    """Person property filters as a predicate on a person's ``properties`` dict (no cohorts).

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> compile_filters("[]", now=DEMO_NOW)({"a": 1})
        True
    """
    match = person_matcher(parse_filters(raw, now=now, timezone=timezone))
    return lambda props: match({"properties": props})


def person_matcher(node: Condition | Group) -> Matcher:
    """*node* as a predicate on a person dict (``properties``, and ``uuid`` for cohorts).

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> node = parse_filters([{"key": "id", "value": 2, "type": "cohort"}], now=DEMO_NOW,
        ...                      cohorts=lambda cohort: {"p1"}.__contains__)
        >>> match = person_matcher(node)
        >>> match({"uuid": "p1", "properties": {}}), match({"uuid": "p2", "properties": {}})
        (True, False)
    """
    if isinstance(node, Condition):
        key, test = node.key, node.test
        if node.type == "cohort":
            return lambda person: test(person.get("uuid"))
        return lambda person: test(person["properties"].get(key))
    parts = [person_matcher(p) for p in node.parts]
    if node.join == "AND":
        return lambda person: all(m(person) for m in parts)
    return lambda person: any(m(person) for m in parts)


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


@dataclass(frozen=True)
class _Context:
    now: datetime
    tz: ZoneInfo
    kinds: Sequence[str]
    cohorts: CohortLookup | None


def _node(item: Any, ctx: _Context) -> Condition | Group:
    if isinstance(item, list):
        return Group("AND", tuple(_node(v, ctx) for v in item))
    if not isinstance(item, dict):
        raise FilterError(f"each property filter must be an object, got {json.dumps(item)}")
    kind = item.get("type")
    if kind in ("AND", "OR") and "values" in item:
        values = item["values"]
        if not isinstance(values, list):
            raise FilterError(f'property group "{kind}" needs a list in "values"')
        return Group(kind, tuple(_node(v, ctx) for v in values))
    if kind in _COHORTS:
        return _cohort(item, ctx)
    now, tz, kinds = ctx.now, ctx.tz, ctx.kinds
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
    test = _leaf(key, operator, value, now, tz)
    if item.get("negation") is True:  # cohort definitions' person leaves: NOT (...)
        return Condition(key, kind, lambda found: not test(found))
    return Condition(key, kind, test)


def _cohort(item: dict, ctx: _Context) -> Condition:
    """``id [NOT] IN COHORT n``: the person's uuid tested against the cohort's members."""
    if ctx.cohorts is None:
        raise FilterError("cohort filters are not supported here")
    value = item.get("value")
    cohort = None
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:  # CohortPropertyFilter.value is an int (pydantic reads "3" as 3)
            cohort = int(value)
        except ValueError:
            pass
    if cohort is None:
        raise FilterError(f"a cohort filter's value must be a cohort id, got {json.dumps(value)}")
    contains = ctx.cohorts(cohort)
    negated = item.get("negation") is True or item.get("operator") == "not_in"
    if negated:
        return Condition("id", "cohort", lambda uuid: uuid is None or not contains(uuid))
    return Condition("id", "cohort", lambda uuid: uuid is not None and contains(uuid))


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
        low, high = between_bounds(value, operator)
        if operator == "between":
            return numeric(lambda x: low <= x <= high)
        return numeric(lambda x: x < low or x > high)
    if operator in ("icontains_multi", "not_icontains_multi") or (
        operator in ("icontains", "not_icontains") and isinstance(value, list) and len(value) > 1
    ):
        needles = [str(v).lower() for v in (value if isinstance(value, list) else [value])]
        found = not operator.startswith("not_")
        # multiSearchAny(...) > 0 / = 0: both wrapped in ifNull(.., 0), so missing never matches
        return present(lambda f: any(n in text_of(f).lower() for n in needles) == found)
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
        same = equals_to(value)
        return negated(same) if operator == "is_not" else present(same)
    if operator in ("icontains", "not_icontains"):
        needle = text_of(value).lower()
        contains = lambda f: needle in text_of(f).lower()  # noqa: E731
        return present(contains) if operator == "icontains" else negated(contains)
    if operator in ("regex", "not_regex"):
        try:
            pattern = re.compile(str(value))
        except re.error as err:
            raise FilterError(f"invalid regex {value!r} for property {key!r}: {err}") from None
        searched = lambda f: pattern.search(text_of(f)) is not None  # noqa: E731
        return present(searched) if operator == "regex" else negated(searched)
    if operator in _NUMERIC:
        bound = to_float(value)
        if bound is None:
            raise FilterError(f"operator {operator!r} needs a number, got {value!r}")
        compare = getattr(float, _NUMERIC[operator])
        return numeric(lambda x: compare(x, bound))
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
        when = parse_when(text_of(found), now=now, tz=tz, relative=False)
        return when is not None and test(float(math.floor(when.timestamp())))

    return present(dated)
