"""client.events(): every event of a range exactly once across pages, by keyset, never OFFSET."""

from __future__ import annotations

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.testing import virtual_time

START, END = pd.Timestamp("2025-03-10", tz="UTC"), pd.Timestamp("2025-03-17", tz="UTC")


@pytest.fixture(scope="module")
def tied():
    """A demo whose events carry whole-minute timestamps, as imported data often does."""
    with serve(port=0, timestamp_resolution="min") as server:
        virtual_time(server)
        yield server


def test_every_event_of_a_range_comes_once_across_page_boundaries_ties_included(tied):
    log = tied.app.insight_store().context().events
    inside = log[(log["timestamp"] > START) & (log["timestamp"] < END)]
    client = tied.client(cache="memory", progress=False)
    tied.reset_request_count()
    df = client.events(after=START.isoformat(), before=END.isoformat(), page_size=97)
    assert len(df) == len(inside) > 1000 and df["uuid"].is_unique
    assert set(df["uuid"]) == set(inside["uuid"])
    ordered = df.sort_values(["timestamp", "uuid"], kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(df, ordered)
    bodies = [body["query"] for method, _, body in tied.request_log if method == "POST"]
    assert len(bodies) == -(-len(inside) // 97)  # hasMore ends the pull: no empty last page
    assert all("offset" not in body and "OFFSET" not in str(body).upper() for body in bodies)
    # Pages really were cut inside runs of equal timestamps.
    firsts = df["timestamp"].iloc[97::97].to_numpy()
    lasts = df["timestamp"].iloc[96:-1:97].to_numpy()[: len(firsts)]
    assert (firsts == lasts).sum() >= 3


def test_columns_are_typed_from_the_event_definitions(client):
    df = client.events("purchased", after="2025-03-20", before="2025-03-27")
    assert str(df["timestamp"].dtype) == "datetime64[us, UTC]"
    assert df["properties.revenue"].dtype == "float64" and df["event"].eq("purchased").all()
    assert df.columns.tolist()[:5] == ["uuid", "event", "timestamp", "distinct_id", "person_id"]
    assert (
        df["timestamp"]
        .between(pd.Timestamp("2025-03-20", tz="UTC"), pd.Timestamp("2025-03-27", tz="UTC"))
        .all()
    )
    chosen = client.events(
        "purchased", after="2025-03-20", before="2025-03-27", columns=["revenue"]
    )
    assert chosen.columns.tolist()[-1] == "properties.revenue" and len(chosen) == len(df)
    assert df.attrs["query"]["kind"] == "EventsQuery"


def test_filters_persons_and_limits(client):
    person = client.persons(limit=5)["id"].iloc[2]
    theirs = client.events(person_id=person, after="all")
    assert len(theirs) > 0 and theirs["person_id"].eq(person).all()
    chrome = client.events(
        "$pageview",
        after="-3d",
        properties=[{"key": "$browser", "value": "Chrome", "type": "event"}],
    )
    assert chrome["properties.$browser"].eq("Chrome").all()
    everything = client.events("$pageview", after="-3d")
    assert len(chrome) == everything["properties.$browser"].eq("Chrome").sum()
    first = client.events(after="all", limit=250, page_size=100)
    assert len(first) == 250 and first["uuid"].is_unique


def test_without_after_posthog_answers_the_last_day(client, demo):
    log = demo.app.insight_store().context().events
    now = pd.Timestamp(DEMO_NOW)
    day = log[log["timestamp"] > now - pd.Timedelta(hours=24)]
    df = client.events()
    assert len(df) > 0 and set(df["uuid"]) == set(day["uuid"])


@pytest.mark.parametrize(
    ("kwargs", "attr"),
    [
        ({"after": "last tuesday"}, "after"),
        ({"page_size": 60_000}, "page_size"),
        ({"limit": 0}, "limit"),
        ({"columns": "revenue"}, "columns"),
        ({"person_id": 1.5}, "person_id"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(client, demo, kwargs, attr):
    demo.reset_request_count()
    with pytest.raises(phf.ValidationError) as caught:
        client.events(**kwargs)
    assert caught.value.attr == attr and demo.request_count == 0


def test_a_pull_in_many_pages_equals_the_same_events_in_one_page(client):
    # Pages are converted as they arrive and stacked: the frame must not depend on the paging.
    window = {"after": "2025-03-20", "before": "2025-03-24"}
    whole = client.events(**window, page_size=50_000)
    paged = client.events(**window, page_size=113)
    assert len(whole) > 5 * 113
    pd.testing.assert_frame_equal(paged, whole)


def test_pages_of_50_000_still_bring_every_event():
    # The demo's paginator, like PostHog's, cannot say hasMore for a page of 50,000 (it asks
    # for 50,001 rows and the HogQL printer cuts at 50,000): the client asks for 49,999.
    with serve(port=0, persons=2_500) as big:
        virtual_time(big)
        log = big.app.insight_store().context().events
        client = big.client(cache=False, progress=False)
        df = client.events(after="2024-12-31", page_size=50_000)
    assert len(log) > 50_000
    assert len(df) == len(log) and df["uuid"].is_unique
