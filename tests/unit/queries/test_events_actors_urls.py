"""EventsQuery pages, actors sources and insight URLs: pure query text, checked before sending."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.queries import funnel_query, lifecycle_query, retention_query, trends_query
from posthog_frames.queries.actors import actors_source
from posthog_frames.queries.events import events_query, property_column
from posthog_frames.queries.urls import insight_url


def test_a_page_of_50_000_asks_for_one_less_so_posthog_can_say_there_is_more():
    # PostHog fetches limit + 1 rows to set hasMore, but cuts any LIMIT at 50,000.
    assert events_query(page_size=50_000)["limit"] == 49_999
    assert events_query(page_size=49_999)["limit"] == 49_999
    assert events_query(page_size=500)["limit"] == 500


def test_pages_after_the_first_start_after_the_last_row_by_keyset():
    first = events_query("$pageview", after="-7d", before="2025-03-31", person_id=5)
    assert "where" not in first and "offset" not in first
    assert (first["event"], first["after"], first["before"], first["personId"]) == (
        "$pageview",
        "-7d",
        "2025-03-31",
        "5",
    )
    nxt = events_query("$pageview", last=("2025-03-01T00:00:00Z", "it's"))
    assert nxt["where"] == [
        "timestamp > toDateTime('2025-03-01T00:00:00Z') OR (timestamp = "
        "toDateTime('2025-03-01T00:00:00Z') AND toString(uuid) > 'it\\'s')"
    ]
    assert nxt["orderBy"] == ["timestamp ASC", "toString(uuid) ASC"]


def test_property_columns_are_quoted_when_they_must_be():
    assert property_column("$os") == "properties.$os"
    assert property_column("a`b") == "properties.`a\\`b`"
    assert events_query(columns=[])["select"][-1] == "person_id"


def test_actors_sources_follow_the_insight_kind():
    trend = trends_query("$pageview", interval="hour", breakdown="$browser")
    node = actors_source(trend, date="2025-03-04 13:00", breakdown="Chrome", series=0)
    assert (node["day"], node["breakdown"], node["series"]) == ("2025-03-04 13:00:00", "Chrome", 0)
    aware = pd.Timestamp("2025-03-04 23:30", tz="UTC")
    berlin = actors_source(trends_query("$pageview"), date=aware, timezone="Europe/Berlin")
    assert berlin["day"] == "2025-03-05"  # the bucket is the project's day, not UTC's
    funnel = actors_source(funnel_query(["a", "b"], breakdown="$browser"), step=2, breakdown="x")
    assert (funnel["funnelStep"], funnel["funnelStepBreakdown"]) == (2, ["x"])
    retention = actors_source(retention_query("a"), cohort=3, period=2)
    assert retention == {"kind": "InsightActorsQuery", "source": retention["source"], "interval": 3}
    lifecycle = actors_source(lifecycle_query("a"), date="2025-03-04", status="new")
    assert lifecycle["status"] == "new"


@pytest.mark.parametrize(
    ("query", "kwargs", "attr"),
    [
        (trends_query("a"), {"cohort": 1}, "cohort"),
        (trends_query("a"), {"date": "2025-03-04", "breakdown": "x"}, "breakdown"),
        (funnel_query(["a", "b"]), {}, "step"),
        (funnel_query(["a", "b"]), {"step": 3}, "step"),
        (retention_query("a", intervals=4), {"cohort": 2, "period": 2}, "period"),
        (lifecycle_query("a"), {"date": "2025-03-04"}, "status"),
    ],
)
def test_actors_selectors_are_refused_when_they_do_not_fit(query, kwargs, attr):
    with pytest.raises(phf.ValidationError) as caught:
        actors_source(query, **kwargs)
    assert caught.value.attr == attr


def test_insight_urls_encode_the_query_as_posthog_does():
    query = trends_query("$pageview", properties=[{"key": "a b", "value": "x'y", "type": "event"}])
    url = insight_url("https://us.posthog.com/", 7, query)
    assert url.startswith("https://us.posthog.com/project/7/insights/new#q=%7B%22kind%22")
    encoded = url.split("#q=", 1)[1]
    assert " " not in encoded and "'" in encoded  # encodeURIComponent keeps ' as it is
    assert json.loads(unquote(encoded)) == query
    with pytest.raises(phf.InvalidArgument):
        insight_url("https://us.posthog.com", 7)
