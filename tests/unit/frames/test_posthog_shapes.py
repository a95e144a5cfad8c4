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
