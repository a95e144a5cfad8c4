"""The demo server's WSGI application: routing and PostHog's request pipeline.

Order of checks, as in Django + DRF: unknown URL → 404 (before authentication), then
authentication (401), scope (403), project existence (404), throttling (429), method (405),
then the handler. Injected latency, server errors and proxy pages happen before everything
else, as a slow or failing proxy in front of PostHog would; body faults (resets, truncation,
wrong shapes, stalls) are applied to the handler's successful answer. Every ``/api/`` request
is counted.

Example:
    >>> from posthog_frames.demo.faults import FaultSettings
    >>> app = DemoApp(DemoData.generate(10), keys=KeyRing.create(), faults=Faults(FaultSettings()),
    ...               account=Account.create(seed=0, timezone="UTC"), timezone="UTC")
    >>> app.request_count
    0
"""

from __future__ import annotations

import re
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from werkzeug.wrappers import Request, Response

from posthog_frames.demo.api._pages import paginate
from posthog_frames.demo.api.actions import list_actions, retrieve_action
from posthog_frames.demo.api.cohorts import CohortStore
from posthog_frames.demo.api.dashboards import DashboardStore
from posthog_frames.demo.api.event_definitions import COUNT_CAP, event_definitions
from posthog_frames.demo.api.insights import InsightStore
from posthog_frames.demo.api.meta import list_projects, me, property_definitions, retrieve_project
from posthog_frames.demo.api.persons import (
    PersonsContext,
    list_persons,
    person_values,
    request_url,
    retrieve_person,
)
from posthog_frames.demo.api.query import query_status, run_query
from posthog_frames.demo.auth import KeyRing, authenticate, require_scope
from posthog_frames.demo.data.account import Account
from posthog_frames.demo.data.project import DemoData
from posthog_frames.demo.errors import ApiError, error_response, not_found, validation_error
from posthog_frames.demo.faults import Faults, throttled_detail
from posthog_frames.demo.responses import json_response
from posthog_frames.demo.throttle import Throttle, family_of

__all__ = ["DemoApp"]

# PostHog registers query, insights, persons (and events, dashboards …) under both
# /api/projects/:id/ and /api/environments/:id/ (register_legacy_dual_route_team_nested_viewset
# in posthog/api/__init__.py), but property and event definitions and cohorts under projects
# only: /api/environments/:id/property_definitions/ is its 404.
_PROJECT = r"^/api/(?:projects|environments)/(?P<pid>\d+)"
_PROJECT_ONLY = r"^/api/projects/(?P<pid>\d+)"
_LOG_SIZE = 10_000


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    scopes: tuple[str, ...]  # every one is required (DRF actions' required_scopes)
    methods: tuple[str, ...]
    handler: str  # name of a DemoApp method taking (request, match)
    project: bool = True


def _route(
    pattern: str, scope: str | tuple[str, ...], handler: str, methods: tuple[str, ...] = ("GET",)
) -> _Route:
    project = pattern.startswith((_PROJECT, _PROJECT_ONLY))
    scopes = (scope,) if isinstance(scope, str) else scope
    return _Route(re.compile(pattern + "$"), scopes, methods, handler, project)


_ROUTES = [
    _route(r"^/api/users/@me", "user:read", "_me"),
    _route(r"^/api/projects", "project:read", "_projects"),
    _route(_PROJECT, "project:read", "_project"),
    _route(_PROJECT + r"/persons", "person:read", "_persons"),
    _route(_PROJECT + r"/persons/values", "person:read", "_person_values"),
    _route(_PROJECT + r"/persons/(?P<key>[^/]+)", "person:read", "_person"),
    # posthog/api/__init__.py registers these families on the projects router only: under
    # /api/environments/ PostHog answers 404.
    _route(_PROJECT_ONLY + r"/property_definitions", "property_definition:read", "_definitions"),
    _route(_PROJECT + r"/insights", "insight:read", "_insights"),
    _route(_PROJECT + r"/insights/(?P<key>[^/]+)", "insight:read", "_insight"),
    _route(_PROJECT + r"/query", "query:read", "_query", ("POST",)),
    _route(_PROJECT + r"/query/(?P<key>[^/]+)", "query:read", "_query_status"),
    _route(_PROJECT + r"/dashboards", "dashboard:read", "_dashboards_list"),
    _route(_PROJECT + r"/dashboards/(?P<key>[^/]+)", "dashboard:read", "_dashboard"),
    _route(_PROJECT_ONLY + r"/actions", "action:read", "_actions"),
    _route(_PROJECT_ONLY + r"/actions/(?P<key>[^/]+)", "action:read", "_action"),
    _route(_PROJECT_ONLY + r"/event_definitions", "event_definition:read", "_event_definitions"),
    _route(_PROJECT_ONLY + r"/cohorts", "cohort:read", "_cohorts"),
    _route(_PROJECT_ONLY + r"/cohorts/(?P<key>[^/]+)", "cohort:read", "_cohort"),
    _route(
        _PROJECT_ONLY + r"/cohorts/(?P<key>[^/]+)/persons",
        ("cohort:read", "person:read"),
        "_cohort_persons",
    ),
]


def _json(request: Request) -> object:
    try:
        return orjson.loads(request.get_data(cache=True) or b"{}")
    except orjson.JSONDecodeError:
        return None


def _answer(result: tuple[int, dict]) -> Response:
    status, body = result
    return json_response(body, status)


class DemoApp:
    """WSGI app answering PostHog's private API for one demo organization."""

    def __init__(
        self,
        data: DemoData,
        *,
        keys: KeyRing,
        faults: Faults,
        account: Account,
        timezone: str,
        budgets: bool = True,
        api_queries_budget: bool = False,
        allow_offset: bool = False,
        timestamp_resolution: str = "ms",
    ) -> None:
        self.data = data
        self.keys = keys
        self.faults = faults
        self.account = account
        self.timezone = timezone
        self.allow_offset = allow_offset
        self.timestamp_resolution = timestamp_resolution
        # The budgets read the faults' clock, so tests can move both at once.
        self.throttle = Throttle(clock=lambda: self.faults.clock(), api_queries=api_queries_budget)
        self.budgets = budgets
        self.cohorts = CohortStore(data, user=account.user_basic())
        self._persons_ctx = PersonsContext(data, faults, data.now, timezone, self.cohorts)
        self._empty_ctx = PersonsContext(None, faults, data.now, timezone)
        self._store: InsightStore | None = None
        self._dashboards: DashboardStore | None = None
        self._store_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._count = 0
        # API requests being answered now, and the most at once since the last reset: what
        # tests of a client's concurrency (pages fetched ahead) measure, from the server's side.
        self._in_flight = 0
        self._peak = 0
        # What arrived, newest last: (method, path with query string, JSON body or None).
        self.log: deque[tuple[str, str, Any]] = deque(maxlen=_LOG_SIZE)

    def insight_store(self) -> InsightStore:
        """Project 1's saved insights, built on first use: their event log is costly to make
        for large demos, and most sessions never ask for an insight."""
        with self._store_lock:
            if self._store is None:
                self._store = InsightStore(
                    list(self.data.snapshot()[0]),
                    seed=self.data.seed,
                    now=self.data.now,
                    timezone=self.timezone,
                    project_id=1,
                    user=self.account.user_basic(),
                    failure=self.faults.calculation_failure,
                    timestamp_resolution=self.timestamp_resolution,
                    cohorts=self.cohorts.lookup,
                )
            return self._store

    def dashboard_store(self) -> DashboardStore:
        """Project 1's dashboards, over its saved insights (built on first use)."""
        store = self.insight_store()
        with self._store_lock:
            if self._dashboards is None:
                self._dashboards = DashboardStore(
                    store, user=self.account.user_basic(), now=self.data.now
                )
            return self._dashboards

    # -- counters ---------------------------------------------------------------------------
    @property
    def request_count(self) -> int:
        with self._count_lock:
            return self._count

    @property
    def peak_concurrency(self) -> int:
        """The most API requests answered at once since the last reset."""
        with self._count_lock:
            return self._peak

    def reset_request_count(self) -> None:
        with self._count_lock:
            self._count = 0
            self._peak = self._in_flight
            self.log.clear()

    def request_log(self) -> list[tuple[str, str, Any]]:
        """A copy of :attr:`log`."""
        with self._count_lock:
            return list(self.log)

    # -- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        request = Request(environ)
        try:
            response = self._dispatch(request)
        except ApiError as err:
            response = err.response
        except Exception:  # a bug here must look like PostHog's 500, and be visible
            traceback.print_exc(file=sys.stderr)
            response = error_response(500, "server_error", "error", "A server error occurred.")
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        path = request.path
        if not path.startswith("/api/"):
            return not_found()
        with self._count_lock:
            self._count += 1
            query = request.query_string.decode("latin-1")
            body = _json(request) if request.method == "POST" else None
            self.log.append((request.method, path + (f"?{query}" if query else ""), body))
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
        try:
            return self._answer_api(request, path)
        finally:
            with self._count_lock:
                self._in_flight -= 1

    def _answer_api(self, request: Request, path: str) -> Response:
        self.faults.delay()
        injected = self.faults.server_error()
        if injected == 503:
            return error_response(
                503,
                "server_error",
                "service_unavailable",
                "Service temporarily unavailable, try again later.",
            )
        if injected:
            return error_response(500, "server_error", "error", "A server error occurred.")
        proxy_page = self.faults.proxy_page()
        if proxy_page is not None:
            return proxy_page
        path = path.rstrip("/") or "/"
        for route in _ROUTES:
            match = route.pattern.match(path)
            if match:
                return self.faults.alter(self._handle(request, route, match), request.environ)
        return not_found()

    def _handle(self, request: Request, route: _Route, match: re.Match[str]) -> Response:
        key, scopes = authenticate(request, self.keys)
        for needed in route.scopes:
            require_scope(scopes, needed)
        if route.project and self.account.project(int(match["pid"])) is None:
            return not_found()
        wait: float | None = self.faults.throttle(key)
        if wait is None and self.budgets:
            body = _json(request) if route.handler == "_query" else None
            wait = self.throttle.check(key, family_of(route.handler, body))
        if wait is not None:
            response = error_response(429, "throttled_error", "throttled", throttled_detail(wait))
            response.headers["Retry-After"] = str(int(wait))  # drf-exceptions-hog: "%d" % wait
            return response
        if request.method not in route.methods and not (
            request.method == "HEAD" and "GET" in route.methods
        ):
            detail = f'Method "{request.method}" not allowed.'
            return error_response(405, "invalid_request", "method_not_allowed", detail)
        return getattr(self, route.handler)(request, match)

    # -- handlers ---------------------------------------------------------------------------
    def _ctx(self, match: re.Match[str]) -> PersonsContext:
        return self._persons_ctx if int(match["pid"]) == 1 else self._empty_ctx

    def _me(self, request: Request, match: re.Match[str]) -> Response:
        return me(self.account)

    def _projects(self, request: Request, match: re.Match[str]) -> Response:
        return list_projects(request, self.account)

    def _project(self, request: Request, match: re.Match[str]) -> Response:
        return retrieve_project(int(match["pid"]), self.account)

    def _persons(self, request: Request, match: re.Match[str]) -> Response:
        return list_persons(request, self._ctx(match))

    def _person_values(self, request: Request, match: re.Match[str]) -> Response:
        return person_values(request, self._ctx(match))

    def _person(self, request: Request, match: re.Match[str]) -> Response:
        return retrieve_person(match["key"], self._ctx(match))

    def _definitions(self, request: Request, match: re.Match[str]) -> Response:
        return property_definitions(request, self._ctx(match).data)

    def _insights(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return json_response({"count": 0, "next": None, "previous": None, "results": []})
        base_url = request_url(request).split("?", 1)[0]
        return _answer(self.insight_store().list(request.args.to_dict(), base_url))

    def _insight(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return not_found()
        params = request.args.to_dict()
        if "from_dashboard" in params:
            return _answer(self.dashboard_store().insight(match["key"], params))
        return _answer(self.insight_store().retrieve(match["key"], params))

    def _dashboards_list(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return paginate(request, [])
        rows = self.dashboard_store().listing(request.args.to_dict(), request.args.getlist("tags"))
        return paginate(request, rows) if isinstance(rows, list) else _answer(rows)

    def _dashboard(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return not_found()
        return _answer(self.dashboard_store().retrieve(match["key"], request.args.to_dict()))

    def _actions(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return json_response({"results": []})
        return json_response(list_actions(user=self.account.user_basic(), team_id=1))

    def _action(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return not_found()
        return _answer(retrieve_action(match["key"], user=self.account.user_basic(), team_id=1))

    def _event_definitions(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return paginate(request, [], count_cap=COUNT_CAP)
        events = self.insight_store().context().events
        rows = event_definitions(events, request.args.to_dict())
        return paginate(request, rows, count_cap=COUNT_CAP)

    def _cohorts(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return paginate(request, [])
        rows = self.cohorts.listing(request.args.to_dict())
        return paginate(request, rows) if isinstance(rows, list) else _answer(rows)

    def _cohort(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return not_found()
        return _answer(self.cohorts.retrieve(match["key"]))

    def _cohort_persons(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1 or not self.cohorts.exists(match["key"]):
            return not_found()
        return list_persons(request, self._ctx(match), cohort=int(match["key"]))

    def _query_status(self, request: Request, match: re.Match[str]) -> Response:
        if int(match["pid"]) != 1:
            return not_found()
        # Ids of async /query/ calls are answered there, the insights' refresh tasks by the store.
        found = query_status(match["key"])
        return _answer(
            found if found is not None else self.insight_store().query_status(match["key"])
        )

    def _query(self, request: Request, match: re.Match[str]) -> Response:
        try:
            body = orjson.loads(request.get_data(cache=True) or b"{}")
        except orjson.JSONDecodeError:
            return validation_error("JSON parse error - request body is not valid JSON")
        if not isinstance(body, dict):
            return validation_error("the request body must be a JSON object", "query")
        persons = self._ctx(match).data
        rows = list(persons.snapshot()[0]) if persons else []
        with_store = int(match["pid"]) == 1  # the saved insights live in project 1 only
        store = self.insight_store() if with_store else None
        answer = run_query(
            body,
            persons=rows,
            store=store,
            now=self.data.now,
            allow_offset=self.allow_offset,
            failure=self.faults.calculation_failure,
        )
        return _answer(answer)
