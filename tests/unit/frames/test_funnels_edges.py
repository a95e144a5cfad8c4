"""Funnel edges found unpinned by mutation testing: every error word for word, step names and
breakdowns from each field PostHog has used, unlabeled histograms, conversion-rate bounds and
time zones of funnel trends."""

from __future__ import annotations

import re

import pytest

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import funnel_frame

HINT = (
    " Is this the insight kind you think it is? Pass the whole insight (or /query/ response) so "
    "its kind can be detected."
)
TIME_TO_CONVERT = {"filters": {"insight": "FUNNELS", "funnel_viz_type": "time_to_convert"}}
TRENDS = {"filters": {"insight": "FUNNELS", "funnel_viz_type": "trends"}}
DAYS = ["2024-01-01", "2024-01-02"]


def raises(message: str):
    return pytest.raises(InvalidResponse, match=f"^{re.escape(message + HINT)}$")


@pytest.mark.parametrize(
    ("insight", "message"),
    [
        (
            {"result": [{"name": "a", "order": 0}]},
            "result[0]: expected a funnel step with a 'count' key, got dict "
            "{'name': 'a', 'order': 0}.",
        ),
        (
            {**TIME_TO_CONVERT, "result": "x"},
            "result: expected a time-to-convert object {'bins': [[seconds, count], ...]} (or a "
            "list of them), got str 'x'.",
        ),
        (
            {**TIME_TO_CONVERT, "result": [{"bins": [[1, 2]]}, {"x": 1}]},
            "result[1]: expected a time-to-convert object with a 'bins' key, got dict {'x': 1}.",
        ),
        (
            {**TIME_TO_CONVERT, "result": {"bins": [[1, 2, 3]]}},
            "result[0]: expected 'bins' as [[seconds, count], ...], got list [[1, 2, 3]].",
        ),
        (
            {**TIME_TO_CONVERT, "result": {"bins": [[1, 2]], "average_conversion_time": "x"}},
            "result: expected numbers or null in average_conversion_time, got str 'x'.",
        ),
        (
            {**TIME_TO_CONVERT, "result": {"bins": [["a", 2]]}},
            "result: expected numbers in bins seconds, got str 'a'.",
        ),
        (
            {**TIME_TO_CONVERT, "result": {"bins": [[1, "b"]]}},
            "result: expected numbers in bins count, got str 'b'.",
        ),
        (
            {**TRENDS, "result": "x"},
            "result: expected a list of funnel trend series (dicts with 'data' and 'days'), got "
            "str 'x'.",
        ),
        (
            {
                **TRENDS,
                "result": [
                    {"label": "a", "data": [150, -1, 101, 200], "days": DAYS + DAYS},
                ],
            },
            "result: expected conversion rates as percentages 0..100 in 'data' (a trends series "
            "has counts: pass kind='trends', or leave kind= out), got list [150.0, -1.0, 101.0].",
        ),
    ],
    ids=[
        "no-count",
        "ttc-not-a-list",
        "ttc-no-bins",
        "ttc-bad-bins",
        "ttc-bad-average",
        "ttc-bad-seconds",
        "ttc-bad-count",
        "trends-not-a-list",
        "trends-counts",
    ],
)
def test_wrong_funnel_answers_say_where_and_what(insight, message) -> None:
    with raises(message):
        funnel_frame(insight)


@pytest.mark.parametrize(("rate", "fine"), [(100, True), (0, True), (100.5, False), (-0.5, False)])
def test_funnel_trend_rates_are_bounded_by_0_and_100_inclusive(rate, fine) -> None:
    insight = {**TRENDS, "result": [{"label": "a", "data": [50, rate], "days": DAYS}]}
    if fine:
        assert funnel_frame(insight)["conversion_rate"].tolist() == [0.5, rate / 100]
    else:
        with pytest.raises(InvalidResponse, match="percentages 0..100"):
            funnel_frame(insight)


def test_funnel_trends_keep_breakdown_and_compare_and_follow_tz() -> None:
    item = {
        "label": "a",
        "data": [50, 60],
        "days": DAYS,
        "breakdown_value": "Chrome",
        "compare_label": "current",
    }
    df = funnel_frame({**TRENDS, "timezone": "Europe/Paris", "result": [item]})
    assert df[["breakdown_value", "compare_label"]].to_dict("list") == {
        "breakdown_value": ["Chrome", "Chrome"],
        "compare_label": ["current", "current"],
    }
    assert df["date"].dt.tz is None
    aware = funnel_frame({**TRENDS, "timezone": "Europe/Paris", "result": [item]}, tz=True)
    assert str(aware["date"].dt.tz) == "Europe/Paris"


def step(count: int, **extra) -> dict:
    return {"count": count, **extra}


def test_step_names_come_from_every_field_posthog_has_used() -> None:
    steps = [
        step(10, name="$pageview", custom_name="Landed", order=0),
        step(8, action_id=42, order=1),
        step(5, order=2),
    ]
    assert funnel_frame(steps)["name"].tolist() == ["Landed", "42", "step 2"]


def test_steps_without_order_take_their_definition_by_position() -> None:
    insight = {
        "query": {
            "kind": "InsightVizNode",
            "source": {
                "kind": "FunnelsQuery",
                "series": [
                    {"kind": "EventsNode", "event": "a", "custom_name": "First"},
                    {"kind": "EventsNode", "event": "b", "custom_name": "Second"},
                ],
            },
        },
        "result": [step(10, name="a"), step(5, name="b")],
    }
    assert funnel_frame(insight)["name"].tolist() == ["First", "Second"]


def test_a_legacy_breakdown_field_is_read_like_breakdown_value() -> None:
    groups = [[step(10, order=0, breakdown="Chrome"), step(5, order=1, breakdown="Chrome")]]
    assert funnel_frame(groups)["breakdown_value"].tolist() == ["Chrome", "Chrome"]


def test_unlabeled_histograms_are_current_for_the_first_half() -> None:
    histograms = [{"bins": [[60, n]]} for n in range(4)]
    df = funnel_frame({**TIME_TO_CONVERT, "result": histograms})
    assert df["compare_label"].tolist() == ["current", "current", "previous", "previous"]
