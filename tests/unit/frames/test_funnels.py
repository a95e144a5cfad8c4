"""Funnel specifics: rates, breakdown unwrap, compare, time to convert, conversion trends."""

from __future__ import annotations

import numpy as np
import pytest

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames import funnel_frame
from tests.conftest import load_fixture


def step(order: int, count: int, **extra) -> dict:
    return {"action_id": "e", "name": f"event {order}", "order": order, "count": count, **extra}


def test_rates_and_dropped_from_counts() -> None:
    df = funnel_frame([step(0, 200), step(1, 50), step(2, 10)])
    assert df["step"].tolist() == [1, 2, 3]
    assert df["conversion_rate"].tolist() == pytest.approx([1.0, 50 / 200, 10 / 200])
    assert df["step_conversion_rate"].tolist() == pytest.approx([1.0, 50 / 200, 10 / 50])
    assert df["dropped"].tolist() == [0, 150, 40]
    assert df.attrs["view"] == "steps"


def test_steps_are_ordered_by_order_not_position() -> None:
    df = funnel_frame([step(1, 5), step(0, 9)])
    assert df["count"].tolist() == [9, 5]
    assert df["name"].tolist() == ["event 0", "event 1"]


def test_zero_first_step_gives_nan_rates_not_errors() -> None:
    df = funnel_frame([step(0, 0), step(1, 0)])
    assert np.isnan(df["conversion_rate"]).all()
    # Nobody entered: step 1 converts no one, so its rate is as undefined as its overall one.
    assert np.isnan(df["step_conversion_rate"]).all()
    entered = funnel_frame([step(0, 4), step(1, 0)])
    assert entered["step_conversion_rate"].tolist()[0] == 4 / 4


def test_breakdown_list_of_lists_unwraps_values() -> None:
    insight = load_fixture("insights/insight-funnel-breakdown.json")
    df = funnel_frame(insight)
    expected = [group[0]["breakdown_value"][0] for group in insight["result"]]
    assert df["breakdown_value"].unique().tolist() == expected
    for group in insight["result"]:
        rows = df[df["breakdown_value"] == group[0]["breakdown_value"][0]]
        first = group[0]["count"]
        assert rows["conversion_rate"].tolist() == pytest.approx(
            [s["count"] / first for s in group]
        )


def test_compare_steps_grouped_by_label() -> None:
    insight = load_fixture("insights/insight-funnel-steps-compare.json")
    df = funnel_frame(insight)
    for label in ("current", "previous"):
        steps = [s for s in insight["result"] if s["compare_label"] == label]
        rows = df[df["compare_label"] == label]
        assert rows["step"].tolist() == [1, 2, 3]
        assert rows["dropped"].iloc[1] == steps[0]["count"] - steps[1]["count"]


def test_step_custom_name_from_query_series() -> None:
    insight = {
        "query": {
            "kind": "InsightVizNode",
            "source": {
                "kind": "FunnelsQuery",
                "series": [{"event": "a", "custom_name": "Landed"}, {"event": "b"}],
            },
        },
        "result": [step(0, 10, name="a"), step(1, 4, name="b")],
    }
    assert funnel_frame(insight)["name"].tolist() == ["Landed", "b"]


def test_time_to_convert_and_average_in_attrs() -> None:
    insight = load_fixture("insights/insight-funnel-time-to-convert.json")
    df = funnel_frame(insight)
    assert df.attrs["view"] == "time_to_convert"
    assert df["seconds"].tolist() == [b[0] for b in insight["result"]["bins"]]
    assert df.attrs["average_conversion_time"] == insight["result"]["average_conversion_time"]


def test_time_to_convert_compare_has_average_per_label() -> None:
    insight = load_fixture("insights/insight-funnel-time-to-convert-compare.json")
    df = funnel_frame(insight)
    expected = {o["compare_label"]: o["average_conversion_time"] for o in insight["result"]}
    assert df.attrs["average_conversion_time"] == expected
    for obj in insight["result"]:
        rows = df[df["compare_label"] == obj["compare_label"]]
        assert rows["count"].tolist() == [b[1] for b in obj["bins"]]


def test_funnel_trends_rates_are_fractions() -> None:
    insight = load_fixture("insights/insight-funnel-trends.json")
    df = funnel_frame(insight)
    assert df.attrs["view"] == "trends"
    assert df["conversion_rate"].max() <= 1
    assert df["conversion_rate"].tolist() == pytest.approx(
        [v / 100 for v in insight["result"][0]["data"]]
    )


def test_experiment_query_response_converts() -> None:
    response = load_fixture("other/query-experiment-funnels-response.json")
    df = funnel_frame(response)
    assert len(df) == sum(len(group) for group in response["insight"])
    assert set(df["breakdown_value"]) == {v["key"] for v in response["variants"]}
    completed = df[df["step"] == 2].set_index("breakdown_value")["count"].to_dict()
    assert completed == {v["key"]: v["success_count"] for v in response["variants"]}


@pytest.mark.parametrize(
    "bad",
    [
        [{"name": "a", "order": 0}],
        [step(0, "many")],
        {"bins": "nope"},
        {"bins": [[1, 2, 3]]},
        [[step(0, 1)], [1]],
        "steps",
    ],
)
def test_wrong_shapes_raise_invalid_response(bad) -> None:
    with pytest.raises(InvalidResponse):
        funnel_frame(bad)


@pytest.mark.parametrize("label", [["current"], {"period": "current"}, 3])
def test_a_compare_label_that_is_not_text_is_invalid_response(label) -> None:
    histograms = [
        {"bins": [[0, 3]], "average_conversion_time": 1.0, "compare_label": label},
        {"bins": [[0, 1]], "average_conversion_time": 2.0, "compare_label": "previous"},
    ]
    with pytest.raises(InvalidResponse, match="compare_label"):
        funnel_frame(histograms)
    with pytest.raises(InvalidResponse, match="compare_label"):
        funnel_frame([step(0, 5, compare_label=label), step(0, 4, compare_label="previous")])


@pytest.mark.fixtures
def test_recorded_time_to_convert_compare_with_a_list_label_is_invalid_response() -> None:
    insight = load_fixture("insights/insight-funnel-time-to-convert-compare.json")
    insight["result"][0]["compare_label"] = ["current"]
    with pytest.raises(InvalidResponse, match=r"result\[0\].*compare_label"):
        funnel_frame(insight)
