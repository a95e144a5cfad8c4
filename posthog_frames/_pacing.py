"""Client-side pacing: stay under PostHog's per-key request limits instead of meeting 429s.

PostHog's throttles (DRF) count requests in a sliding window, so this limiter does the same: at
most ``max_calls`` sends in any ``period`` seconds, shared by all threads of one client.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """A thread-safe sliding-window limiter.

    Example:
        >>> limiter = RateLimiter(240, 60.0)
        >>> limiter.acquire()  # returns at once until 240 sends happened in the last minute
    """

    def __init__(
        self,
        max_calls: int,
        period: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_calls = max_calls
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a send is allowed; return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.period:
                    self._sent.popleft()
                if len(self._sent) < self.max_calls:
                    self._sent.append(now)
                    return waited
                pause = self.period - (now - self._sent[0])
            self._sleep(pause)
            waited += pause

    def refund(self) -> None:
        """Give back the newest slot: the send was answered from the cache, not by PostHog."""
        with self._lock:
            if self._sent:
                self._sent.pop()
