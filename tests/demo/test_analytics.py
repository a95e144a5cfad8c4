"""The demo's insight computations: PostHog's shapes (vs recorded fixtures) and honest numbers.

Expected numbers are recomputed here straight from the event log with pandas, never taken from
the code under test.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from posthog_frames.demo.analytics import Context, compute
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.events import generate_events
from posthog_frames.demo.data.persons import generate_persons, persons_table
from posthog_frames.demo.errors import DemoValidationError
from posthog_frames.demo.filters import compile_filters
from tests.conftest import load_fixture

LABEL = re.compile(r"^\d{1,2}-[A-Z][a-z]{2}-\d{4}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LAST30 = {"date_from": "-30d"}
START30 = pd.Timestamp("2025-03-01", tz="UTC")  # 30 days before 2025-03-31, 00:00
CART = ["viewed product", "added to cart", "purchased"]


@pytest.fixture(scope="module")
def persons() -> list[dict]:
    return generate_persons(300, seed=11)


@pytest.fixture(scope="module")
def log(persons) -> pd.DataFrame:
    return generate_events(persons, seed=11)


@pytest.fixture(scope="module")
def ctx(persons, log) -> Context:
    return Context(log, persons_table(persons), DEMO_NOW, "UTC", 7)


def run(ctx: Context, kind: str, **source):
    return compute({"kind": "InsightVizNode", "source": {"kind": kind, **source}}, ctx).result


def ev(event: str, **extra) -> dict:
    return {"kind": "EventsNode", "event": event, "name": event, **extra}


def in_range(log: pd.DataFrame, event: str, start=START30, end=DEMO_NOW) -> pd.DataFrame:
    rows = log[log["event"] == event]
    return rows[(rows["timestamp"] >= start) & (rows["timestamp"] <= pd.Timestamp(end))]


def assert_shape(ours, theirs, path: str = "result") -> None:
    """Same nesting and types as the fixture; dicts may carry extra keys (newer PostHog)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), path
        missing = set(theirs) - set(ours)
        assert not missing, f"{path} lacks {sorted(missing)}"
        for key, value in theirs.items():
            if key != "filter" and value is not None and ours[key] is not None:
                assert_shape(ours[key], value, f"{path}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list), path
        if theirs and ours:
            assert_shape(ours[0], theirs[0], f"{path}[0]")
    elif isinstance(theirs, bool):
        assert isinstance(ours, bool), path
    elif isinstance(theirs, int | float):
        assert isinstance(ours, int | float) and not isinstance(ours, bool), path
    else:
        assert type(ours) is type(theirs), f"{path}: {type(ours)} vs {type(theirs)}"


# -- shapes against the recorded fixtures --------------------------------------------------------

SHAPES = {
    "insight-trends-line.json": ("TrendsQuery", {"series": [ev("$pageview")], "dateRange": LAST30}),
    "insight-trends-line-breakdown.json": (
        "TrendsQuery",
        {"series": [ev("$pageview")], "breakdownFilter": {"breakdown": "$browser"}},
    ),
    "insight-trends-value-breakdown.json": (
        "TrendsQuery",
        {
            "series": [ev("$pageview")],
            "breakdownFilter": {"breakdown": "$browser"},
            "trendsFilter": {"display": "ActionsBarValue"},
        },
    ),
    "insight-trends-number.json": (
        "TrendsQuery",
        {"series": [ev("signed up")], "trendsFilter": {"display": "BoldNumber"}},
    ),
    "insight-trends-number-compare.json": (
        "TrendsQuery",
        {
            "series": [ev("signed up")],
            "trendsFilter": {"display": "BoldNumber"},
            "compareFilter": {"compare": True},
        },
    ),
    "insight-funnel-steps.json": ("FunnelsQuery", {"series": [ev(e) for e in CART]}),
    "insight-funnel-breakdown.json": (
        "FunnelsQuery",
        {"series": [ev(e) for e in CART], "breakdownFilter": {"breakdown": "$browser"}},
    ),
    "insight-funnel-steps-compare.json": (
        "FunnelsQuery",
        {"series": [ev(e) for e in CART], "compareFilter": {"compare": True}},
    ),
    "insight-funnel-time-to-convert.json": (
        "FunnelsQuery",
        {
            "series": [ev(e) for e in CART],
            "dateRange": LAST30,
            "funnelsFilter": {"funnelVizType": "time_to_convert"},
        },
    ),
    "insight-funnel-time-to-convert-compare.json": (
        "FunnelsQuery",
        {
            "series": [ev(e) for e in CART],
            "dateRange": LAST30,
            "compareFilter": {"compare": True},
            "funnelsFilter": {"funnelVizType": "time_to_convert"},
        },
    ),
    "insight-funnel-trends.json": (
        "FunnelsQuery",
        {"series": [ev(e) for e in CART], "funnelsFilter": {"funnelVizType": "trends"}},
    ),
    "insight-retention.json": (
        "RetentionQuery",
        {
            "retentionFilter": {
                "period": "Day",
                "targetEntity": {"id": "signed up", "type": "events"},
                "returningEntity": {"id": "$pageview", "type": "events"},
            }
        },
    ),
    "insight-paths.json": ("PathsQuery", {"pathsFilter": {"stepLimit": 5}, "dateRange": LAST30}),
    "insight-stickiness.json": ("StickinessQuery", {"series": [ev("$pageview")]}),
    "insight-lifecycle.json": ("LifecycleQuery", {"series": [ev("$pageview")]}),
}


@pytest.mark.fixtures
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_result_has_the_fixture_shape(ctx, name):
    kind, source = SHAPES[name]
    theirs = load_fixture(f"insights/{name}")["result"]
    ours = run(ctx, kind, **source)
    assert ours, "the demo log should give a non-empty result"
    assert_shape(ours, theirs)
    if isinstance(theirs, list) and isinstance(theirs[0], dict) and "days" in theirs[0]:
        theirs_days, ours_days = theirs[0]["days"], ours[0]["days"]
        if theirs_days and isinstance(theirs_days[0], str):
            assert all(DAY.match(d) for d in ours_days)
        if theirs[0]["labels"] and DAY.match(str(theirs_days[0])):
            assert all(LABEL.match(x) for x in ours[0]["labels"])


@pytest.mark.fixtures
def test_sql_result_has_the_fixture_shape(ctx, log):
    theirs = load_fixture("insights/insight-sql-datatable-hogql.json")
    out = compute(
        {
            "kind": "DataTableNode",
            "source": {
                "kind": "HogQLQuery",
                "query": "select event, properties.$browser, count() from events "
                "group by event, properties.$browser order by count() desc limit 100",
            },
        },
        _ctx_for(log),
    )
    assert len(out.columns) == len(theirs["columns"]) - 1  # the fixture adds person email
    assert_shape(out.result, [theirs["result"][0][:1] + theirs["result"][0][2:]])
    assert out.types[-1] == ["count()", "UInt64"]


def _ctx_for(log: pd.DataFrame) -> Context:
    return Context(log, persons_table([]), DEMO_NOW, "UTC", 7)


def test_retention_rows_are_triangular_and_labelled(ctx):
    rows = run(ctx, "RetentionQuery", retentionFilter={"period": "Week", "totalIntervals": 6})
    assert [len(r["values"]) for r in rows] == [6, 5, 4, 3, 2, 1]
    assert [r["label"] for r in rows] == [f"Week {i}" for i in range(6)]
    assert rows[-1]["date"] == "2025-03-30T00:00:00Z"  # Sunday of the week holding `now`


def test_stickiness_and_paths_formats(ctx):
    item = run(ctx, "StickinessQuery", series=[ev("$pageview")], dateRange=LAST30)[0]
    assert item["labels"][:2] == ["1 day", "2 days"] and item["days"][:3] == [1, 2, 3]
    links = run(ctx, "PathsQuery", pathsFilter={"stepLimit": 4}, dateRange=LAST30)
    for link in links:
        src, dst = link["source"].split("_", 1), link["target"].split("_", 1)
        assert int(dst[0]) == int(src[0]) + 1 <= 4 and src[1].startswith("/")
    assert [x["value"] for x in links] == sorted((x["value"] for x in links), reverse=True)


# -- numbers agree with the event log and with each other ----------------------------------------


def test_trends_total_counts_matching_events(ctx, log):
    item = run(ctx, "TrendsQuery", series=[ev("$pageview")], dateRange=LAST30)[0]
    rows = in_range(log, "$pageview")
    assert item["count"] == sum(item["data"]) == len(rows)
    per_day = rows.groupby(rows["timestamp"].dt.strftime("%Y-%m-%d")).size()
    assert dict(zip(item["days"], item["data"], strict=True)) == {
        d: int(per_day.get(d, 0)) for d in item["days"]
    }


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


def in_range_all(log: pd.DataFrame) -> pd.DataFrame:
    return log[(log["timestamp"] >= START30) & (log["timestamp"] <= pd.Timestamp(DEMO_NOW))]


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


def test_breakdown_items_add_up_to_the_series(ctx):
    base = run(ctx, "TrendsQuery", series=[ev("$pageview")], dateRange=LAST30)[0]
    split = run(
        ctx,
        "TrendsQuery",
        series=[ev("$pageview")],
        dateRange=LAST30,
        breakdownFilter={"breakdown": "$initial_os", "breakdown_type": "person"},
    )
    assert all(i["label"] == f"$pageview - {i['breakdown_value']}" for i in split)
    assert [sum(col) for col in zip(*(i["data"] for i in split), strict=True)] == base["data"]


def test_compare_previous_period_counts_the_window_before(ctx, log):
    items = run(
        ctx,
        "TrendsQuery",
        series=[ev("signed up")],
        dateRange={"date_from": "-7d"},
        compareFilter={"compare": True},
    )
    assert [(i["compare"], i["compare_label"]) for i in items] == [
        (True, "current"),
        (True, "previous"),
    ]
    start = pd.Timestamp("2025-03-24", tz="UTC")
    prev_start = start - (pd.Timestamp(DEMO_NOW) - start)
    assert items[0]["count"] == len(in_range(log, "signed up", start, DEMO_NOW))
    previous = in_range(log, "signed up", prev_start, start - timedelta(microseconds=1))
    assert items[1]["count"] == len(previous)


def test_stickiness_total_is_unique_active_persons(ctx, log):
    item = run(ctx, "StickinessQuery", series=[ev("$pageview")], dateRange=LAST30)[0]
    rows = in_range(log, "$pageview")
    assert item["count"] == rows["person_id"].nunique()
    days = rows.groupby("person_id")["timestamp"].apply(lambda t: t.dt.date.nunique())
    assert item["data"][0] == int((days == 1).sum())


def test_retention_cohorts_are_first_occurrences(ctx, log):
    rows = run(
        ctx,
        "RetentionQuery",
        retentionFilter={
            "period": "Week",
            "targetEntity": {"id": "signed up", "type": "events"},
            "returningEntity": {"id": "$pageview", "type": "events"},
        },
    )
    first = log[log["event"] == "signed up"].groupby("person_id")["timestamp"].min()
    day = first.dt.tz_localize(None).dt.normalize()
    week = (day - pd.to_timedelta((day.dt.day_of_week + 1) % 7, unit="D")).dt.strftime("%Y-%m-%d")
    views = log[log["event"] == "$pageview"]
    vday = views["timestamp"].dt.tz_localize(None).dt.normalize()
    vweek = (vday - pd.to_timedelta((vday.dt.day_of_week + 1) % 7, unit="D")).dt.strftime(
        "%Y-%m-%d"
    )
    for n, row in enumerate(rows):
        members = set(week[week == row["date"][:10]].index)
        assert row["values"][0]["count"] == len(members)
        if n + 1 < len(rows):  # back one week later: a pageview in the next row's week
            back = set(views["person_id"][(vweek == rows[n + 1]["date"][:10]).to_numpy()])
            assert row["values"][1]["count"] == len(members & back)
    assert all(v["count"] <= row["values"][0]["count"] for row in rows for v in row["values"])


def test_lifecycle_identities(ctx, log):
    items = {i["status"]: i for i in run(ctx, "LifecycleQuery", series=[ev("$pageview")])}
    views = log[log["event"] == "$pageview"]
    dau = views.groupby(views["timestamp"].dt.strftime("%Y-%m-%d"))["person_id"].nunique()
    for n, d in enumerate(items["new"]["days"]):
        active = sum(items[s]["data"][n] for s in ("new", "returning", "resurrecting"))
        assert active == dau.get(d, 0)
        yesterday = (pd.Timestamp(d) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        assert items["returning"]["data"][n] - items["dormant"]["data"][n] == dau.get(yesterday, 0)
    assert all(v <= 0 for v in items["dormant"]["data"])
    assert items["new"]["label"] == "$pageview - new"


def test_sql_browser_counts_match_pandas(ctx, log):
    out = compute(
        {
            "kind": "DataTableNode",
            "source": {
                "kind": "HogQLQuery",
                "query": "select properties.$browser as browser, count() as pageviews from events "
                "where event = '$pageview' group by browser order by pageviews desc",
            },
        },
        ctx,
    )
    expected = log[log["event"] == "$pageview"]["$browser"].value_counts()
    assert out.columns == ["browser", "pageviews"]
    assert out.types == [["browser", "String"], ["pageviews", "UInt64"]]
    assert dict(out.result) == expected.to_dict()
    assert [n for _, n in out.result] == sorted(expected.tolist(), reverse=True)


def test_buckets_follow_the_project_timezone(persons, log):
    tz = "America/Los_Angeles"
    local = Context(log, persons_table(persons), DEMO_NOW, tz, 7)
    item = run(local, "TrendsQuery", series=[ev("$pageview")], dateRange={"date_from": "-14d"})[0]
    views = log[log["event"] == "$pageview"]
    stamps = views["timestamp"].dt.tz_convert(tz)
    start = pd.Timestamp(DEMO_NOW).tz_convert(tz).normalize() - pd.Timedelta(days=14)
    per_day = stamps[stamps >= start].dt.strftime("%Y-%m-%d").value_counts()
    assert item["days"][0] == start.strftime("%Y-%m-%d")
    assert item["data"] == [int(per_day.get(d, 0)) for d in item["days"]]


@pytest.mark.parametrize(
    ("date_range", "first", "last"),  # calendar days counted by hand back from 2025-03-31 12:00
    [
        ({"date_from": "-1dStart", "date_to": "-1dEnd"}, "2025-03-30", "2025-03-30"),
        ({"date_from": "-2wEnd", "date_to": "-2wEnd"}, "2025-03-17", "2025-03-17"),  # no w snap
        ({"date_from": "-1m"}, "2025-02-28", "2025-03-31"),  # 31 March minus a month, clamped
        ({"date_from": "-1q", "date_to": "-1dEnd"}, "2024-12-30", "2025-03-30"),  # 13 weeks
    ],
)
def test_relative_date_ranges_follow_posthogs_grammar(ctx, log, date_range, first, last):
    item = run(ctx, "TrendsQuery", series=[ev("$pageview")], dateRange=date_range)[0]
    assert item["days"] == pd.date_range(first, last).strftime("%Y-%m-%d").tolist()
    end = pd.Timestamp(last, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    rows = in_range(log, "$pageview", pd.Timestamp(first, tz="UTC"), min(end, DEMO_NOW))
    assert item["count"] == len(rows) > 0


# -- the event log itself -----------------------------------------------------------------------


def test_event_log_is_deterministic_and_within_the_demo_period(persons, log):
    again = generate_events(persons, seed=11)
    pd.testing.assert_frame_equal(log, again)
    other = generate_events(persons, seed=12)
    assert not log["uuid"].equals(other["uuid"])
    assert log["timestamp"].min() >= pd.Timestamp("2025-01-01", tz="UTC")
    assert log["timestamp"].max() <= pd.Timestamp(DEMO_NOW)
    assert log["timestamp"].dt.tz is not None and log["uuid"].is_unique


def test_event_log_rhythms(persons, log):
    signups = log[log["event"] == "signed up"]
    assert signups["person_id"].is_unique
    created = {p["uuid"]: pd.Timestamp(p["created_at"]) for p in persons}
    assert all(
        t >= created[p] for p, t in zip(signups["person_id"], signups["timestamp"], strict=True)
    )
    views = log[log["event"] == "$pageview"]
    weekday = views["timestamp"].dt.day_of_week < 5
    assert weekday.sum() / 5 > (~weekday).sum() / 2  # busier per weekday than per weekend day
    daily = views.groupby(views["timestamp"].dt.date).size()
    assert daily.loc[datetime(2025, 2, 10).date()] > daily.median()
    assert log.loc[log["event"] == "purchased", "revenue"].gt(0).all()
    assert set(views["$current_url"]) >= {"/", "/pricing", "/docs", "/cart", "/checkout"}


def test_results_are_deterministic(ctx, persons):
    fresh = Context(generate_events(persons, seed=11), persons_table(persons), DEMO_NOW, "UTC", 7)
    for kind, source in SHAPES.values():
        assert run(ctx, kind, **source) == run(fresh, kind, **source)


def test_no_events_after_now_for_an_earlier_clock(persons):
    early = datetime(2025, 2, 1, tzinfo=UTC)
    events = generate_events(persons, seed=3, now=early)
    assert events["timestamp"].max() <= pd.Timestamp(early)


@pytest.mark.parametrize(
    ("source", "attr"),
    [
        ({"series": [ev("$pageview")], "dateRange": {"date_from": "yesterday-ish"}}, "date_from"),
        ({"series": [ev("$pageview", math="p99_count")]}, "math"),
        ({"series": [ev("$pageview")], "interval": "fortnight"}, "interval"),
        (
            {"series": [ev("$pageview")], "properties": [{"key": "$browser", "operator": "near"}]},
            "properties",
        ),
        (
            {
                "series": [ev("$pageview")],
                "properties": [{"key": "$os", "operator": "regex", "value": "("}],
            },  # fmt: skip
            "properties",
        ),
    ],
)
def test_bad_input_is_a_validation_error(ctx, source, attr):
    with pytest.raises(DemoValidationError) as err:
        run(ctx, "TrendsQuery", **source)
    assert err.value.attr == attr


@pytest.mark.parametrize(
    "prop",
    [
        {"key": "seats", "value": "3", "type": "person"},  # numbers compare as numbers
        {"key": "is_verified", "value": "true", "type": "person"},  # booleans as JSON text
        {"key": "nps_score", "value": [3, 7], "operator": "between", "type": "person"},
        {"key": "plan", "value": [], "type": "person"},  # an empty list is no condition
    ],
)
def test_insight_person_filters_pick_the_persons_the_persons_api_picks(ctx, log, persons, prop):
    match = compile_filters([prop], now=DEMO_NOW)
    chosen = {p["uuid"] for p in persons if match(p["properties"])}
    signups = in_range(log, "signed up", pd.Timestamp("2025-01-01", tz="UTC"))
    expected = int(signups["person_id"].isin(chosen).sum())
    result = run(
        ctx,
        "TrendsQuery",
        series=[ev("signed up")],
        dateRange={"date_from": "all"},
        properties=[prop],
    )
    assert result[0]["count"] == expected
