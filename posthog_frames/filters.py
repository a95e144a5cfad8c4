"""PostHog property filters as Python values, and their encoding for the persons API.

A :class:`PropertyFilter` is validated when it is made, so a wrong operator or value fails in the
notebook cell that wrote it rather than as a 400 from PostHog. Its ``repr`` is the code that builds
it, its ``to_dict()`` is the JSON PostHog expects (reference §7).

Example:
    >>> f = PropertyFilter("$initial_os", "Linux")
    >>> f
    PropertyFilter('$initial_os', ['Linux'])
    >>> filters_param([f])
    '[{"key": "$initial_os", "value": ["Linux"], "operator": "exact", "type": "person"}]'
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from posthog_frames import _operators as ops
from posthog_frames._operators import OPERATORS, PROPERTY_TYPES, operators_for
from posthog_frames._reference import RELATIVE_DATE, RELATIVE_DATE_KINDS
from posthog_frames.exceptions import ValidationError

__all__ = [
    "OPERATORS",
    "PROPERTY_TYPES",
    "PropertyFilter",
    "encode_filters",
    "filters_param",
    "normalize_filters",
    "operators_for",
]

# A number as text: PostHog's UI sends gt/gte/lt/lte values as strings ("make sure regex,
# icontains, gte, lte, lt, and gt properties have string values"). No "inf", "nan" or "1_000".
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INT_TEXT = re.compile(r"[+-]?\d+")
# Keys PostHog's UI adds for display only; anything else unknown is probably a typo.
_DISPLAY_KEYS = frozenset({"label", "cohort_name"})
# Cohort filters in cohort definitions carry `negation` (PostHog reads true as not_in).
_COHORT_KEYS = frozenset({"negation"})
_KNOWN_KEYS = frozenset({"key", "value", "operator", "type", "group_type_index"})
_SCALARS = (str, int, float, bool)


def _fail(message: str) -> ValidationError:
    return ValidationError(message, attr="properties")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _as_number(value: Any) -> int | float | None:
    """*value* as a finite int/float (numeric text parsed: ``"10"`` → 10), else None."""
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        text = value.strip()
        value = int(text) if _INT_TEXT.fullmatch(text) else float(text)
    return value if _is_number(value) else None


def _as_date(op: str, value: Any) -> str:
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, str):
        relative = RELATIVE_DATE.fullmatch(value)
        if relative and relative["kind"] in RELATIVE_DATE_KINDS:
            return value
        if relative:
            raise _fail(
                f"{op}: PostHog reads the unit {relative['kind']!r} of {value!r} as no offset at "
                f"all (now); use a lower-case unit, e.g. '{value.lower()}' (M is minutes)"
            )
        try:
            dt.datetime.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise _fail(
        f"{op} needs a date: an ISO date/datetime string ('2024-05-01', '2024-05-01T12:00:00Z'), "
        f"a datetime.date/datetime, or a relative date like '-7d', '-24h', '-2w', '-3m' (months), "
        f"'-30M' (minutes), '-1q', '-1y', '-1dStart', 'mStart'; got {value!r}"
    )


def _check_value(op: str, value: Any) -> Any:
    """Validate *value* for operator *op*; return it in stored form (tuples for lists)."""
    if op in ops.FLAG:
        if value not in (None, "", *ops.FLAG):
            raise _fail(f"{op} takes no value (leave value out), got {value!r}")
        return None
    if value is None:
        raise _fail(f"operator {op!r} needs a value")
    if op in ops.MULTI:
        items = list(value) if isinstance(value, list | tuple) else [value]
        bad = [
            v
            for v in items
            if not isinstance(v, _SCALARS) or (isinstance(v, float) and not math.isfinite(v))
        ]
        if not items or bad:
            raise _fail(
                f"{op} needs a value or a list of values (strings, numbers or booleans, any of "
                f"which may match), got {value!r}"
            )
        return tuple(items)
    if op in ops.RANGE:
        if not isinstance(value, list | tuple) or len(value) != 2:
            got = f"{len(value)}" if isinstance(value, list | tuple) else repr(value)
            raise _fail(f"{op} needs exactly two numbers [min, max], got {got}")
        low, high = (_as_number(v) for v in value)
        if low is None or high is None or low > high:
            raise _fail(f"{op} needs two numbers [min, max] with min <= max, got {list(value)!r}")
        return (low, high)
    if op in ops.COHORT:
        # Ids read back from client.cohorts() arrive as numpy integers.
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise _fail(f"{op} needs a cohort id (an int, as in the cohort's URL), got {value!r}")
        return int(value)
    if op in ops.NUMBER:
        number = _as_number(value)
        if number is None:
            raise _fail(
                f"{op} needs a number (an int, a float or numeric text such as '10'; finite, "
                f"not a bool), got {value!r}"
            )
        return number  # stored as a number, so repr and to_dict() show 10, not '10'
    if op in ops.DATE:
        return _as_date(op, value)
    if op == "flag_evaluates_to":
        if not isinstance(value, str | bool):
            raise _fail(f"{op} needs true/false or a variant key string, got {value!r}")
        return value
    if not isinstance(value, str):
        raise _fail(f"{op} needs a string, got {type(value).__name__} {value!r}")
    if op in ops.REGEX:
        try:
            re.compile(value)
        except re.error as err:
            raise _fail(f"{op} value {value!r} is not a valid regular expression: {err}") from None
    return value


@dataclass(frozen=True, repr=False, eq=False)
class PropertyFilter:
    """One PostHog property filter, validated on creation.

    ``value`` depends on ``operator``: a value or list for exact/is_not (stored as a tuple so the
    filter is hashable), ``[min, max]`` for between, nothing for is_set/is_not_set, a number for
    gt/gte/lt/lte, a string for icontains/regex, a date for is_date_*, a cohort id for in/not_in
    (``type="cohort"``, key ``"id"``). Group filters need ``group_type_index``; a hogql filter's key
    is a HogQL expression and has neither operator nor value.

    Example:
        >>> PropertyFilter("seats", 10, operator="gt").to_dict()
        {'key': 'seats', 'value': 10, 'operator': 'gt', 'type': 'person'}
        >>> PropertyFilter("id", 42, operator="in", type="cohort")   # what phf.InCohort(42) makes
        InCohort(42)
    """

    key: str
    value: Any = None
    operator: str | None = "exact"
    type: str = "person"
    group_type_index: int | None = None

    def __post_init__(self) -> None:
        key, op, ptype = self.key, self.operator, self.type
        # str.__str__ turns any str-based enum member (PostHog's own StrEnums) into its code.
        op = str.__str__(op) if isinstance(op, str) else op
        ptype = str.__str__(ptype) if isinstance(ptype, str) else ptype
        if not isinstance(key, str) or not key:
            raise _fail(f"a filter's key must be a non-empty string (a property name), got {key!r}")
        if ptype not in PROPERTY_TYPES:
            raise _fail(
                f"type {ptype!r} is not a PostHog property filter type; use one of: "
                + ", ".join(PROPERTY_TYPES)
            )
        if op is not None and (not isinstance(op, str) or op not in OPERATORS):
            raise _fail(ops.unknown_operator_message(op))
        if ptype == "hogql":
            if op not in (None, "exact") or self.value is not None:
                raise _fail(
                    "a hogql filter's key is the whole HogQL expression, e.g. "
                    "PropertyFilter(\"properties.seats > 10\", type='hogql'); drop value/operator"
                )
            op = None
        elif ptype == "cohort":
            if key != "id":
                raise _fail(f"a cohort filter's key is 'id' (value is the cohort id), got {key!r}")
            op = "in" if op in (None, "exact") else op  # PostHog reads a bare cohort filter as in
            if op not in ops.COHORT:
                raise _fail(f"a cohort filter takes operator 'in' or 'not_in', got {op!r}")
        elif op in ops.COHORT:
            raise _fail(
                f"{op} is only for cohorts: PropertyFilter('id', <cohort id>, "
                f"operator={op!r}, type='cohort')"
            )
        elif op is None:
            op = "exact"
        if ptype == "group":
            gti = self.group_type_index
            if not isinstance(gti, int) or isinstance(gti, bool) or not 0 <= gti <= 4:
                raise _fail(
                    "a group filter needs group_type_index, an int 0-4 (the group type's index "
                    f"in the project's group types), got {self.group_type_index!r}"
                )
        elif self.group_type_index is not None:
            raise _fail(f"group_type_index only applies to type='group', not {ptype!r}")
        value = None if op is None else _check_value(op, self.value)
        object.__setattr__(self, "type", ptype)
        object.__setattr__(self, "operator", op)
        object.__setattr__(self, "value", value)

    def to_dict(self) -> dict[str, Any]:
        """PostHog's JSON form, keys in the order PostHog's docs write them.

        is_set/is_not_set send the operator as the value, as PostHog's UI does (PostHog's own
        ``Property`` fills it in the same way when it is missing, so both forms are accepted).

        Example:
            >>> PropertyFilter("email", operator="is_set").to_dict()
            {'key': 'email', 'value': 'is_set', 'operator': 'is_set', 'type': 'person'}
        """
        if self.operator is None:
            return {"key": self.key, "type": self.type}
        value = self.value
        if isinstance(value, tuple):
            value = list(value)
        elif self.operator in ops.FLAG:
            value = self.operator
        out = {"key": self.key, "value": value, "operator": self.operator, "type": self.type}
        if self.group_type_index is not None:
            out["group_type_index"] = self.group_type_index
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PropertyFilter:
        """Build a filter from PostHog's JSON form (operator defaults to exact, type to person).

        ``label``/``cohort_name`` (display only) are dropped; a cohort filter's ``negation``
        (as cohort definitions write it) makes it ``not_in``, as PostHog reads it; other unknown
        keys are refused, since a misspelt ``"operater"`` would otherwise silently become an
        exact match.

        Example:
            >>> PropertyFilter.from_dict({"key": "plan", "value": "pro"})
            PropertyFilter('plan', ['pro'])
        """
        if not isinstance(data, Mapping):
            raise _fail(f"a filter dict is needed, got {type(data).__name__} {data!r}")
        ptype = data.get("type") or "person"
        extra = _COHORT_KEYS if ptype == "cohort" else frozenset()
        unknown = set(data) - _KNOWN_KEYS - _DISPLAY_KEYS - extra
        if unknown:
            raise _fail(
                f"unknown filter keys {sorted(unknown)}; a filter has "
                "key, value, operator, type (and group_type_index for groups)"
            )
        if "key" not in data:
            raise _fail(f"a filter needs a 'key' (the property name), got {dict(data)!r}")
        op = data.get("operator")
        if op is None and ptype not in ("cohort", "hogql"):
            op = "exact"
        if ptype == "cohort" and data.get("negation") is True:
            op = "not_in"  # posthog/hogql/property.py: negation or not_in → NOT IN COHORT
        return cls(data["key"], data.get("value"), op, ptype, data.get("group_type_index"))

    # Compared by JSON form: as tuples, (True,) == (1,) would make two different filters equal.
    def _identity(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PropertyFilter):
            return NotImplemented
        return self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        if self.type == "cohort":  # the code that builds it: phf.InCohort / phf.NotInCohort
            return f"{'InCohort' if self.operator == 'in' else 'NotInCohort'}({self.value!r})"
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        parts = [repr(self.key)] + ([repr(value)] if value is not None else [])
        if self.operator not in ("exact", None):
            parts.append(f"operator={self.operator!r}")
        if self.type != "person":
            parts.append(f"type={self.type!r}")
        if self.group_type_index is not None:
            parts.append(f"group_type_index={self.group_type_index!r}")
        return f"PropertyFilter({', '.join(parts)})"


FilterLike = PropertyFilter | Mapping[str, Any] | str | list | tuple | None


def _flatten(item: Any, out: list[PropertyFilter]) -> None:
    if isinstance(item, PropertyFilter):
        out.append(item)
    elif isinstance(item, Mapping) and "values" in item and item.get("type") in ("AND", "OR"):
        values = item["values"]
        if not isinstance(values, list | tuple):
            raise _fail(f"a filter group's 'values' must be a list, got {values!r}")
        if item["type"] == "OR" and len(values) > 1:
            raise _fail(
                "OR groups can't be sent: the persons endpoint's `properties` is an AND list. "
                "Query once per branch and combine the frames (concat_person_pages)."
            )
        for sub in values:
            _flatten(sub, out)
    elif isinstance(item, Mapping):
        out.append(PropertyFilter.from_dict(item))
    else:
        raise _fail(
            f"can't read {type(item).__name__} {item!r} as a filter; use a PropertyFilter, a "
            "filter dict, or a list of them"
        )


def normalize_filters(filters: FilterLike) -> list[PropertyFilter]:
    """Any accepted way of giving filters, as a list of :class:`PropertyFilter`.

    Accepts None (no filters), a PropertyFilter, a filter dict, a list/tuple of those, a JSON string
    of a list or of one filter, and PostHog's ``{"type": "AND", "values": [...]}`` groups (nested
    ANDs are flattened; an OR of more than one branch raises, see :func:`_flatten`).

    Example:
        >>> normalize_filters('[{"key": "plan", "value": "pro"}]')
        [PropertyFilter('plan', ['pro'])]
    """
    if filters is None:
        return []
    if isinstance(filters, str):
        try:
            filters = json.loads(filters) if filters.strip() else []
        except json.JSONDecodeError as err:
            raise _fail(
                f"filters string is not valid JSON ({err}); got {filters[:200]!r}"
            ) from None
    out: list[PropertyFilter] = []
    for item in filters if isinstance(filters, list | tuple) else [filters]:
        _flatten(item, out)
    return out


def filters_param(filters: FilterLike) -> str:
    """The JSON text PostHog's persons endpoint takes as its ``properties`` query parameter.

    Example:
        >>> filters_param({"key": "plan", "value": "pro"})
        '[{"key": "plan", "value": ["pro"], "operator": "exact", "type": "person"}]'
    """
    return json.dumps([f.to_dict() for f in normalize_filters(filters)])


def encode_filters(filters: FilterLike) -> str:
    """``filters_param`` URL-encoded, exactly as PostHog's tutorial builds it by hand.

    Example:
        >>> encode_filters(PropertyFilter("plan", "pro"))[:31]
        '%5B%7B%22key%22%3A%20%22plan%22'
    """
    return urllib.parse.quote(filters_param(filters))
