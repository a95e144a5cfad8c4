"""The insight query builders: PostHog's schema from keyword arguments, refusals before sending."""

from __future__ import annotations

import datetime as dt

import pytest

import posthog_frames as phf
from posthog_frames._reference import INTERVALS
from posthog_frames.queries import (
    funnel_query,
    insight_source,
    lifecycle_query,
    paths_query,
    retention_query,
    stickiness_query,
    trends_query,
)


def test_trends_query_mirrors_posthogs_schema():
    query = trends_query(
        [phf.Event("$pageview", math="dau"), "signed up"],
        date_from="-90d",
        date_to=dt.date(2025, 3, 31),
        interval="week",
        breakdown="$initial_os",
        breakdown_type="person",
        properties=[phf.PropertyFilter("plan", "pro")],
        compare=True,
        filter_test_accounts=True,
        display="number",
        formula="b/a",
    )
    assert query["kind"] == "InsightVizNode"
    assert query["source"] == {
        "kind": "TrendsQuery",
        "dateRange": {"date_from": "-90d", "date_to": "2025-03-31"},
        "properties": [{"key": "plan", "value": ["pro"], "operator": "exact", "type": "person"}],
        "filterTestAccounts": True,
        "series": [
            {"kind": "EventsNode", "event": "$pageview", "name": "$pageview", "math": "dau"},
            {"kind": "EventsNode", "event": "signed up", "name": "signed up", "math": "total"},
        ],
        "interval": "week",
        "breakdownFilter": {"breakdown": "$initial_os", "breakdown_type": "person"},
        "compareFilter": {"compare": True},
        "trendsFilter": {"display": "BoldNumber", "formula": "B/A"},
    }


@pytest.mark.parametrize(
    ("call", "attr"),
    [
        (lambda: trends_query("$pageview", interval="fortnight"), "interval"),
        (lambda: trends_query("$pageview", display="Donut"), "display"),
        (lambda: trends_query("$pageview", breakdown_type="browser"), "breakdown_type"),
        (lambda: trends_query("$pageview", date_from="last week"), "date_from"),
        (lambda: trends_query("$pageview", formula="A/B"), "formula"),
        (lambda: trends_query("$pageview", formula="sqrt(A)"), "formula"),
        (lambda: trends_query([]), "series"),
        (lambda: funnel_query(["signed up"]), "steps"),
        (lambda: funnel_query(["a", "b"], window="fortnight"), "window"),
        (lambda: funnel_query(["a", "b"], viz="flow"), "viz"),
        (lambda: funnel_query(["a", "b"], order="random"), "order"),
        (lambda: retention_query("signed up", period="Year"), "period"),
        (lambda: retention_query(phf.Event("signed up", math="dau")), "target"),
        (lambda: lifecycle_query(["a", "b"]), "event"),
        (lambda: paths_query(include=("clicks",)), "include"),
    ],
)
def test_bad_arguments_are_refused_naming_the_parameter(call, attr):
    with pytest.raises(phf.ValidationError) as caught:
        call()
    assert caught.value.attr == attr


def test_an_unknown_interval_names_posthogs_intervals():
    with pytest.raises(phf.ValidationError) as caught:
        trends_query("$pageview", interval="year")
    assert all(interval in str(caught.value) for interval in INTERVALS)


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("14d", (14, "day")),
        ("3 days", (3, "day")),
        ("2w", (2, "week")),
        ("1m", (1, "month")),
        ("30M", (30, "minute")),
        ("30min", (30, "minute")),
        ("6h", (6, "hour")),
        (dt.timedelta(hours=36), (36, "hour")),
        (dt.timedelta(days=14), (2, "week")),
    ],
)
def test_funnel_windows_read_as_posthogs_interval_and_unit(window, expected):
    funnel = funnel_query(["a", "b"], window=window)["source"]["funnelsFilter"]
    assert (funnel["funnelWindowInterval"], funnel["funnelWindowIntervalUnit"]) == expected


def test_funnel_trends_carry_the_interval_and_breakdowns_their_type():
    source = funnel_query(["a", "b", "c"], viz="trends", interval="week", breakdown="$browser")
    assert source["source"]["interval"] == "week"
    assert source["source"]["breakdownFilter"] == {
        "breakdown": "$browser",
        "breakdown_type": "event",
    }
    assert "interval" not in funnel_query(["a", "b"])["source"]


def test_retention_entities_and_defaults():
    retention = retention_query("signed up", "$pageview", period="month", intervals=6)
    rf = retention["source"]["retentionFilter"]
    assert rf["period"] == "Month" and rf["totalIntervals"] == 6
    assert rf["targetEntity"] == {
        "id": "signed up",
        "name": "signed up",
        "type": "events",
        "kind": "EventsNode",
    }
    assert retention_query("signed up")["source"]["retentionFilter"]["returningEntity"]["id"] == (
        "signed up"
    )
    assert retention_query(phf.Action(4))["source"]["retentionFilter"]["targetEntity"] == {
        "id": 4,
        "type": "actions",
        "kind": "ActionsNode",
    }


def test_other_kinds_and_unwrapping():
    assert stickiness_query(["a", "b"])["source"]["kind"] == "StickinessQuery"
    paths = paths_query(start="/", end="/checkout", include="custom_event", exclude="x")
    assert paths["source"]["pathsFilter"] == {
        "includeEventTypes": ["custom_event"],
        "stepLimit": 5,
        "startPoint": "/",
        "endPoint": "/checkout",
        "excludeEvents": ["x"],
    }
    assert insight_source(paths)["kind"] == "PathsQuery"
    assert insight_source({"kind": "TrendsQuery"}) == {"kind": "TrendsQuery"}
    with pytest.raises(phf.InvalidArgument):
        insight_source("TrendsQuery")
