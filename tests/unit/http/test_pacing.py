"""The sliding-window limiter paces sends like PostHog's throttle counts them."""

from __future__ import annotations

import threading

from posthog_frames.http.pacing import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_allows_a_burst_up_to_the_limit_then_waits_for_the_oldest_slot():
    clock = FakeClock()
    limiter = RateLimiter(3, 60.0, clock=clock, sleep=clock.sleep)
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
    limiter = RateLimiter(5, 10.0, clock=clock, sleep=clock.sleep)
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
    limiter = RateLimiter(1, 60.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.refund()
    assert limiter.acquire() == 0.0


def test_threads_share_one_budget():
    limiter = RateLimiter(50, 3600.0)
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
    assert len(limiter._sent) == 50


def test_refund_gives_back_the_slot_of_the_cache_hit_not_a_later_real_send():
    clock = FakeClock()
    limiter = RateLimiter(2, 60.0, clock=clock, sleep=clock.sleep)
    cached, _ = limiter.acquire_slot()  # t=0: this send will be answered from the cache
    clock.now = 10.0
    limiter.acquire_slot()  # t=10: another thread's real send
    limiter.refund(cached)
    limiter.acquire_slot()  # t=10: takes the freed slot
    # The real send of t=10 still counts until t=70: a third send waits for it.
    assert limiter.acquire() == 60.0 and clock.now == 70.0
