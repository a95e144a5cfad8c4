"""Fault injection for the demo server, as a flaky network or proxy in front of PostHog would.

Faults before the app: ``latency`` (seconds before answering), ``error_rate`` (PostHog's 500/503
JSON), ``html_rate`` (a proxy's 502 HTML page instead of PostHog's JSON). In the app:
``rate_limit`` (PostHog's 429, per key, sliding 60 s window), ``short_pages`` (persons pages
shorter than ``limit`` whose ``next`` still continues). On successful (200) answers:
``reset_rate`` (the connection is reset halfway through a body whose Content-Length promised
more), ``truncate_rate`` (the body is cut in half with a matching Content-Length, so it arrives
"complete" but is not valid JSON), ``wrong_shape_rate`` (valid JSON of the wrong shape:
``{"data": <the real body>}``), ``slow_body`` (seconds the body stalls halfway). In PostHog
itself: ``concurrency_rate`` (an insight calculation hits PostHog's query concurrency limit) and
``calculation_error_rate`` (it crashes unexpectedly); either answers the insight with
``result: null`` and an errored ``query_status``, as ``InsightSerializer`` does.

Every random decision comes from RNGs seeded by the server's seed, so a run is reproducible
(up to the order in which concurrent requests arrive). :meth:`Faults.injected` counts what was
injected, per kind; ``Faults.clock`` may be replaced (tests share a fake clock with the client's
limiter, so a minute of throttling takes no real time).

Example:
    >>> faults = Faults(FaultSettings(rate_limit=2), seed=0)
    >>> [faults.throttle("k", now=0.0) for _ in range(3)]
    [None, None, 60]
"""

from __future__ import annotations

import math
import random
import socket
import struct
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

from werkzeug.wrappers import Response

__all__ = ["FaultSettings", "Faults", "ManualClock", "throttled_detail", "PROXY_PAGE"]

_DEFAULT_SHORT_SHARE = 0.3
_WINDOW = 60.0
_RATES = (
    "error_rate",
    "reset_rate",
    "truncate_rate",
    "html_rate",
    "wrong_shape_rate",
    "concurrency_rate",
    "calculation_error_rate",
)
# What InsightSerializer puts in error_message for each injected calculation failure.
CONCURRENCY_LIMIT = "concurrency_limit_exceeded"
CALCULATION_ERROR = "Query failed: the demo's injected calculation error"
# What nginx answers when PostHog behind it is unreachable (its stock error page).
PROXY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class FaultSettings:
    """What to inject (see the module docstring). ``short_pages`` is a bool or the share of
    persons pages to shorten; ``*_rate`` are shares 0..1; ``latency``/``slow_body`` seconds."""

    latency: float = 0.0
    rate_limit: int | None = None
    error_rate: float = 0.0
    short_pages: bool | float = False
    reset_rate: float = 0.0
    truncate_rate: float = 0.0
    html_rate: float = 0.0
    slow_body: float = 0.0
    wrong_shape_rate: float = 0.0
    concurrency_rate: float = 0.0
    calculation_error_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("latency", "slow_body"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0 seconds, got {getattr(self, name)}")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(f"rate_limit must be >= 1 request per minute, got {self.rate_limit}")
        for name in _RATES:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {getattr(self, name)}")
        if not 0.0 <= self.short_share <= 1.0:
            raise ValueError(f"short_pages must be a bool or a share 0..1, got {self.short_pages}")

    @property
    def short_share(self) -> float:
        if self.short_pages is True:
            return _DEFAULT_SHORT_SHARE
        return float(self.short_pages or 0.0)


class ManualClock:
    """A monotonic clock that only moves when slept on: give it to :attr:`Faults.clock` and to a
    client's ``RateLimiter`` (and retry sleeps) to run minutes of throttling in no real time.

    Example:
        >>> clock = ManualClock()
        >>> clock.sleep(60); clock()
        1060.0
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the clock by *seconds* at once (recorded in ``slept``)."""
        with self._lock:
            self.now += seconds
            self.slept.append(seconds)

    def advance(self, seconds: float) -> None:
        """Move the clock without recording a sleep (time passing between requests)."""
        with self._lock:
            self.now += seconds


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
        self._body_rng = random.Random(f"bodies/{seed}")
        self._calc_rng = random.Random(f"calculations/{seed}")
        self._history: dict[str, deque[float]] = {}
        self._counts: Counter[str] = Counter()
        self.clock: Callable[[], float] = time.monotonic

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def configure(self, **changes: Any) -> FaultSettings:
        """Replace some settings (unknown names raise TypeError); the throttle window restarts."""
        known = {f.name for f in fields(FaultSettings)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"unknown fault settings {unknown}; known: {sorted(known)}")
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
            self._counts["server_error"] += 1
            return 503 if self._error_rng.random() < 0.25 else 500

    def proxy_page(self) -> Response | None:
        """A proxy's 502 HTML page for the configured share of requests, else None."""
        if not self._chance(self._settings.html_rate, "html"):
            return None
        return Response(PROXY_PAGE, status=502, content_type="text/html")

    def alter(self, response: Response, environ: dict[str, Any]) -> Response:
        """Apply the body faults (reset, truncate, wrong shape, slow body) to a 200 answer."""
        settings = self._settings
        if response.status_code != 200 or response.is_streamed:
            return response
        if self._chance(settings.wrong_shape_rate, "wrong_shape"):
            body = b'{"data":' + response.get_data() + b"}"
            response = Response(body, status=200, content_type="application/json")
        body = response.get_data()
        if self._chance(settings.truncate_rate, "truncated"):
            return Response(body[: len(body) // 2], status=200, content_type=response.mimetype)
        reset = self._chance(settings.reset_rate, "reset")
        if not reset and settings.slow_body <= 0:
            return response
        if settings.slow_body > 0:
            self._count("slow_body")
        sock = environ.get("werkzeug.socket") if reset else None
        stream = _body_stream(body, settings.slow_body, sock, reset)
        out = Response(stream, status=200, content_type=response.mimetype, direct_passthrough=True)
        out.headers["Content-Length"] = str(len(body))  # promises the whole body
        return out

    def calculation_failure(self) -> str | None:
        """The error_message of an insight calculation that fails now, else None."""
        settings = self._settings
        if settings.concurrency_rate <= 0 and settings.calculation_error_rate <= 0:
            return None
        with self._lock:
            draw = self._calc_rng.random()
            if draw < settings.concurrency_rate:
                self._counts["concurrency_limit"] += 1
                return CONCURRENCY_LIMIT
            if draw < settings.concurrency_rate + settings.calculation_error_rate:
                self._counts["calculation_error"] += 1
                return CALCULATION_ERROR
            return None

    def injected(self) -> dict[str, int]:
        """How many faults of each kind were injected so far (kinds never injected are absent).

        Example:
            >>> Faults(FaultSettings()).injected()
            {}
        """
        with self._lock:
            return dict(self._counts)

    def _count(self, kind: str) -> None:
        with self._lock:
            self._counts[kind] += 1

    def _chance(self, rate: float, kind: str) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            hit = self._body_rng.random() < rate
            if hit:
                self._counts[kind] += 1
            return hit

    def throttle(self, key: str, *, now: float | None = None) -> int | None:
        """Seconds to wait when *key* exceeded ``rate_limit`` in the last 60 s, else None.

        Like DRF's SimpleRateThrottle, only allowed requests enter the sliding window.
        """
        limit = self._settings.rate_limit
        if limit is None:
            return None
        moment = self.clock() if now is None else now
        with self._lock:
            history = self._history.setdefault(key, deque())
            while history and history[0] <= moment - _WINDOW:
                history.popleft()
            if len(history) >= limit:
                self._counts["throttled"] += 1
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
            self._counts["short_page"] += 1
            return 1 + self._short_rng.randrange(limit - 1)


def _body_stream(body: bytes, stall: float, sock: Any, reset: bool) -> Iterator[bytes]:
    """Half the body, a stall, then the rest, or a reset instead of the rest."""
    yield body[: len(body) // 2]
    if stall > 0:
        time.sleep(stall)
    if reset:
        if sock is not None:  # linger 0: closing sends RST, as a crashed proxy does
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raise ConnectionResetError("injected fault: connection reset mid-body")
    yield body[len(body) // 2 :]
