"""Faults on the wire, over real HTTP to the demo server: every one ends in the complete answer or
a typed error that names the endpoint and says what to do; none hangs or passes a partial body."""

from __future__ import annotations

import time

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve
from tests.reliability.helpers import closed_port, html_site, quiet

PERSONS = "/api/projects/1/persons/"


def by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("id", ignore_index=True)


@pytest.fixture(scope="module")
def clean_persons(demo_small) -> pd.DataFrame:
    return demo_small.client(cache=False).persons(page_size=40)


@pytest.fixture(scope="module")
def demo_small():
    with serve(persons=200, seed=3) as server:
        yield server


def test_connection_resets_mid_body_are_retried_then_server_error():
    with serve(persons=50, reset_rate=1.0) as demo:
        sleeps: list[float] = []
        client = quiet(demo.client(cache=False), sleeps)
        with pytest.raises(phf.ServerError) as err:
            client.get("persons/")
        retries = client.settings.max_retries
        assert demo.request_count == retries + 1
        assert demo.faults_injected["reset"] == retries + 1
        assert len(sleeps) == retries and max(sleeps) <= client.settings.backoff * 2**retries
        assert err.value.endpoint.endswith(PERSONS)
        assert "broke" in str(err.value) and "retry" in str(err.value)


@pytest.mark.parametrize(
    "fault, statuses, words",
    [
        ("error_rate", {500, 503}, ["try again in a minute"]),
        ("html_rate", {502}, ["HTML page ('502 Bad Gateway')", "proxy"]),
    ],
)
def test_persistent_5xx_end_in_server_error_after_bounded_retries(fault, statuses, words):
    with serve(persons=50, **{fault: 1.0}) as demo:
        client = quiet(demo.client(cache=False))
        with pytest.raises(phf.ServerError) as err:
            client.get("persons/")
    attempts = client.settings.max_retries + 1
    assert demo.request_count == attempts
    assert err.value.status in statuses
    message = str(err.value)
    assert f"after {attempts} attempts" in message and "<html>" not in message
    for word in words:
        assert word in message


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_mixed_faults_give_the_complete_frame_or_a_typed_error(seed, clean_persons):
    faults = {"error_rate": 0.15, "html_rate": 0.05, "reset_rate": 0.1, "truncate_rate": 0.1}
    with serve(persons=200, seed=3, **faults) as demo:
        demo.app.faults.__init__(demo.app.faults.settings, seed=seed)  # reseed the faults only
        client = quiet(demo.client(cache="memory"))
        try:
            frame = client.persons(page_size=40)
        except phf.PostHogError as err:  # allowed: a typed error naming what failed
            assert isinstance(err, phf.ServerError | phf.InvalidResponse)
            assert err.endpoint and "/api/projects/1/" in err.endpoint
            return
        injected = sum(demo.faults_injected.values())
    assert injected > 0, "no fault was injected: the scenario proves nothing"
    pd.testing.assert_frame_equal(by_id(frame), by_id(clean_persons))


def test_most_mixed_fault_runs_complete(clean_persons):
    completed = 0
    faults = {"error_rate": 0.15, "reset_rate": 0.1, "truncate_rate": 0.1}
    for seed in range(5):
        with serve(persons=200, seed=3, **faults) as demo:
            demo.app.faults.__init__(demo.app.faults.settings, seed=seed)
            try:
                frame = quiet(demo.client(cache=False)).persons(page_size=40)
            except (phf.ServerError, phf.InvalidResponse):
                continue
            pd.testing.assert_frame_equal(by_id(frame), by_id(clean_persons))
            completed += 1
    assert completed >= 3  # retries are doing their job, not just failing politely


def test_truncated_200_bodies_are_refetched_twice_then_invalid_response(tmp_path):
    with serve(persons=50, truncate_rate=1.0) as demo:
        client = quiet(demo.client(cache=tmp_path / "c.sqlite"))
        with pytest.raises(phf.InvalidResponse) as err:
            client.get("persons/")
        assert demo.request_count == 3  # the first answer and two more tries
        assert client.session.cache.responses.count() == 0  # nothing truncated was kept
    message = str(err.value)
    assert err.value.endpoint.endswith(PERSONS)
    assert "not valid JSON" in message and "cut short" in message and "retry" in message


def test_a_single_truncated_body_is_refetched_and_the_answer_is_complete():
    with serve(persons=30, seed=1) as demo:
        expected = demo.client(cache=False).get("persons/", limit=30)
        client = quiet(demo.client(cache="memory"))
        demo.configure(truncate_rate=1.0)
        original = client._transport._send

        def send_then_heal(*args, **kwargs):
            response = original(*args, **kwargs)
            demo.configure(truncate_rate=0.0)  # only the first answer is cut
            return response

        client._transport._send = send_then_heal
        assert client.get("persons/", limit=30) == expected
        assert demo.faults_injected["truncated"] == 1


def test_an_html_site_answering_200_is_invalid_response_naming_the_host():
    with html_site() as url:
        client = quiet(phf.Client("phx_" + "a" * 40, host=url, project_id=1, cache=False))
        with pytest.raises(phf.InvalidResponse) as err:
            client.me()
    message = str(err.value)
    assert "HTML page ('Sign in - Corp SSO')" in message
    assert "host=" in message and "/api/users/@me/" in message


def test_wrong_shaped_json_is_invalid_response_and_not_cached(tmp_path):
    with serve(persons=30, wrong_shape_rate=1.0) as demo:
        client = quiet(demo.client(cache=tmp_path / "c.sqlite"))
        with pytest.raises(phf.InvalidResponse) as err:
            client.persons()
        assert client.session.cache.responses.count() == 0
        assert demo.request_count == 1  # a wrong shape is not retried: PostHog would repeat it
        demo.configure(wrong_shape_rate=0.0)
        assert len(client.persons()) == 30  # the next call fetches afresh: nothing stale kept
    assert "expected a page" in str(err.value) and "['data']" in str(err.value)


def test_a_json_array_where_an_object_belongs_is_invalid_response():
    with serve(persons=10) as demo:
        client = quiet(demo.client(cache="memory"))
        client._transport.session.hooks["response"].append(_answer_with_array)
        with pytest.raises(phf.InvalidResponse, match="expected a JSON object, got list"):
            client.get("/api/users/@me/")
        assert len(client.session.cache.responses) == 0


def _answer_with_array(response, *args, **kwargs):
    response._content = b"[1, 2, 3]"
    return response


def test_slow_answers_raise_timeout_naming_the_endpoint_without_retrying():
    with serve(persons=10, latency=0.6) as demo:
        client = quiet(demo.client(cache=False, timeout=0.2))
        started = time.perf_counter()
        with pytest.raises(phf.Timeout) as err:
            client.get("persons/")
        elapsed = time.perf_counter() - started
        assert demo.request_count == 1
    assert elapsed < 0.6 + 0.5
    assert err.value.endpoint.endswith(PERSONS)
    assert PERSONS in str(err.value) and "did not answer within 0.2 s" in str(err.value)
    assert "timeout=" in str(err.value) and isinstance(err.value, TimeoutError)


def test_a_body_stalling_past_the_timeout_raises_timeout_not_a_connection_error():
    with serve(persons=50, slow_body=0.6) as demo:
        client = quiet(demo.client(cache="memory", timeout=0.2))
        with pytest.raises(phf.Timeout) as err:
            client.get("persons/")
        assert demo.request_count == 1
        assert len(client.session.cache.responses) == 0
    assert "stopped sending" in str(err.value) and "timeout=" in str(err.value)


def test_a_body_stalling_within_the_timeout_arrives_whole():
    with serve(persons=50, seed=2) as demo:
        expected = demo.client(cache=False).get("persons/")
        demo.configure(slow_body=0.2)
        assert demo.client(cache=False, timeout=2).get("persons/") == expected
        assert demo.faults_injected["slow_body"] == 1


def test_nothing_listening_is_a_server_error_saying_check_the_host_quickly():
    client = quiet(
        phf.Client(
            "phx_" + "b" * 40, host=f"http://127.0.0.1:{closed_port()}", project_id=1, cache=False
        )
    )
    started = time.perf_counter()
    with pytest.raises(phf.ServerError) as err:
        client.get("persons/")
    assert time.perf_counter() - started < 5  # urllib3's connect retries only, not ours on top
    assert "Could not connect" in str(err.value) and "Check host=" in str(err.value)


def test_https_to_a_plain_http_server_fails_at_once_naming_the_url_and_the_fix():
    # A host written without a scheme is taken as https; a plain-HTTP server then used to be
    # retried for 15 s and reported as a broken network, without the URL that was tried.
    with serve(port=0, persons=5) as demo:
        address = demo.url.removeprefix("http://")
        client = quiet(phf.Client(demo.api_key, host=f"https://{address}", cache=False))
        started = time.perf_counter()
        with pytest.raises(phf.ConfigurationError) as err:
            client.me()
        assert time.perf_counter() - started < 3
        # Written without a scheme, the loopback address is the local plain-HTTP server.
        assert phf.Client(demo.api_key, host=address, cache=False).me()["email"]
    message = str(err.value)
    assert f"https://{address}/api/users/@me/" in message
    assert f"host='http://{address}'" in message and "HTTPS" in message
    assert err.value.endpoint == f"https://{address}/api/users/@me/"
