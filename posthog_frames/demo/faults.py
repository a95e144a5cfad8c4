"""Fault injection for the demo server: latency, throttling, server errors, short pages.

Every random decision comes from RNGs seeded by the server's seed, so a run is reproducible
(up to the order in which concurrent requests arrive). New fault kinds (connection resets,
truncated bodies, HTML proxy pages, slow bodies) belong here as further methods on
:class:`Faults`, with a keyword on :func:`posthog_frames.demo.serve`.

Example:
    >>> faults = Faults(FaultSettings(rate_limit=2), seed=0)
    >>> [faults.throttle("k", now=0.0) for _ in range(3)]
    [None, None, 60]
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["FaultSettings", "Faults", "throttled_detail"]

_DEFAULT_SHORT_SHARE = 0.3
_WINDOW = 60.0


@dataclass(frozen=True)
class FaultSettings:
    """What to inject. ``short_pages`` is a bool or the share of persons pages to shorten."""

    latency: float = 0.0
    rate_limit: int | None = None
    error_rate: float = 0.0
    short_pages: bool | float = False

    def __post_init__(self) -> None:
        if self.latency < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {self.latency}")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(f"rate_limit must be >= 1 request per minute, got {self.rate_limit}")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError(f"error_rate must be between 0 and 1, got {self.error_rate}")
        if not 0.0 <= self.short_share <= 1.0:
            raise ValueError(f"short_pages must be a bool or a share 0..1, got {self.short_pages}")

    @property
    def short_share(self) -> float:
        if self.short_pages is True:
            return _DEFAULT_SHORT_SHARE
        return float(self.short_pages or 0.0)


def throttled_detail(wait: float) -> str:
    """DRF's Throttled text: the wait is rounded up to whole seconds and pluralised.

    Example:
        >>> throttled_detail(61.2)
        'Request was throttled. Expected available in 62 seconds.'
    """
    seconds = math.ceil(wait)
    unit = "second" if seconds == 1 else "seconds"
    return f"Request was throttled. Expected available in {seconds} {unit}."


class Faults:
    """Thread-safe fault state of one server; :meth:`configure` changes it while running."""

    def __init__(self, settings: FaultSettings, *, seed: int = 0) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._error_rng = random.Random(f"errors/{seed}")
        self._short_rng = random.Random(f"short-pages/{seed}")
        self._history: dict[str, deque[float]] = {}

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def configure(self, **changes: Any) -> FaultSettings:
        """Replace some settings (unknown names raise TypeError); the throttle window restarts."""
        with self._lock:
            self._settings = replace(self._settings, **changes)
            if "rate_limit" in changes:
                self._history.clear()
            return self._settings

    def delay(self) -> None:
        """Sleep the configured latency (outside any lock, so requests overlap)."""
        if self._settings.latency > 0:
            time.sleep(self._settings.latency)

    def server_error(self) -> int | None:
        """500 or 503 for the configured share of requests, else None."""
        rate = self._settings.error_rate
        if rate <= 0:
            return None
        with self._lock:
            if self._error_rng.random() >= rate:
                return None
            return 503 if self._error_rng.random() < 0.25 else 500

    def throttle(self, key: str, *, now: float | None = None) -> int | None:
        """Seconds to wait when *key* exceeded ``rate_limit`` in the last 60 s, else None.

        Like DRF's SimpleRateThrottle, only allowed requests enter the sliding window.
        """
        limit = self._settings.rate_limit
        if limit is None:
            return None
        moment = time.monotonic() if now is None else now
        with self._lock:
            history = self._history.setdefault(key, deque())
            while history and history[0] <= moment - _WINDOW:
                history.popleft()
            if len(history) >= limit:
                return max(1, math.ceil(_WINDOW - (moment - history[0])))
            history.append(moment)
            return None

    def short_page(self, limit: int, available: int) -> int | None:
        """How many rows to return instead of a full page, or None to answer normally.

        Only a page that would be full (``available >= limit``) and can lose a row is shortened,
        so the last page of a listing stays as it is.
        """
        share = self._settings.short_share
        if share <= 0 or limit < 2 or available < limit:
            return None
        with self._lock:
            if self._short_rng.random() >= share:
                return None
            return 1 + self._short_rng.randrange(limit - 1)
