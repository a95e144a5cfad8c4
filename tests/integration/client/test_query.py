"""client.query(): HogQL rows as typed frames, limits, paging, async polling and errors."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.client.query import query_pages
from posthog_frames.demo import serve
from posthog_frames.exceptions import ValidationError
from posthog_frames.frames.sql import TruncatedResult

OS_COUNTS = (
    "select properties.$initial_os as os, count() as n from persons group by os order by n desc"
)


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
        whole = client.query("select number from numbers(120001) order by number", paginate=True)
    assert whole["number"].tolist() == list(range(120_001))
    assert demo.request_count == 3  # pages of 50,000 rows: 50,000 + 50,000 + 20,001
    limited = client.query(
        "select number from numbers(120001) order by number", paginate=True, limit=60_000
    )
    assert limited["number"].tolist() == list(range(60_000))


def test_limit_replaces_the_query_limit(client):
    df = client.query("select number from numbers(1000) order by number limit 5", limit=12)
    assert df["number"].tolist() == list(range(12))
    with pytest.raises(phf.ValidationError, match="paginate=True"):
        client.query("select 1", limit=60_000)


def test_async_refresh_polls_until_complete(demo, client):
    blocking = client.query(OS_COUNTS)
    demo.reset_request_count()
    polled = client.query(OS_COUNTS, refresh="force_async")
    pd.testing.assert_frame_equal(polled, blocking)
    assert demo.request_count >= 3  # the POST (202), a poll (202, running), the last poll (200)
    demo.reset_request_count()
    cached = client.query(OS_COUNTS, refresh="async")  # PostHog answers a fresh cache at once
    pd.testing.assert_frame_equal(cached, blocking)
    assert demo.request_count == 1


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


def test_a_failed_async_query_says_what_posthog_said(demo, client):
    # PostHog answers a poll of a failed query 400 with {"query_status": {..., "error_message"}}.
    with pytest.raises(ValidationError, match="failed: .*nope") as err:
        client.query("select nope from numbers(3)", refresh="force_async")
    assert err.value.status == 400 and "nope" in (err.value.detail or "")


def test_an_async_query_that_fails_inside_posthog_is_a_query_failed():
    # ... and 500, with no message, when the failure was unexpected.
    with serve(persons=10, calculation_error_rate=1.0) as demo:
        client = demo.client(cache="memory")
        with pytest.raises(phf.QueryFailed, match="could not compute the async query") as err:
            client.query("select 1", refresh="force_async")
        assert err.value.status == 500
        statuses = [path for method, path, _ in demo.request_log if method == "GET"]
        assert len(statuses) == 2  # a running poll, then the failed one: never retried


def test_paginate_pages_by_keyset_every_event_once_and_never_sends_offset(demo, client):
    sql = "select uuid, toDate(timestamp) as day, event from events order by day, uuid"
    whole = client.query(sql + " limit 50000")
    assert 1000 < len(whole) < 50_000
    assert whole["day"].duplicated().sum() > 1000  # ties on the day: the uuid breaks them
    demo.reset_request_count()
    pages = list(query_pages(client, sql, None, page_size=700))
    got = [row[0] for page in pages for row in page["results"]]
    assert got == whole["uuid"].tolist()  # every event once, in order, across page boundaries
    sent = [body["query"]["query"] for _, _, body in demo.request_log if body]
    assert len(sent) == len(pages) == -(-len(whole) // 700)
    assert not any("offset" in text.lower() for text in sent)
    assert client.query(sql, paginate=True)["uuid"].tolist() == got


def test_ties_on_the_order_key_are_refused_rather_than_lost(client):
    with pytest.raises(ValidationError, match="does not order rows uniquely"):
        client.query("select event from events order by event", paginate=True)


def test_a_limit_above_50000_warns_that_posthog_cuts_it(client):
    with pytest.warns(TruncatedResult, match="at most 50,000 per query"):
        cut = client.query("select number from numbers(60000) limit 60000")
    assert len(cut) == 50_000
