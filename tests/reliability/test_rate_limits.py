"""429 storms and client-side pacing, on a fake clock shared by the demo's throttle and the
client's limiter: a minute of PostHog's sliding window passes in no real time."""

from __future__ import annotations

import pytest

import posthog_frames as phf
from posthog_frames.demo import serve
from posthog_frames.demo.faults import ManualClock
from posthog_frames.http.pacing import Pacer
from tests.reliability.helpers import share_clock

SERVER_LIMIT = 24  # the demo's requests per minute per key


def pull(per_minute: int, persons: int = 300) -> tuple[object, ManualClock, object]:
    """Pull every person in pages of 10 (31+ requests) through a client paced at *per_minute*."""
    clock = ManualClock()
    with serve(persons=persons, rate_limit=SERVER_LIMIT) as demo:
        client = demo.client(cache=False, page_size=10)
        share_clock(demo, client, clock, per_minute)
        frame = client.persons()
        assert sorted(frame["id"]) == sorted(p["uuid"] for p in demo.data.persons)
        return frame, clock, demo.faults_injected


def test_pacing_below_the_servers_limit_never_meets_a_429():
    # 4 requests may be in flight at once (fetch-ahead), so pace 4 under the server's limit.
    frame, clock, injected = pull(per_minute=SERVER_LIMIT - 4)
    assert len(frame) == 300
    assert injected.get("throttled", 0) == 0
    assert clock.now - 1000.0 >= 60  # 31 requests at 20 a minute: the limiter did wait


def test_pacing_above_the_servers_limit_meets_429s_and_honours_their_waits():
    frame, clock, injected = pull(per_minute=1000)
    assert len(frame) == 300  # complete despite the storm
    assert injected["throttled"] > 0
    assert max(clock.slept) <= 60  # each wait is the one PostHog announced


def test_a_short_announced_wait_is_slept_exactly_once():
    clock = ManualClock()
    with serve(persons=10, rate_limit=3) as demo:
        client = demo.client(cache=False)
        share_clock(demo, client, clock, per_minute=1000)
        for _ in range(3):
            client.get("/api/users/@me/")
        clock.advance(57)
        clock.slept.clear()
        assert client.get("/api/users/@me/")["email"]
    assert clock.slept == [3.0]  # "Expected available in 3 seconds." and not a second more


def test_a_long_announced_wait_raises_rate_limited_with_the_wait():
    clock = ManualClock()
    with serve(persons=10, rate_limit=1) as demo:
        client = demo.client(cache=False, max_wait=10)
        share_clock(demo, client, clock, per_minute=1000)
        client.get("/api/users/@me/")
        with pytest.raises(phf.RateLimited) as err:
            client.get("/api/users/@me/")
    assert clock.slept == []
    assert err.value.retry_after == 60
    assert err.value.status == 429 and err.value.code == "throttled"
    assert "try again in 60 s" in str(err.value) and "max_wait" in str(err.value)


def test_a_storm_that_outlasts_the_retries_raises_with_the_total_wait_bounded():
    # The clock never moves: PostHog keeps announcing a wait that never runs out.
    with serve(persons=10, rate_limit=1) as demo:
        client = demo.client(cache=False)
        slept: list[float] = []
        client._transport.sleep_with = slept.append
        client.get("/api/users/@me/")
        with pytest.raises(phf.RateLimited) as err:
            client.get("/api/users/@me/")
    retries = client.settings.max_retries
    assert len(slept) == retries
    assert sum(slept) <= retries * client.settings.max_wait
    assert "kept throttling" in str(err.value)


def test_requests_per_minute_is_validated_and_caps_every_minute_window(demo):
    client = demo.client(cache=False, requests_per_minute=30)
    limiters = client._transport.pacer.limiters
    assert limiters["insights"].windows == ((30, 60.0), (1152, 3600.0))
    assert limiters["hogql"].windows == ((115, 3600.0),)  # no minute window to cap
    with pytest.raises(phf.ConfigurationError, match="requests_per_minute"):
        demo.client(requests_per_minute=0)


def test_cache_hits_do_not_use_up_the_rate(demo):
    clock = ManualClock()
    client = demo.client(cache="memory")
    client._transport.pacer = Pacer(per_minute=2, clock=clock, sleep=clock.sleep)
    first = client.get("persons/", limit=3)
    for _ in range(20):
        assert client.get("persons/", limit=3) == first
    assert clock.slept == []  # twenty cache hits, no pacing wait
    client.get("persons/", limit=4)
    client.get("persons/", limit=5)  # the third real request in a minute must wait
    assert clock.slept and sum(clock.slept) == pytest.approx(60.0)


def test_a_pull_needing_more_than_an_hours_insight_budget_meets_no_429():
    # PostHog: insights 240 a minute and 1,200 an hour per key (posthog/rate_limit.py), which
    # the demo enforces; the client paces at 96% of both, so 1,300 fresh insight reads need
    # more than an hour of the shared fake clock, and not one is refused.
    clock = ManualClock()
    with serve(persons=20) as demo:
        client = demo.client(cache=False)
        share_clock(demo, client, clock, per_minute=None)
        started = clock.now
        names = {client.insight(1 + n % 14, refresh="force_cache").name for n in range(1300)}
        refusals = demo.budget_refusals
    assert len(names) == 14 and refusals == {}
    assert clock.now - started >= 3600  # the hour window made the client wait
    assert max(clock.slept) > 60  # for the hour window, not only the minute one


def test_the_demo_throttles_an_unpaced_client_with_retry_after_and_it_waits():
    clock = ManualClock()
    with serve(persons=20) as demo:
        own = {"insights": [(10_000, 60)]}  # a client paced far above PostHog's budget
        client = demo.client(cache=False, rate_limits=own)
        share_clock(demo, client, clock, per_minute=None, budgets=own)
        for n in range(260):
            client.insight(1 + n % 14, refresh="force_cache")
        refusals = demo.budget_refusals
        throttled = [path for _, path, _ in demo.request_log]
    assert refusals == {"insights": 1}  # the 241st read in the minute: then it waited
    assert len(throttled) == 261 and 55 <= max(clock.slept) <= 60  # the announced wait


def test_a_long_wait_for_the_budget_shows_in_the_progress_bar(capsys, monkeypatch):
    monkeypatch.delenv("POSTHOG_FRAMES_PROGRESS", raising=False)
    clock = ManualClock()
    with serve(persons=300) as demo:
        client = demo.client(cache=False, concurrency=1)
        share_clock(demo, client, clock, per_minute=5)
        frame = client.persons(page_size=10, progress=True)
    assert len(frame) == 300
    shown = capsys.readouterr().err
    assert "waiting for PostHog's persons budget until" in shown
