"""PropertyFilter validation, round trips and the persons `properties` encoding."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posthog_frames.cohort_filters import InCohort, NotInCohort  # noqa: F401 - eval(repr)
from posthog_frames.exceptions import ValidationError
from posthog_frames.filters import (
    OPERATORS,
    PROPERTY_TYPES,
    PropertyFilter,
    encode_filters,
    filters_param,
    normalize_filters,
    operators_for,
)

# The filter from PostHog's "get insights and persons" tutorial, written out by hand.
TUTORIAL = [{"key": "$initial_os", "value": ["Linux"], "operator": "exact", "type": "person"}]
TUTORIAL_ENCODED = urllib.parse.quote(
    json.dumps([{"key": "$initial_os", "value": ["Linux"], "operator": "exact", "type": "person"}])
)

# --- strategies: one valid value per operator --------------------------------------------------

keys = st.text(min_size=1, max_size=12)
texts = st.text(max_size=12)
finite = st.floats(allow_nan=False, allow_infinity=False, width=32)
numbers = st.one_of(st.integers(-(10**12), 10**12), finite)
scalars = st.one_of(texts, numbers, st.booleans())
regexes = texts.filter(lambda s: _compiles(s))
dates = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat),
    st.sampled_from(["-7d", "-24h", "-2w", "-3m", "-1y", "-1dStart", "-1mEnd"]),
)


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


_MULTI = st.lists(scalars, min_size=1, max_size=4)
STRING_OPERATORS = (
    "icontains",
    "not_icontains",
    "starts_with",
    "not_starts_with",
    "ends_with",
    "not_ends_with",
    "is_cleaned_path_exact",
    "semver_eq",
    "semver_neq",
    "semver_gt",
    "semver_gte",
    "semver_lt",
    "semver_lte",
    "semver_tilde",
    "semver_caret",
    "semver_wildcard",
)
VALUES = {
    "exact": _MULTI,
    "is_not": _MULTI,
    "icontains_multi": _MULTI,
    "not_icontains_multi": _MULTI,
    "between": st.lists(numbers, min_size=2, max_size=2).map(sorted),
    "not_between": st.lists(numbers, min_size=2, max_size=2).map(sorted),
    "is_set": st.none(),
    "is_not_set": st.none(),
    "gt": numbers,
    "gte": numbers,
    "lt": numbers,
    "lte": numbers,
    "min": numbers,
    "max": numbers,
    "regex": regexes,
    "not_regex": regexes,
    "is_date_exact": dates,
    "is_date_before": dates,
    "is_date_after": dates,
    "flag_evaluates_to": st.one_of(st.booleans(), texts),
    **dict.fromkeys(STRING_OPERATORS, texts),
}
PLAIN_TYPES = [t for t in PROPERTY_TYPES if t not in ("cohort", "hogql", "group")]


@st.composite
def filters(draw: st.DrawFn) -> PropertyFilter:
    op = draw(st.sampled_from(sorted(OPERATORS)))
    if op in ("in", "not_in"):
        return PropertyFilter("id", draw(st.integers(1, 10**9)), operator=op, type="cohort")
    ptype = draw(st.sampled_from([*PLAIN_TYPES, "group"]))
    gti = draw(st.integers(0, 4)) if ptype == "group" else None
    return PropertyFilter(draw(keys), draw(VALUES[op]), op, ptype, gti)


def test_every_operator_has_a_strategy() -> None:
    assert set(VALUES) | {"in", "not_in"} == set(OPERATORS)


@given(filters())
def test_dict_round_trip(f: PropertyFilter) -> None:
    as_json = json.loads(json.dumps(f.to_dict()))  # what PostHog would store and send back
    assert PropertyFilter.from_dict(f.to_dict()) == f
    assert PropertyFilter.from_dict(as_json) == f


@given(filters())
def test_repr_is_code(f: PropertyFilter) -> None:
    assert eval(repr(f)) == f  # noqa: S307 - the contract is that repr pastes into a cell


@given(filters())
def test_hashable_and_to_dict_shape(f: PropertyFilter) -> None:
    assert f in {f}
    d = f.to_dict()
    assert list(d)[:4] == ["key", "value", "operator", "type"]
    assert d["operator"] == f.operator


# --- construction and normalisation --------------------------------------------------------


def test_repr_minimal() -> None:
    assert (
        repr(PropertyFilter("$initial_os", ["Linux"])) == "PropertyFilter('$initial_os', ['Linux'])"
    )
    assert (
        repr(PropertyFilter("seats", 10, operator="gt"))
        == "PropertyFilter('seats', 10, operator='gt')"
    )
    assert (
        repr(PropertyFilter("email", operator="is_set"))
        == "PropertyFilter('email', operator='is_set')"
    )
    assert (
        repr(PropertyFilter("plan", "pro", type="group", group_type_index=0))
        == "PropertyFilter('plan', ['pro'], type='group', group_type_index=0)"
    )


def test_scalar_and_tuple_become_lists() -> None:
    assert PropertyFilter("os", "Linux").to_dict()["value"] == ["Linux"]
    assert PropertyFilter("os", ("Linux", "Mac")).to_dict()["value"] == ["Linux", "Mac"]
    assert PropertyFilter("os", "Linux") == PropertyFilter("os", ["Linux"])


def test_true_and_one_are_different_filters() -> None:
    assert PropertyFilter("paid", True) != PropertyFilter("paid", 1)


@pytest.mark.parametrize("given_value", [None, "", "is_set"])
def test_is_set_value_forms(given_value: object) -> None:
    f = PropertyFilter.from_dict({"key": "email", "value": given_value, "operator": "is_set"})
    assert f.value is None
    # Sent the way PostHog's UI sends it.
    assert f.to_dict() == {
        "key": "email",
        "value": "is_set",
        "operator": "is_set",
        "type": "person",
    }


def test_from_dict_defaults_and_display_keys() -> None:
    f = PropertyFilter.from_dict({"key": "plan", "value": "pro", "label": "Plan"})
    assert (f.operator, f.type, f.value) == ("exact", "person", ("pro",))


def test_cohort_filter() -> None:
    f = PropertyFilter.from_dict({"type": "cohort", "key": "id", "value": 42})
    assert f.to_dict() == {"key": "id", "value": 42, "operator": "in", "type": "cohort"}
    assert PropertyFilter("id", 42, operator="not_in", type="cohort").operator == "not_in"


def test_hogql_filter() -> None:
    f = PropertyFilter("properties.seats > 10", type="hogql")
    assert f.to_dict() == {"key": "properties.seats > 10", "type": "hogql"}
    assert PropertyFilter.from_dict({"key": "properties.seats > 10", "type": "hogql"}) == f


def test_dates_become_iso_strings() -> None:
    d = PropertyFilter("signup", dt.date(2024, 5, 1), operator="is_date_after")
    assert d.value == "2024-05-01"
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    assert (
        PropertyFilter("signup", when, operator="is_date_before").value
        == "2024-05-01T12:30:00+00:00"
    )


def test_operators_wording_matches_posthog_ui() -> None:
    assert OPERATORS["exact"] == "equals"
    assert OPERATORS["is_not"] == "doesn't equal"
    assert OPERATORS["not_regex"] == "doesn't match regex"
    assert OPERATORS["gte"] == "greater than or equal"


@pytest.mark.parametrize(
    ("ptype", "expected"),
    [
        ("Numeric", ["exact", "is_not", "gt", "gte", "lt", "lte", "between", "not_between"]),
        ("DateTime", ["is_date_exact", "is_date_before", "is_date_after"]),
        ("Boolean", ["exact", "is_not"]),
        ("String", ["exact", "is_not", "icontains", "not_icontains", "regex", "not_regex"]),
        (None, ["exact", "is_not", "icontains", "not_icontains", "regex", "not_regex"]),
    ],
)
def test_operators_for(ptype: str | None, expected: list[str]) -> None:
    assert operators_for(ptype) == [*expected, "is_set", "is_not_set"]
    assert set(operators_for(ptype)) <= set(OPERATORS)


# --- invalid shapes -------------------------------------------------------------------------

INVALID = [
    ({"key": "a", "value": "x", "operator": "equals"}, "(did you mean 'exact'?)"),
    ({"key": "a", "value": "x", "operator": "contains"}, "(did you mean 'icontains'?)"),
    ({"key": "a", "value": "x", "operator": "icontain"}, "(did you mean 'icontains'?)"),
    ({"key": "a", "value": "x", "operator": "!="}, "first): exact, is_not, icontains"),
    ({"key": "a", "value": "x", "type": "people"}, "use one of: person, event"),
    (
        {"key": "a", "value": [1, 2, 3], "operator": "between"},
        "exactly two numbers [min, max], got 3",
    ),
    ({"key": "a", "value": 5, "operator": "between"}, "exactly two numbers"),
    ({"key": "a", "value": [5, 1], "operator": "between"}, "min <= max"),
    ({"key": "a", "value": ["1", "five"], "operator": "not_between"}, "two numbers"),
    ({"key": "a", "value": "ten", "operator": "gt"}, "needs a number"),
    ({"key": "a", "value": "inf", "operator": "gte"}, "needs a number"),
    ({"key": "a", "value": "1_000", "operator": "lt"}, "needs a number"),
    ({"key": "a", "value": "", "operator": "lte"}, "needs a number"),
    ({"key": "a", "value": True, "operator": "lte"}, "needs a number"),
    ({"key": "a", "value": float("nan"), "operator": "gt"}, "needs a number"),
    ({"key": "a", "value": 3, "operator": "icontains"}, "needs a string"),
    ({"key": "a", "value": "([", "operator": "regex"}, "not a valid regular expression"),
    ({"key": "a", "value": "yesterday", "operator": "is_date_after"}, "relative date like '-7d'"),
    (
        {"key": "a", "value": "-7D", "operator": "is_date_after"},
        "use a lower-case unit, e.g. '-7d'",
    ),
    ({"key": "a", "value": "-7d ago", "operator": "is_date_after"}, "relative date like '-7d'"),
    ({"key": "a", "value": "x", "operator": "is_set"}, "takes no value"),
    ({"key": "a", "value": [], "operator": "exact"}, "a value or a list of values"),
    ({"key": "a", "value": [{"x": 1}], "operator": "exact"}, "a value or a list of values"),
    ({"key": "a", "operator": "exact"}, "needs a value"),
    ({"key": "a", "value": 3, "operator": "in"}, "only for cohorts"),
    ({"key": "id", "value": "3", "operator": "in", "type": "cohort"}, "cohort id"),
    ({"key": "name", "value": 3, "type": "cohort"}, "key is 'id'"),
    ({"key": "id", "value": 3, "operator": "gt", "type": "cohort"}, "'in' or 'not_in'"),
    ({"key": "plan", "value": "pro", "type": "group"}, "needs group_type_index"),
    ({"key": "plan", "value": "pro", "type": "group", "group_type_index": 9}, "int 0-4"),
    ({"key": "plan", "value": "pro", "group_type_index": 0}, "only applies to type='group'"),
    ({"key": "x = 1", "value": "y", "type": "hogql"}, "HogQL expression"),
    ({"key": "", "value": "y"}, "non-empty string"),
]


@pytest.mark.parametrize(("kwargs", "message"), INVALID)
def test_invalid_filters_explain_themselves(kwargs: dict, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        PropertyFilter(**kwargs)
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)
    assert err.value.attr == "properties"  # the argument to fix, as PostHog's errors name it


def test_from_dict_rejects_typos_and_non_dicts() -> None:
    with pytest.raises(ValidationError, match="unknown filter keys \\['operater'\\]"):
        PropertyFilter.from_dict({"key": "a", "value": 1, "operater": "gt"})
    with pytest.raises(ValidationError, match="needs a 'key'"):
        PropertyFilter.from_dict({"value": 1})
    with pytest.raises(ValidationError, match="filter dict is needed"):
        PropertyFilter.from_dict(["a", 1])  # type: ignore[arg-type]


# --- encoding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given_filters",
    [
        TUTORIAL,
        TUTORIAL[0],
        json.dumps(TUTORIAL),
        json.dumps(TUTORIAL[0]),
        [PropertyFilter("$initial_os", ["Linux"])],
        PropertyFilter("$initial_os", "Linux"),
        {"type": "AND", "values": TUTORIAL},
    ],
)
def test_tutorial_filter_encodes_like_the_tutorial(given_filters: object) -> None:
    assert filters_param(given_filters) == json.dumps(TUTORIAL)
    assert encode_filters(given_filters) == TUTORIAL_ENCODED


def test_normalize_filters_shapes() -> None:
    a, b = PropertyFilter("a", 1), PropertyFilter("b", 2, operator="gt")
    assert normalize_filters(None) == []
    assert normalize_filters("") == []
    assert normalize_filters((a, b.to_dict())) == [a, b]
    nested = {"type": "AND", "values": [{"type": "AND", "values": [a.to_dict(), b.to_dict()]}]}
    assert normalize_filters(nested) == [a, b]
    assert normalize_filters({"type": "OR", "values": [a.to_dict()]}) == [a]


@pytest.mark.parametrize(
    ("junk", "message"),
    [
        (42, "PropertyFilter, a filter dict, or a list"),
        ([1, 2], "PropertyFilter, a filter dict, or a list"),
        ("[{not json", "not valid JSON"),
        (
            {"type": "OR", "values": [{"key": "a", "value": 1}, {"key": "b", "value": 2}]},
            "OR groups",
        ),
        ({"type": "AND", "values": "a"}, "must be a list"),
    ],
)
def test_normalize_filters_rejects_junk(junk: object, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        normalize_filters(junk)  # type: ignore[arg-type]


def test_enum_operators_and_types_become_plain_codes() -> None:
    from enum import Enum, StrEnum

    class Op(str, Enum):  # noqa: UP042 - str() of this kind of member is "Op.GT"
        GT = "gt"

    class Kind(StrEnum):
        EVENT = "event"

    f = PropertyFilter("a", 1, operator=Op.GT, type=Kind.EVENT)
    assert f == PropertyFilter("a", 1, operator="gt", type="event")
    assert repr(f) == "PropertyFilter('a', 1, operator='gt', type='event')"
    assert type(f.operator) is str and type(f.type) is str


@pytest.mark.parametrize(
    ("operator", "text", "number"),
    [
        ("gt", "10", 10),
        ("gte", "2.5", 2.5),
        ("lt", "-3", -3),
        ("lte", " 0 ", 0),
        ("gt", "1e3", 1000.0),
    ],
)
def test_comparisons_accept_numeric_text_and_store_numbers(operator, text, number) -> None:
    # PostHog's own UI sends gt/gte/lt/lte values as strings.
    f = PropertyFilter.from_dict({"key": "seats", "value": text, "operator": operator})
    assert f.value == number and type(f.value) is type(number)
    assert f.to_dict()["value"] == number and not isinstance(f.to_dict()["value"], str)
    assert PropertyFilter.from_dict(f.to_dict()) == f
    assert f == PropertyFilter("seats", number, operator=operator)
    assert repr(f) == f"PropertyFilter('seats', {number!r}, operator={operator!r})"


def test_between_accepts_numeric_text_too() -> None:
    f = PropertyFilter("seats", ["1", "5.5"], operator="between")
    assert f.to_dict()["value"] == [1, 5.5]


@pytest.mark.parametrize(
    "value",
    [
        "-1dStart",
        "-1dEnd",
        "dStart",
        "mStart",
        "-1mEnd",
        "-30M",
        "-10s",
        "-1q",
        "-2hStart",
        "-1yStart",
    ],
)
def test_relative_dates_follow_posthogs_grammar(value) -> None:
    f = PropertyFilter("joined", value, operator="is_date_after")
    assert f.value == value and PropertyFilter.from_dict(f.to_dict()) == f
