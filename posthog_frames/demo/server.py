"""Run the demo app on a threaded werkzeug server in a daemon thread.

Example:
    >>> with serve(port=0, persons=50) as demo:
    ...     demo.url.startswith("http://127.0.0.1:")
    True
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from posthog_frames.demo.app import DemoApp
from posthog_frames.demo.auth import KeyRing
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.account import Account
from posthog_frames.demo.data.events import RESOLUTIONS
from posthog_frames.demo.data.project import DemoData
from posthog_frames.demo.faults import Faults, FaultSettings

__all__ = ["DemoServer", "serve"]

PROJECT_ID = 1


class _QuietHandler(WSGIRequestHandler):
    """No access log: it would flood notebooks and print keys sent in query strings."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def _parse_now(now: datetime | str | None) -> datetime:
    if now is None:
        return DEMO_NOW
    moment = datetime.fromisoformat(now.replace("Z", "+00:00")) if isinstance(now, str) else now
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DemoServer:
    """A PostHog-compatible server on loopback; see :func:`serve`."""

    def __init__(
        self,
        *,
        port: int = 0,
        persons: int = 500,
        seed: int = 0,
        latency: float = 0.0,
        rate_limit: int | None = None,
        error_rate: float = 0.0,
        short_pages: bool | float = False,
        reset_rate: float = 0.0,
        truncate_rate: float = 0.0,
        html_rate: float = 0.0,
        slow_body: float = 0.0,
        wrong_shape_rate: float = 0.0,
        concurrency_rate: float = 0.0,
        calculation_error_rate: float = 0.0,
        host: str = "127.0.0.1",
        now: datetime | str | None = None,
        timezone: str = "UTC",
        budgets: bool = True,
        api_queries_budget: bool = False,
        allow_offset: bool = False,
        timestamp_resolution: str = "ms",
    ) -> None:
        if timestamp_resolution not in RESOLUTIONS:
            raise ValueError(
                f"timestamp_resolution must be one of {', '.join(RESOLUTIONS)}, not "
                f"{timestamp_resolution!r}"
            )
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {timezone!r}; use an IANA name such as 'UTC'"
            ) from None
        settings = FaultSettings(
            latency,
            rate_limit,
            error_rate,
            short_pages,
            reset_rate=reset_rate,
            truncate_rate=truncate_rate,
            html_rate=html_rate,
            slow_body=slow_body,
            wrong_shape_rate=wrong_shape_rate,
            concurrency_rate=concurrency_rate,
            calculation_error_rate=calculation_error_rate,
        )
        self._host, self._port = host, port
        self._keys = KeyRing.create()
        self.data = DemoData.generate(persons, seed=seed, now=_parse_now(now))
        self.app = DemoApp(
            self.data,
            keys=self._keys,
            faults=Faults(settings, seed=seed),
            account=Account.create(seed=seed, timezone=timezone),
            timezone=timezone,
            budgets=budgets,
            api_queries_budget=api_queries_budget,
            allow_offset=allow_offset,
            timestamp_resolution=timestamp_resolution,
        )
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> DemoServer:
        """Bind and serve in a daemon thread; returns self (``demo = serve().start()``)."""
        if self._server is not None:
            return self
        self._server = make_server(
            self._host, self._port, self.app, threaded=True, request_handler=_QuietHandler
        )
        server = self._server
        self._thread = threading.Thread(
            # A short poll interval makes stop() (and so every `with serve()`) return quickly.
            target=lambda: server.serve_forever(poll_interval=0.05),
            name="posthog-frames-demo",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- public attributes ------------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://host:port`` with no trailing slash (the server must be started)."""
        if self._server is None:
            raise RuntimeError("the demo server is not running: use `with serve() as demo` first")
        return f"http://{self._host}:{self._server.server_port}"

    @property
    def api_key(self) -> str:
        """A personal key with every scope (random per server, never a real key)."""
        return self._keys.full

    @property
    def limited_api_key(self) -> str:
        """A key without ``person:read``, ``insight:read``, ``dashboard:read``, ``cohort:read`` and
        ``action:read`` (it reads the project, property and event definitions and HogQL)."""
        return self._keys.limited

    @property
    def project_id(self) -> int:
        return PROJECT_ID

    @property
    def request_count(self) -> int:
        """API requests answered so far, errors included."""
        return self.app.request_count

    @property
    def peak_concurrency(self) -> int:
        """The most API requests the server was answering at once (from arrival until the
        answer is ready, injected latency included) since the start or the last
        :meth:`reset_request_count`."""
        return self.app.peak_concurrency

    def reset_request_count(self) -> None:
        """Start counting (and logging) requests afresh."""
        self.app.reset_request_count()

    @property
    def request_log(self) -> list[tuple[str, str, Any]]:
        """The last 10,000 API requests, oldest first: ``(method, path?query, JSON body)``
        (the body of POSTs only), so tests can check what a client really sent."""
        return self.app.request_log()

    def configure(self, **changes: Any) -> FaultSettings:
        """Change fault injection while running: any keyword of :func:`serve` from ``latency``
        to ``wrong_shape_rate`` (see :mod:`posthog_frames.demo.faults`)."""
        return self.app.faults.configure(**changes)

    @property
    def budget_refusals(self) -> dict[str, int]:
        """429s answered because a key exceeded PostHog's budget, per endpoint family."""
        return dict(self.app.throttle.refused)

    @property
    def faults_injected(self) -> dict[str, int]:
        """Faults injected so far, per kind (``throttled``, ``server_error``, ``reset``, …)."""
        return self.app.faults.injected()

    def add_person(self, **properties: Any) -> dict[str, Any]:
        """Add one person created now (it becomes the first row); returns the person dict."""
        return self.data.add_person(**properties)

    def delete_person(self, person_uuid: str) -> dict[str, Any]:
        """Delete one person (every later row moves up by one); returns the person dict."""
        return self.data.delete_person(person_uuid)

    def calculate_cohort(self, cohort_id: int, reads: int = 2) -> None:
        """Make a cohort report ``is_calculating`` (no count, no members yet) for its next
        *reads* reads, as PostHog does while it calculates a new cohort for the first time.
        The demo's cohort 3 starts this way."""
        self.app.cohorts.calculate(cohort_id, reads)

    def client(self, **kwargs: Any) -> Any:
        """A ``posthog_frames.Client`` for this server (extra keywords go to the Client)."""
        from posthog_frames import Client  # lazy: the client package must not load the server

        return Client(api_key=self.api_key, host=self.url, project_id=self.project_id, **kwargs)

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "not running"
        return f"<DemoServer {where} persons={len(self.data.persons)} project_id={PROJECT_ID}>"


def serve(port: int = 0, persons: int = 500, seed: int = 0, **options: Any) -> DemoServer:
    """A demo PostHog server; use as ``with serve() as demo:`` or ``serve().start()``.

    Options are :class:`DemoServer`'s keywords (names are a contract): fault injection
    ``latency`` (seconds added per request), ``rate_limit`` (requests a minute per key before
    PostHog's 429), ``error_rate`` (share answered 500/503), ``short_pages`` (share of persons
    pages shorter than ``limit`` but linking on), ``reset_rate``, ``truncate_rate``,
    ``html_rate``, ``slow_body``, ``wrong_shape_rate``, ``concurrency_rate`` and
    ``calculation_error_rate`` (insight calculations that fail in PostHog); PostHog's own rules
    ``budgets`` (its per-key rate limits per endpoint, minute and hour: on by default; see
    :mod:`posthog_frames.demo.throttle`), ``api_queries_budget`` (the API-queries plan's
    budget for ``/query/``), ``allow_offset`` (HogQL may use OFFSET, as for PostHog's
    grandfathered organizations; refused by default); and ``host``, ``now`` (the fixed
    clock), ``timezone`` (the project's zone), ``timestamp_resolution`` (``"ms"``, the default,
    or ``"s"``/``"min"``: event timestamps cut to whole seconds or minutes, so that many events
    share one, as imported data often does).

    Example:
        >>> with serve(persons=100, seed=1, latency=0.05) as demo:
        ...     client = demo.client()
    """
    return DemoServer(port=port, persons=persons, seed=seed, **options)
