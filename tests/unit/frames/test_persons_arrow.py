"""persons_frame(dtype_backend="pyarrow") builds its columns with pyarrow from the parsed JSON;
the frame must be the one converting the default frame column by column gives, whatever route
each column takes (direct, or the general one for odd values)."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from posthog_frames.exceptions import InvalidResponse, ValidationError
from posthog_frames.frames import persons_arrow
from posthog_frames.frames._person_columns import FIXED_COLUMNS, fixed_columns
from posthog_frames.frames.backends import with_backend
from posthog_frames.frames.persons import persons_frame
from tests.unit.frames.test_persons import person

pytest.importorskip("pyarrow")


def both(persons: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The direct Arrow frame, and the default frame converted column by column."""
    return persons_frame(persons, dtype_backend="pyarrow"), with_backend(
        persons_frame(persons), "pyarrow"
    )


def assert_same(persons: list[dict]) -> None:
    direct, general = both(persons)
    assert direct.dtypes.astype(str).to_dict() == general.dtypes.astype(str).to_dict()
    assert_frame_equal(direct, general)


PAGES = {
    "text, ints, floats and flags with gaps": [
        person(1, {"plan": "pro", "seats": 3, "mrr": 9.5, "beta": True}, is_identified=True),
        person(2, {"plan": None, "mrr": 3}, is_identified=False),
        person(3, {"seats": 2**53 + 1, "beta": None}),
    ],
    "a property of mixed types (the whole struct fails)": [
        person(1, {"zip": 7, "plan": "pro"}),
        person(2, {"zip": "007"}),
    ],
    "a property that is only ever null or missing": [person(1, {"gone": None}), person(2)],
    "lists and dicts as property values": [
        person(1, {"tags": ["a", "b"], "address": {"city": "Lyon"}}),
        person(2, {"tags": [], "address": {"zip": "69001"}}),
    ],
    "NaN from a Python caller beside ints": [
        person(1, {"score": 1}),
        person(2, {"score": float("nan")}),
    ],
    "an int past int64 (pyarrow overflows: the general route keeps it exact)": [
        person(1, {"big": 2**63}),
        person(2, {"big": None}),
    ],
    "distinct ids missing for one person": [person(1), person(2, distinct_ids=None)],
    "every distinct id list empty": [person(1, distinct_ids=[]), person(2, distinct_ids=[])],
    "no uuid nor name for anyone": [person(1, uuid=None, name=None), person(2, uuid=None)],
    "naive, far and unreadable timestamps (Arrow refuses: pandas reads them)": [
        person(1, created_at="2024-05-01T10:00:00", last_seen_at="9999-12-31T00:00:00Z"),
        person(2, created_at="not a date", last_seen_at=None),
    ],
    "no timestamps at all": [person(1, created_at=None, last_seen_at=None)],
    "is_identified missing (a retrieved person)": [{"id": 1, "properties": {"a": 1}}],
    "is_identified given for some": [person(1, is_identified=True), person(2)],
    "UUID text ids (HogQL)": [person(1, id="0190-1"), person(2, id="0190-2")],
    "ids of both kinds": [person(1), person(2, id="0190-2")],
    "ints and floats under one key": [person(1, {"n": 1}), person(2, {"n": 2.5})],
    "a property holding both flags and numbers": [person(1, {"f": True}), person(2, {"f": 1})],
}


@pytest.mark.parametrize("persons", PAGES.values(), ids=PAGES.keys())
def test_the_direct_frame_is_the_default_frame_converted(persons: list[dict]) -> None:
    assert_same(persons)


@pytest.mark.parametrize("persons", [*PAGES.values(), []], ids=[*PAGES.keys(), "no persons"])
def test_fixed_columns_read_by_pyarrow_equal_those_read_field_by_field(persons) -> None:
    # The default frame reads five fixed columns with pyarrow when it can (read_fixed).
    by_field = pd.DataFrame({name: build(persons) for name, build in FIXED_COLUMNS.items()})
    assert_frame_equal(pd.DataFrame(fixed_columns(persons)), by_field)


def test_plain_columns_skip_the_general_route(monkeypatch) -> None:
    taken: list[Any] = []
    general = persons_arrow.property_columns

    def spy(props, prefix, reserved, keys=None):
        taken.append(keys)
        return general(props, prefix, reserved, keys)

    monkeypatch.setattr(persons_arrow, "property_columns", spy)
    persons_frame([person(1, {"plan": "pro", "seats": 3})], dtype_backend="pyarrow")
    assert taken == []
    df = persons_frame(
        [person(1, {"plan": "pro", "tags": ["a"]}), person(2, {"gone": None})],
        dtype_backend="pyarrow",
    )
    assert [sorted(keys) for keys in taken] == [["gone", "tags"]]
    assert df["properties.tags"].tolist()[0] == ["a"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"is_identified": 1}, "person #1 has is_identified 1 ("),
        ({"created_at": 1714557600}, "person #1 has created_at 1714557600 ("),
        ({"id": 1.5}, "person #1 has id 1.5;"),
    ],
)
def test_a_bad_fixed_value_is_named_as_by_the_default_route(bad: dict, message: str) -> None:
    with pytest.raises(InvalidResponse, match=re.escape(message)):
        persons_frame([person(0), person(1, **bad)], dtype_backend="pyarrow")


def test_a_property_clashing_with_a_fixed_column_is_refused() -> None:
    with pytest.raises(ValidationError, match="would clash with the fixed columns"):
        persons_frame([person(1, {"name": "x"})], prefix="", dtype_backend="pyarrow")


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 3), max_size=2),
)
properties = st.dictionaries(st.sampled_from(["plan", "seats", "mrr", "tags"]), json_values)


@given(st.lists(properties, min_size=1, max_size=6))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_json_properties_give_the_default_frame_converted(props: list[dict]) -> None:
    assert_same([person(i, p) for i, p in enumerate(props)])
