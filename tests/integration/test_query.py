"""client.query(), persons via HogQL and Parquet streaming, against the demo server over HTTP."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve
from posthog_frames.frames.sql import TruncatedResult

pq = pytest.importorskip("pyarrow.parquet")

OS_COUNTS = (
    "select properties.$initial_os as os, count() as n from persons group by os order by n desc"
)


@pytest.fixture(scope="module")
def small():
    with serve(persons=700, seed=5) as server:
        yield server


def test_os_counts_equal_the_persons_frame(client):
    counts = client.query(OS_COUNTS)
    persons = client.persons()
    expected = persons["properties.$initial_os"].value_counts(dropna=False)
    got = dict(zip(counts["os"].tolist(), counts["n"].tolist(), strict=True))
    assert got == {(None if pd.isna(k) else k): v for k, v in expected.items()}
    assert counts["n"].dtype == "int64" and counts["n"].is_monotonic_decreasing
    assert counts.attrs["types"] == {"os": "Nullable(String)", "n": "UInt64"}
    assert counts.attrs["hogql"].startswith("SELECT properties.$initial_os AS os")
    assert counts.attrs["timezone"] == "UTC" and counts.attrs["columns"] == ["os", "n"]


def test_pageviews_per_day_equal_the_trends_insight(client):
    listing = client.get("insights/", search="Daily traffic")["results"]
    insight = client.get(f"insights/{listing[0]['id']}/", params={"refresh": "blocking"})
    series = insight["result"][0]  # "Pageviews": total $pageview per day
    assert series["action"]["math"] == "total"
    first = series["days"][0]
    daily = client.query(
        "select toDate(timestamp) as day, count() as n from events "
        "where event = '$pageview' and timestamp >= {start} group by day order by day",
        values={"start": first},
    )
    by_day = dict(zip(daily["day"].dt.strftime("%Y-%m-%d"), daily["n"], strict=True))
    assert [by_day.get(day, 0) for day in series["days"]] == series["data"]
    assert sum(series["data"]) > 0


def test_placeholders_filter_like_literals(client):
    with_value = client.query(
        "select count() as n from persons where properties.$initial_os = {os}",
        values={"os": "Linux"},
    )
    linux = client.persons(properties=[phf.PropertyFilter("$initial_os", "Linux")])
    assert with_value["n"].tolist() == [len(linux)] and len(linux) > 0


def test_missing_limit_warns_and_paginate_fetches_everything(demo, client):
    with pytest.warns(TruncatedResult, match="paginate=True"):
        cut = client.query("select number from numbers(120001)")
    assert len(cut) == 100 and cut.attrs["has_more"] is True
    demo.reset_request_count()
    with warnings.catch_warnings():
        warnings.simplefilter("error", TruncatedResult)
        whole = client.query("select number from numbers(120001)", paginate=True)
    assert whole["number"].tolist() == list(range(120_001))
    assert demo.request_count == 3  # pages of 50,000 rows: 50,000 + 50,000 + 20,001
    limited = client.query("select number from numbers(120001)", paginate=True, limit=60_000)
    assert limited["number"].tolist() == list(range(60_000))


def test_limit_replaces_the_query_limit(client):
    df = client.query("select number from numbers(1000) order by number limit 5", limit=12)
    assert df["number"].tolist() == list(range(12))
    with pytest.raises(phf.ValidationError, match="paginate=True"):
        client.query("select 1", limit=60_000)


def test_async_refresh_polls_until_complete(demo, client):
    blocking = client.query(OS_COUNTS)
    demo.reset_request_count()
    polled = client.query(OS_COUNTS, refresh="async")
    pd.testing.assert_frame_equal(polled, blocking)
    assert demo.request_count >= 3  # the POST, a first poll (running) and the completing poll


def test_answers_are_cached_locally_and_by_the_server(demo, client):
    sql = "select event, count() as n from events group by event order by n desc"
    first = client.query(sql)
    demo.reset_request_count()
    again = client.query(sql)
    assert demo.request_count == 0  # the local cache keyed on the POST body
    pd.testing.assert_frame_equal(first, again)
    fresh = client.query(sql, refresh="force_blocking")
    assert demo.request_count == 1 and fresh.attrs["is_cached"] is False
    other = demo.client(cache=False).query(sql)
    assert other.attrs["is_cached"] is True  # PostHog's (the demo's) own result cache


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        ("select count( from events", "Syntax error"),
        ("select nope from persons", "Unable to resolve field"),
        ("select event from events where event = {x}", "Placeholder {x}"),
    ],
)
def test_hogql_errors_raise_validation_error(client, sql, fragment):
    with pytest.raises(phf.ValidationError, match=fragment) as caught:
        client.query(sql)
    assert caught.value.status == 400 and "https://posthog.com/docs/sql" in str(caught.value)


def test_bad_arguments_fail_before_any_request(demo, client):
    demo.reset_request_count()
    for kwargs in ({"refresh": "soon"}, {"values": ["x"]}, {"limit": 0}):
        with pytest.raises(phf.ValidationError):
            client.query("select 1", **kwargs)
    with pytest.raises(phf.ValidationError, match="HogQL text"):
        client.query("  ")
    with pytest.raises(phf.ValidationError, match="via"):
        client.persons(via="graphql")
    assert demo.request_count == 0


# -- persons through HogQL --------------------------------------------------------------------


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
        assert big.request_count <= 3  # property definitions + two pages of 50,000
        assert len(frame) == 100_000 and frame["uuid"].is_unique
        assert frame["created_at"].is_monotonic_decreasing


# -- Parquet ----------------------------------------------------------------------------------


def test_sql_stream_reads_back_equal(demo, client, tmp_path):
    path, rows = client.stream_to_parquet(
        tmp_path / "numbers.parquet",
        "select number, toString(number) as text, number / 4 as quarter from numbers(120500)",
        progress=False,
    )
    assert rows == 120_500 and path.exists()
    assert not (tmp_path / "numbers.parquet.partial").exists()
    meta = pq.ParquetFile(path).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [
        50_000, 50_000, 20_500,
    ]  # fmt: skip
    table = pq.read_table(path).to_pandas()
    assert table["number"].tolist() == list(range(120_500))
    assert table["text"].iloc[-1] == "120499"
    assert table["quarter"].iloc[-1] == pytest.approx(120_499 / 4)
    assert len(client.session.cache.responses) == 0  # pages bypass the local cache


def test_events_stream_matches_query(client, tmp_path):
    sql = "select uuid, event, timestamp, properties.revenue as revenue from events order by uuid"
    path, rows = client.stream_to_parquet(tmp_path / "ev.parquet", sql, progress=False)
    expected = client.query(sql, paginate=True)
    back = pq.read_table(path).to_pandas()
    assert rows == len(expected) > 1000
    assert back["uuid"].tolist() == expected["uuid"].tolist()
    assert back["revenue"].sum() == pytest.approx(expected["revenue"].sum())
    pd.testing.assert_series_equal(
        back["timestamp"].dt.tz_convert(None).astype("datetime64[us]"),
        expected["timestamp"].astype("datetime64[us]"),
        check_names=False,
    )


def test_persons_stream_reads_back_equal(small, tmp_path):
    client = small.client(cache="memory")
    path, rows = client.stream_to_parquet(tmp_path / "p.parquet", "persons", page_size=300,
                                          progress=False)  # fmt: skip
    frame = client.persons(via="query")
    back = pq.read_table(path).to_pandas()
    assert rows == len(frame) == 700
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert back["uuid"].tolist() == frame["uuid"].tolist()
    assert back["properties.seats"].dtype == "float64"
    assert back["properties.seats"].sum() == frame["properties.seats"].sum()
    assert (
        back["properties.plan"].fillna("-").tolist()
        == frame["properties.plan"].fillna("-").tolist()
    )
    assert [list(x) for x in back["distinct_ids"]] == frame["distinct_ids"].tolist()


def test_stream_argument_errors(client, tmp_path):
    with pytest.raises(phf.ValidationError, match="persons"):
        client.stream_to_parquet(tmp_path / "x.parquet", "")
    with pytest.raises(phf.ValidationError, match="WHERE"):
        client.stream_to_parquet(tmp_path / "x.parquet", "select 1",
                                 properties=[phf.PropertyFilter("plan", "pro")])  # fmt: skip
    with pytest.raises(phf.ValidationError):
        client.stream_to_parquet(tmp_path / "x.parquet", "select nope(")
    assert not list(tmp_path.iterdir())  # nothing half-written is left behind
