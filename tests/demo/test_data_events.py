"""The demo's event log (``data.events``): deterministic, inside the demo period, with weekday
and launch rhythms.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from posthog_frames.demo import serve
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.events import generate_events
from posthog_frames.demo.data.persons import generate_persons


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


def test_product_is_missing_where_no_product_is_involved(log):
    # On pandas 2, a "str" array writes the text 'None' into gaps; the log must hold no such
    # product, or every page event would carry "product": "None".
    product = log["product"]
    involved = log["event"].isin(["viewed product", "added to cart"])
    assert product[involved].notna().all() and product[~involved].isna().all()
    assert "None" not in set(product.dropna())


def test_no_events_after_now_for_an_earlier_clock(persons):
    early = datetime(2025, 2, 1, tzinfo=UTC)
    events = generate_events(persons, seed=3, now=early)
    assert events["timestamp"].max() <= pd.Timestamp(early)


def test_coarser_timestamps_keep_the_events_and_make_ties():
    persons = generate_persons(200, seed=2)
    fine = generate_events(persons, seed=2)
    coarse = generate_events(persons, seed=2, resolution="min")
    assert coarse["uuid"].tolist() == fine["uuid"].tolist()
    assert (coarse["timestamp"] == fine["timestamp"].dt.floor("min")).all()
    assert fine["timestamp"].duplicated().sum() < coarse["timestamp"].duplicated().sum()
    with pytest.raises(ValueError, match="timestamp_resolution"):
        serve(timestamp_resolution="hour")
