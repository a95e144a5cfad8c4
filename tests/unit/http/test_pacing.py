"""The sliding-window limiter paces sends like PostHog's throttle counts them."""

from __future__ import annotations

import threading

import pytest

from posthog_frames.http.pacing import (
    RATE_LIMITS,
    Pacer,
    RateLimiter,
    describe_budget,
    shared_pacer,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_allows_a_burst_up_to_the_limit_then_waits_for_the_oldest_slot():
    clock = FakeClock()
    limiter = RateLimiter((3, 60.0), clock=clock, sleep=clock.sleep)
    waits = []
    for _ in range(3):
        waits.append(limiter.acquire())
        clock.now += 1.0
    assert waits == [0.0, 0.0, 0.0]
    # The fourth send must wait until the first one leaves the 60 s window.
    assert limiter.acquire() == 57.0
    assert clock.now == 60.0


def test_never_more_than_max_calls_in_any_window():
    clock = FakeClock()
    limiter = RateLimiter((5, 10.0), clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(23):
        limiter.acquire()
        times.append(clock.now)
        clock.now += 0.5
    for i, start in enumerate(times):
        in_window = [t for t in times[i:] if t - start < 10.0]
        assert len(in_window) <= 5


def test_refund_frees_the_slot_of_a_cache_hit():
    clock = FakeClock()
    limiter = RateLimiter((1, 60.0), clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.refund()
    assert limiter.acquire() == 0.0


def test_threads_share_one_budget():
    limiter = RateLimiter((50, 3600.0))
    granted = []
    lock = threading.Lock()

    def worker():
        for _ in range(10):
            limiter.acquire()
            with lock:
                granted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 50
    assert [len(sent) for sent in limiter._sent] == [50]


def test_refund_gives_back_the_slot_of_the_cache_hit_not_a_later_real_send():
    clock = FakeClock()
    limiter = RateLimiter((2, 60.0), clock=clock, sleep=clock.sleep)
    cached, _ = limiter.acquire_slot()  # t=0: this send will be answered from the cache
    clock.now = 10.0
    limiter.acquire_slot()  # t=10: another thread's real send
    limiter.refund(cached)
    limiter.acquire_slot()  # t=10: takes the freed slot
    # The real send of t=10 still counts until t=70: a third send waits for it.
    assert limiter.acquire() == 60.0 and clock.now == 70.0


def test_every_window_holds_an_hour_budget_waits_past_the_minute_one():
    clock = FakeClock()
    limiter = RateLimiter((3, 60.0), (4, 3600.0), clock=clock, sleep=clock.sleep)
    for _ in range(3):
        assert limiter.acquire() == 0.0
    assert limiter.acquire() == 60.0  # the minute window is full: wait for its oldest send
    # Four sends in the hour: the fifth waits for the first to leave the hour window.
    assert limiter.acquire() == 3540.0 and clock.now == 3600.0


def test_waits_are_announced_before_they_start():
    clock = FakeClock()
    heard = []
    limiter = RateLimiter((1, 60.0), clock=clock, sleep=clock.sleep, on_wait=heard.append)
    limiter.acquire()
    clock.now = 10.0
    limiter.acquire()
    assert heard == [50.0]


@pytest.mark.parametrize(
    ("method", "path", "body", "family"),
    [
        ("GET", "/api/projects/1/insights/7/", None, "insights"),
        ("GET", "/api/environments/1/insights/", None, "insights"),
        ("GET", "/api/projects/1/persons/?limit=5", None, "persons"),
        ("GET", "/api/projects/1/persons/values/", None, "persons"),
        ("POST", "/api/projects/1/query/", {"query": {"kind": "HogQLQuery"}}, "hogql"),
        ("POST", "/api/projects/1/query/", {"query": {"kind": "TrendsQuery"}}, "query"),
        ("GET", "/api/projects/1/query/abc/", None, "query"),
        ("GET", "/api/users/@me/", None, "default"),
        ("GET", "/api/projects/1/property_definitions/", None, "default"),
    ],
)
def test_each_request_counts_against_its_endpoints_budget(method, path, body, family):
    assert Pacer().family(method, "https://us.posthog.com" + path, body) == family


def test_budgets_are_posthogs_at_96_percent_and_can_be_changed_per_family():
    pacer = Pacer({"hogql": [(240, 60), (2400, 3600)]})
    assert pacer.limiters["hogql"].windows == ((230, 60.0), (2304, 3600.0))
    assert pacer.limiters["insights"].windows == ((230, 60.0), (1152, 3600.0))
    assert pacer.limiters["persons"].windows == ((230, 60.0),)
    assert pacer.limiters["default"].windows == ((460, 60.0), (4608, 3600.0))
    assert set(RATE_LIMITS) == set(pacer.limiters)


def test_a_wait_is_told_to_the_request_that_waits():
    clock = FakeClock()
    heard = []
    limiter = Pacer(per_minute=1, clock=clock, sleep=clock.sleep).limiter("GET", "https://h/")
    limiter.acquire_slot(heard.append)
    assert heard == []
    limiter.acquire_slot(heard.append)
    assert heard == [60.0]


def test_clients_of_one_key_share_a_pacer():
    assert shared_pacer("key-a") is shared_pacer("key-a")
    assert shared_pacer("key-a") is not shared_pacer("key-b")
    assert shared_pacer("key-a") is not shared_pacer("key-a", per_minute=10)


def test_budgets_in_words():
    assert describe_budget(RATE_LIMITS["insights"]) == "240 requests a minute and 1,200 an hour"
    assert describe_budget(RATE_LIMITS["hogql"]) == "120 requests an hour"


def test_endpoints_that_share_a_posthog_scope_share_its_budget():
    # Insights and persons both count against PostHog's clickhouse_burst scope (240 a minute).
    clock = FakeClock()
    pacer = Pacer(per_minute=2, clock=clock, sleep=clock.sleep)
    insights = pacer.limiter("GET", "https://h/api/projects/1/insights/1/")
    persons = pacer.limiter("GET", "https://h/api/projects/1/persons/")
    me = pacer.limiter("GET", "https://h/api/users/@me/")
    assert insights.acquire() == 0.0 and persons.acquire() == 0.0
    assert me.acquire() == 0.0  # another scope: not held up
    assert persons.acquire() == 60.0


def test_a_family_given_its_own_budget_stops_sharing():
    clock = FakeClock()
    pacer = Pacer({"persons": [(100, 60)]}, per_minute=2, clock=clock, sleep=clock.sleep)
    insights = pacer.limiter("GET", "https://h/api/projects/1/insights/1/")
    persons = pacer.limiter("GET", "https://h/api/projects/1/persons/")
    insights.acquire()
    insights.acquire()
    assert persons.acquire() == 0.0 and persons.windows == ((2, 60.0),)
