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
        >>> limiter.acquire()  # no wait until 240 sends happened in the last minute
        0.0
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
        return self.acquire_slot()[1]

    def acquire_slot(self) -> tuple[float, float]:
        """Block until a send is allowed; return its slot (for :meth:`refund`) and the wait.

        Example:
            >>> slot, waited = RateLimiter(2, 60.0).acquire_slot()
            >>> waited
            0.0
        """
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.period:
                    self._sent.popleft()
                if len(self._sent) < self.max_calls:
                    self._sent.append(now)
                    return now, waited
                pause = self.period - (now - self._sent[0])
            self._sleep(pause)
            waited += pause

    def refund(self, slot: float | None = None) -> None:
        """Give back *slot* (default: the newest): that send was answered from the cache.

        Threads share the window, so the newest slot may be another thread's real send; giving
        back that one instead would let it expire early and admit one send too many.

        Example:
            >>> limiter = RateLimiter(1, 60.0)
            >>> slot, _ = limiter.acquire_slot()
            >>> limiter.refund(slot)         # the send was a cache hit: its place is free again
            >>> limiter.acquire()
            0.0
        """
        with self._lock:
            if slot is None:
                if self._sent:
                    self._sent.pop()
                return
            try:
                self._sent.remove(slot)
            except ValueError:  # already out of the window
                pass
