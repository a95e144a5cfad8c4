"""Host, key and project resolution: arguments, environment, and the errors for bad input."""

from __future__ import annotations

import pytest

from posthog_frames import Client, ConfigurationError
from posthog_frames._settings import resolve_host, resolve_key, resolve_project_id

KEY = "phx_" + "A1b2C3d4" * 5


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "https://us.posthog.com"),
        ("us", "https://us.posthog.com"),
        ("EU", "https://eu.posthog.com"),
        ("https://eu.posthog.com/", "https://eu.posthog.com"),
        ("https://posthog.example.com/api", "https://posthog.example.com"),
        ("posthog.example.com", "https://posthog.example.com"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_hosts_are_normalised(given, expected):
    assert resolve_host(given) == expected


@pytest.mark.parametrize("region", ["us", "eu"])
def test_ingestion_host_is_mapped_with_a_warning(region):
    with pytest.warns(UserWarning, match="ingestion host"):
        assert resolve_host(f"https://{region}.i.posthog.com") == f"https://{region}.posthog.com"


@pytest.mark.parametrize("bad", ["", "not a url", "ftp://x.example.com", "https://", 42])
def test_bad_hosts_raise_a_configuration_error(bad):
    with pytest.raises(ConfigurationError, match="host"):
        resolve_host(bad)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # Loopback without a scheme is a local server (the demo, a port-forward): plain HTTP.
        ("127.0.0.1:8011", "http://127.0.0.1:8011"),
        ("localhost:8000", "http://localhost:8000"),
        ("[::1]:8000", "http://[::1]:8000"),
        # Anything else without a scheme is taken as HTTPS; a plain-HTTP server then fails fast
        # with a message naming the URL and the fix (tests/reliability/test_transport_faults.py).
        ("posthog.internal:8000", "https://posthog.internal:8000"),
    ],
)
def test_a_host_without_a_scheme(given, expected):
    assert resolve_host(given) == expected


def test_host_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("POSTHOG_HOST", "eu")
    assert resolve_host(None) == "https://eu.posthog.com"


def test_missing_key_says_how_to_create_one():
    with pytest.raises(ConfigurationError) as err:
        resolve_key(None)
    message = str(err.value)
    assert "Personal API Keys" in message and "Account settings" in message
    for scope in ("insight:read", "person:read", "query:read"):
        assert scope in message


def test_project_token_is_refused_with_the_difference_explained():
    with pytest.raises(ConfigurationError, match="project token") as err:
        resolve_key("phc_" + "x" * 40)
    assert "phc_" + "x" * 40 not in str(err.value)


def test_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", KEY)
    assert resolve_key(None) == KEY


@pytest.mark.parametrize(("given", "expected"), [(None, None), (7, 7), ("12", 12), (" 3 ", 3)])
def test_project_ids(given, expected):
    assert resolve_project_id(given) == expected


@pytest.mark.parametrize("bad", ["abc", "1.5", -1, 0, True])
def test_bad_project_ids_raise(bad):
    with pytest.raises(ConfigurationError, match="project_id"):
        resolve_project_id(bad)


def test_repr_masks_the_key():
    client = Client(KEY, host="eu", project_id=5, cache=False)
    text = repr(client)
    assert KEY not in text
    assert "phx_…" + KEY[-4:] in text
    assert "https://eu.posthog.com" in text and "project_id=5" in text


def test_session_must_be_a_requests_session():
    with pytest.raises(ConfigurationError, match="requests.Session"):
        Client(KEY, session=object())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("240/minute", "must be a dict"),
        ({"sessions": [(10, 60)]}, "not an endpoint family"),
        ({"hogql": []}, "pairs"),
        ({"hogql": [(0, 60)]}, "pairs"),
        ({"hogql": [(10, 0)]}, "pairs"),
        ({"hogql": [(10,)]}, "pairs"),
    ],
)
def test_rate_limits_are_checked_when_the_client_is_made(bad, says) -> None:
    with pytest.raises(ConfigurationError, match=says):
        Client(KEY, rate_limits=bad)


def test_rate_limits_reach_the_pacer() -> None:
    client = Client(KEY, rate_limits={"hogql": [(240, 60), (2400, 3600)]}, cache=False)
    assert client._transport.pacer.limiters["hogql"].windows == ((230, 60.0), (2304, 3600.0))


def test_no_key_error_says_how_to_try_without_an_account() -> None:
    with pytest.raises(ConfigurationError) as err:
        resolve_key(None)
    assert "phf.connect()" in str(err.value) and "python -m posthog_frames.demo" in str(err.value)
