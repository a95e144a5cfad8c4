"""PostHog's property-filter vocabulary: operators, filter types, value arity, per-type menus.

Tables only (reference §7 and PostHog's frontend); :mod:`posthog_frames.filters` validates
filters with them and re-exports ``OPERATORS``, ``PROPERTY_TYPES`` and ``operators_for``.

Example:
    >>> OPERATORS["is_not"], operators_for("Boolean")
    ("doesn't equal", ['exact', 'is_not', 'is_set', 'is_not_set'])
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "COHORT",
    "DATE",
    "FLAG",
    "MULTI",
    "NUMBER",
    "OPERATORS",
    "PROPERTY_TYPES",
    "RANGE",
    "REGEX",
    "operators_for",
    "unknown_operator_message",
]

# Operator code -> the wording PostHog's UI shows (frontend/src/lib/utils/operators.ts, symbol
# dropped). Codes without a UI label there (between, min/max, *_multi) get a plain description.
OPERATORS: Mapping[str, str] = MappingProxyType(
    {
        "exact": "equals",
        "is_not": "doesn't equal",
        "icontains": "contains",
        "not_icontains": "doesn't contain",
        "regex": "matches regex",
        "not_regex": "doesn't match regex",
        "gt": "greater than",
        "gte": "greater than or equal",
        "lt": "less than",
        "lte": "less than or equal",
        "is_set": "is set",
        "is_not_set": "is not set",
        "is_date_exact": "equals",
        "is_date_before": "before",
        "is_date_after": "after",
        "between": "between",
        "not_between": "not between",
        "min": "at least",
        "max": "at most",
        "in": "user in",
        "not_in": "user not in",
        "is_cleaned_path_exact": "equals",
        "flag_evaluates_to": "evaluates to",
        "icontains_multi": "contains any of",
        "not_icontains_multi": "doesn't contain any of",
        "starts_with": "starts with",
        "not_starts_with": "doesn't start with",
        "ends_with": "ends with",
        "not_ends_with": "doesn't end with",
        "semver_eq": "equals (semver)",
        "semver_neq": "not equal (semver)",
        "semver_gt": "greater than (semver)",
        "semver_gte": "greater than or equal (semver)",
        "semver_lt": "less than (semver)",
        "semver_lte": "less than or equal (semver)",
        "semver_tilde": "tilde range (semver)",
        "semver_caret": "caret range (semver)",
        "semver_wildcard": "wildcard (semver)",
    }
)

# PropertyFilterType in posthog/schema.py.
PROPERTY_TYPES: tuple[str, ...] = (
    "person",
    "event",
    "session",
    "cohort",
    "group",
    "element",
    "hogql",
    "meta",
    "internal_event",
    "event_metadata",
    "feature",
    "recording",
    "log_entry",
    "data_warehouse",
    "data_warehouse_person_property",
    "error_tracking_issue",
    "revenue_analytics",
    "flag",
    "log",
)

MULTI = frozenset({"exact", "is_not", "icontains_multi", "not_icontains_multi"})
RANGE = frozenset({"between", "not_between"})
FLAG = frozenset({"is_set", "is_not_set"})
COHORT = frozenset({"in", "not_in"})
NUMBER = frozenset({"gt", "gte", "lt", "lte", "min", "max"})
REGEX = frozenset({"regex", "not_regex"})
DATE = frozenset({"is_date_exact", "is_date_before", "is_date_after"})

_SET = ("is_set", "is_not_set")
_STRING_OPS = ("exact", "is_not", "icontains", "not_icontains", "regex", "not_regex", *_SET)
# PostHog's UI per-type menus (operators.ts) without regex on numbers, semver and starts/ends_with
# (older self-hosted PostHog rejects the last two).
_OPS_BY_TYPE = {
    "numeric": ("exact", "is_not", "gt", "gte", "lt", "lte", "between", "not_between", *_SET),
    "datetime": ("is_date_exact", "is_date_before", "is_date_after", *_SET),
    "boolean": ("exact", "is_not", *_SET),
    "duration": ("gt", "lt"),
    "string": _STRING_OPS,
}


def operators_for(property_type: str | None) -> list[str]:
    """Operator codes PostHog's UI offers for a property of *property_type* (a definition's
    ``property_type``: Numeric, DateTime, Boolean, String, Duration or None).

    Unknown types fall back to the String operators, as PostHog's UI does.

    Example:
        >>> operators_for("Boolean")
        ['exact', 'is_not', 'is_set', 'is_not_set']
    """
    return list(_OPS_BY_TYPE.get((property_type or "string").lower(), _STRING_OPS))


# Words people type for an operator (SQL, pandas, PostHog's UI labels) -> PostHog's code. Used in
# error messages only: PropertyFilter never accepts them, so a filter's JSON is always PostHog's.
_ALIASES = {
    "contains": "icontains",
    "not_contains": "not_icontains",
    "equals": "exact",
    "eq": "exact",
    "==": "exact",
    "=": "exact",
    "is": "exact",
    "ne": "is_not",
    "!=": "is_not",
    "not_equals": "is_not",
    "neq": "is_not",
    ">": "gt",
    ">=": "gte",
    "ge": "gte",
    "<": "lt",
    "<=": "lte",
    "le": "lte",
    "like": "icontains",
    "matches": "regex",
    "exists": "is_set",
    "before": "is_date_before",
    "after": "is_date_after",
    "startswith": "starts_with",
    "endswith": "ends_with",
}
# The usual operators first, so the list in an error message starts with the likely ones.
_COMMON = (*_STRING_OPS, "gt", "gte", "lt", "lte", "between", "is_date_before", "is_date_after")


def unknown_operator_message(op: object) -> str:
    """The error text for an operator PostHog lacks, with a "did you mean" when one fits.

    Example:
        >>> unknown_operator_message("contains")
        "operator 'contains' is not a PostHog operator (did you mean 'icontains'?); use one of ..."
    """
    guess = _ALIASES.get(op.strip().lower()) if isinstance(op, str) else None
    if guess is None and isinstance(op, str):
        close = difflib.get_close_matches(op, list(OPERATORS), n=1)
        guess = close[0] if close else None
    hint = f" (did you mean {guess!r}?)" if guess else ""
    ordered = [*_COMMON, *(code for code in OPERATORS if code not in _COMMON)]
    return (
        f"operator {op!r} is not a PostHog operator{hint}; use one of (most common first): "
        f"{', '.join(ordered)}."
    )
