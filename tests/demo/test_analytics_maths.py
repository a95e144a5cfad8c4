"""What trends series count (``analytics._maths``) and series formulas, against the event log."""

from __future__ import annotations

import pandas as pd
import pytest

from posthog_frames.demo.analytics._maths import apply_formula
from posthog_frames.demo.errors import DemoValidationError
from tests.demo.analytics_helpers import LAST30, ev, in_range, run


def test_weekly_active_counts_persons_of_the_seven_days_ending_each_day(ctx, log):
    item = run(
        ctx,
        "TrendsQuery",
        series=[ev("$pageview", math="weekly_active")],
        dateRange={"date_from": "-14d"},
    )[0]
    views = log[log["event"] == "$pageview"]
    for day, value in zip(item["days"], item["data"], strict=True):
        end = pd.Timestamp(day, tz="UTC") + pd.Timedelta(days=1)
        window = views[
            (views["timestamp"] >= end - pd.Timedelta(days=7)) & (views["timestamp"] < end)
        ]
        assert value == window["person_id"].nunique(), day


def test_weekly_active_by_week_is_the_weeks_unique_persons(ctx):
    # convert_active_user_math_based_on_interval: WAU per week is DAU per week.
    weekly = run(
        ctx,
        "TrendsQuery",
        series=[ev("$pageview", math="weekly_active")],
        interval="week",
        dateRange=LAST30,
    )[0]
    unique = run(
        ctx, "TrendsQuery", series=[ev("$pageview", math="dau")], interval="week", dateRange=LAST30
    )[0]
    assert weekly["data"] == unique["data"]


@pytest.mark.parametrize(("math", "quantile"), [("median", 0.5), ("p90", 0.9), ("p99", 0.99)])
def test_property_quantiles(ctx, log, math, quantile):
    item = run(
        ctx,
        "TrendsQuery",
        series=[ev("purchased", math=math, math_property="revenue")],
        dateRange=LAST30,
        trendsFilter={"display": "BoldNumber"},
    )[0]
    revenue = in_range(log, "purchased")["revenue"]
    assert item["aggregated_value"] == pytest.approx(revenue.quantile(quantile), abs=1e-4)


def test_count_per_person(ctx, log):
    item = run(
        ctx,
        "TrendsQuery",
        series=[ev("$pageview", math="avg_count_per_actor")],
        dateRange=LAST30,
        trendsFilter={"display": "BoldNumber"},
    )[0]
    per_person = in_range(log, "$pageview").groupby("person_id").size()
    assert item["aggregated_value"] == pytest.approx(per_person.mean(), abs=1e-4)


def test_a_formula_replaces_the_series_point_by_point(ctx):
    series = [ev("purchased"), ev("$pageview")]
    plain = run(ctx, "TrendsQuery", series=series, dateRange=LAST30)
    ratio = run(
        ctx, "TrendsQuery", series=series, dateRange=LAST30, trendsFilter={"formula": "A/B"}
    )
    assert len(ratio) == 1 and ratio[0]["label"] == "Formula (A/B)" and ratio[0]["action"] is None
    expected = [a / b if b else 0 for a, b in zip(plain[0]["data"], plain[1]["data"], strict=True)]
    assert ratio[0]["data"] == pytest.approx(expected)
    assert ratio[0]["days"] == plain[0]["days"]


def test_formula_nodes_name_their_results_and_breakdowns_keep_their_values(ctx):
    named = run(
        ctx,
        "TrendsQuery",
        series=[ev("signed up"), ev("purchased")],
        dateRange=LAST30,
        trendsFilter={"formulaNodes": [{"formula": "B*2", "custom_name": "Twice"}]},
    )
    assert [i["label"] for i in named] == ["Twice"]
    split = run(
        ctx,
        "TrendsQuery",
        series=[ev("purchased"), ev("$pageview")],
        dateRange=LAST30,
        breakdownFilter={"breakdown": "$browser"},
        trendsFilter={"formula": "A/B"},
    )
    sums = [sum(i["data"]) for i in split]
    assert sums == sorted(sums, reverse=True)
    assert all("breakdown_value" in i for i in split)


def test_formula_arithmetic_follows_posthogs_formula_ast():
    assert apply_formula("A/B", [[1, 2], [0, 4]]) == [0, 0.5]  # x/0 → 0
    assert apply_formula("(A+B)*2 - 1", [[1], [2]]) == [5]
    assert apply_formula("A**2 % 5", [[3]]) == [4]
    with pytest.raises(DemoValidationError, match="references series C"):
        apply_formula("A/C", [[1], [2]])
    with pytest.raises(DemoValidationError, match="only support arithmetic"):
        apply_formula("max(A)", [[1]])


def test_a_longer_active_window_never_counts_fewer_persons(ctx):
    def active(math: str) -> list:
        return run(ctx, "TrendsQuery", series=[ev("$pageview", math=math)], dateRange=LAST30)[0]

    daily, weekly, monthly = (active(m)["data"] for m in ("dau", "weekly_active", "monthly_active"))
    assert all(d <= w <= m for d, w, m in zip(daily, weekly, monthly, strict=True))
    assert sum(monthly) > sum(weekly) > sum(daily)
