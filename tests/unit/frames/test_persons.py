"""persons_frame, apply_property_types and concat_person_pages on synthetic persons (no HTTP)."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import orjson
import pandas as pd
import pytest

from posthog_frames.exceptions import InvalidResponse, ValidationError
from posthog_frames.frames.persons import (
    PERSON_COLUMNS,
    apply_property_types,
    concat_person_pages,
    persons_frame,
)
from tests.conftest import FIXTURES

BIG = 2**62 + 1  # not exact as a float64


def person(pid: int, props: dict | None = None, **extra: object) -> dict:
    return {
        "id": pid,
        "uuid": f"00000000-0000-0000-0000-{pid:012d}",
        "name": f"user{pid}@example.com",
        "distinct_ids": [f"d{pid}", f"anon{pid}"],
        "properties": props if props is not None else {},
        "created_at": "2024-05-01T10:00:00.123456Z",
        "last_seen_at": "2024-05-02T12:00:00+02:00",
        **extra,
    }


PERSONS = [
    person(
        1,
        {
            "zip": "007",
            "seats": 3,
            "mrr": 10,
            "paid": True,
            "beta": True,
            "mix": 1,
            "score": 1.5,
            "big": BIG,
            "tags": ["a"],
            "whole": 2.0,
        },
    ),
    person(
        2,
        {"zip": "123", "seats": 4, "paid": False, "mix": "one", "tags": ["b"], "whole": 3.0},
        last_seen_at=None,
    ),
    person(
        3,
        {
            "zip": "9",
            "seats": 5,
            "mrr": 30,
            "paid": True,
            "beta": False,
            "mix": True,
            "big": 5,
            "score": 3.25,
        },
    ),
]


@pytest.fixture
def df() -> pd.DataFrame:
    return persons_frame({"results": PERSONS, "next": None})


def test_columns_are_person_fields_then_sorted_properties(df: pd.DataFrame) -> None:
    keys = sorted({k for p in PERSONS for k in p["properties"]})
    assert df.columns.tolist() == [*PERSON_COLUMNS, *(f"properties.{k}" for k in keys)]
    assert df["id"].tolist() == [1, 2, 3]
    assert df["distinct_ids"].tolist() == [p["distinct_ids"] for p in PERSONS]
    assert df["name"].tolist() == [p["name"] for p in PERSONS]


def test_strings_stay_strings(df: pd.DataFrame) -> None:
    assert pd.api.types.is_string_dtype(df["properties.zip"].dtype)
    assert df["properties.zip"].tolist() == ["007", "123", "9"]


def test_numeric_dtypes(df: pd.DataFrame) -> None:
    assert df["properties.seats"].dtype == np.int64
    assert df["properties.seats"].tolist() == [3, 4, 5]
    assert df["properties.mrr"].dtype == "Int64"
    assert df["properties.mrr"].tolist() == [10, pd.NA, 30]
    assert df["properties.big"].dtype == "Int64"
    assert df["properties.big"].tolist() == [BIG, pd.NA, 5]  # exact, not via float64
    assert df["properties.score"].dtype == np.float64
    assert df["properties.score"].tolist()[0] == 1.5 and np.isnan(df["properties.score"].iloc[1])
    # Floats stay floats even when they happen to be whole and some are missing.
    assert df["properties.whole"].dtype == np.float64
    assert df["properties.whole"].tolist()[:2] == [2.0, 3.0]


def test_bool_and_mixed_dtypes(df: pd.DataFrame) -> None:
    assert df["properties.paid"].dtype == "boolean"
    assert df["properties.paid"].tolist() == [True, False, True]
    assert df["properties.beta"].dtype == "boolean"
    assert df["properties.beta"].tolist() == [True, pd.NA, False]
    assert df["properties.mix"].dtype == object
    assert df["properties.mix"].tolist() == [1, "one", True]
    assert df["properties.tags"].tolist()[:2] == [["a"], ["b"]]


def test_timestamps_are_utc(df: pd.DataFrame) -> None:
    assert str(df["created_at"].dt.tz) == "UTC"
    assert df["created_at"].iloc[0] == pd.Timestamp("2024-05-01 10:00:00.123456", tz="UTC")
    # +02:00 converted, not dropped.
    assert df["last_seen_at"].iloc[0] == pd.Timestamp("2024-05-02 10:00:00", tz="UTC")
    assert pd.isna(df["last_seen_at"].iloc[1])


def test_missing_fields_and_properties() -> None:
    bare = [{"id": 5, "properties": None}, {"id": 6, "properties": {"a": "x"}}]
    out = persons_frame(bare)
    assert out["properties.a"].isna().tolist() == [True, False]
    assert out["uuid"].isna().all() and out["created_at"].isna().all()
    assert out["distinct_ids"].tolist() == [[], []]


def test_flatten_false_keeps_dicts() -> None:
    out = persons_frame(PERSONS, flatten=False)
    assert out.columns.tolist() == [*PERSON_COLUMNS, "properties"]
    assert out["properties"].tolist() == [p["properties"] for p in PERSONS]


def test_prefix() -> None:
    out = persons_frame(PERSONS[:1], prefix="p_")
    assert "p_zip" in out.columns
    with pytest.raises(ValidationError, match="clash"):
        persons_frame([{"id": 1, "properties": {"name": "Ann"}}], prefix="")


@pytest.mark.parametrize(
    "encode",
    [
        lambda page: orjson.dumps(page),
        lambda page: json.dumps(page),
        lambda page: bytearray(orjson.dumps(page)),
        lambda page: page["results"],
        lambda page: orjson.dumps(page["results"]),
    ],
)
def test_raw_json_inputs_match_parsed(encode, df: pd.DataFrame) -> None:
    page = {"results": PERSONS, "next": None}
    pd.testing.assert_frame_equal(persons_frame(encode(page)), df)


def test_single_person_dict() -> None:
    out = persons_frame(PERSONS[0])
    assert out["id"].tolist() == [1] and out["properties.zip"].tolist() == ["007"]


def test_empty_results_give_typed_empty_frame() -> None:
    for given in ([], {"results": []}, b'{"results": []}'):
        out = persons_frame(given)
        assert out.columns.tolist() == list(PERSON_COLUMNS) and len(out) == 0
        assert str(out["created_at"].dt.tz) == "UTC"


@pytest.mark.parametrize(
    ("junk", "message"),
    [
        (42, "got int"),
        (None, "got NoneType"),
        (b"<html>502 Bad Gateway</html>", "not JSON"),
        ("", "not JSON"),
        ({"detail": "oops"}, "dict with keys ['detail']"),
        ({"results": "nope"}, "got str"),
        ([1, 2], "person #0 is a int"),
        ([{"id": 1}, {"name": "no id"}], "person #1 has no 'id'"),
        ([{"id": 1, "properties": ["a"]}], "has list properties"),
        ([{"id": 1, "properties": {"a": 1}}, {"id": 2, "properties": "a"}], "#1 (id 2) has str"),
    ],
)
def test_junk_raises_invalid_response(junk: object, message: str) -> None:
    with pytest.raises(InvalidResponse, match=re.escape(message)):
        persons_frame(junk)


# --- property types --------------------------------------------------------------------------


def test_property_types_decide_dtypes() -> None:
    props = [
        {"n": "3", "d": "2024-01-02T03:04:05Z", "e": 1704067200, "b": "true", "s": 7},
        {"n": "x", "d": "not a date", "e": 1704067200123, "b": False, "s": "007"},
        {"n": 4.5, "b": "maybe"},
    ]
    types = {"n": "Numeric", "d": "DateTime", "e": "DateTime", "b": "Boolean", "s": "String"}
    out = persons_frame(
        [{"id": i, "properties": p} for i, p in enumerate(props)], property_types=types
    )
    assert out["properties.n"].tolist()[::2] == [3.0, 4.5] and np.isnan(out["properties.n"][1])
    assert out["properties.d"].tolist()[0] == pd.Timestamp("2024-01-02 03:04:05", tz="UTC")
    assert out["properties.d"].isna().tolist() == [False, True, True]
    # Epoch seconds and milliseconds in one column, read apart by magnitude.
    assert out["properties.e"].tolist()[:2] == [
        pd.Timestamp("2024-01-01", tz="UTC"),
        pd.Timestamp("2024-01-01 00:00:00.123", tz="UTC"),
    ]
    assert out["properties.b"].dtype == "boolean"
    assert out["properties.b"].tolist() == [True, False, pd.NA]
    assert out["properties.s"].tolist()[:2] == ["7", "007"]


def test_property_types_as_definitions() -> None:
    definitions = {"results": [{"name": "zip", "property_type": "Numeric", "is_numerical": True}]}
    out = persons_frame(PERSONS, property_types=definitions)
    assert out["properties.zip"].tolist() == [7, 123, 9]
    with pytest.raises(ValidationError, match="property_types must be"):
        apply_property_types(out, 42)


def test_apply_property_types_leaves_input_alone(df: pd.DataFrame) -> None:
    before = df["properties.zip"].copy()
    apply_property_types(df, {"zip": "Numeric", "absent": "Numeric", "seats": "Duration"})
    pd.testing.assert_series_equal(df["properties.zip"], before)


# --- pages -----------------------------------------------------------------------------------


def test_concat_pages_keeps_dtypes_sensible() -> None:
    first = persons_frame([person(1, {"seats": 3, "paid": True, "plan": "pro", "score": 1})])
    second = persons_frame([person(2, {"score": 2.5}), person(1, {"seats": 99})])
    out = concat_person_pages([first, second])
    assert out["id"].tolist() == [1, 2]  # the repeated person is kept once, first version
    assert out["properties.seats"].dtype == "Int64"
    assert out["properties.seats"].tolist() == [3, pd.NA]
    assert out["properties.paid"].dtype == "boolean"
    assert pd.api.types.is_string_dtype(out["properties.plan"].dtype)
    assert out["properties.plan"].isna().tolist() == [False, True]
    assert out["properties.score"].dtype == np.float64
    assert out["properties.score"].tolist() == [1.0, 2.5]
    assert str(out["created_at"].dt.tz) == "UTC"


def test_concat_of_complete_int_pages_stays_int64() -> None:
    pages = [persons_frame([person(i, {"seats": i})]) for i in range(3)]
    out = concat_person_pages(pages)
    assert out["properties.seats"].dtype == np.int64 and out["properties.seats"].tolist() == [
        0,
        1,
        2,
    ]
    assert concat_person_pages([]).columns.tolist() == list(PERSON_COLUMNS)


# --- PostHog's documented example --------------------------------------------------------------


def test_legacy_docs_example() -> None:
    path = FIXTURES / "other" / "persons-list-legacy-docs-example.jsonc"
    if not path.exists():
        pytest.skip(f"recorded PostHog fixtures not found at {FIXTURES}")
    page = json.loads(re.sub(r",(\s*[}\]])", r"\1", path.read_text()))  # jsonc: trailing commas
    out = persons_frame(page)
    assert out["id"].tolist() == [r["id"] for r in page["results"]]
    assert out["properties.$browser_version"].tolist() == [81, pd.NA]
    assert out["properties.email"].tolist()[0] == "tim@posthog.com"
    assert out["created_at"].iloc[0] == pd.Timestamp("2020-05-19 14:28:58.397533", tz="UTC")
    assert out["last_seen_at"].isna().all() and out["uuid"].isna().all()


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"created_at": 1700000000}, "created_at 1700000000 (int)"),
        ({"last_seen_at": 1.5}, "last_seen_at 1.5 (float)"),
        ({"created_at": ["2024-01-01"]}, "created_at ['2024-01-01'] (list)"),
        ({"properties": [1, 2]}, "list properties"),
        ({"properties": "plan=pro"}, "str properties"),
        ({"id": {"pk": 1}}, "id {'pk': 1}"),
        ({"id": True}, "id True"),
    ],
)
@pytest.mark.parametrize("flatten", [True, False])
def test_broken_fields_raise_before_pandas_warns(broken, message, flatten) -> None:
    people = [person(1, {"plan": "pro", "seats": 3}), {**person(2, {"plan": "free"}), **broken}]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a pandas deprecation warning would fail here
        with pytest.raises(InvalidResponse) as err:
            persons_frame(people, flatten=flatten)
    assert "person #1" in str(err.value) and message in str(err.value)


# --- pages whose dtypes pandas alone would get wrong ----------------------------------------


@pytest.mark.parametrize(
    "second",
    [[person(2)], [person(2, {"seats": None})]],
    ids=["page-without-the-property", "page-where-it-is-null"],
)
def test_an_int_property_missing_from_a_whole_page_stays_integer(second) -> None:
    # Left to pd.concat: float64 [3.0, nan] without the column, object [3, None] all null.
    out = concat_person_pages([persons_frame([person(1, {"seats": 3})]), persons_frame(second)])
    assert out["properties.seats"].dtype == "Int64"
    assert out["properties.seats"].tolist() == [3, pd.NA]


def test_one_page_repeating_a_person_keeps_it_once_with_a_fresh_index() -> None:
    page = persons_frame([person(1), person(1, {"seats": 3}), person(2)])
    out = concat_person_pages([page])
    assert out["id"].tolist() == [1, 2] and out.index.tolist() == [0, 1]
    assert out["properties.seats"].isna().all()  # the first version is kept


UUID = "0190b8a1-7c2d-7000-8000-000000000001"


def test_numeric_ids_and_uuids_mix_on_one_page_and_across_pages() -> None:
    # GET /persons/:id/ answers the numeric id, the list the UUID; releases differ too.
    mixed = persons_frame([person(1), {**person(2), "id": UUID}])
    assert mixed["id"].tolist() == [1, UUID]
    out = concat_person_pages(
        [persons_frame([person(1)]), persons_frame([{**person(2), "id": UUID}])]
    )
    assert out["id"].tolist() == [1, UUID]


def test_an_int_beyond_int64_with_gaps_stays_exact() -> None:
    df = persons_frame([person(1, {"big": 2**63}), person(2)])
    assert df["properties.big"].tolist()[0] == 2**63 and df["properties.big"].isna().tolist() == [
        False,
        True,
    ]


@pytest.mark.parametrize("flag", ["yes", 0, 1, [1], {"a": 1}])
@pytest.mark.parametrize("others", [0, 1])
def test_a_non_boolean_is_identified_is_named(flag, others) -> None:
    people = [person(2, is_identified=True)] * others + [person(1, is_identified=flag)]
    with pytest.raises(
        InvalidResponse, match=re.escape(f"person #{others} has is_identified {flag!r} (")
    ):
        persons_frame(people)


def test_an_unforeseen_failure_inside_pandas_is_still_an_invalid_response(monkeypatch) -> None:
    # A fault only a fake can produce: a pandas release failing where none fails today.
    from posthog_frames.frames import dtypes as module  # where property columns are typed

    def broken(col, originals):
        raise ValueError("a new pandas failure")

    monkeypatch.setattr(module, "infer_column", broken)
    with pytest.raises(
        InvalidResponse, match="^persons could not be read: expected a persons pa"
    ) as err:
        persons_frame([person(1, {"seats": 3})])
    assert str(err.value.__cause__) == "a new pandas failure"
