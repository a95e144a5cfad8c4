"""Shapes PostHog really sends that the converters once lost, mislabelled or refused untyped.

Each payload is the smallest one of the shape, written here by hand; the comment above it names
the file in PostHog's repository (PostHog/posthog) whose response it imitates. Nothing is copied
from there: the recorded responses the project may read stay in ../shared/posthog-fixtures.
"""

from __future__ import annotations

import pytest

from posthog_frames.exceptions import (
    InsightNotComputed,
    InvalidResponse,
    PostHogError,
    UnsupportedInsight,
    ValidationError,
)
from posthog_frames.frames import funnel_frame, insight_frame, trends_frame
from posthog_frames.insight import Insight

DAYS = ["2025-05-20", "2025-05-21", "2025-05-22"]


# -- kinds the toolkit does not convert ------------------------------------------------------

# posthog/queries/sessions/sessions.py (`_session_dist`): the legacy SESSIONS insight answers
# one {label, count, aggregated_value} per session-length bucket.
SESSIONS = {
    "short_id": "sEss1on5",
    "filters": {"insight": "SESSIONS", "session": "dist"},
    "result": [
        {"label": "0 seconds (1 event)", "count": 4, "aggregated_value": 4},
        {"label": "0-3 seconds", "count": 1, "aggregated_value": 1},
    ],
}


def test_legacy_sessions_insight_is_unsupported_and_says_what_it_is() -> None:
    with pytest.raises(UnsupportedInsight, match="SESSIONS") as err:
        insight_frame(SESSIONS)
    assert isinstance(err.value, PostHogError)
    message = str(err.value)
    assert "legacy" in message and "session" in message.lower() and ".raw" in message
    with pytest.raises(UnsupportedInsight, match="SESSIONS"):
        Insight(SESSIONS).frame()


@pytest.mark.parametrize(
    "definition",
    [
        {"filters": {"insight": "SESSIONS"}},
        {"query": {"kind": "InsightVizNode", "source": {"kind": "WebOverviewQuery"}}},
    ],
)
def test_an_uncomputed_unsupported_insight_says_not_computed_first(definition) -> None:
    insight = {**definition, "result": None, "name": "Old one"}
    with pytest.raises(InsightNotComputed, match="Old one"):
        insight_frame(insight)
    with pytest.raises(InsightNotComputed):
        Insight(insight).frame()


# -- funnels ---------------------------------------------------------------------------------

# frontend/src/mocks/fixtures/api/projects/team_id/insights/funnelLeftToRight.json: a flat list
# of steps; here the second step's count is null, as a data connector handed it over.
NULL_COUNT_STEPS = [
    {"action_id": "$pageview", "name": "$pageview", "order": 0, "count": 120},
    {"action_id": "signed up", "name": "signed up", "order": 1, "count": None},
]


def test_a_funnel_step_with_a_null_count_is_invalid_response() -> None:
    with pytest.raises(InvalidResponse, match=r"count.*null") as err:
        funnel_frame({"filters": {"insight": "FUNNELS"}, "result": NULL_COUNT_STEPS})
    assert "kind you think" not in str(err.value)  # the kind is right; the step is not


# -- experiments -----------------------------------------------------------------------------


def _trends_series(label: str, data: list) -> dict:
    action = {"id": "$pageview", "type": "events", "order": 0, "name": "$pageview", "math": None}
    return {"action": action, "label": label, "data": data, "days": DAYS, "breakdown_value": label}


def _trends_query(event: str, math: str | None, display: str) -> dict:
    return {
        "kind": "TrendsQuery",
        "interval": "day",
        "series": [{"kind": "EventsNode", "event": event, "math": math}],
        "trendsFilter": {"display": display},
    }


# frontend/src/mocks/fixtures/api/experiments/trends_query_result.json: an ExperimentTrendsQuery
# response keeps the metric under `count_query` and the exposure under `exposure_query`; the
# series are in `insight`.
EXPERIMENT_TRENDS = {
    "kind": "ExperimentTrendsQuery",
    "count_query": _trends_query("$pageview", None, "ActionsLineGraphCumulative"),
    "exposure_query": _trends_query("$feature_flag_called", "dau", "ActionsLineGraphCumulative"),
    "insight": [_trends_series("test", [0, 3, 7]), _trends_series("control", [0, 2, 5])],
    "timezone": "UTC",
    "variants": [{"key": "control", "count": 5.0}, {"key": "test", "count": 7.0}],
}


def test_experiment_trends_metadata_comes_from_count_query() -> None:
    df = insight_frame(EXPERIMENT_TRENDS)
    assert df.attrs["kind"] == "trends"
    assert df.attrs["view"] == "cumulative"
    assert df.attrs["interval"] == "day"
    assert df.attrs["query"] == EXPERIMENT_TRENDS["count_query"]
    assert df.attrs["exposure_query"] == EXPERIMENT_TRENDS["exposure_query"]
    assert df.groupby("breakdown_value")["value"].last().to_dict() == {"control": 5, "test": 7}


def test_trends_frame_of_an_experiment_keeps_its_variants() -> None:
    df = trends_frame(EXPERIMENT_TRENDS)
    assert df["value"].tolist() == [0, 3, 7, 0, 2, 5]


def _experiment_step(order: int, event: str, count: int, variant: str) -> dict:
    return {
        "action_id": event,
        "name": event,
        "custom_name": None,
        "order": order,
        "people": [],
        "count": count,
        "type": "events",
        "average_conversion_time": None if order == 0 else 0.0,
        "median_conversion_time": None if order == 0 else 0.0,
        "breakdown": [variant],
        "breakdown_value": [variant],
    }


# frontend/src/mocks/fixtures/api/experiments/funnels_query_result.json: an ExperimentFunnelsQuery
# response keeps its funnel under `funnels_query` and one list of steps per variant in `insight`.
EXPERIMENT_FUNNEL = {
    "kind": "ExperimentFunnelsQuery",
    "funnels_query": {
        "kind": "FunnelsQuery",
        "series": [
            {"kind": "EventsNode", "event": "signup started"},
            {"kind": "EventsNode", "event": "signup completed"},
        ],
        "breakdownFilter": {"breakdown": "$feature/signup-test", "breakdown_type": "event"},
        "funnelsFilter": {"funnelVizType": "steps", "funnelOrderType": "ordered"},
    },
    "insight": [
        [
            _experiment_step(0, "signup started", 859, "test"),
            _experiment_step(1, "signup completed", 153, "test"),
        ],
        [
            _experiment_step(0, "signup started", 923, "control"),
            _experiment_step(1, "signup completed", 114, "control"),
        ],
    ],
    "variants": [
        {"key": "control", "success_count": 114.0, "failure_count": 809.0},
        {"key": "test", "success_count": 153.0, "failure_count": 706.0},
    ],
    "timezone": "UTC",
}


def test_experiment_funnel_reads_its_definition_from_funnels_query() -> None:
    df = insight_frame(EXPERIMENT_FUNNEL)
    assert df.attrs["kind"] == "funnels"
    assert df.attrs["view"] == "steps"
    assert df.attrs["query"] == EXPERIMENT_FUNNEL["funnels_query"]
    counts = df.groupby("breakdown_value", sort=False)["count"].apply(list).to_dict()
    assert counts == {"test": [859, 153], "control": [923, 114]}


# -- retention -------------------------------------------------------------------------------


def _values(*counts: int) -> list[dict]:
    return [{"count": n, "people": []} for n in counts]


# posthog/queries/retention/retention.py (`process_breakdown_table_result`): with breakdowns the
# legacy runner answers one row per breakdown value, labelled "value::value", with no `date`.
LEGACY_RETENTION_BREAKDOWN = {
    "filters": {
        "insight": "RETENTION",
        "period": "Week",
        "breakdowns": [{"type": "event", "property": "$browser"}, {"property": "$os_version"}],
    },
    "result": [
        {"values": _values(10, 6, 3), "label": "Chrome::96", "breakdown_values": ["Chrome", 96]},
        {"values": _values(4, 1, 0), "label": "Safari::15", "breakdown_values": ["Safari", 15]},
    ],
}


def test_legacy_retention_breakdown_rows_convert_by_breakdown_value() -> None:
    df = insight_frame(LEGACY_RETENTION_BREAKDOWN)
    assert df.index.name == "breakdown_value"
    assert df.index.tolist() == [("Chrome", 96), ("Safari", 15)]
    assert df.to_numpy().tolist() == [[10, 6, 3], [4, 1, 0]]
    assert df.attrs["cohort_sizes"] == [10, 4] and df.attrs["period"] == "Week"
    percent = insight_frame(LEGACY_RETENTION_BREAKDOWN, percent=True)
    assert percent.iloc[0].tolist() == pytest.approx([1.0, 0.6, 0.3])


def test_legacy_retention_breakdown_with_one_property_keeps_plain_values() -> None:
    rows = [{"values": _values(5, 2), "label": "Chrome", "breakdown_values": ["Chrome"]}]
    df = insight_frame({"filters": {"insight": "RETENTION"}, "result": rows})
    assert df.index.tolist() == ["Chrome"]


def test_retention_rows_with_neither_date_nor_breakdown_are_invalid_without_a_kind_hint() -> None:
    rows = [{"values": _values(5, 2)}]
    with pytest.raises(InvalidResponse, match="date") as err:
        insight_frame({"filters": {"insight": "RETENTION"}, "result": rows})
    assert "kind you think" not in str(err.value)


# frontend/src/mocks/fixtures/api/projects/:team_id/insights/retentionBreakdown.json (commit
# 3cd6e62e): `filters.period` says "Day" while the cohorts are labelled "Week N", a week apart.
WEEKS_LABELLED_UNDER_A_DAY_FILTER = {
    "filters": {"insight": "RETENTION", "period": "Day"},
    "result": [
        {"values": _values(11, 10, 7), "label": "Week 0", "date": "2022-11-27T00:00:00Z"},
        {"values": _values(9, 5), "label": "Week 1", "date": "2022-12-04T00:00:00Z"},
        {"values": _values(5), "label": "Week 2", "date": "2022-12-11T00:00:00Z"},
    ],
}


def test_retention_period_follows_the_result_not_a_contradicting_filter() -> None:
    df = insight_frame(WEEKS_LABELLED_UNDER_A_DAY_FILTER)
    assert df.attrs["period"] == "Week"


@pytest.mark.parametrize(
    ("dates", "period"),
    [
        (["2024-01-01", "2024-02-01", "2024-03-01"], "Month"),
        (["2024-01-01", "2024-01-08"], "Week"),
        (["2024-01-01T00:00:00", "2024-01-01T01:00:00"], "Hour"),
    ],
)
def test_retention_period_from_cohort_spacing_when_labels_say_nothing(dates, period) -> None:
    rows = [{"values": _values(3, 1), "label": "", "date": d} for d in dates]
    df = insight_frame({"filters": {"insight": "RETENTION", "period": "Day"}, "result": rows})
    assert df.attrs["period"] == period


# -- box plot trends -------------------------------------------------------------------------

BOXPLOT_QUERY = {
    "kind": "InsightVizNode",
    "source": {
        "kind": "TrendsQuery",
        "interval": "day",
        "series": [
            {"kind": "EventsNode", "event": "$pageview", "math": "sum", "math_property": "revenue"}
        ],
        "trendsFilter": {"display": "BoxPlot"},
    },
}


def _stats(day: str, low: float, q1: float, median: float, q3: float, high: float) -> dict:
    return {"day": day, "min": low, "p25": q1, "median": median, "p75": q3, "max": high}


# frontend/src/mocks/fixtures/api/projects/team_id/insights/trendsBoxPlot.json: `result` is
# empty and the numbers are in a top-level `boxplot_data`, one entry per day.
BOXPLOT_INSIGHT = {
    "short_id": "bxPl0t01",
    "derived_name": "Revenue sum",
    "query": BOXPLOT_QUERY,
    "result": [],
    "boxplot_data": [
        {**_stats("2022-03-05", 12.5, 45.0, 78.3, 120.0, 210.0), "label": "5-Mar", "mean": 85.2},
        {**_stats("2022-03-06", 8.0, 35.0, 62.0, 98.0, 180.0), "label": "6-Mar", "mean": 70.5},
    ],
}


def test_box_plot_insight_converts_its_boxplot_data() -> None:
    for df in (trends_frame(BOXPLOT_INSIGHT), insight_frame(BOXPLOT_INSIGHT)):
        assert df.attrs["kind"] == "trends" and df.attrs["view"] == "box_plot"
        assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-03-05", "2022-03-06"]
        assert df["median"].tolist() == [78.3, 62.0]
        assert df["p25"].tolist() == [45.0, 35.0] and df["p75"].tolist() == [120.0, 98.0]
        assert df["mean"].tolist() == [85.2, 70.5]
        assert set(df["series"]) == {"$pageview"}
        assert df.attrs["math_property"] == "revenue"


# The same mock at commit ec0138a6 names the quartiles q1/q3; the first runner
# (posthog/hogql_queries/insights/trends/boxplot_trends_query_runner.py at af90c105) sent them
# so, with one placeholder series in `results` that has `data: []` and no `days`.
OLD_BOXPLOT_RESPONSE = {
    "results": [
        {"action": {"id": "$pageview", "order": 0, "name": "$pageview"}, "label": "$pageview"}
        | {"data": [], "count": 0}
    ],
    "boxplot_data": [
        {"day": "2022-03-05", "min": 1.0, "q1": 2.0, "median": 3.0, "q3": 4.0, "max": 5.0},
    ],
}


def test_box_plot_quartiles_named_q1_q3_are_read_as_p25_p75() -> None:
    df = insight_frame(OLD_BOXPLOT_RESPONSE)
    assert df.attrs["view"] == "box_plot"
    assert df[["min", "p25", "median", "p75", "max"]].iloc[0].tolist() == [1, 2, 3, 4, 5]
    assert df["mean"].isna().all()  # the old runner sent no mean: missing, not 0


# posthog/hogql_queries/insights/trends/boxplot_trends_query_runner.py (current): the statistics
# are the `results` themselves, one per series and bucket, with `series_index`/`series_label`.
CURRENT_BOXPLOT_RESPONSE = {
    "results": [
        {**_stats("2023-12-02", 100, 120, 150, 180, 200), "mean": 150.0}
        | {"label": "2-Dec-2023", "series_index": 0, "series_label": "$pageview - revenue"},
        {**_stats("2023-12-02", 9, 9, 9, 9, 9), "mean": 9.0}
        | {"label": "2-Dec-2023", "series_index": 1, "series_label": "other - amount"},
    ],
}


def test_box_plot_results_as_statistics_rows() -> None:
    df = insight_frame(CURRENT_BOXPLOT_RESPONSE)  # told apart by its shape alone
    assert df.attrs["view"] == "box_plot"
    assert df["label"].tolist() == ["$pageview - revenue", "other - amount"]
    assert df["max"].tolist() == [200, 9]


def test_a_box_plot_without_statistics_raises_instead_of_an_empty_frame() -> None:
    # The runner answers `results: []` and an `error` when no numeric property is chosen.
    insight = {"query": BOXPLOT_QUERY, "result": []}
    response = {"query": BOXPLOT_QUERY["source"], "results": [], "error": "A numeric property"}
    with pytest.raises(InvalidResponse, match="box plot"):
        insight_frame(insight)
    with pytest.raises(InvalidResponse, match="A numeric property"):
        trends_frame(response)


def test_a_box_plot_refuses_wide_with_the_way_to_pivot() -> None:
    with pytest.raises(ValidationError, match="pivot"):
        trends_frame(BOXPLOT_INSIGHT, wide=True)


# -- experiment exposures and funnel correlation ---------------------------------------------

# frontend/src/mocks/fixtures/api/experiments/exposure_query_result.json (and the runner,
# posthog/hogql_queries/experiments/experiment_exposures_query_runner.py, which makes each
# variant's `exposure_counts` a running total).
EXPOSURES = {
    "kind": "ExperimentExposureQuery",
    "timeseries": [
        {"variant": "test", "days": DAYS, "exposure_counts": [0.0, 38.0, 179.0]},
        {"variant": "control", "days": DAYS, "exposure_counts": [0.0, 45.0, 182.0]},
    ],
    "total_exposures": {"test": 179.0, "control": 182.0},
    "timezone": "UTC",
}


def test_experiment_exposures_convert_to_cumulative_series_per_variant() -> None:
    for df in (insight_frame(EXPOSURES), trends_frame(EXPOSURES)):
        assert df.attrs["kind"] == "trends" and df.attrs["view"] == "cumulative"
        assert df.attrs["total_exposures"] == EXPOSURES["total_exposures"]
        by_variant = df.groupby("breakdown_value", sort=False)["value"].apply(list).to_dict()
        assert by_variant == {"test": [0, 38, 179], "control": [0, 45, 182]}
        assert df["date"].dt.strftime("%Y-%m-%d").tolist() == DAYS * 2


def test_experiment_exposures_of_a_draft_are_invalid_with_the_reason() -> None:
    # A draft experiment (no start date) answers no time series at all.
    with pytest.raises(InvalidResponse, match="start"):
        insight_frame({**EXPOSURES, "timeseries": []})


def _odds(event: str, kind: str, success: int, failure: int, ratio: float) -> dict:
    return {
        "event": {"event": event, "properties": {}, "elements": []},
        "success_count": success,
        "failure_count": failure,
        "odds_ratio": ratio,
        "correlation_type": kind,
    }


# frontend/src/mocks/fixtures/api/projects/team_id/insights/funnelCorrelation.json: `result` is
# an object {events: [...], skewed}; posthog/schema.py FunnelCorrelationResult is the same.
CORRELATION = {
    "result": {
        "events": [
            _odds("score updated", "success", 472, 9, 3006.96),
            _odds("cancellation prompt shown", "failure", 65, 75, 35.41),
        ],
        "skewed": True,
    },
    "last_refresh": "2024-03-11T18:44:25Z",
    "is_cached": False,
}


def test_funnel_correlation_converts_one_row_per_event() -> None:
    for df in (insight_frame(CORRELATION), funnel_frame(CORRELATION)):
        assert df.attrs["kind"] == "funnels" and df.attrs["view"] == "correlation"
        assert df["event"].tolist() == ["score updated", "cancellation prompt shown"]
        assert df["correlation_type"].tolist() == ["success", "failure"]
        assert df["success_count"].tolist() == [472, 65]
        assert df["failure_count"].tolist() == [9, 75]
        assert df["odds_ratio"].tolist() == [3006.96, 35.41]
        assert df.attrs["skewed"] is True


def test_funnel_correlation_query_response_converts_too() -> None:
    # A /query/ response of a FunnelCorrelationQuery: the same object under `results`.
    response = {"results": CORRELATION["result"], "columns": None, "hasMore": False}
    df = insight_frame(response)
    assert len(df) == 2 and df.attrs["view"] == "correlation"


# -- SQL drawn as a line chart ---------------------------------------------------------------

# frontend/src/mocks/fixtures/api/projects/team_id/insights/sqlLineChart.json: a month column and
# numeric columns (nullable, with nulls), drawn by PostHog as a line chart with the month on x.
SQL_LINE_CHART = {
    "name": "SQL with nulls",
    "query": {
        "kind": "DataVisualizationNode",
        "source": {"kind": "HogQLQuery", "query": "select toStartOfMonth(timestamp) as month …"},
        "display": "ActionsLineGraph",
        "chartSettings": {
            "xAxis": {"column": "month"},
            "yAxis": [{"column": "s0"}, {"column": "s1"}],
        },
    },
    "result": [["2025-10-01", 152, 152, 304], ["2025-11-01", 6775, None, None]],
    "columns": ["month", "s0", "s1", "s2"],
    "types": [
        ["month", "Date"],
        ["s0", "Nullable(UInt64)"],
        ["s1", "Nullable(UInt64)"],
        ["s2", "Nullable(UInt64)"],
    ],
}


def test_sql_line_chart_keeps_its_display_and_axes() -> None:
    df = insight_frame(SQL_LINE_CHART)
    assert df.attrs["kind"] == "sql" and df.attrs["view"] == "line"
    assert df.attrs["x_column"] == "month" and df.attrs["y_columns"] == ["s0", "s1"]
    assert df["month"].dt.strftime("%Y-%m-%d").tolist() == ["2025-10-01", "2025-11-01"]
    assert df["s0"].tolist() == [152, 6775]
    assert df["s1"].isna().tolist() == [False, True]


# -- what a trends series counts -------------------------------------------------------------


def _series_with_math(math: str | None, prop: str | None = None, **extra) -> dict:
    action = {"id": "purchase", "order": 0, "name": "purchase", "math": math}
    return (
        {"action": action | {"math_property": prop}, "label": "purchase"}
        | {
            "data": [1, 2, 3],
            "days": DAYS,
        }
        | extra
    )


@pytest.mark.parametrize(
    ("math", "prop", "text"),
    [
        (None, None, "count"),
        ("total", None, "count"),
        ("dau", None, "unique users"),
        ("weekly_active", None, "weekly active users"),
        ("unique_session", None, "unique sessions"),
        ("sum", "revenue", "sum of revenue"),
        ("avg", "price", "average of price"),
        ("p90", "load_time", "90th percentile of load_time"),
        ("avg_count_per_actor", None, "average count per user"),
        ("hogql", None, "HogQL expression"),
    ],
)
def test_trends_frames_say_what_each_series_counts(math, prop, text) -> None:
    # trendsLine.json and the demo's "Revenue vs previous period": the series' math is in the
    # result's `action` (math, math_property), and in the query's series by position.
    df = trends_frame([_series_with_math(math, prop)])
    assert df["math"].unique().tolist() == [text]


def test_trends_math_comes_from_the_query_when_the_result_omits_it() -> None:
    item = {"action": {"id": "purchase", "order": 0}, "label": "purchase"}
    item |= {"data": [5], "days": DAYS[:1], "aggregated_value": 5}
    series = [{"kind": "EventsNode", "event": "purchase", "math": "sum", "math_property": "mrr"}]
    query = {"kind": "InsightVizNode", "source": {"kind": "TrendsQuery", "series": series}}
    query["source"]["trendsFilter"] = {"display": "BoldNumber"}
    df = insight_frame({"query": query, "result": [item]})
    assert df["math"].tolist() == ["sum of mrr"]


def test_trends_formula_results_are_formulas_not_counts() -> None:
    # frontend/src/mocks/fixtures/api/projects/team_id/insights/trendsFormulas.json: the
    # formulas' results replace the series; their `action` is null and `order` is top-level.
    nodes = [{"formula": "A/B", "custom_name": "Ratio"}, {"formula": "B"}]
    query = {
        "kind": "InsightVizNode",
        "source": {"kind": "TrendsQuery", "trendsFilter": {"formulaNodes": nodes}},
    }
    items = [
        {"action": None, "label": "Ratio", "data": [0.5, 0.4, 0.3], "days": DAYS, "order": 0},
        {"action": None, "label": "B", "data": [3, 4, 5], "days": DAYS, "order": 1},
    ]
    df = insight_frame({"query": query, "result": items})
    assert df.groupby("label", sort=False)["math"].first().to_dict() == {
        "Ratio": "formula A/B",
        "B": "formula B",
    }
    legacy = {"filters": {"insight": "TRENDS", "formula": "A+B"}, "result": items[:1]}
    assert set(insight_frame(legacy)["math"]) == {"formula A+B"}


def test_wide_trends_frames_keep_each_columns_math_in_attrs() -> None:
    items = [_series_with_math("sum", "revenue"), _series_with_math("dau")]
    items[1]["action"] = items[1]["action"] | {"custom_name": "Buyers", "order": 1}
    wide = trends_frame(items, wide=True)
    assert wide.attrs["math"] == {"purchase": "sum of revenue", "Buyers": "unique users"}


# -- calendar heatmap trends -----------------------------------------------------------------

# posthog/hogql_queries/insights/trends/calendar_heatmap_trends_query_runner.py: one trends item
# whose numbers are in `calendar_heatmap_data` (rows are ClickHouse's toDayOfWeek, 1 = Monday;
# columns the hour), `data` empty and `aggregated_value` the total.
CALENDAR_HEATMAP = {
    "query": {
        "kind": "InsightVizNode",
        "source": {
            "kind": "TrendsQuery",
            "series": [{"kind": "EventsNode", "event": "$pageview", "math": "total"}],
            "trendsFilter": {"display": "CalendarHeatmap"},
        },
    },
    "result": [
        {
            "action": {"id": "$pageview", "order": 0, "name": "$pageview", "math": "total"},
            "label": "$pageview",
            "data": [],
            "count": 12,
            "aggregated_value": 12,
            "calendar_heatmap_data": {
                "data": [
                    {"row": 1, "column": 9, "value": 7},
                    {"row": 7, "column": 23, "value": 5},
                ],
                "rowAggregations": [{"row": 1, "value": 7}, {"row": 7, "value": 5}],
                "columnAggregations": [{"column": 9, "value": 7}, {"column": 23, "value": 5}],
                "allAggregations": 12,
            },
        }
    ],
}


def test_calendar_heatmap_converts_its_cells_not_just_the_total() -> None:
    df = insight_frame(CALENDAR_HEATMAP)
    assert df.attrs["view"] == "calendar_heatmap" and df.attrs["total"] == 12
    assert df[["weekday", "hour", "value"]].to_numpy().tolist() == [[1, 9, 7], [7, 23, 5]]
    assert set(df["series"]) == {"$pageview"} and set(df["math"]) == {"count"}
