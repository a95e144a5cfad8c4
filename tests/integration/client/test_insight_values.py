"""Every demo insight read through the client agrees with the demo's event log.

Expected values are recomputed here from the demo's own event log (the InsightStore's
``context().events``) with plain pandas, never taken from the converters under test.
"""

from __future__ import annotations

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.saved_insights import build_saved_insights

NOW = pd.Timestamp(DEMO_NOW)


LAST_30D = pd.Timestamp("2025-03-01", tz="UTC")  # "-30d" from the demo clock, day start


SAVED = {i.name: i for i in build_saved_insights(DEMO_NOW)}


def ident(name: str) -> int:
    return SAVED[name].id


@pytest.fixture(scope="module")
def log(demo) -> pd.DataFrame:
    """The demo's event log, with a naive UTC ``day`` column (the demo project is in UTC)."""
    events = demo.app.insight_store().context().events
    return events.assign(day=events["timestamp"].dt.tz_convert(None).dt.floor("D"))


@pytest.fixture(scope="module")
def person_props(demo) -> pd.DataFrame:
    return demo.app.insight_store().context().persons


def pick(log: pd.DataFrame, event: str, start: pd.Timestamp = LAST_30D) -> pd.DataFrame:
    return log[(log["event"] == event) & (log["timestamp"] >= start)]


def series_values(frame: pd.DataFrame, series: str) -> pd.Series:
    rows = frame[frame["series"] == series]
    return pd.Series(rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["date"]))


def per_day(counts: pd.Series, days: pd.DatetimeIndex) -> list[int]:
    return counts.reindex(days, fill_value=0).astype(int).tolist()


def best_attempts(log: pd.DataFrame, steps: list[str], window: pd.Timedelta, by=None):
    """Per (person, by) the furthest ordered attempt, earliest start on ties: (reached, seconds)."""
    times = {s: log[log["event"] == s].groupby("person_id")["timestamp"].apply(list) for s in steps}
    best: dict = {}
    for row in pick(log, steps[0]).itertuples():
        start = t = row.timestamp
        reached = 1
        for step in steps[1:]:
            later = [x for x in times[step].get(row.person_id, []) if t <= x <= start + window]
            if not later:
                break
            t, reached = min(later), reached + 1
        key = (row.person_id, getattr(row, by) if by else None)
        if key not in best or reached > best[key][0]:
            best[key] = (reached, (t - start).total_seconds(), start)
    return best


@pytest.mark.parametrize("name", list(SAVED))
def test_every_insight_converts_with_metadata(client, name):
    saved = SAVED[name]
    insight = client.insight(saved.short_id)
    frame = insight.frame()
    assert len(frame) > 0 and insight.name == name
    assert insight.kind == saved.kind.lower() == frame.attrs["kind"]
    assert (frame.attrs["name"], frame.attrs["id"]) == (name, saved.id)
    assert frame.attrs["short_id"] == saved.short_id and frame.attrs["timezone"] == "UTC"
    assert frame.attrs["last_refresh"] == insight.raw["last_refresh"] is not None
    assert frame.attrs["is_cached"] is insight.raw["is_cached"]
    assert frame.attrs["query"] == saved.query
    if saved.filters:
        assert frame.attrs["filters"] == saved.filters
    pd.testing.assert_frame_equal(client.insight_frame(saved.id), frame)


def test_trends_lines_are_daily_counts(client, log):
    frame = client.insight_frame(ident("Daily traffic and signups"))
    days = pd.date_range("2025-03-01", "2025-03-31", freq="D")
    views = pick(log, "$pageview")
    expected = {
        "Pageviews": views.groupby("day").size(),
        "Daily visitors": views.groupby("day")["person_id"].nunique(),
        "signed up": pick(log, "signed up").groupby("day").size(),
    }
    for series, counts in expected.items():
        got = series_values(frame, series)
        assert list(got.index) == list(days) and got.tolist() == per_day(counts, days)


def test_trends_breakdown_by_browser(client, log):
    frame = client.insight_frame(ident("Pageviews by browser"))
    views = pick(log, "$pageview", pd.Timestamp("2025-03-17", tz="UTC"))
    expected = views.groupby(["$browser", "day"]).size()
    assert set(frame["breakdown_value"]) == set(views["$browser"])
    for browser, rows in frame.groupby("breakdown_value"):
        days = pd.DatetimeIndex(rows["date"])
        assert rows["value"].tolist() == per_day(expected[browser], days)


def test_bold_number_counts_unique_signups(client, log):
    frame = client.insight_frame(ident("Signups this week"))
    signups = pick(log, "signed up", pd.Timestamp("2025-03-24", tz="UTC"))
    assert frame["value"].tolist() == [signups["person_id"].nunique()]


def test_compare_has_current_and_previous_revenue(client, log):
    frame = client.insight_frame(ident("Revenue vs previous period"))
    start = pd.Timestamp("2025-03-17", tz="UTC")  # -14d; the previous period is as long
    purchases = log[log["event"] == "purchased"]
    for label, begin, end in (("current", start, NOW), ("previous", start - (NOW - start), start)):
        inside = purchases[(purchases["timestamp"] >= begin) & (purchases["timestamp"] < end)]
        days = pd.date_range(begin.tz_convert(None).floor("D"), periods=15, freq="D")
        rows = frame[frame["compare_label"] == label]
        assert list(rows["date"]) == list(days)
        daily = inside.groupby("day")["revenue"].sum().reindex(days, fill_value=0)
        assert rows["value"].tolist() == pytest.approx(daily.round(2).tolist())


def test_pie_by_person_os(client, log, person_props):
    frame = client.insight_frame(ident("Pageviews by operating system"))
    views = pick(log, "$pageview")
    os_of = views["person_id"].map(person_props["$initial_os"])
    assert dict(zip(frame["breakdown_value"], frame["value"], strict=True)) == (
        os_of.value_counts().to_dict()
    )


def test_purchase_funnel_matches_an_ordered_recount(client, log):
    steps = ["signed up", "viewed product", "added to cart", "purchased"]
    best = best_attempts(log, steps, pd.Timedelta(days=14))
    frame = client.insight_frame(ident("Purchase funnel"))
    assert frame["name"].tolist() == steps
    expected = [sum(r >= k for r, *_ in best.values()) for k in range(1, 5)]
    assert frame["count"].tolist() == expected and expected == sorted(expected, reverse=True)


def test_checkout_funnel_per_browser(client, log):
    steps = ["viewed product", "added to cart", "purchased"]
    log = log.rename(columns={"$browser": "browser"})
    best = best_attempts(log, steps, pd.Timedelta(days=14), by="browser")
    frame = client.insight_frame(ident("Checkout funnel by browser"))
    for browser, rows in frame.groupby("breakdown_value"):
        mine = [r for (_, b), (r, *_) in best.items() if b == browser]
        assert rows["count"].tolist() == [sum(r >= k for r in mine) for k in (1, 2, 3)]


def test_time_to_convert_bins_hold_every_converter(client, log):
    steps = ["viewed product", "added to cart", "purchased"]
    best = best_attempts(log, steps, pd.Timedelta(days=14))
    done = [secs for reached, secs, _ in best.values() if reached == 3]
    frame = client.insight_frame(ident("Time to purchase"))
    assert frame["count"].sum() == len(done)
    assert frame.attrs["average_conversion_time"] == pytest.approx(sum(done) / len(done), abs=0.01)


def test_funnel_conversion_trend_per_day(client, log):
    steps = ["viewed product", "added to cart", "purchased"]
    log = log.assign(start_day=log["day"])
    best = best_attempts(log, steps, pd.Timedelta(days=14), by="start_day")
    frame = client.insight_frame(ident("Cart conversion trend"))
    for day, rate in zip(frame["date"], frame["conversion_rate"], strict=True):
        entered = [r for (_, d), (r, *_) in best.items() if d == day]
        assert rate == pytest.approx(sum(r == 3 for r in entered) / len(entered), abs=1e-4)


def test_retention_cohorts_are_first_signups_per_week(client, log):
    week = log["day"].dt.to_period("W-SAT").dt.start_time  # weeks start on Sunday
    log = log.assign(week=week)
    first = log[log["event"] == "signed up"].groupby("person_id")["week"].min()
    frame = client.insight_frame(ident("Weekly retention after signup"))
    assert frame.index.max() == pd.Timestamp("2025-03-30") and len(frame) == 11
    sizes = first.value_counts()
    assert frame[0].tolist() == [sizes.get(c, 0) for c in frame.index]
    views = log[log["event"] == "$pageview"].groupby("person_id")["week"].agg(set)
    back = [
        sum(c + pd.Timedelta(weeks=1) in views.get(p, set()) for p in first[first == c].index)
        for c in frame.index[:-1]
    ]
    assert frame[1].iloc[:-1].tolist() == back


def test_paths_first_links_match_session_starts(client, log):
    views = pick(log, "$pageview").sort_values(["person_id", "timestamp"], kind="stable")
    links: dict[tuple[str, str], int] = {}
    for _, rows in views.groupby("person_id"):
        session: list[str] = []
        previous = None
        for ts, url in zip(rows["timestamp"], rows["$current_url"], strict=True):
            if previous is not None and ts - previous >= pd.Timedelta(minutes=30):
                session = []
            previous = ts
            if session[-1:] != [url]:
                session.append(url)
                if len(session) == 2:
                    pair = (f"1_{session[0]}", f"2_{session[1]}")
                    links[pair] = links.get(pair, 0) + 1
    frame = client.insight_frame(ident("Journeys through the shop"))
    first = frame[frame["source_step"] == 1]
    assert len(first) > 0
    for source, target, value in zip(first["source"], first["target"], first["value"], strict=True):
        assert value == links[(source, target)]


def test_stickiness_counts_persons_by_active_days(client, log):
    days = pick(log, "$pageview").groupby("person_id")["day"].nunique()
    frame = client.insight_frame(ident("How sticky is the site"))
    assert frame["days"].tolist() == list(range(1, 32))
    assert frame["value"].tolist() == [int((days == k).sum()) for k in range(1, 32)]


def test_lifecycle_statuses_add_up_to_active_persons(client, log):
    views = log[log["event"] == "$pageview"]
    active = views.groupby("day")["person_id"].agg(set)
    first = views.groupby("person_id")["day"].min().value_counts()
    frame = client.insight_frame(ident("Visitor lifecycle")).pivot(
        index="date", columns="status", values="value"
    )
    for day, row in frame.iterrows():
        now, before = active.get(day, set()), active.get(day - pd.Timedelta(days=1), set())
        assert row["new"] + row["returning"] + row["resurrecting"] == len(now)
        assert (row["new"], row["dormant"]) == (first.get(day, 0), -len(before - now))


def test_sql_rows_are_value_counts(client, log):
    frame = client.insight_frame(ident("Pageviews per browser (SQL)"))
    counts = log.loc[log["event"] == "$pageview", "$browser"].value_counts()
    assert dict(zip(frame["browser"], frame["pageviews"], strict=True)) == counts.to_dict()


def test_weekly_breakdown_sums_to_unique_signups(client, log):
    frame = client.insight_frame(ident("Draft: weekly signups by plan"))
    signups = pick(log, "signed up", pd.Timestamp("2025-02-03", tz="UTC"))
    weeks = signups["day"].dt.to_period("W-SAT").dt.start_time
    expected = signups.groupby(weeks)["person_id"].nunique()
    totals = frame.groupby("date")["value"].sum()
    assert totals.tolist() == per_day(expected, pd.DatetimeIndex(totals.index))


def test_property_and_date_to_override(client, log, person_props):
    key = ident("Daily traffic and signups")
    windows = person_props.index[person_props["$initial_os"] == "Windows"]
    only = phf.PropertyFilter("$initial_os", ["Windows"])
    frame = client.insight_frame(
        key, properties=[only], date_from="2025-03-10", date_to="2025-03-20"
    )
    days = pd.date_range("2025-03-10", "2025-03-20", freq="D")
    views = pick(log, "$pageview")
    counts = views[views["person_id"].isin(windows)].groupby("day").size()
    assert series_values(frame, "Pageviews").tolist() == per_day(counts, days)
