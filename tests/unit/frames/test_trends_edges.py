"""Trends edges found unpinned by mutation testing: every error's full text and attr, tz on the
shapes trends_frame hands over (exposures, box plots), aggregated items under any display, and
the wide frame's alignment and names in their less common cases."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from posthog_frames.exceptions import InvalidResponse, ValidationError
from posthog_frames.frames import stickiness_frame, trends_frame
from tests.unit.frames.test_posthog_shapes import BOXPLOT_INSIGHT, CALENDAR_HEATMAP, EXPOSURES

HINT = (
    " Is this the insight kind you think it is? Pass the whole insight (or /query/ response) so "
    "its kind can be detected."
)
DAYS = ["2024-01-01", "2024-01-02"]


def series(label: str, data: list, days: list = DAYS, **extra) -> dict:
    action = {"id": label, "name": label, "custom_name": None, "order": extra.pop("order", 0)}
    return {"action": action, "label": label, "data": data, "days": days, **extra}


def raises(error: type[Exception], message: str):
    return pytest.raises(error, match=f"^{re.escape(message)}$")


# -- the errors, word for word ---------------------------------------------------------------


def test_a_box_plot_refuses_wide_naming_the_argument() -> None:
    with raises(
        ValidationError,
        "wide=True needs one value per series and date; a box plot has six statistics per date "
        "(min, p25, median, p75, max, mean). Leave wide= out and pivot the statistic you need: "
        "df.pivot(index='date', columns='series', values='median').",
    ) as caught:
        trends_frame(BOXPLOT_INSIGHT, wide=True)
    assert caught.value.attr == "wide"


@pytest.mark.parametrize(
    ("insight", "view", "shape"),
    [
        (
            {
                "filters": {"display": "ActionsPie"},
                "result": [{"label": "a", "aggregated_value": 3}],
            },
            "pie",
            "one number per series",
        ),
        (CALENDAR_HEATMAP, "calendar_heatmap", "one number per weekday and hour"),
    ],
    ids=["pie", "calendar"],
)
def test_shapes_without_a_time_series_refuse_wide_naming_the_argument(insight, view, shape):
    with raises(
        ValidationError,
        f"wide=True needs a time series; this {view!r} insight has {shape}. Leave wide= out: "
        "the long frame is the natural shape already.",
    ) as caught:
        trends_frame(insight, wide=True)
    assert caught.value.attr == "wide"


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (
            "x",
            "result: expected a list of trends series (dicts with 'data' and 'days'), got str 'x'.",
        ),
        (
            [{"label": "a", "days": DAYS}],
            "result[0]: expected a series with a 'data' key, got dict "
            "{'label': 'a', 'days': ['2024-01-01', '2024-01-02']}.",
        ),
        (
            [{"label": "a", "data": [1]}],
            "result[0]: expected a series with a 'days' key, got dict {'label': 'a', 'data': [1]}.",
        ),
        (
            [{"label": "a", "data": [1], "days": DAYS}],
            "result[0]: expected 'data' and 'days' lists of equal length, got dict "
            "{'data': [1], 'days': ['2024-01-01', '2024-01-02']}.",
        ),
        (
            [{"label": "a", "data": [1, 2], "days": ["2024-01-01", "y"]}],
            "result: expected ISO dates in result[0].days, got list ['2024-01-01', 'y'].",
        ),
    ],
    ids=["not-a-list", "no-data", "no-days", "unequal", "bad-date"],
)
def test_wrong_trends_series_say_where_and_what(result, message) -> None:
    with raises(InvalidResponse, message + HINT):
        trends_frame({"result": result})


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"label": "a"},
            "result[0]: expected a trends item with a 'aggregated_value' key, got dict "
            "{'label': 'a'}.",
        ),
        (
            {"label": "a", "aggregated_value": "x"},
            "result: expected numbers in aggregated_value, got str 'x'.",
        ),
    ],
    ids=["missing", "not-a-number"],
)
def test_wrong_aggregated_values_say_where_and_what(item, message) -> None:
    with raises(InvalidResponse, message + HINT):
        trends_frame({"filters": {"display": "ActionsPie"}, "result": [item]})


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (
            [1.5, 2, 3, 4, 5, 6],
            "expected integer day counts in 'days', got list [1.5, 2.0, 3.0, 4.0, 5.0].",
        ),
        (["a", 2, 3, 4, 5, 6], "expected numbers in days, got str 'a'."),
    ],
    ids=["fractions", "text"],
)
def test_stickiness_days_must_be_whole_numbers(days, message) -> None:
    with raises(InvalidResponse, "result: " + message + HINT):
        stickiness_frame([series("a", [1] * len(days), days)])


@pytest.mark.parametrize("zone", [None, "Europe/Paris", "Mars/Olympus"])
def test_a_repeated_date_that_is_no_clock_change_says_to_aggregate_the_long_frame(zone):
    # Mars/Olympus is no time zone: nothing can be said about its clocks.
    insight = {"timezone": zone, "result": [series("x", [1, 2], ["2024-01-01", "2024-01-01"])]}
    with raises(
        InvalidResponse,
        "wide=True needs one value per series and date, but 'x' has 2024-01-01 00:00:00 twice. "
        "Use the long frame (wide=False) and aggregate it as you need.",
    ):
        trends_frame(insight, wide=True)


def test_a_repeated_wall_clock_hour_is_explained_word_for_word() -> None:
    days = ["2024-11-03T01:00:00-04:00", "2024-11-03T01:00:00-05:00"]
    insight = {"timezone": "America/New_York", "result": [series("x", [1, 2], days)]}
    with raises(
        InvalidResponse,
        "wide=True needs one value per series and date, but 'x' has 2024-11-03 01:00:00 twice: a "
        "repeated wall-clock hour, when clocks went back in America/New_York (a clock change). "
        "Pass tz=True to keep both hours as distinct instants, or use the long frame.",
    ):
        trends_frame(insight, wide=True)


# -- tz on the shapes trends_frame hands over --------------------------------------------------


@pytest.mark.parametrize("insight", [EXPOSURES, BOXPLOT_INSIGHT], ids=["exposures", "box-plot"])
def test_tz_reaches_the_shapes_trends_frame_hands_over(insight) -> None:
    assert trends_frame(insight)["date"].dt.tz is None
    assert str(trends_frame(insight, tz=True)["date"].dt.tz) == "UTC"


# -- aggregated items, whatever the display says ----------------------------------------------


def aggregated(label: str, value: float, **extra) -> dict:
    action = {"id": label, "name": label, "custom_name": None, "order": 0}
    return {"action": action, "label": label, "aggregated_value": value, **extra}


def test_aggregated_items_without_a_display_are_a_number_view() -> None:
    df = trends_frame({"result": [aggregated("a", 3), aggregated("b", 4)]})
    assert df.attrs["view"] == "number"
    assert df[["series", "value"]].to_dict("list") == {"series": ["a", "b"], "value": [3, 4]}


def test_aggregated_items_under_a_line_display_still_give_one_row_per_series() -> None:
    # The display was changed after the result was computed: the numbers are what they are.
    insight = {"filters": {"display": "ActionsLineGraph"}, "result": [aggregated("a", 3)]}
    df = trends_frame(insight)
    assert df.attrs["view"] == "line" and "date" not in df and df["value"].tolist() == [3]


def test_an_aggregated_display_is_one_row_per_series_even_beside_data() -> None:
    items = [aggregated("a", 3, data=[1, 2], days=DAYS)]
    df = trends_frame({"filters": {"display": "ActionsPie"}, "result": items})
    assert "date" not in df and df["value"].tolist() == [3]


def test_a_time_series_keeps_its_dates_even_beside_aggregated_values() -> None:
    items = [aggregated("a", 3, data=[1, 2], days=DAYS)]
    df = trends_frame({"filters": {"display": "ActionsLineGraph"}, "result": items})
    assert df["value"].tolist() == [1, 2] and len(df["date"]) == 2


def test_aggregated_frames_end_with_breakdown_then_compare() -> None:
    items = [
        aggregated("a", 3, breakdown_value="Chrome", compare_label="current"),
        aggregated("a", 2, breakdown_value="Chrome", compare_label="previous"),
    ]
    df = trends_frame({"filters": {"display": "BoldNumber"}, "result": items})
    assert list(df.columns)[-3:] == ["value", "breakdown_value", "compare_label"]


def test_an_empty_time_series_result_keeps_its_column_types() -> None:
    df = trends_frame({"filters": {"display": "ActionsLineGraph"}, "result": []})
    assert len(df) == 0 and df["date"].dtype.kind == "M"


# -- wide frames in their less common cases ---------------------------------------------------


def test_wide_columns_have_no_name() -> None:
    # A named columns index would print a stray header line above the frame.
    assert trends_frame([series("x", [1, 2])], wide=True).columns.name is None


def test_wide_ignores_a_missing_action_and_a_math_that_is_not_text() -> None:
    odd = series("x", [3, 4])
    odd["action"]["math"] = 3
    items = [{"label": "x", "data": [1, 2], "days": DAYS}, odd]
    assert list(trends_frame(items, wide=True).columns) == ["x", "x #2"]


def test_wide_compare_pairs_each_previous_item_with_its_own_current_one() -> None:
    current, previous = ["2024-01-08", "2024-01-09"], ["2024-01-06", "2024-01-07"]
    later = ["2024-01-10", "2024-01-11"]
    items = [
        series("x", [1, 2], current, compare_label="current"),
        series("y", [5, 6], later, compare_label="current", order=1),
        series("x", [3, 4], previous, compare_label="previous"),
        series("y", [7, 8], previous, compare_label="previous", order=1),
        series("z", [9, 10], previous, compare_label="previous", order=2),
    ]
    wide = trends_frame(items, wide=True)
    assert list(wide.index) == list(pd.to_datetime(current + later))
    assert wide["x (previous)"].tolist()[:2] == [3, 4]
    assert wide["y (previous)"].tolist()[2:] == [7, 8]
    assert wide["z (previous)"].tolist()[2:] == [9, 10]  # beyond the pairs: the last current


# -- the view word, and the identity columns ---------------------------------------------------


def test_the_view_word_of_each_kind_of_answer() -> None:
    from posthog_frames.frames.trends import trends_view

    stickiness = {"query": {"source": {"stickinessFilter": {"display": "ActionsBar"}}}}
    assert trends_view(stickiness) == "bar"
    assert trends_view(EXPOSURES) == "cumulative"
    assert trends_view({"filters": {"display": "SomeNewChart"}}) == "somenewchart"
    assert trends_view({}, [{"day": "2024-01-01", "median": 1.0}]) == "box_plot"
    assert trends_view({}, [aggregated("a", 3)]) == "number"
    assert trends_view({}, [series("a", [1, 2])]) == "line"


def test_wrong_data_values_name_the_data_field() -> None:
    message = "result: expected numbers in data, got str 'x'."
    with raises(InvalidResponse, message + HINT):
        trends_frame([series("a", [1, "x"])])


def test_long_frames_end_with_value_breakdown_then_compare() -> None:
    items = [series("a", [1, 2], breakdown_value="Chrome", compare_label="current")]
    assert list(trends_frame(items).columns)[-4:] == [
        "date",
        "value",
        "breakdown_value",
        "compare_label",
    ]


def test_only_trends_say_what_each_series_counts() -> None:
    assert "math" in trends_frame([series("a", [1, 2])])
    assert "math" not in stickiness_frame([series("a", [1, 2], [1, 2])])


def test_a_series_without_action_or_label_is_named_by_what_there_is() -> None:
    df = trends_frame([{"label": "signed up", "data": [1, 2], "days": DAYS}])
    assert set(df["series"]) == {"signed up"}
    unlabeled = series("$pageview", [1, 2])
    unlabeled["label"] = None
    assert set(trends_frame([unlabeled])["label"]) == {"$pageview"}


def test_widen_of_a_stored_long_frame_names_a_missing_compare_label_by_its_series() -> None:
    from posthog_frames.frames.trends import widen

    items = [
        series("x", [1, 2], compare_label="current"),
        series("y", [3, 4], compare_label="current", order=1),
    ]
    long = trends_frame(items)
    long["compare_label"] = pd.Series(["current", "current", None, None], dtype=object)
    assert list(widen(long, np.array([0, 0, 1, 1])).columns) == ["x (current)", "y"]
