"""Trends, stickiness and lifecycle specifics: names, compare, breakdowns, wide, time zones."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from posthog_frames.exceptions import InsightNotComputed, InvalidResponse
from posthog_frames.frames import (
    lifecycle_frame,
    stickiness_frame,
    trends_frame,
)
from tests.conftest import load_fixture


def series(label: str, data: list, days: list, **extra) -> dict:
    action = {"id": label, "name": label, "custom_name": None, "order": extra.pop("order", 0)}
    return {"action": action, "label": label, "data": data, "days": days, **extra}


DAYS = ["2024-01-01", "2024-01-02", "2024-01-03"]


def test_custom_name_comes_from_query_series_by_position() -> None:
    insight = load_fixture("insights/insight-trends-line.json")
    custom = insight["query"]["source"]["series"][0]["custom_name"]
    df = trends_frame(insight)
    assert set(df["series"]) == {custom}
    assert set(df["label"]) == {insight["result"][0]["label"]}


def test_custom_name_in_result_action_wins() -> None:
    item = series("$pageview", [1, 2, 3], DAYS)
    item["action"]["custom_name"] = "Views"
    assert set(trends_frame([item])["series"]) == {"Views"}


def test_legacy_filters_custom_name_ordered_by_order() -> None:
    insight = {
        "filters": {
            "insight": "TRENDS",
            "events": [{"id": "b", "order": 1, "custom_name": "Bee"}],
            "actions": [{"id": 7, "order": 0, "name": "Signed up", "custom_name": None}],
        },
        "result": [series("a", [1, 1, 1], DAYS, order=0), series("b", [2, 2, 2], DAYS, order=1)],
    }
    df = trends_frame(insight)
    assert df.groupby("series", sort=False)["value"].sum().to_dict() == {"a": 3, "Bee": 6}


def test_number_compare_labels_derived_by_position() -> None:
    insight = load_fixture("insights/insight-trends-number-compare.json")
    assert all("compare_label" not in item for item in insight["result"])
    df = trends_frame(insight)
    assert df["compare_label"].tolist() == ["current", "previous"]
    assert df.loc[0, "value"] == insight["result"][0]["aggregated_value"]
    assert pd.isna(df.loc[1, "value"])  # null stays missing, not 0
    assert "date" not in df.columns and df.attrs["view"] == "number"


def test_compare_label_from_result_is_kept() -> None:
    items = [
        series("x", [1, 2, 3], DAYS, compare=True, compare_label="previous"),
        series("x", [4, 5, 6], DAYS, compare=True, compare_label="current"),
    ]
    df = trends_frame(items)
    assert df["compare_label"].tolist() == ["previous"] * 3 + ["current"] * 3


def test_breakdown_values_and_list_unwrap() -> None:
    insight = load_fixture("insights/insight-trends-line-breakdown.json")
    df = trends_frame(insight)
    expected = [item["breakdown_value"] for item in insight["result"]]
    assert df["breakdown_value"].unique().tolist() == expected
    multi = [series("x", [1, 2, 3], DAYS, breakdown_value=["Chrome", "Mac"])]
    single = [series("x", [1, 2, 3], DAYS, breakdown_value=["Chrome"])]
    assert trends_frame(multi)["breakdown_value"].iloc[0] == ("Chrome", "Mac")
    assert trends_frame(single)["breakdown_value"].iloc[0] == "Chrome"


def test_wide_has_date_index_and_one_column_per_label() -> None:
    insight = load_fixture("insights/insight-trends-line-breakdown.json")
    wide = trends_frame(insight, wide=True)
    assert isinstance(wide.index, pd.DatetimeIndex)
    assert list(wide.columns) == [item["label"] for item in insight["result"]]
    for item in insight["result"]:
        assert wide[item["label"]].tolist() == item["data"]


def test_wide_disambiguates_duplicate_labels() -> None:
    items = [series("x", [1, 2, 3], DAYS), series("x", [4, 5, 6], DAYS)]
    assert list(trends_frame(items, wide=True).columns) == ["x", "x #2"]
    assert "compare_label" not in trends_frame(items).columns
    items[0]["compare_label"], items[1]["compare_label"] = "current", "previous"
    assert list(trends_frame(items, wide=True).columns) == ["x (current)", "x (previous)"]


def test_dates_are_naive_buckets_and_tz_localizes() -> None:
    items = [series("x", [1, 2], ["2024-03-10 01:00:00", "2024-03-10 13:00:00"])]
    insight = {"result": items, "timezone": "America/New_York"}
    naive = trends_frame(insight)
    assert naive["date"].dt.tz is None
    assert naive["date"].dt.hour.tolist() == [1, 13]
    aware = trends_frame(insight, tz=True)
    assert str(aware["date"].dt.tz) == "America/New_York"
    assert aware["date"].dt.hour.tolist() == [1, 13]  # localized, not converted
    assert naive.attrs["timezone"] == "America/New_York"


def test_float_values_and_nulls() -> None:
    df = trends_frame([series("x", [1.5, None, 2], DAYS)])
    assert df["value"].dtype == np.float64
    assert np.isnan(df["value"].iloc[1])
    assert trends_frame([series("x", [1, 2, 3], DAYS)])["value"].dtype == np.int64


@pytest.mark.parametrize(
    "bad",
    [
        {"oops": 1},
        [1, 2],
        [{"label": "x", "days": DAYS}],
        [series("x", [1, 2], DAYS)],
        [series("x", ["a", "b", "c"], DAYS)],
        [series("x", [1, 2, 3], ["not a date", "x", "y"])],
    ],
)
def test_wrong_shapes_raise_invalid_response(bad) -> None:
    with pytest.raises(InvalidResponse):
        trends_frame(bad)


def test_result_null_raises_not_computed_with_hint() -> None:
    insight = copy.deepcopy(load_fixture("insights/insight-trends-line.json"))
    insight["result"] = None
    with pytest.raises(InsightNotComputed, match='refresh="blocking"'):
        trends_frame(insight)


def test_stickiness_days_are_integers() -> None:
    insight = load_fixture("insights/insight-stickiness.json")
    df = stickiness_frame(insight)
    assert df["days"].dtype == np.int64
    assert df["days"].tolist() == insight["result"][0]["days"]
    assert list(df.columns[:4]) == ["series", "label", "days", "value"]


def test_lifecycle_statuses_and_negative_dormant() -> None:
    insight = load_fixture("insights/insight-lifecycle.json")
    df = lifecycle_frame(insight)
    assert list(df.columns[:3]) == ["date", "status", "value"]
    dormant = next(item for item in insight["result"] if item["status"] == "dormant")
    assert df.loc[df["status"] == "dormant", "value"].tolist() == dormant["data"]
    assert (df.loc[df["status"] == "dormant", "value"] <= 0).all()


def test_lifecycle_status_from_label_when_missing() -> None:
    items = [series("$pageview - resurrecting", [1, 2, 3], DAYS)]
    assert set(lifecycle_frame(items)["status"]) == {"resurrecting"}
    with pytest.raises(InvalidResponse):
        lifecycle_frame([series("$pageview - nope", [1, 2, 3], DAYS)])


# -- clock changes: the hour repeated when clocks go back (America/New_York, 2024-11-03) --------
FALL_BACK = ["2024-11-03T01:00:00-04:00", "2024-11-03T01:00:00-05:00"]


def test_tz_keeps_both_repeated_hours_when_buckets_carry_offsets() -> None:
    insight = {"timezone": "America/New_York", "result": [series("x", [1, 2], FALL_BACK)]}
    aware = trends_frame(insight, tz=True)
    expected = [pd.Timestamp(day).tz_convert("America/New_York") for day in FALL_BACK]
    assert aware["date"].tolist() == expected
    assert aware["date"].notna().all()
    naive = trends_frame(insight)  # the default keeps PostHog's wall-clock bucket
    assert naive["date"].tolist() == [pd.Timestamp("2024-11-03 01:00")] * 2


def test_tz_infers_the_repeated_hour_of_naive_buckets_and_shifts_skipped_ones() -> None:
    days = [
        "2024-11-03 00:00:00",
        "2024-11-03 01:00:00",
        "2024-11-03 01:00:00",
        "2024-11-03 02:00:00",
    ]
    insight = {"timezone": "America/New_York", "result": [series("x", [1, 2, 3, 4], days)]}
    aware = trends_frame(insight, tz=True)["date"]
    # EDT is UTC-4 until 02:00 EDT, then EST is UTC-5: 00:00 and the first 01:00 are daylight.
    utc = ["2024-11-03 04:00", "2024-11-03 05:00", "2024-11-03 06:00", "2024-11-03 07:00"]
    assert aware.dt.tz_convert("UTC").tolist() == [pd.Timestamp(u, tz="UTC") for u in utc]
    lone = {"timezone": "America/New_York", "result": [series("x", [1], ["2024-11-03 01:00:00"])]}
    assert trends_frame(lone, tz=True)["date"].iloc[0] == pd.Timestamp("2024-11-03 05:00", tz="UTC")
    skipped = {
        "timezone": "America/New_York",
        "result": [series("x", [1], ["2024-03-10 02:00:00"])],
    }
    assert trends_frame(skipped, tz=True)["date"].iloc[0] == pd.Timestamp(
        "2024-03-10 07:00",
        tz="UTC",  # 02:00 does not exist that day: 03:00 EDT
    )


def test_wide_with_a_repeated_hour_explains_the_clock_change() -> None:
    insight = {"timezone": "America/New_York", "result": [series("x", [1, 2], FALL_BACK)]}
    with pytest.raises(InvalidResponse, match=r"clock change.*tz=True"):
        trends_frame(insight, wide=True)
    wide = trends_frame(insight, wide=True, tz=True)
    assert wide["x"].tolist() == [1, 2] and len(wide.index.unique()) == 2


def test_wide_compare_aligns_previous_period_by_position() -> None:
    current_days = ["2024-01-08", "2024-01-09", "2024-01-10"]
    previous_days = ["2024-01-05", "2024-01-06", "2024-01-07"]
    items = [
        series("x", [1, 2, 3], current_days, compare_label="current"),
        series("x", [4, 5, 6], previous_days, compare_label="previous"),
    ]
    wide = trends_frame(items, wide=True)
    assert list(wide.index) == [pd.Timestamp(day) for day in current_days]
    assert wide["x (current)"].tolist() == [1, 2, 3]
    assert wide["x (previous)"].tolist() == [4, 5, 6]  # no half-empty columns
    long = trends_frame(items)  # the long frame keeps the true dates
    assert long.loc[long["compare_label"] == "previous", "date"].tolist() == [
        pd.Timestamp(day) for day in previous_days
    ]


def test_wide_compare_longer_previous_period_keeps_its_spacing() -> None:
    items = [
        series("x", [1, 2], ["2024-01-08", "2024-01-09"], compare_label="current"),
        series(
            "x", [4, 5, 6], ["2024-01-05", "2024-01-06", "2024-01-07"], compare_label="previous"
        ),
    ]
    wide = trends_frame(items, wide=True)
    assert list(wide.index) == list(pd.to_datetime(["2024-01-08", "2024-01-09", "2024-01-10"]))
    assert wide["x (previous)"].tolist() == [4, 5, 6]
    assert wide["x (current)"].iloc[:2].tolist() == [1, 2] and np.isnan(wide["x (current)"].iloc[2])


def item(event: str, data: list, custom: str | None = None, math: str | None = None, **extra):
    """A two-day series of *event* (custom name and math as given)."""
    action = {"id": event, "name": event, "custom_name": custom, "math": math, "order": 0}
    return {"action": action, "label": event, "data": data, "days": DAYS[:2], **extra}


def test_wide_columns_are_named_like_the_series_column() -> None:
    items = [
        item("$pageview", [1, 2], custom="Pageviews", math="total"),
        item("$pageview", [3, 4], math="dau"),
        item("signed up", [5, 6], math="total"),
    ]
    wide = trends_frame(items, wide=True)
    long = trends_frame(items)
    assert list(wide.columns) == list(dict.fromkeys(long["series"]))
    assert list(wide.columns) == ["Pageviews", "$pageview", "signed up"]


def test_wide_tells_equal_series_apart_by_math_then_number() -> None:
    items = [item("$pageview", [1, 2], math="total"), item("$pageview", [3, 4], math="dau")]
    assert list(trends_frame(items, wide=True).columns) == [
        "$pageview (total)",
        "$pageview (dau)",
    ]
    same = [item("x", [1, 2], math="dau"), item("x", [3, 4], math="dau")]
    assert list(trends_frame(same, wide=True).columns) == ["x (dau)", "x (dau) #2"]


def test_wide_breakdown_names_follow_posthogs_labels() -> None:
    insight = load_fixture("insights/insight-trends-line-breakdown.json")
    wide = trends_frame(insight, wide=True)
    # PostHog labels a breakdown item "<series> - <value>"; the names are built independently.
    assert list(wide.columns) == [
        f"{i['action']['name']} - {i['breakdown_value']}" for i in insight["result"]
    ]
    assert list(wide.columns) == [i["label"] for i in insight["result"]]
    multi = [item("x", [1, 2], breakdown_value=["Chrome", "Mac"])]
    assert list(trends_frame(multi, wide=True).columns) == ["x - Chrome - Mac"]


def test_wide_names_a_null_breakdown_value_by_its_series_alone() -> None:
    # PostHog breaks down persons without the property into a null value.
    items = [item("x", [1, 2], breakdown_value="Chrome"), item("x", [3, 4], breakdown_value=None)]
    wide = trends_frame(items, wide=True)
    assert list(wide.columns) == ["x - Chrome", "x"] and wide["x"].tolist() == [3, 4]


@pytest.mark.parametrize("missing", [None, np.nan], ids=["None", "NaN"])
def test_widen_of_a_stored_long_frame_skips_a_missing_breakdown_value(missing) -> None:
    # A long frame read back from a file may hold NaN where trends_frame made None.
    from posthog_frames.frames.trends import widen

    long = trends_frame([item("x", [1, 2], breakdown_value="Chrome"), item("x", [3, 4])])
    long["breakdown_value"] = pd.Series(["Chrome", "Chrome", missing, missing], dtype=object)
    wide = widen(long, np.array([0, 0, 1, 1]))
    assert list(wide.columns) == ["x - Chrome", "x"]


def test_wide_compare_with_more_previous_than_current_items() -> None:
    current_days, previous_days = ["2024-01-08", "2024-01-09"], ["2024-01-06", "2024-01-07"]
    items = [
        series("x", [1, 2], current_days, compare_label="current"),
        series("x", [3, 4], previous_days, compare_label="previous"),
        series("y", [5, 6], previous_days, compare_label="previous", order=1),
    ]
    wide = trends_frame(items, wide=True)
    # A previous item without a current partner is put on the last current item's dates.
    assert list(wide.index) == [pd.Timestamp(day) for day in current_days]
    assert wide.to_dict("list") == {
        "x (current)": [1, 2],
        "x (previous)": [3, 4],
        "y (previous)": [5, 6],
    }


def test_wide_previous_items_alone_keep_their_own_dates() -> None:
    previous_days = ["2024-01-06", "2024-01-07"]
    items = [series("x", [3, 4], previous_days, compare_label="previous")]
    wide = trends_frame(items, wide=True)
    assert list(wide.index) == [pd.Timestamp(day) for day in previous_days]
