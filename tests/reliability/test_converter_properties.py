"""Property tests over the converters the unit tests' property file does not cover (persons_frame,
hogql_frame in depth) and over *near misses*: real recorded insights with one value broken.

Contract: any input of the right shape converts (rows and values match the input); anything
else raises InvalidResponse (InsightNotComputed for ``result: null``) — never a KeyError,
TypeError or a pandas traceback. insight_frame may also raise its documented ValueError when it
cannot tell the kind (reported: that one could be an InvalidResponse, which is a ValueError).
"""

from __future__ import annotations

import copy
import json
import math
import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from posthog_frames.exceptions import InsightNotComputed, InvalidResponse
from posthog_frames.frames import hogql_frame, insight_frame
from posthog_frames.frames.persons import PERSON_COLUMNS, persons_frame
from tests.conftest import INSIGHT_FIXTURES, load_fixture
from tests.reliability.helpers import DELETE, set_path, value_paths

SETTINGS = settings(
    max_examples=int(os.environ.get("FRAMES_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
timestamps = st.none() | st.datetimes().map(lambda d: d.isoformat() + "Z")
property_keys = st.sampled_from(["email", "plan", "seats", "$browser", "joined", "flags", "x y"])


@st.composite
def persons(draw, max_size: int = 8) -> list[dict]:
    ids = draw(st.lists(st.integers(1, 2**40), unique=True, max_size=max_size))
    return [
        {
            "id": pk,
            "uuid": draw(st.uuids()).hex,
            "name": draw(text),
            "distinct_ids": draw(st.lists(text, max_size=3)),
            "properties": draw(st.dictionaries(property_keys, json_values, max_size=5)),
            "created_at": draw(timestamps),
            "last_seen_at": draw(timestamps),
        }
        for pk in ids
    ]


def present(value) -> bool:
    return value is not None


@given(persons())
@SETTINGS
def test_persons_of_the_right_shape_convert_keeping_every_row_and_value(people):
    df = persons_frame({"results": people, "next": None})
    assert df["id"].tolist() == [p["id"] for p in people]
    keys = {k for p in people for k in p["properties"]}
    assert {c for c in df.columns if c.startswith("properties.")} == {
        f"properties.{k}" for k in keys
    }
    for key in keys:
        expected = sum(present(p["properties"].get(key)) for p in people)
        assert int(df[f"properties.{key}"].notna().sum()) == expected, key


@given(persons(max_size=4), st.data())
@SETTINGS
def test_broken_persons_raise_invalid_response_only(people, data):
    assume(people)
    victim = data.draw(st.sampled_from(people))
    breakage = data.draw(
        st.sampled_from(["no_id", "props_list", "props_text", "not_dict", "created_int", "id_dict"])
    )
    if breakage == "no_id":
        del victim["id"]
    elif breakage == "props_list":
        victim["properties"] = [1, 2]
    elif breakage == "props_text":
        victim["properties"] = "plan=pro"
    elif breakage == "not_dict":
        people[people.index(victim)] = data.draw(scalars | st.lists(scalars, max_size=2))
    elif breakage == "created_int":
        victim["created_at"] = data.draw(st.integers() | st.lists(text, max_size=2))
    else:
        victim["id"] = {"pk": 1}
    try:
        df = persons_frame(people)
    except InvalidResponse:
        return
    # Accepted: then nothing was lost or invented.
    assert len(df) == len(people)


def readable_persons(value) -> list | None:
    """The persons *value* holds by persons_frame's contract, or None when it holds none.

    Written from the docstrings, not from the converter: a page dict, one retrieved person (it
    has ``distinct_ids``) or a list of person dicts, each with a number or UUID text as ``id``,
    a dict (or nothing) as ``properties``, ISO text or null as timestamps and a boolean or null
    as ``is_identified``.
    """
    if isinstance(value, dict):
        if "results" in value:
            value = value["results"]
        elif "id" in value and "distinct_ids" in value:
            value = [value]
        else:
            return None
    if not isinstance(value, list):
        return None
    for person in value:
        if not isinstance(person, dict) or type(person.get("id")) not in (int, str):
            return None
        if not isinstance(person.get("properties") or {}, dict):
            return None
        if any(
            type(person.get(k)) not in (str, type(None)) for k in ("created_at", "last_seen_at")
        ):
            return None
        if type(person.get("is_identified")) not in (bool, type(None)):
            return None
    return value


def check_persons_frame(value, convert) -> None:
    """*convert* gives every person *value* holds, in order, or raises InvalidResponse when it
    holds none: which of the two is decided by the input, never by the converter."""
    people = readable_persons(value)
    if people is None:
        with pytest.raises(InvalidResponse):
            convert()
        return
    df = convert()
    assert df["id"].tolist() == [p["id"] for p in people]
    assert df.columns.tolist()[:7] == list(PERSON_COLUMNS)


# Persons as PostHog sends them, and every field also as any other JSON value.
person_like = st.fixed_dictionaries(
    {"id": st.integers(0, 2**53) | st.uuids().map(str) | json_values},
    optional={
        key: json_values | st.just(good)
        for key, good in [
            ("properties", {"plan": "pro"}),
            ("created_at", "2024-05-01T10:00:00Z"),
            ("last_seen_at", None),
            ("is_identified", True),
            ("distinct_ids", ["d1"]),
            ("name", "a@example.com"),
        ]
    },
)
any_persons = (
    json_values
    | st.lists(json_values | person_like, max_size=3)
    | st.dictionaries(text, json_values)
    | st.fixed_dictionaries({"results": st.lists(person_like, max_size=3)})
    | person_like
)


@given(any_persons)
@SETTINGS
def test_persons_frame_converts_any_json_or_raises_invalid_response(value):
    check_persons_frame(value, lambda: persons_frame(value))


@given(any_persons)
@SETTINGS
def test_persons_frame_converts_any_bytes_or_raises_invalid_response(value):
    raw = json.dumps(value).encode()
    for body in (raw, raw[: len(raw) // 2], b"<html>502</html>"):
        try:
            parsed = json.loads(body)
        except ValueError:
            with pytest.raises(InvalidResponse, match="not JSON"):
                persons_frame(body)
            continue
        check_persons_frame(parsed, lambda body=body: persons_frame(body))


# --- HogQL -----------------------------------------------------------------------------------

COLUMN_KINDS = {
    "Int64": st.integers(-(2**62), 2**62),
    "UInt8": st.integers(0, 255),
    "Float64": st.floats(allow_nan=False, allow_infinity=False, width=64),
    "String": text,
    "Bool": st.booleans(),
    "DateTime64(6, 'UTC')": st.datetimes().map(lambda d: d.isoformat() + "Z"),
    "Date": st.dates().map(str),
}


@st.composite
def hogql_responses(draw) -> dict:
    kinds = draw(st.lists(st.sampled_from(sorted(COLUMN_KINDS)), min_size=1, max_size=5))
    nullable = [draw(st.booleans()) for _ in kinds]
    types = [f"Nullable({k})" if n else k for k, n in zip(kinds, nullable, strict=True)]
    names = [f"c{i}" for i in range(len(kinds))]
    rows = draw(
        st.lists(
            st.tuples(
                *[
                    (st.none() | COLUMN_KINDS[k]) if n else COLUMN_KINDS[k]
                    for k, n in zip(kinds, nullable, strict=True)
                ]
            ),
            max_size=8,
        )
    )
    return {
        "columns": names,
        "types": [[name, t] for name, t in zip(names, types, strict=True)],
        "results": [list(row) for row in rows],
        "hasMore": False,
    }


@given(hogql_responses())
@SETTINGS
def test_hogql_responses_of_the_right_shape_convert(response):
    df = hogql_frame(response)
    assert df.columns.tolist() == response["columns"]
    assert len(df) == len(response["results"])
    for i, (name, ch_type) in enumerate(response["types"]):
        values = [row[i] for row in response["results"]]
        assert int(df[name].notna().sum()) == sum(v is not None for v in values), ch_type
        if ch_type in ("Int64", "UInt8", "String", "Bool"):
            assert df[name].tolist() == values


@given(hogql_responses(), st.data())
@SETTINGS
def test_broken_hogql_responses_raise_invalid_response_only(response, data):
    breakage = data.draw(
        st.sampled_from(["ragged", "types_short", "cell", "results_dict", "columns_missing"])
    )
    if breakage == "ragged" and response["results"]:
        response["results"][0].append(1)
    elif breakage == "types_short":
        response["types"] = response["types"][:-1] or "String"
    elif breakage == "cell" and response["results"]:
        response["results"][0][0] = data.draw(st.dictionaries(text, scalars, min_size=1) | text)
    elif breakage == "results_dict":
        response["results"] = {"0": response["results"]}
    else:
        response.pop("columns")
    try:
        df = hogql_frame(response)
    except InvalidResponse:
        return
    assert len(df) == len(response["results"])


# --- near misses on recorded insights --------------------------------------------------------


replacements = st.sampled_from([DELETE, None, "x", -1, 1.5, [], {}, [None], True, math.pi])


@pytest.mark.fixtures
@pytest.mark.parametrize("name", [p.name for p in INSIGHT_FIXTURES] or ["<missing>"])
@given(data=st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_recorded_insights_with_one_value_broken(name, data):
    if name == "<missing>":
        pytest.skip("recorded PostHog fixtures are not beside the checkout")
    insight = copy.deepcopy(load_fixture(f"insights/{name}"))
    result_key = "result" if "result" in insight else "results"
    paths = [(result_key, *p) for p in value_paths(insight.get(result_key))] or [(result_key,)]
    path = data.draw(st.sampled_from(paths))
    replacement = data.draw(replacements)
    try:
        set_path(insight, path, replacement)
    except (KeyError, IndexError, TypeError):
        return
    try:
        df = insight_frame(insight)
    except (InvalidResponse, InsightNotComputed):
        return
    except ValueError as err:  # documented: the kind cannot be told
        assert "kind" in str(err)
        return
    assert isinstance(df, pd.DataFrame)
