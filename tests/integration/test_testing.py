"""The public testing helpers: a demo client for a block, and JSON builders for converters."""

from __future__ import annotations

import pandas as pd

import posthog_frames as phf
from posthog_frames.testing import demo_client, fake_person, fake_persons_page, fake_trends_result


def test_demo_client_serves_the_requested_persons():
    with demo_client(persons=37, seed=2) as client:
        frame = client.persons(progress=False)
    assert len(frame) == 37 and frame["id"].is_unique


def test_fake_builders_feed_the_converters():
    page = fake_persons_page([fake_person(1, {"plan": "pro"}), fake_person(2)], count=2)
    frame = phf.persons_frame(page)
    assert frame["id"].tolist() == [1, 2]
    assert frame["properties.plan"].iloc[0] == "pro" and pd.isna(frame["properties.plan"].iloc[1])
    trends = phf.trends_frame(fake_trends_result({"a": [1, 2, 3], "b": [0, 5, 0]}))
    assert trends.groupby("series")["value"].sum().to_dict() == {"a": 6, "b": 5}
    assert trends["date"].min() == pd.Timestamp("2025-01-01")
