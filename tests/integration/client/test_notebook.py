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


def test_connect_takes_the_key_host_and_project_as_arguments(demo, no_key, capsys):
    # The first thing to try after an error message says "pass api_key=" (was a TypeError).
    client = phf.connect(
        api_key=demo.api_key, host=demo.url, project_id=demo.project_id, cache="memory"
    )
    assert client.host == demo.url and client.project_id == demo.project_id
    out = capsys.readouterr().out
    assert out.startswith(f"Connected to {demo.url}") and demo.api_key not in out


def test_an_explicit_host_is_never_swapped_for_the_demo(no_key):
    # No key anywhere: the demo would silently answer instead of the PostHog that was named.
    with pytest.raises(phf.ConfigurationError, match=r"posthog\.example\.com.*key"):
        phf.connect(host="https://posthog.example.com")
    with pytest.raises(phf.ConfigurationError, match="key"):
        phf.connect(project_id=7)


def test_demo_true_refuses_a_key_or_host_of_another_posthog(demo, no_key):
    with pytest.raises(phf.ConfigurationError, match="demo=True"):
        phf.connect(demo=True, host=demo.url)


def test_connect_with_a_key_checks_it_and_names_the_project(demo, monkeypatch, capsys):
    monkeypatch.delenv("POSTHOG_FRAMES_DEMO", raising=False)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", demo.api_key)
    monkeypatch.setenv("POSTHOG_HOST", demo.url)
    client = phf.connect(cache="memory")
    out = capsys.readouterr().out
    me = client.me()
    team = me["team"]
    assert f"project {client.project_id}" in out and team["name"] in out
    assert f"as {me['email']}" in out and demo.api_key not in out
    monkeypatch.setenv("POSTHOG_FRAMES_DEMO", "1")
    phf.connect(cache="memory")
    assert "the demo project served by `make demo`" in capsys.readouterr().out
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_wrong_key_for_this_test")
    with pytest.raises(phf.AuthenticationError):
        phf.connect(cache="memory")


def test_demo_banner_is_unchanged(monkeypatch, capsys):
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", "1")
    phf.connect()
    assert capsys.readouterr().out.startswith("No PostHog key found: using the built-in DEMO")
    assert _connect._DEMO is not None
