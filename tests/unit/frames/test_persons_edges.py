"""actors_frame, person_name, identified_first and persons_frame's error messages, pinned down
to the behaviour a mutation run showed no other test noticing (no HTTP)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames.persons import (
    actors_frame,
    concat_person_pages,
    identified_first,
    person_name,
    persons_frame,
)

ANONYMOUS = "0195a1b2-0000-7000-8000-000000000000"
NOT_ACTORS = (
    "expected an ActorsQuery answer whose columns include 'actor' (or 'person'), got columns "
)


def actor(pid: str, **fields: object) -> dict:
    # The shape of an ActorsQuery person (posthog/hogql_queries/actors_query_runner.py).
    return {"id": pid, "distinct_ids": [f"d-{pid}"], **fields}


# --- actors_frame: the person's fields -------------------------------------------------------


def test_an_actors_fields_become_the_persons_columns() -> None:
    answer = {
        "columns": ["actor", "event_count"],
        "results": [
            [
                actor(
                    "p1",
                    properties={"plan": "pro"},
                    is_identified=True,
                    created_at="2025-01-02T10:00:00Z",
                ),
                3,
            ],
            [actor("p2", is_identified=False, properties=None), 1],
        ],
    }
    df = actors_frame(answer)
    assert df["uuid"].tolist() == df["id"].tolist() == ["p1", "p2"]
    assert df["properties.plan"].iloc[0] == "pro" and pd.isna(df["properties.plan"].iloc[1])
    assert df["created_at"].tolist()[0] == pd.Timestamp("2025-01-02 10:00", tz="UTC")
    assert pd.isna(df["created_at"].iloc[1]) and df["last_seen_at"].isna().all()
    assert df["is_identified"].tolist() == [True, False]
    assert df["event_count"].dtype == np.int64 and df["event_count"].tolist() == [3, 1]


def test_an_actors_prefix_and_property_types_reach_the_persons_frame() -> None:
    answer = {"columns": ["actor"], "results": [[actor("p1", properties={"seats": "3"})]]}
    df = actors_frame(answer, prefix="p_", property_types={"seats": "Numeric"})
    assert df["p_seats"].tolist() == [3.0]


def test_an_answer_without_actors_keeps_its_other_columns() -> None:
    df = actors_frame({"columns": ["actor", "event_count"], "results": []})
    assert len(df) == 0 and "event_count" in df.columns


@pytest.mark.parametrize(
    ("props", "ids", "name"),
    [
        ({"email": "ada@x.io", "name": "Ada", "username": "ada"}, ["d"], "ada@x.io"),
        ({"email": "", "name": "Ada", "username": "ada"}, ["d"], "Ada"),
        ({"username": "ada"}, ["d"], "ada"),
        ({"name": 7}, ["d"], "7"),
        ({"nickname": "Ada"}, ["d", "e"], "d"),
        ({}, [], "p1"),
    ],
)
def test_the_display_name_follows_posthogs_order(props: dict, ids: list, name: str) -> None:
    # posthog/api/person.py get_person_name: email, name, username, then the first distinct id.
    assert person_name(props, ids, "p1") == name
    answer = {
        "columns": ["actor"],
        "results": [[{"id": "p1", "properties": props, "distinct_ids": ids}]],
    }
    assert actors_frame(answer)["name"].tolist() == [name]


def test_distinct_ids_put_identified_ones_first_and_drop_blanks() -> None:
    assert identified_first([ANONYMOUS, "", None, 42, "ada"]) == ["42", "ada", ANONYMOUS]
    assert identified_first(None) == []


# --- actors_frame: what it refuses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "columns"),
    [
        ([["p1"]], "None"),
        ({"columns": "actor", "results": []}, "'actor'"),
        ({"columns": ["actor"], "results": "[]"}, "['actor']"),
        ({"columns": ["actor"], "results": None}, "['actor']"),
        ({"columns": ["id"], "results": []}, "['id']"),
    ],
)
def test_an_answer_that_is_not_an_actors_query_is_named(answer: object, columns: str) -> None:
    with pytest.raises(InvalidResponse, match=f"^{re.escape(NOT_ACTORS + columns)}$"):
        actors_frame(answer)


@pytest.mark.parametrize(
    ("row", "got"),
    [
        ([], "None"),
        ({"actor": {"id": "p1"}}, "None"),
        ([{"id": "p1"}, 3, "extra"], "None"),
        ([{"properties": {}}, 3], "{'properties': {}}"),
        (["p1", 3], "'p1'"),
    ],
)
def test_a_row_without_an_actor_is_named(row: object, got: str) -> None:
    answer = {"columns": ["actor", "event_count"], "results": [row]}
    message = f"an actor must be an object with an 'id', got {got}"
    with pytest.raises(InvalidResponse, match=f"^{re.escape(message)}$"):
        actors_frame(answer)


# --- persons_frame: what its errors quote ----------------------------------------------------


def test_a_person_without_an_id_lists_ten_of_its_keys() -> None:
    keys = [f"k{i:02d}" for i in range(12)]
    with pytest.raises(InvalidResponse) as err:
        persons_frame([dict.fromkeys(keys, 1)])
    assert str(err.value) == f"person #0 has no 'id' (keys: {keys[:10]})"


# --- concat_person_pages: one page -----------------------------------------------------------


def test_one_page_without_repeats_is_returned_as_it_is() -> None:
    page = persons_frame([{"id": 1}, {"id": 2}])
    assert concat_person_pages([page]) is page  # no copy of a page already in shape


@pytest.mark.parametrize("repeat", [False, True], ids=["distinct", "repeated"])
def test_one_page_with_a_gapped_index_gets_a_fresh_one(repeat: bool) -> None:
    people = [{"id": 1}, {"id": 2}, {"id": 1 if repeat else 4}, {"id": 3}]
    page = persons_frame(people).iloc[[0, 2, 3]]  # a page filtered by hand
    out = concat_person_pages([page])
    assert out["id"].tolist() == ([1, 3] if repeat else [1, 4, 3])  # the first of each
    assert out.index.tolist() == list(range(len(out)))
    assert out.columns.tolist() == page.columns.tolist()


# --- persons_frame: what its errors quote ----------------------------------------------------


@pytest.mark.parametrize("wrap", [bytes, bytearray, lambda b: memoryview(b), lambda b: b.decode()])
def test_a_response_that_is_not_json_quotes_its_first_80_characters(wrap) -> None:
    body = b"<html>" + b"x" * 100 + b"</html>"
    with pytest.raises(InvalidResponse) as err:
        persons_frame(wrap(body))
    head = body[:80] if not isinstance(wrap(body), str) else body[:80].decode()
    assert str(err.value).startswith("persons response is not JSON (")
    assert str(err.value).endswith(f"; starts {head!r}")


def test_a_dict_that_is_not_a_page_lists_ten_of_its_keys() -> None:
    keys = [f"k{i:02d}" for i in range(12)]
    with pytest.raises(InvalidResponse) as err:
        persons_frame({**dict.fromkeys(keys, 1), "id": 1})  # an id without distinct_ids
    assert str(err.value).endswith(f"; got a dict with keys {(['id', *keys])[:10]}")


def test_list_properties_are_refused_without_a_chained_error() -> None:
    with pytest.raises(InvalidResponse, match="has list properties") as err:
        persons_frame([{"id": 1, "properties": [1]}])
    assert err.value.__cause__ is None  # refused up front, not after a failure inside pandas


def test_property_types_leave_unflattened_persons_alone() -> None:
    # Without flattening no column is a property's, even when the prefix makes a name match one.
    people = [{"id": 1, "name": "7", "properties": {"name": "7"}}]
    out = persons_frame(people, prefix="", flatten=False, property_types={"name": "Numeric"})
    assert out["name"].tolist() == ["7"]
