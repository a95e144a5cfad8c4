"""Funnel insights (``analytics.funnels``) against a person-level recount of the event log."""

from __future__ import annotations

import pandas as pd

from tests.demo.analytics_helpers import CART, LAST30, ev, in_range, in_range_all, run


def test_unique_signups_equal_funnel_first_step_and_bold_number(ctx, log):
    signups = in_range(log, "signed up")["person_id"].nunique()
    steps = run(ctx, "FunnelsQuery", series=[ev("signed up"), ev("purchased")], dateRange=LAST30)
    number = run(
        ctx,
        "TrendsQuery",
        series=[ev("signed up", math="dau")],
        dateRange=LAST30,
        trendsFilter={"display": "BoldNumber"},
    )[0]
    assert steps[0]["count"] == number["aggregated_value"] == signups > 0
    assert steps[1]["count"] <= steps[0]["count"]


def test_funnel_steps_match_a_person_level_recount(ctx, log):
    steps = run(ctx, "FunnelsQuery", series=[ev(e) for e in CART], dateRange=LAST30)
    window = pd.Timedelta(days=14)
    reached = {0: 0, 1: 0, 2: 0}
    for _, rows in in_range_all(log).groupby("person_id"):
        best = -1
        for t0 in rows.loc[rows["event"] == CART[0], "timestamp"]:
            step, cur = 0, t0
            for k in (1, 2):
                later = rows[(rows["event"] == CART[k]) & (rows["timestamp"] >= cur)]
                later = later[later["timestamp"] <= t0 + window]
                if later.empty:
                    break
                step, cur = k, later["timestamp"].min()
            best = max(best, step)
        for k in range(best + 1):
            reached[k] += 1
    assert [s["count"] for s in steps] == [reached[0], reached[1], reached[2]]
    assert steps[0]["average_conversion_time"] is None and steps[1]["average_conversion_time"] > 0


def test_funnel_breakdown_partitions_the_funnel(ctx):
    flat = run(ctx, "FunnelsQuery", series=[ev(e) for e in CART], dateRange=LAST30)
    split = run(
        ctx,
        "FunnelsQuery",
        series=[ev(e) for e in CART],
        dateRange=LAST30,
        breakdownFilter={"breakdown": "$browser"},
    )
    assert all(isinstance(group, list) and len(group) == 3 for group in split)
    # One browser per person in the demo, so the breakdown partitions persons exactly.
    for k in range(3):
        assert sum(group[k]["count"] for group in split) == flat[k]["count"]
    assert all(group[0]["breakdown"] == group[0]["breakdown_value"] for group in split)


def test_time_to_convert_bins_hold_every_converted_person(ctx):
    src = {"series": [ev(e) for e in CART], "dateRange": LAST30}
    steps = run(ctx, "FunnelsQuery", **src)
    ttc = run(ctx, "FunnelsQuery", **src, funnelsFilter={"funnelVizType": "time_to_convert"})
    assert sum(count for _, count in ttc["bins"]) == steps[-1]["count"]
    starts = [b[0] for b in ttc["bins"]]
    assert starts == sorted(starts) and ttc["average_conversion_time"] > 0


def _strict_recount(log: pd.DataFrame, steps: list[str]) -> list[int]:
    """Persons reaching each step when each step must be their very next event."""
    reached = [0] * len(steps)
    window = pd.Timedelta(days=14)
    for _, rows in in_range_all(log).sort_values(["timestamp", "uuid"]).groupby("person_id"):
        names, times = rows["event"].tolist(), rows["timestamp"].tolist()
        best = -1
        for i, name in enumerate(names):
            if name != steps[0]:
                continue
            k = 0
            while (
                k + 1 < len(steps)
                and i + k + 1 < len(names)
                and names[i + k + 1] == steps[k + 1]
                and times[i + k + 1] <= times[i] + window
            ):
                k += 1
            best = max(best, k)
        for k in range(best + 1):
            reached[k] += 1
    return reached


def test_strict_funnels_need_each_step_to_be_the_next_event(ctx, log):
    steps = ["$pageview", "viewed product", "$pageview"]
    strict = run(
        ctx,
        "FunnelsQuery",
        series=[ev(e) for e in steps],
        dateRange=LAST30,
        funnelsFilter={"funnelOrderType": "strict"},
    )
    ordered = run(ctx, "FunnelsQuery", series=[ev(e) for e in steps], dateRange=LAST30)
    assert [s["count"] for s in strict] == _strict_recount(log, steps)
    assert strict[2]["count"] < ordered[2]["count"]


def test_unordered_funnels_count_steps_done_in_any_order(ctx):
    backwards = [ev(e) for e in reversed(CART)]
    ordered = run(ctx, "FunnelsQuery", series=backwards, dateRange=LAST30)
    unordered = run(
        ctx,
        "FunnelsQuery",
        series=backwards,
        dateRange=LAST30,
        funnelsFilter={"funnelOrderType": "unordered"},
    )
    forwards = run(ctx, "FunnelsQuery", series=[ev(e) for e in CART], dateRange=LAST30)
    # Purchases come last in the log: backwards, an ordered funnel loses nearly everyone.
    assert ordered[2]["count"] < unordered[2]["count"]
    assert unordered[2]["count"] >= forwards[2]["count"]
    assert [s["count"] for s in unordered] == sorted((s["count"] for s in unordered), reverse=True)
