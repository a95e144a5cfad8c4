"""The public testing helpers and phf.connect(), the notebooks' first cell."""

from __future__ import annotations

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.client import notebook as _connect
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


@pytest.fixture
def no_key(monkeypatch):
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", "1")  # never prompt in tests


def test_connect_without_a_key_starts_the_demo_and_says_so(no_key, capsys):
    client = phf.connect()
    banner = capsys.readouterr().out
    assert "DEMO" in banner and "POSTHOG_PERSONAL_API_KEY" in banner
    assert client.me()["team"]["project_id"] == client.project_id
    assert _connect._DEMO.api_key not in banner
    # A second call reuses the same server.
    assert phf.connect(quiet=True).host == client.host


def test_connect_uses_the_environment_key(demo, monkeypatch, capsys):
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", demo.api_key)
    monkeypatch.setenv("POSTHOG_HOST", demo.url)
    client = phf.connect(cache="memory")
    out = capsys.readouterr().out
    assert demo.url in out and demo.api_key not in out
    assert client.project_id == demo.project_id


def test_connect_demo_false_without_a_key_explains_how_to_get_one(no_key):
    with pytest.raises(phf.ConfigurationError, match="Personal API Keys"):
        phf.connect(demo=False)
