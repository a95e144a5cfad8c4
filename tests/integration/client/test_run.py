"""client.run(): a request copied from PostHog's network tab gives the frame the matching verb
gives.

Each body below is the smallest one of the shape PostHog's web app sends (``POST
/api/environments/:id/query/`` with ``{"query": ..., "client_query_id": ..., "refresh":
"async"}``, reference §8 and ``QueryRequest`` in posthog/schema.py), written here; the comment
above each names the recorded query it follows (../shared/posthog-fixtures, the ``query`` of
each saved insight) or the reference section. ``test_the_bodies_have_the_shapes_posthog_sends``
checks every key path of those bodies against the recorded queries.
"""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

import posthog_frames as phf
from tests.conftest import load_fixture

UI = {"client_query_id": "0b6a3c3e-6d1f-4d52-9a55-000000000001", "refresh": "async"}
AND_NONE = {"type": "AND", "values": [{"type": "AND", "values": []}]}


def _viz(source: dict) -> dict:
    return {"query": {"kind": "InsightVizNode", "source": source, "full": True}, **UI}


# insights/insight-trends-line.json: InsightVizNode > TrendsQuery with dateRange, interval,
# a property group and EventsNode series carrying name/custom_name/math.
TRENDS = _viz(
    {
        "kind": "TrendsQuery",
        "dateRange": {"date_from": "-14d"},
        "interval": "day",
        "properties": AND_NONE,
        "series": [
            {"kind": "EventsNode", "event": "$pageview", "name": "$pageview", "math": "total"},
            {"kind": "EventsNode", "event": "signed up", "name": "signed up", "math": "dau"},
        ],
    }
)
# insights/insight-funnel-steps.json: FunnelsQuery with funnelsFilter {exclusions, funnelVizType}.
FUNNEL = _viz(
    {
        "kind": "FunnelsQuery",
        "dateRange": {"date_from": "-30d"},
        "interval": "day",
        "funnelsFilter": {"exclusions": [], "funnelVizType": "steps"},
        "properties": AND_NONE,
        "series": [
            {"kind": "EventsNode", "event": "viewed product", "name": "viewed product"},
            {"kind": "EventsNode", "event": "purchased", "name": "purchased"},
        ],
    }
)
# insights/insight-retention.json: RetentionQuery, retentionFilter with target/returning entities
# of type "events".
RETENTION = _viz(
    {
        "kind": "RetentionQuery",
        "properties": AND_NONE,
        "retentionFilter": {
            "period": "Week",
            "retentionType": "retention_first_time",
            "totalIntervals": 6,
            "targetEntity": {"id": "signed up", "name": "signed up", "type": "events"},
            "returningEntity": {"id": "$pageview", "name": "$pageview", "type": "events"},
        },
    }
)


def _pageviews(kind: str, interval: str) -> dict:
    """insights/insight-lifecycle.json and insight-stickiness.json: one $pageview series."""
    return _viz(
        {
            "kind": kind,
            "dateRange": {"date_from": "-30d"},
            "filterTestAccounts": False,
            "interval": interval,
            "properties": AND_NONE,
            "series": [{"kind": "EventsNode", "event": "$pageview", "name": "$pageview"}],
        }
    )


LIFECYCLE = _pageviews("LifecycleQuery", "week")
STICKINESS = _pageviews("StickinessQuery", "day")
# insights/insight-paths.json: PathsQuery with pathsFilter {excludeEvents, includeEventTypes,
# localPathCleaningFilters, pathGroupings, stepLimit}.
PATHS = _viz(
    {
        "kind": "PathsQuery",
        "dateRange": {"date_from": "-30d"},
        "properties": AND_NONE,
        "pathsFilter": {
            "excludeEvents": [],
            "includeEventTypes": ["$pageview"],
            "localPathCleaningFilters": [],
            "pathGroupings": [],
            "stepLimit": 5,
        },
    }
)
SQL = "select event, count() as n from events group by event order by n desc, event"
# insights/insight-sql-datatable-hogql.json: DataTableNode (full) around a HogQLQuery.
HOGQL = {
    "query": {
        "kind": "DataTableNode",
        "full": True,
        "source": {"kind": "HogQLQuery", "query": SQL},
    },
    **UI,
}
# Reference §11 (EventsQuery fields) in the DataTableNode the events table sends.
EVENTS = {
    "query": {
        "kind": "DataTableNode",
        "full": True,
        "source": {
            "kind": "EventsQuery",
            "select": ["uuid", "event", "timestamp", "distinct_id", "person_id", "properties"],
            "event": "purchased",
            "after": "2025-03-24",
            "orderBy": ["timestamp ASC", "toString(uuid) ASC"],
            "limit": 1000,
        },
    },
    **UI,
}
# Reference §12: the persons modal's ActorsQuery over a FunnelsActorsQuery (dropped at step 2).
ACTORS = {
    "query": {
        "kind": "ActorsQuery",
        "select": ["actor"],
        "limit": 1000,
        "offset": 0,
        "source": {
            "kind": "FunnelsActorsQuery",
            "funnelStep": -2,
            "source": {
                "kind": "FunnelsQuery",
                "dateRange": {"date_from": "-30d"},
                "series": [
                    {"kind": "EventsNode", "event": "signed up"},
                    {"kind": "EventsNode", "event": "purchased"},
                ],
            },
        },
    },
    **UI,
}

CASES = {
    "trends": (
        TRENDS,
        lambda c: c.trends(["$pageview", phf.Event("signed up", math="dau")], date_from="-14d"),
    ),
    "funnel": (FUNNEL, lambda c: c.funnel(["viewed product", "purchased"], date_from="-30d")),
    "retention": (
        RETENTION,
        lambda c: c.retention("signed up", "$pageview", period="week", intervals=6),
    ),
    "lifecycle": (
        LIFECYCLE,
        lambda c: c.lifecycle("$pageview", date_from="-30d", interval="week"),
    ),
    "stickiness": (STICKINESS, lambda c: c.stickiness("$pageview", date_from="-30d")),
    "paths": (PATHS, lambda c: c.paths(date_from="-30d")),
    "hogql": (HOGQL, lambda c: c.query(SQL)),
    "events": (EVENTS, lambda c: c.events("purchased", after="2025-03-24")),
    "actors": (
        ACTORS,
        lambda c: c.actors(
            c.funnel(["signed up", "purchased"], date_from="-30d"), step=2, dropped=True
        ),
    ),
}
FOLLOWS = {
    "trends": "insight-trends-line.json",
    "funnel": "insight-funnel-steps.json",
    "retention": "insight-retention.json",
    "lifecycle": "insight-lifecycle.json",
    "stickiness": "insight-stickiness.json",
    "paths": "insight-paths.json",
    "hogql": "insight-sql-datatable-hogql.json",
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_copied_body_gives_the_frame_of_the_matching_verb(client, name):
    body, verb = CASES[name]
    got = client.run(body)
    expected = verb(client)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.parametrize("name", ["trends", "hogql", "events"])
def test_the_json_text_as_copied_gives_the_same_frame(client, name):
    body, _ = CASES[name]
    from_text = client.run(json.dumps(body, indent=2))
    pd.testing.assert_frame_equal(from_text, client.run(body))
    # The query object alone, as "copy object" on the payload's query gives it.
    pd.testing.assert_frame_equal(client.run(body["query"]), from_text)


def test_the_query_is_kept_in_attrs(client):
    trends = client.run(TRENDS)
    assert trends.attrs["query"] == TRENDS["query"]
    assert client.url_for(trends).startswith(client.host)  # the verbs' follow-ups still work
    events = client.run(EVENTS)
    assert events.attrs["query"] == EVENTS["query"]["source"]
    bare = client.run({"query": TRENDS["query"]["source"]})  # a bare TrendsQuery
    assert bare.attrs["query"] == {"kind": "InsightVizNode", "source": TRENDS["query"]["source"]}


def test_the_browsers_request_id_and_polling_mode_are_not_sent(client, demo):
    demo.app.reset_request_count()
    client.run(HOGQL)
    sent = [body for method, path, body in demo.app.request_log() if path.endswith("/query/")]
    assert sent == [{"query": HOGQL["query"]["source"], "refresh": "blocking"}]


def test_what_posthog_refuses_comes_back_with_its_message(client):
    body = {"query": {"kind": "HogQLQuery", "query": "select nope from events"}, **UI}
    with pytest.raises(phf.ValidationError, match="nope") as err:
        client.run(body)
    assert err.value.status == 400


@pytest.mark.parametrize(
    "kind", ["WebOverviewQuery", "SessionsTimelineQuery", "FunnelCorrelationQuery"]
)
def test_a_kind_without_a_frame_is_a_typed_error_naming_it(client, kind):
    with pytest.raises(phf.UnsupportedQuery, match=kind) as err:
        client.run({"query": {"kind": kind}, **UI})
    assert isinstance(err.value, ValueError) and err.value.kind == kind
    assert "client.query()" in str(err.value) and "client.get(" in str(err.value)


def test_an_insight_node_around_a_non_insight_is_refused(client):
    with pytest.raises(phf.UnsupportedQuery, match="EventsQuery"):
        client.run({"kind": "InsightVizNode", "source": {"kind": "EventsQuery", "select": []}})


@pytest.mark.parametrize(
    "copied, match",
    [
        ("{not json", "not the JSON"),
        ({"query": "select 1"}, "no query"),
        ({"query": {"kind": "HogQLQuery", "query": "select 1"}, "colour": 1}, "colour"),
        ({"kind": "DataTableNode"}, "no source"),
        (42, "got int"),
    ],
)
def test_what_is_not_a_copied_request_is_refused_before_sending(client, demo, copied, match):
    demo.app.reset_request_count()
    with pytest.raises(phf.ValidationError, match=match):
        client.run(copied)
    assert demo.app.request_count == 0


def test_a_key_in_the_body_is_refused_without_echoing_it(client, demo):
    secret = "phx_" + "s3cr3t" * 6
    demo.app.reset_request_count()
    body = {"query": {"kind": "HogQLQuery", "query": "select 1"}, "personal_api_key": secret}
    with pytest.raises(phf.ValidationError, match="API key") as err:
        client.run(body)
    assert "s3cr3t" not in str(err.value) and demo.app.request_count == 0


def test_events_with_more_rows_than_the_limit_warn(client):
    few = {**EVENTS["query"]["source"], "limit": 3}
    with pytest.warns(phf.TruncatedResult, match="client.events"):
        frame = client.run(few)
    assert len(frame) == 3


def test_actors_selected_without_the_person_give_typed_rows(client):
    query = {"kind": "ActorsQuery", "select": ["id", "created_at"], "limit": 5}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", phf.TruncatedResult)
        frame = client.run(query)
    assert frame.columns.tolist() == ["id", "created_at"] and len(frame) == 5


def _paths(value: object, prefix: str = "") -> set[str]:
    """Every key path of a JSON value (list items share their list's path)."""
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            found |= {f"{prefix}.{key}"} | _paths(item, f"{prefix}.{key}")
        return found
    if isinstance(value, list):
        return set().union(*(_paths(item, prefix) for item in value)) if value else set()
    return set()


@pytest.mark.parametrize("name", list(FOLLOWS))
def test_the_bodies_have_the_shapes_posthog_sends(name):
    """Every key path of a body's query is one the recorded query it follows has, apart from the
    dates and sizes chosen for the demo's data (dateRange, totalIntervals)."""
    recorded = load_fixture(f"insights/{FOLLOWS[name]}")["query"]
    ours = CASES[name][0]["query"]
    chosen = {
        ".source.dateRange",
        ".source.dateRange.date_from",
        ".source.retentionFilter.period",
        ".source.retentionFilter.totalIntervals",
        ".source.series.math",
    }
    extra = _paths(ours) - _paths(recorded) - chosen
    assert not extra, f"{name}: keys PostHog's recorded query does not have: {sorted(extra)}"


def _table(source: dict) -> dict:
    return {"kind": "DataTableNode", "full": True, "source": source}


# The events and persons tables' own default queries, unchanged (events_query_runner.py
# select_cols; reference §11 and §12): objects stay objects, typed columns stay typed.
EVENTS_TABLE = _table(
    {
        "kind": "EventsQuery",
        "select": ["*", "event", "person_display_name -- Person", "timestamp"],
        "orderBy": ["timestamp DESC"],
        "after": "-24h",
    }
)
PERSONS_TABLE = _table(
    {
        "kind": "ActorsQuery",
        "select": ["person", "id", "created_at", "person.$delete"],
        "orderBy": ["created_at DESC"],
        "limit": 1000,
    }
)


def test_the_events_tables_own_query_runs_unchanged(client):
    with pytest.warns(phf.TruncatedResult, match="first 100 rows"):
        frame = client.run({"query": EVENTS_TABLE, **UI})
    assert frame.columns.tolist() == EVENTS_TABLE["source"]["select"] and len(frame) == 100
    assert [e["event"] for e in frame["*"]] == frame["event"].tolist()
    assert str(frame["timestamp"].dtype) == "datetime64[us, UTC]"
    assert frame["timestamp"].is_monotonic_decreasing
    shown = frame["person_display_name -- Person"].iloc[0]
    assert set(shown) == {"display_name", "id", "distinct_id"}


def test_the_persons_tables_own_query_gives_the_persons_frame(client):
    frame = client.run({"query": PERSONS_TABLE, **UI})
    expected = client.persons()
    assert len(frame) == len(expected) == 500
    assert set(frame["id"]) == set(expected["id"])
    assert frame.columns.tolist() == expected.columns.tolist()
    assert frame["created_at"].is_monotonic_decreasing
