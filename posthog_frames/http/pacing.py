"""Client-side pacing: stay under PostHog's per-key budgets instead of meeting 429s.

PostHog throttles requests made with a personal API key per hashed key and per throttle scope,
each a per-minute or per-hour window (``posthog/rate_limit.py``; reference §9); an endpoint
counts against one or two scopes, and endpoints that name the same scope share it. DRF counts
requests in sliding windows, so the :class:`RateLimiter` here does the same for every window of
a request at once; :class:`Pacer` picks the windows of each request. Each budget is paced at 96%
of PostHog's number, so requests still in flight and clock skew never reach it.

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

__all__ = [
    "FAMILIES",
    "RATE_LIMITS",
    "SCOPES",
    "Pacer",
    "RateLimiter",
    "Window",
    "describe_budget",
    "shared_pacer",
    "use_pacer",
]

Window = tuple[int, float]  # at most this many requests in any this many seconds

# PostHog's throttle scopes for personal API keys (posthog/rate_limit.py). DRF keeps one history
# per scope and key, so endpoints that share a scope share its budget.
SCOPES: Mapping[str, Window] = {
    "burst": (480, 60.0),  # BurstRateThrottle (the default)
    "sustained": (4800, 3600.0),  # SustainedRateThrottle (the default)
    "clickhouse_burst": (240, 60.0),  # ClickHouseBurstRateThrottle
    "clickhouse_sustained": (1200, 3600.0),  # ClickHouseSustainedRateThrottle
    "query": (120, 3600.0),  # HogQLQueryThrottle
}
# Which scopes each endpoint family counts against (InsightViewSet, PersonViewSet reads,
# QueryViewSet.get_throttles, the defaults).
FAMILIES: Mapping[str, tuple[str, ...]] = {
    "insights": ("clickhouse_burst", "clickhouse_sustained"),
    "persons": ("clickhouse_burst",),
    "hogql": ("query",),
    "query": ("clickhouse_burst", "clickhouse_sustained"),
    "default": ("burst", "sustained"),
}
RATE_LIMITS: Mapping[str, tuple[Window, ...]] = {
    family: tuple(SCOPES[scope] for scope in scopes) for family, scopes in FAMILIES.items()
}
SHARE = 0.96  # of each PostHog budget the client uses
_PROJECT_PATH = re.compile(r"^/api/(?:projects|environments)/[^/]+/(?P<rest>.*)$")


class _Window:
    """One sliding window: the times of the sends still inside it."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self.sent: deque[float] = deque()

    def pause(self, now: float) -> float:
        """Seconds until one more send fits (0 when it fits now)."""
        while self.sent and now - self.sent[0] >= self.period:
            self.sent.popleft()
        if len(self.sent) < self.limit:
            return 0.0
        return self.period - (now - self.sent[len(self.sent) - self.limit])


class RateLimiter:
    """Sliding windows shared by all threads: at most *n* sends in any *p* seconds, for every
    ``(n, p)`` window given (or for the shared *windows* of a :class:`Pacer`).

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
        shared: Sequence[_Window] = (),
        lock: threading.Lock | None = None,
    ) -> None:
        self._windows = [*shared, *(_Window(int(n), float(p)) for n, p in windows)]
        if not self._windows:
            raise ValueError("RateLimiter needs at least one (requests, seconds) window")
        self.on_wait = on_wait
        self._clock = clock
        self._sleep = sleep
        self._lock = lock or threading.Lock()

    @property
    def windows(self) -> tuple[Window, ...]:
        """The ``(requests, seconds)`` windows this limiter keeps to."""
        return tuple((w.limit, w.period) for w in self._windows)

    @property
    def _sent(self) -> list[deque[float]]:
        return [w.sent for w in self._windows]

    def acquire(self) -> float:
        """Block until a send is allowed; return the seconds waited."""
        return self.acquire_slot()[1]

    def acquire_slot(self, notify: Callable[[float], None] | None = None) -> tuple[float, float]:
        """Block until a send is allowed in every window; return its slot and the wait.

        *notify* (else the limiter's ``on_wait``) hears each wait before it starts.

        Example:
            >>> slot, waited = RateLimiter((2, 60.0)).acquire_slot()
            >>> waited
            0.0
        """
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                pause = max(w.pause(now) for w in self._windows)
                if pause <= 0:
                    for window in self._windows:
                        window.sent.append(now)
                    return now, waited
            tell = notify or self.on_wait
            if tell is not None:
                tell(pause)
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
            for window in self._windows:
                if slot is None:
                    if window.sent:
                        window.sent.pop()
                    continue
                try:
                    window.sent.remove(slot)
                except ValueError:  # already out of the window
                    pass


class Pacer:
    """Every request paced by PostHog's budgets for its endpoint, at 96% of each.

    Families sharing a PostHog scope share its window (insights, persons and non-HogQL queries
    all count against ``clickhouse_burst``). *budgets* replaces a family's windows with its own
    (another plan); *per_minute* caps every minute window (other programs share the key).
    :func:`shared_pacer` gives every client of one key the same pacer, as PostHog counts per key.

    Example:
        >>> pacer = Pacer(per_minute=100)
        >>> pacer.limiter("GET", "https://us.posthog.com/api/projects/1/insights/7/").windows
        ((100, 60.0), (1152, 3600.0))
    """

    def __init__(
        self,
        budgets: Mapping[str, Sequence[Window]] | None = None,
        *,
        per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sleep = sleep
        own = {family: tuple(windows) for family, windows in (budgets or {}).items()}
        self.budgets = {**RATE_LIMITS, **own}
        lock = threading.Lock()  # one lock: a send takes slots in several shared windows at once
        shared = {
            scope: _Window(_share(n, p, per_minute), float(p)) for scope, (n, p) in SCOPES.items()
        }
        self.limiters: dict[str, RateLimiter] = {}
        for family, scopes in FAMILIES.items():
            if family in own:
                windows = [_Window(_share(n, p, per_minute), float(p)) for n, p in own[family]]
            else:
                windows = [shared[scope] for scope in scopes]
            self.limiters[family] = RateLimiter(shared=windows, clock=clock, sleep=sleep, lock=lock)

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
    parts: list[str] = []
    for n, p in windows:
        unit = {60.0: "a minute", 3600.0: "an hour"}.get(float(p), f"in {p:g} seconds")
        parts.append(f"{n:,} {'' if parts else 'requests '}{unit}")
    return " and ".join(parts)


def _share(limit: int, period: float, per_minute: int | None) -> int:
    paced = max(1, int(limit * SHARE))
    if per_minute is not None and period <= 60.0:
        paced = min(paced, per_minute)
    return paced


def shared_pacer(
    fingerprint: str,
    budgets: Mapping[str, Sequence[Window]] | None = None,
    per_minute: int | None = None,
) -> Pacer:
    """The process-wide pacer of one key (by its fingerprint) and settings: two clients with the
    same key in one notebook share PostHog's budget, as PostHog counts it.

    Example:
        >>> shared_pacer("f1") is shared_pacer("f1") is not shared_pacer("f2")
        True
    """
    frozen = tuple(sorted((f, tuple(map(tuple, w))) for f, w in (budgets or {}).items()))
    key = (fingerprint, frozen, per_minute)
    with _SHARED_LOCK:
        pacer = _SHARED.get(key)
        if pacer is None:
            pacer = _SHARED[key] = Pacer(budgets, per_minute=per_minute)
        return pacer


def use_pacer(fingerprint: str, pacer: Pacer) -> None:
    """Make *pacer* the shared pacer of one key's clients with default budgets (tests put it on
    a fake clock shared with a demo server: see :func:`posthog_frames.testing.virtual_time`).

    Example:
        >>> use_pacer("f3", Pacer(per_minute=1))
        >>> shared_pacer("f3").limiters["default"].windows
        ((1, 60.0), (4608, 3600.0))
    """
    with _SHARED_LOCK:
        _SHARED[(fingerprint, (), None)] = pacer


_SHARED: dict[tuple[Any, ...], Pacer] = {}
_SHARED_LOCK = threading.Lock()
