"""PostHog's request budgets per personal API key: DRF throttles per scope, minute and hour.

``posthog/rate_limit.py``: each throttle class has a scope and a rate; DRF keeps one sliding
history per scope and hashed key, so endpoints naming the same scope share it. A request is
checked against every throttle of its endpoint, each allowed one recording it (DRF's
``check_throttles`` asks them all); the 429 names the longest wait, in its detail rounded up and
in the ``Retry-After`` header truncated (drf-exceptions-hog: ``"%d" % exc.wait``).

Example:
    >>> throttle = Throttle(clock=lambda: 0.0)
    >>> [throttle.check("key", "hogql") for _ in range(121)][-2:]
    [None, 3600.0]
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable

__all__ = ["FAMILIES", "SCOPES", "Throttle", "family_of"]

# Throttle scopes: (requests, seconds).
SCOPES: dict[str, tuple[int, float]] = {
    "burst": (480, 60.0),  # BurstRateThrottle, the default
    "sustained": (4800, 3600.0),  # SustainedRateThrottle, the default
    "clickhouse_burst": (240, 60.0),
    "clickhouse_sustained": (1200, 3600.0),
    "query": (120, 3600.0),  # HogQLQueryThrottle
    "api_queries_burst": (240, 60.0),
    "api_queries_sustained": (2400, 3600.0),
}
# The scopes each endpoint family is throttled by: InsightViewSet.throttle_classes,
# PersonViewSet.get_throttles (reads with a personal key), QueryViewSet.get_throttles.
FAMILIES: dict[str, tuple[str, ...]] = {
    "insights": ("clickhouse_burst", "clickhouse_sustained"),
    "persons": ("clickhouse_burst",),
    "hogql": ("query",),
    "query": ("clickhouse_burst", "clickhouse_sustained"),
    "default": ("burst", "sustained"),
}
_API_QUERIES = ("api_queries_burst", "api_queries_sustained")


def family_of(handler: str, body: object = None) -> str:
    """The endpoint family of an app handler (and, for ``/query/``, its body's kind).

    Example:
        >>> family_of("_query", {"query": {"kind": "HogQLQuery"}}), family_of("_persons")
        ('hogql', 'persons')
    """
    if handler in ("_insights", "_insight"):
        return "insights"
    if handler in ("_persons", "_person", "_person_values"):
        return "persons"
    if handler == "_query":
        query = body.get("query") if isinstance(body, dict) else None
        kind = query.get("kind") if isinstance(query, dict) else None
        return "hogql" if kind == "HogQLQuery" else "query"
    if handler == "_query_status":
        return "query"
    return "default"


class Throttle:
    """Sliding histories per (scope, key), as DRF's SimpleRateThrottle keeps them.

    *api_queries* gives ``/query/`` PostHog's API-queries budget (240 a minute, 2,400 an hour,
    for every query kind) instead of 120 HogQL queries an hour.
    """

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, api_queries: bool = False
    ) -> None:
        self.clock = clock
        self.api_queries = api_queries
        self._history: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()
        self.refused: Counter[str] = Counter()  # 429s answered, per endpoint family

    def check(self, key: str, family: str) -> float | None:
        """None when *key* may make this request now (it is recorded), else the wait."""
        scopes = FAMILIES[family]
        if self.api_queries and family in ("hogql", "query"):
            scopes = _API_QUERIES
        now = self.clock()
        waits = []
        with self._lock:
            for scope in scopes:
                limit, period = SCOPES[scope]
                history = self._history.setdefault((scope, key), deque())
                while history and history[0] <= now - period:
                    history.popleft()
                if len(history) >= limit:
                    waits.append(period - (now - history[0]))
                else:
                    history.append(now)
            if waits:
                self.refused[family] += 1
        return max(waits) if waits else None
