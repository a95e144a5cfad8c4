"""phf.connect(), the notebooks' first cell: your project with a key, else the demo."""

from __future__ import annotations

import pytest

import posthog_frames as phf
from posthog_frames.client import notebook as _connect


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
