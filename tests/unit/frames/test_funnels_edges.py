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


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (
            [
                [step(1, order=0, name="a")],
                [step(1, order=0, name="a"), step(None, order=1, name="b")],
            ],
            "result[1][1]: funnel step 'b' has 'count': null",
        ),
        ([step(None, order=0)], "result[0][0]: funnel step 0 has 'count': null"),
    ],
    ids=["named", "unnamed"],
)
def test_a_null_count_names_the_step_and_what_to_do(result, message) -> None:
    tail = (
        ", so no rate can be derived from it. Fetch the insight again with "
        'refresh="blocking"; if PostHog itself answers null, open the funnel in PostHog to check '
        "its steps."
    )
    with pytest.raises(InvalidResponse, match=f"^{re.escape(message + tail)}$"):
        funnel_frame(result)


@pytest.mark.parametrize(
    ("insight", "message"),
    [
        ([step("x", order=0)], "result: expected numbers in count, got str 'x'."),
        (
            {"filters": {"insight": "FUNNELS"}, "result": "x"},
            "result: expected a list of funnel steps, or a list of such lists (one per breakdown "
            "value), got str 'x'.",
        ),
        (
            [step(1, order=0, average_conversion_time="x")],
            "result: expected numbers or null in average_conversion_time, got str 'x'.",
        ),
    ],
    ids=["count", "not-a-list", "average"],
)
def test_wrong_steps_say_where_and_what(insight, message) -> None:
    with raises(message):
        funnel_frame(insight)


def test_step_columns_their_order_and_types_even_when_empty() -> None:
    from posthog_frames.frames.funnels import STEP_COLUMNS

    columns = list(STEP_COLUMNS)  # the documented columns, in this order
    empty = funnel_frame({"result": []})
    assert list(empty.columns) == columns and empty["step"].dtype == "int64"
    steps = [
        step(10, order=0, average_conversion_time=None, median_conversion_time=None),
        step(5, order=1, average_conversion_time=12.5, median_conversion_time=10.0),
    ]
    df = funnel_frame(steps)
    assert list(df.columns) == columns
    assert df["average_conversion_time"].tolist()[1:] == [12.5]
    assert df["median_conversion_time"].tolist()[1:] == [10.0]


def test_a_rate_over_a_zero_count_is_nan_and_warns_nothing() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0/0 must not print a RuntimeWarning in a notebook
        df = funnel_frame([step(0, order=0), step(3, order=1), step(0, order=2)])
    rates = df[["conversion_rate", "step_conversion_rate"]].to_dict("list")
    assert str(rates) == str(
        {"conversion_rate": [float("nan")] * 3, "step_conversion_rate": [float("nan")] * 2 + [0.0]}
    )
    ones = funnel_frame([step(1, order=0), step(1, order=1)])
    assert ones["step_conversion_rate"].tolist() == [1.0, 1.0]


def test_an_empty_breakdown_group_is_skipped() -> None:
    df = funnel_frame([[step(10, order=0)], []])
    assert df["count"].tolist() == [10]


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (
            [[step(1, order=0)], [1, 2]],
            "result: expected a list of funnel steps, or a list of such lists (one per breakdown "
            "value), got list [1, 2].",
        ),
        (
            [step(1, order=0), 1],
            "result: expected a list of funnel steps, or a list of such lists (one per breakdown "
            "value), got list [{'count': 1, 'order': 0}, 1].",
        ),
        (
            [step(1, order=0, compare_label=5)],
            "result[0]: expected 'compare_label' as text ('current' or 'previous'), got int 5.",
        ),
    ],
    ids=["group-of-numbers", "steps-and-a-number", "compare-label"],
)
def test_wrong_step_lists_say_what_was_expected(result, message) -> None:
    with raises(message):
        funnel_frame({"filters": {"insight": "FUNNELS"}, "result": result})


def test_steps_without_order_are_one_funnel_and_count_as_first() -> None:
    assert funnel_frame([step(10), step(5)])["step"].tolist() == [1, 2]
    mixed = [[step(5, order=1, name="b"), step(10, name="a")]]
    assert funnel_frame(mixed)["name"].tolist() == ["a", "b"]


def test_the_shape_decides_the_view_and_the_viz_type_only_what_shape_cannot() -> None:
    from posthog_frames.frames.funnels import funnel_view

    trends = {"filters": {"funnel_viz_type": "trends"}}
    assert funnel_view({}, [{"data": [1], "count": 3}]) == "steps"  # data alone is no series
    assert funnel_view(trends, [{"name": "a"}]) == "trends"  # no count: not steps by shape
    assert funnel_view(trends, {"name": "a"}) == "trends"  # no bins: not a histogram
    assert funnel_view({"filters": {"funnel_viz_type": "weird"}}) == "steps"
