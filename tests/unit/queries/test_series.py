"""Event and Action: validated when made, PostHog's nodes when sent."""

from __future__ import annotations

import pytest

import posthog_frames as phf
from posthog_frames._reference import MATH_TYPES
from posthog_frames.queries import series_nodes


def test_an_event_is_an_events_node_with_its_math():
    node = phf.Event("purchased", math="p90", math_property="revenue", custom_name="p90").to_node()
    assert node == {
        "kind": "EventsNode",
        "event": "purchased",
        "name": "purchased",
        "math": "p90",
        "math_property": "revenue",
        "custom_name": "p90",
    }


def test_unknown_math_names_every_valid_choice():
    with pytest.raises(phf.ValidationError) as caught:
        phf.Event("$pageview", math="weekly")
    assert caught.value.attr == "math"
    assert all(math in str(caught.value) for math in MATH_TYPES)
    assert "Did you mean 'weekly_active'?" in str(caught.value)


def test_property_maths_need_a_property_and_others_refuse_one():
    with pytest.raises(phf.ValidationError, match="math_property="):
        phf.Event("purchased", math="sum")
    with pytest.raises(phf.ValidationError, match="only applies to the property maths"):
        phf.Event("purchased", math="dau", math_property="revenue")


def test_series_properties_are_filters_in_posthog_form():
    event = phf.Event(
        "$pageview", properties=[{"key": "$browser", "value": "Chrome", "type": "event"}]
    )
    assert event.to_node()["properties"] == [
        {"key": "$browser", "value": ["Chrome"], "operator": "exact", "type": "event"}
    ]
    with pytest.raises(phf.ValidationError):
        phf.Event("$pageview", properties=[{"key": "$browser", "operater": "exact"}])


def test_an_action_is_an_actions_node_by_id():
    assert phf.Action(12, math="dau").to_node() == {"kind": "ActionsNode", "id": 12, "math": "dau"}
    for bad in (0, "12", True, None):
        with pytest.raises(phf.InvalidArgument):
            phf.Action(bad)


def test_series_take_names_events_and_actions_and_refuse_the_rest():
    nodes = series_nodes(["$pageview", phf.Event(None), phf.Action(3)])
    assert [n["kind"] for n in nodes] == ["EventsNode", "EventsNode", "ActionsNode"]
    assert nodes[1]["event"] is None and nodes[1]["name"] == "All events"
    with pytest.raises(phf.ValidationError, match="series is empty"):
        series_nodes([])
    with pytest.raises(phf.InvalidArgument):
        series_nodes([42])
    with pytest.raises(phf.InvalidArgument):
        series_nodes(42)
