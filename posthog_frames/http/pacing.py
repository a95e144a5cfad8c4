"""Client-side pacing: stay under PostHog's per-key budgets instead of meeting 429s.

PostHog throttles requests made with a personal API key per hashed key and per endpoint family,
each with a per-minute and often a per-hour window (``posthog/rate_limit.py``; reference §9).
DRF counts requests in sliding windows, so the :class:`RateLimiter` here does the same for every
window of a family at once; :class:`Pacer` picks the family of each request. Each budget is
paced at 96% of PostHog's number, so requests still in flight and clock skew never reach it.

Example:
    >>> Pacer(RATE_LIMITS).family("POST", "https://us.posthog.com/api/projects/1/query/",
    ...                           {"query": {"kind": "HogQLQuery", "query": "select 1"}})
    'hogql'
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

__all__ = ["RATE_LIMITS", "Pacer", "RateLimiter", "Window", "describe_budget"]

Window = tuple[int, float]  # at most this many requests in any this many seconds

# PostHog's throttles for personal API keys (posthog/rate_limit.py, posthog/api/query.py).
RATE_LIMITS: Mapping[str, tuple[Window, ...]] = {
    # InsightViewSet: ClickHouseBurstRateThrottle + ClickHouseSustainedRateThrottle.
    "insights": ((240, 60.0), (1200, 3600.0)),
    # PersonViewSet, reads with a personal key: ClickHouseBurstRateThrottle only.
    "persons": ((240, 60.0),),
    # QueryViewSet, a HogQLQuery: HogQLQueryThrottle (teams on the API-queries budget get
    # 240/minute + 2,400/hour: Client(rate_limits={"hogql": [(240, 60), (2400, 3600)]})).
    "hogql": ((120, 3600.0),),
    # QueryViewSet, other query kinds and polling: the ClickHouse pair.
    "query": ((240, 60.0), (1200, 3600.0)),
    # Everything else: BurstRateThrottle + SustainedRateThrottle.
    "default": ((480, 60.0), (4800, 3600.0)),
}
SHARE = 0.96  # of each PostHog budget the client uses
_PROJECT_PATH = re.compile(r"^/api/(?:projects|environments)/[^/]+/(?P<rest>.*)$")


class RateLimiter:
    """Sliding windows shared by all threads: at most *n* sends in any *p* seconds, for every
    ``(n, p)`` window given.

    Example:
        >>> limiter = RateLimiter((240, 60.0), (1200, 3600.0))
        >>> limiter.acquire()  # no wait until 240 sends in a minute or 1,200 in an hour
        0.0
    """

    def __init__(
        self,
        *windows: Window,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        if not windows:
            raise ValueError("RateLimiter needs at least one (requests, seconds) window")
        self.windows = tuple((int(n), float(p)) for n, p in windows)
        self.on_wait = on_wait
        self._clock = clock
        self._sleep = sleep
        self._sent: list[deque[float]] = [deque() for _ in self.windows]
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a send is allowed; return the seconds waited."""
        return self.acquire_slot()[1]

    def acquire_slot(self) -> tuple[float, float]:
        """Block until a send is allowed in every window; return its slot and the wait.

        Example:
            >>> slot, waited = RateLimiter((2, 60.0)).acquire_slot()
            >>> waited
            0.0
        """
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                pause = 0.0
                for (limit, period), sent in zip(self.windows, self._sent, strict=True):
                    while sent and now - sent[0] >= period:
                        sent.popleft()
                    if len(sent) >= limit:
                        # Wait until enough of the oldest sends leave this window.
                        pause = max(pause, period - (now - sent[len(sent) - limit]))
                if pause <= 0:
                    for sent in self._sent:
                        sent.append(now)
                    return now, waited
            if self.on_wait is not None:
                self.on_wait(pause)
            self._sleep(pause)
            waited += pause

    def refund(self, slot: float | None = None) -> None:
        """Give back *slot* (default: the newest): that send was answered from the cache.

        Threads share the windows, so the newest slot may be another thread's real send; giving
        back that one instead would let it expire early and admit one send too many.

        Example:
            >>> limiter = RateLimiter((1, 60.0))
            >>> slot, _ = limiter.acquire_slot()
            >>> limiter.refund(slot)         # the send was a cache hit: its place is free again
            >>> limiter.acquire()
            0.0
        """
        with self._lock:
            for sent in self._sent:
                if slot is None:
                    if sent:
                        sent.pop()
                    continue
                try:
                    sent.remove(slot)
                except ValueError:  # already out of the window
                    pass


class Pacer:
    """One :class:`RateLimiter` per endpoint family, with PostHog's budgets (96% of each).

    *budgets* maps a family to its windows (defaults: :data:`RATE_LIMITS`); *per_minute* caps
    every family's minute window (other programs sharing the key); *on_wait* hears
    ``(family, seconds)`` before each wait.

    Example:
        >>> pacer = Pacer(RATE_LIMITS, per_minute=100)
        >>> pacer.limiter("GET", "https://us.posthog.com/api/projects/1/insights/7/").windows
        ((100, 60.0), (1152, 3600.0))
    """

    def __init__(
        self,
        budgets: Mapping[str, Sequence[Window]] = RATE_LIMITS,
        *,
        per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[str, float], None] | None = None,
    ) -> None:
        self.budgets = {**RATE_LIMITS, **budgets}
        self.limiters: dict[str, RateLimiter] = {}
        for family, windows in self.budgets.items():
            paced = [(_share(n, p, per_minute), float(p)) for n, p in windows]
            self.limiters[family] = RateLimiter(
                *paced, clock=clock, sleep=sleep, on_wait=_tell(on_wait, family)
            )

    def family(self, method: str, url: str, body: Any = None) -> str:
        """The budget a request counts against: insights, persons, hogql, query or default."""
        found = _PROJECT_PATH.match(urlsplit(url).path)
        rest = found["rest"] if found else ""
        if rest.startswith("insights"):
            return "insights"
        if rest.startswith("persons"):
            return "persons"
        if rest.startswith("query"):
            query = body.get("query") if isinstance(body, Mapping) else None
            kind = query.get("kind") if isinstance(query, Mapping) else None
            return "hogql" if method == "POST" and kind == "HogQLQuery" else "query"
        return "default"

    def limiter(self, method: str, url: str, body: Any = None) -> RateLimiter:
        """The limiter of the request's family."""
        return self.limiters[self.family(method, url, body)]


def describe_budget(windows: Sequence[Window]) -> str:
    """PostHog's budget in words.

    Example:
        >>> describe_budget(RATE_LIMITS["insights"])
        '240 requests a minute and 1,200 an hour'
    """
    parts = []
    for n, p in windows:
        unit = {60.0: "a minute", 3600.0: "an hour"}.get(float(p), f"in {p:g} seconds")
        parts.append(f"{n:,} {'' if parts else 'requests '}{unit}")
    return " and ".join(parts)


def _share(limit: int, period: float, per_minute: int | None) -> int:
    paced = max(1, int(limit * SHARE))
    if per_minute is not None and period <= 60.0:
        paced = min(paced, per_minute)
    return paced


def _tell(on_wait: Callable[[str, float], None] | None, family: str) -> Callable[[float], None]:
    def tell(seconds: float) -> None:
        if on_wait is not None:
            on_wait(family, seconds)

    return tell
