"""client.persons(via="query"): HogQL pages give the REST pull's persons, filters and pages."""

from __future__ import annotations

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve


@pytest.fixture(scope="module")
def small():
    with serve(persons=700, seed=5) as server:
        yield server


def _same_rows(rest: pd.DataFrame, query: pd.DataFrame) -> None:
    assert list(query.columns) == list(rest.columns)
    assert query["id"].tolist() == rest["uuid"].tolist()  # HogQL has no numeric person id
    assert query["last_seen_at"].isna().all()
    shared = [c for c in rest.columns if c not in ("id", "last_seen_at")]
    pd.testing.assert_frame_equal(query[shared], rest[shared])


def test_persons_via_query_equal_the_rest_pull(small):
    rest = small.client(cache="memory").persons()
    small.reset_request_count()
    via_query = small.client(cache="memory").persons(via="query", page_size=300)
    _same_rows(rest, via_query)
    # property definitions + 3 pages (300, 300, 100): the window count ends it without a 4th
    assert small.request_count == 4
    assert via_query.attrs["via"] == "query" and len(via_query) == 700


@pytest.mark.parametrize(
    "kwargs",
    [
        {"properties": [phf.PropertyFilter("plan", ["pro", "enterprise"])]},
        {"properties": [phf.PropertyFilter("seats", 5, operator="gt")]},
        {"email": None, "search": "gmail"},
        {"limit": 250},
    ],
)
def test_persons_via_query_filters_like_rest(small, kwargs):
    client = small.client(cache="memory")
    rest = client.persons(**kwargs)
    via_query = client.persons(via="query", **kwargs)
    assert 0 < len(rest)
    _same_rows(rest, via_query)


def test_persons_via_query_by_distinct_id(small):
    client = small.client(cache="memory")
    someone = client.persons(limit=5).iloc[3]
    found = client.persons(via="query", distinct_id=someone["distinct_ids"][-1])
    assert found["uuid"].tolist() == [someone["uuid"]]


def test_iter_persons_via_query_yields_pages(small):
    pages = list(small.client(cache="memory").iter_persons(via="query", page_size=400))
    assert [len(p) for p in pages] == [400, 300]


def test_hundred_thousand_persons_in_three_requests():
    with serve(persons=100_000, seed=1) as big:
        client = big.client(cache=False)
        big.reset_request_count()
        frame = client.persons(via="query")
        # Property definitions + three pages: 49,999 + 49,999 + 2 (each page asks for one row
        # more than it keeps, so no empty page is ever asked for).
        assert big.request_count == 4
        assert len(frame) == 100_000 and frame["uuid"].is_unique
        assert frame["created_at"].is_monotonic_decreasing
        sent = [body["query"]["query"] for _, _, body in big.request_log if body]
        assert len(sent) == 3 and not any("offset" in sql.lower() for sql in sent)


def test_rest_and_query_give_equal_frames(demo):
    client = demo.client(cache="memory", progress=False)
    rest = client.persons()
    query = client.persons(via="query")
    assert query["id"].tolist() == rest["id"].tolist()  # the same ids (UUIDs), the same order
    # HogQL has no last_seen_at: everything else is equal, column for column.
    pd.testing.assert_frame_equal(
        query.drop(columns="last_seen_at"), rest.drop(columns="last_seen_at"), check_like=False
    )
    assert query["last_seen_at"].isna().all() and rest["last_seen_at"].notna().any()
