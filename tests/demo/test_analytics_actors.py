"""The persons behind one number (``analytics.actors``): as many as the number counts."""

from __future__ import annotations

import pytest

from posthog_frames.demo.analytics.actors import actors
from posthog_frames.demo.errors import DemoValidationError
from tests.demo.analytics_helpers import CART, LAST30, ev, run


def insight_actors(ctx, source: dict, **node):
    return actors({"kind": "InsightActorsQuery", "source": source, **node}, ctx)


def test_a_trend_point_of_unique_persons_has_that_many_persons(ctx):
    source = {
        "kind": "TrendsQuery",
        "series": [ev("$pageview"), ev("signed up", math="dau")],
        "dateRange": LAST30,
    }
    item = run(ctx, **source)[1]
    for day, value in list(zip(item["days"], item["data"], strict=True))[::5]:
        assert len(insight_actors(ctx, source, series=1, day=day)) == value, day


def test_a_total_point_counts_its_persons_events(ctx):
    source = {"kind": "TrendsQuery", "series": [ev("$pageview")], "dateRange": LAST30}
    item = run(ctx, **source)[0]
    day, value = item["days"][10], item["data"][10]
    found = insight_actors(ctx, source, day=day)
    assert found["event_count"].sum() == value and 0 < len(found) < value


def test_breakdown_and_compare_points(ctx):
    source = {
        "kind": "TrendsQuery",
        "series": [ev("$pageview", math="dau")],
        "dateRange": {"date_from": "-7d"},
        "compareFilter": {"compare": True},
        "breakdownFilter": {"breakdown": "$browser"},
    }
    for item in run(ctx, **source):
        day, value = item["days"][3], item["data"][3]
        found = insight_actors(
            ctx, source, day=day, breakdown=item["breakdown_value"], compare=item["compare_label"]
        )
        assert len(found) == value, (item["breakdown_value"], item["compare_label"])


def test_aggregated_displays_take_no_day(ctx):
    source = {
        "kind": "TrendsQuery",
        "series": [ev("signed up", math="dau")],
        "dateRange": LAST30,
        "trendsFilter": {"display": "BoldNumber"},
    }
    assert len(insight_actors(ctx, source)) == run(ctx, **source)[0]["aggregated_value"]


def test_funnel_steps_and_drop_offs(ctx):
    source = {"kind": "FunnelsQuery", "series": [ev(e) for e in CART], "dateRange": LAST30}
    counts = [step["count"] for step in run(ctx, **source)]

    def persons(step: int) -> set:
        node = {"kind": "FunnelsActorsQuery", "source": source, "funnelStep": step}
        return set(actors(node, ctx).index)

    assert [len(persons(n)) for n in (1, 2, 3)] == counts
    dropped = persons(-2)
    assert len(dropped) == counts[0] - counts[1]
    assert dropped == persons(1) - persons(2)
    with pytest.raises(DemoValidationError):
        persons(-1)


def test_funnel_breakdown_steps(ctx):
    source = {
        "kind": "FunnelsQuery",
        "series": [ev(e) for e in CART],
        "dateRange": LAST30,
        "breakdownFilter": {"breakdown": "$browser"},
    }
    for group in run(ctx, **source):
        node = {
            "kind": "FunnelsActorsQuery",
            "source": source,
            "funnelStep": 2,
            "funnelStepBreakdown": group[1]["breakdown_value"],
        }
        assert len(actors(node, ctx)) == group[1]["count"]


def test_a_retention_cell(ctx):
    source = {
        "kind": "RetentionQuery",
        "retentionFilter": {
            "period": "Week",
            "totalIntervals": 6,
            "targetEntity": {"id": "signed up", "type": "events"},
            "returningEntity": {"id": "$pageview", "type": "events"},
        },
    }
    rows = run(ctx, **source)
    for i in (0, 2):
        found = insight_actors(ctx, source, interval=i)
        assert len(found) == rows[i]["values"][0]["count"]
        for k, cell in enumerate(rows[i]["values"]):
            assert sum(k in a for a in found["appearances"]) == cell["count"], (i, k)


def test_a_lifecycle_bar(ctx):
    source = {"kind": "LifecycleQuery", "series": [ev("$pageview")], "dateRange": LAST30}
    for item in run(ctx, **source):
        day, value = item["days"][12], item["data"][12]
        assert len(insight_actors(ctx, source, day=day, status=item["status"])) == abs(value)


def test_a_stickiness_bar(ctx):
    source = {"kind": "StickinessQuery", "series": [ev("$pageview")], "dateRange": LAST30}
    item = run(ctx, **source)[0]
    for days in (1, 2, 5):
        node = {"kind": "StickinessActorsQuery", "source": source, "day": days}
        assert len(actors(node, ctx)) == item["data"][days - 1]
    at_least = {"kind": "StickinessActorsQuery", "source": source, "day": 5, "operator": "gte"}
    assert len(actors(at_least, ctx)) == sum(item["data"][4:])


def test_paths_and_mismatched_sources_are_refused(ctx):
    with pytest.raises(DemoValidationError, match="Paths"):
        insight_actors(ctx, {"kind": "PathsQuery"})
    with pytest.raises(DemoValidationError, match="FunnelsActorsQuery"):
        insight_actors(ctx, {"kind": "FunnelsQuery", "series": [ev("a"), ev("b")]})
