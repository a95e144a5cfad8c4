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


# --- the view follows the result's shape -----------------------------------------------------
# Shapes as PostHog's funnel runners answer them (the recorded insights in ../shared): a
# histogram {"bins": [[seconds, count], ...], "average_conversion_time": ...}, or a list of
# them when comparing; steps as a list (flat, or one list per breakdown value).

HISTOGRAM = {"bins": [[0, 3], [60, 1]], "average_conversion_time": 12.0}


def insight_of(result, viz: str | None = None, compare: bool = False) -> dict:
    source: dict = {"kind": "FunnelsQuery", "series": [{"event": "a"}, {"event": "b"}]}
    if viz:
        source["funnelsFilter"] = {"funnelVizType": viz}
    if compare:
        source["compareFilter"] = {"compare": True}
    return {"query": {"kind": "InsightVizNode", "source": source}, "result": result}


@pytest.mark.parametrize("viz", [None, "steps", "trends"])
@pytest.mark.parametrize("result", [HISTOGRAM, [HISTOGRAM]], ids=["object", "list"])
def test_a_histogram_is_time_to_convert_whatever_the_viz_type(result, viz) -> None:
    df = funnel_frame(insight_of(result, viz) if viz else result)
    assert df.attrs["view"] == "time_to_convert"
    assert df["seconds"].tolist() == [0, 60] and df["count"].tolist() == [3, 1]
    assert df.attrs["average_conversion_time"] == 12.0 and "compare_label" not in df


@pytest.mark.parametrize("viz", ["time_to_convert", "trends"])
def test_steps_are_steps_whatever_the_viz_type(viz) -> None:
    df = funnel_frame(insight_of([step(0, 10), step(1, 4)], viz))
    assert df.attrs["view"] == "steps" and df["count"].tolist() == [10, 4]


@pytest.mark.parametrize("viz", ["steps", "time_to_convert", "trends"])
def test_an_empty_result_takes_the_view_of_its_viz_type(viz) -> None:
    assert funnel_frame(insight_of([], viz)).attrs["view"] == viz


# --- compare labels land on the right rows ---------------------------------------------------


def test_breakdown_and_compare_steps_keep_each_groups_own_label() -> None:
    def group(value: str, label: str, first: int) -> list:
        return [step(i, first - i, breakdown_value=[value], compare_label=label) for i in range(2)]

    # Interleaved on purpose: labels by position (first half current) would differ here.
    result = [group("A", "current", 9), group("A", "previous", 7), group("B", "current", 5)]
    df = funnel_frame(insight_of(result, compare=True))
    assert df["breakdown_value"].tolist() == ["A", "A", "A", "A", "B", "B"]
    assert df["compare_label"].tolist() == ["current"] * 2 + ["previous"] * 2 + ["current"] * 2
    assert df["count"].tolist() == [9, 8, 7, 6, 5, 4]


def test_breakdown_steps_without_labels_get_no_compare_label_by_position() -> None:
    result = [[step(0, 9, breakdown_value=["A"])], [step(0, 5, breakdown_value=["B"])]]
    df = funnel_frame(insight_of(result, compare=True))
    assert "compare_label" not in df and df["breakdown_value"].tolist() == ["A", "B"]


def test_compare_steps_without_own_labels_are_current_then_previous() -> None:
    # The second period's steps follow the first's; a repeated order starts a new group.
    result = [step(0, 10), step(1, 4), step(0, 8), step(1, 2)]
    df = funnel_frame(insight_of(result, compare=True))
    assert df["compare_label"].tolist() == ["current", "current", "previous", "previous"]
    assert df["step"].tolist() == [1, 2, 1, 2]
    assert df["conversion_rate"].tolist() == pytest.approx([1.0, 0.4, 1.0, 0.25])


@pytest.mark.parametrize("compare", [False, True])
def test_unlabeled_histograms_are_current_then_previous(compare) -> None:
    previous = {"bins": [[0, 7]], "average_conversion_time": 30.0, "median_conversion_time": 20.0}
    result = [{**HISTOGRAM, "median_conversion_time": 10.0}, previous]
    df = funnel_frame(insight_of(result, "time_to_convert", compare=compare))
    assert df["compare_label"].tolist() == ["current", "current", "previous"]
    assert df["count"].tolist() == [3, 1, 7]
    assert df.attrs["average_conversion_time"] == {"current": 12.0, "previous": 30.0}
    assert df.attrs["median_conversion_time"] == {"current": 10.0, "previous": 20.0}
