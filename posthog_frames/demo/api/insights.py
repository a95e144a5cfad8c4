"""The demo's saved-insights API: list, retrieve, refresh modes, async polling, overrides.

:class:`InsightStore` answers ``(status, body)`` pairs for the HTTP server. ``refresh`` works
like PostHog's (see :func:`refresh_mode`): absent/``force_cache``/``false``/unknown values,
``async_except_on_cache_miss`` among them, only read the cache (a miss answers
``result: null``); ``blocking`` computes unless the cache is fresh; ``force_blocking``/``true``
always compute; ``async``/``lazy_async`` start a computation unless the cache is fresh and
``force_async`` always does. A calculation that hits PostHog's concurrency limit or crashes
(injected by the server's faults) answers ``result: null`` with an errored ``query_status``.

Freshness with the demo's fixed clock: a cache entry is fresh while ``now - last_refresh`` is
below the interval's staleness (hour: 15 min, day and no interval: 6 h, week/month: 1 day).
Most insights start cached 2 h before ``now`` (fresh), a few 9 h before (stale: ``blocking``
recomputes them) and one has never been computed.

Example:
    >>> from posthog_frames.demo import DEMO_NOW
    >>> from posthog_frames.demo.data.persons import generate_persons
    >>> persons = generate_persons(50)
    >>> store = InsightStore(persons, seed=0, now=DEMO_NOW, timezone="UTC", project_id=1, user={})
    >>> status, body = store.retrieve("1", {"refresh": "force_blocking"})
    >>> status, body["is_cached"]
    (200, False)
"""

from __future__ import annotations

import builtins
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from posthog_frames.demo.analytics import Computed, Context, compute, query_source
from posthog_frames.demo.api.insight_params import (
    KINDS,
    apply_override,
    flag,
    matches,
    page_url,
    refresh_mode,
    whole,
)
from posthog_frames.demo.api.insight_serializer import filters_hash, represent
from posthog_frames.demo.api.query_status import query_status_body, status_code
from posthog_frames.demo.clock import iso
from posthog_frames.demo.data.events import generate_events
from posthog_frames.demo.data.persons import persons_table
from posthog_frames.demo.data.saved_insights import SavedInsight, build_saved_insights
from posthog_frames.demo.errors import NOT_FOUND, DemoValidationError, error_body, invalid

__all__ = ["InsightStore"]

_STALE = {"hour": timedelta(minutes=15), "week": timedelta(days=1), "month": timedelta(days=1)}


@dataclass
class _Entry:
    computed: Computed
    last_refresh: datetime


@dataclass
class _Task:
    id: str
    insight_id: int
    key: str
    thread: threading.Thread
    polls: int = 0
    entry: _Entry | None = None
    error: str | None = None


class InsightStore:
    """Saved insights of the demo project, computed lazily from the synthetic event log."""

    def __init__(
        self,
        persons: list[dict],
        *,
        seed: int,
        now: datetime,
        timezone: str,
        project_id: int,
        user: dict,
        failure: Callable[[], str | None] = lambda: None,
        timestamp_resolution: str = "ms",
    ) -> None:
        if now.tzinfo is None:
            raise DemoValidationError(
                "`now` must be timezone-aware, e.g. datetime(..., tzinfo=UTC)."
            )
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise DemoValidationError(
                f"Unknown timezone {timezone!r}; use an IANA name like 'UTC' or 'Europe/Berlin'."
            ) from err
        self._persons = persons
        self._seed = seed
        self._now = now
        self._timezone = timezone
        self._project_id = project_id
        self._user = user
        self._failure = failure  # injected calculation failures (faults.calculation_failure)
        self._resolution = timestamp_resolution
        self._lock = threading.RLock()
        self._ctx: Context | None = None
        self._insights = build_saved_insights(now)
        self._cache: dict[str, _Entry] = {}
        # Insights "viewed on a dashboard" before: cached at a fixed time, filled on first read.
        self._precached = {
            filters_hash(i.query): now - i.cache_age for i in self._insights if i.cache_age
        }
        self._tasks: dict[str, _Task] = {}

    # -- computing -------------------------------------------------------------------------

    def context(self) -> Context:
        """The event log and persons, generated on first use (thread-safe)."""
        with self._lock:
            if self._ctx is None:
                events = generate_events(
                    self._persons, seed=self._seed, now=self._now, resolution=self._resolution
                )
                self._ctx = Context(
                    events,
                    persons_table(self._persons),
                    self._now,
                    self._timezone,
                    self._project_id,
                )
            return self._ctx

    def _compute(self, query: dict) -> _Entry:
        return _Entry(compute(query, self.context()), self._now)

    def _cached(self, key: str, query: dict) -> _Entry | None:
        with self._lock:
            if key not in self._cache and key in self._precached:
                self._cache[key] = _Entry(self._compute(query).computed, self._precached[key])
            return self._cache.get(key)

    def _last_refresh(self, insight: SavedInsight) -> datetime | None:
        """When the insight's own cache was filled, without computing it (for ``basic=true``)."""
        key = filters_hash(insight.query)
        with self._lock:
            entry = self._cache.get(key)
            return entry.last_refresh if entry is not None else self._precached.get(key)

    def _store(self, key: str, entry: _Entry) -> None:
        with self._lock:
            self._cache[key] = entry
            self._precached.pop(key, None)

    def _is_fresh(self, entry: _Entry | None, query: dict) -> bool:
        if entry is None:
            return False
        interval = query_source(query).get("interval") or "day"
        return self._now - entry.last_refresh < _STALE.get(interval, timedelta(hours=6))

    def _start_task(self, insight: SavedInsight, key: str, query: dict) -> _Task:
        with self._lock:
            task_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-{self._seed}-{len(self._tasks)}"))

            def run() -> None:
                try:
                    entry = self._compute(query)
                except DemoValidationError as err:
                    task.error = err.message
                    return
                self._store(key, entry)
                task.entry = entry

            task = _Task(task_id, insight.id, key, threading.Thread(target=run, daemon=True))
            self._tasks[task_id] = task
        task.thread.start()
        return task

    def _status_body(self, task: _Task) -> dict:
        done = task.polls > 1 and (task.entry is not None or task.error is not None)
        body = query_status_body(
            task.id,
            team_id=self._project_id,
            now=self._now,
            complete=done,
            failed=bool(done and task.error),
            error_message=task.error if done else None,
            insight_id=task.insight_id,
        )
        if done and task.entry is not None:
            c = task.entry.computed
            body["results"] = {
                "results": c.result,
                "columns": c.columns,
                "types": c.types,
                "hogql": c.hogql,
                "is_cached": False,
                "last_refresh": iso(task.entry.last_refresh),
                "timezone": self._timezone,
            }
        return body

    # -- resolving one insight -------------------------------------------------------------

    def _resolve(self, insight: SavedInsight, params: Mapping[str, str]) -> tuple[int, dict]:
        query = insight.query
        raw = params.get("filters_override")
        if raw:
            try:
                override = json.loads(raw)
            except ValueError:
                override = None
            if not isinstance(override, dict):
                return invalid("filters_override must be a JSON object.", "filters_override")
            query = apply_override(query, override)
        key = filters_hash(query)
        mode = refresh_mode(params.get("refresh"))
        entry = self._cached(key, query)
        is_cached, status = entry is not None, None
        if mode in ("blocking", "force_blocking"):
            if mode == "force_blocking" or not self._is_fresh(entry, query):
                failed = self._failure()
                if failed is not None:
                    return 200, self._failed(insight, query, key, failed, params)
                entry, is_cached = self._compute(query), False
                self._store(key, entry)
        elif mode in ("async", "force_async"):
            if mode == "force_async" or not self._is_fresh(entry, query):
                status = self._status_body(self._start_task(insight, key, query))
        body = represent(
            insight,
            query=query,
            computed=entry.computed if entry else None,
            last_refresh=entry.last_refresh if entry else None,
            is_cached=is_cached and entry is not None,
            stale_after=_STALE.get(
                query_source(query).get("interval") or "day", timedelta(hours=6)
            ),
            timezone=self._timezone,
            user=self._user,
            query_status=status,
            cache_key=key,
        )
        return 200, body

    def _failed(
        self, insight: SavedInsight, query: dict, key: str, failure: str, params: Mapping[str, str]
    ) -> dict:
        """The insight when its calculation hit the concurrency limit or crashed
        (InsightSerializer.insight_result): ``result: null`` and an errored ``query_status``."""
        limit = failure == "concurrency_limit_exceeded"
        status = query_status_body(
            params.get("client_query_id"),
            team_id=self._project_id,
            now=None,
            complete=False,
            failed=True,
            error_message=failure,
            insight_id=insight.id,
        )
        return represent(
            insight,
            query=query,
            computed=None,
            last_refresh=self._now if limit else None,
            is_cached=False,
            stale_after=timedelta(hours=6),
            timezone=self._timezone,
            user=self._user,
            query_status=status,
            cache_key=key,
        )

    def _safe(self, insight: SavedInsight, params: Mapping[str, str]) -> tuple[int, dict]:
        try:
            return self._resolve(insight, params)
        except DemoValidationError as err:
            return invalid(err.message, err.attr)

    # -- public API ------------------------------------------------------------------------

    def retrieve(self, key: str, params: Mapping[str, str]) -> tuple[int, dict]:
        """GET /insights/:id/ — *key* is the numeric id or the 8-character short_id."""
        insight = self._find(str(key))
        if insight is None:
            return 404, dict(NOT_FOUND)
        return self._safe(insight, params)

    def list(self, params: Mapping[str, str], base_url: str) -> tuple[int, dict]:
        """GET /insights/ — LimitOffset pagination with ``count``/``next``/``previous``."""
        limit = whole(params.get("limit"), 100, 1)
        offset = whole(params.get("offset"), 0, 0)
        kind = params.get("insight")
        if kind and kind.upper() not in KINDS:
            return invalid(f"insight must be one of {', '.join(KINDS)}.", "insight")
        chosen = [i for i in self._insights if matches(i, params)]
        page = chosen[offset : offset + limit]
        basic = bool(flag(params.get("basic")))
        results = []
        for insight in page:
            if basic:
                results.append(
                    represent(
                        insight,
                        basic=True,
                        user=self._user,
                        timezone=self._timezone,
                        last_refresh=self._last_refresh(insight),
                    )
                )
                continue
            status, body = self._safe(insight, params)
            if status != 200:
                return status, body
            results.append(body)
        return 200, {
            "count": len(chosen),
            "next": page_url(base_url, params, limit, offset + limit)
            if offset + limit < len(chosen)
            else None,
            "previous": page_url(base_url, params, limit, max(offset - limit, 0))
            if offset > 0
            else None,
            "results": results,
        }

    def query_status(self, query_id: str) -> tuple[int, dict]:
        """GET /query/:id/ — the async computation's status; complete from the second poll."""
        with self._lock:
            task = self._tasks.get(query_id)
            if task is None:
                detail = f"Query {query_id} not found for team {self._project_id}"
                return 404, error_body("invalid_request", "not_found", detail)
            task.polls += 1
            first = task.polls == 1
        if not first:
            task.thread.join(timeout=60)
        status = self._status_body(task)
        return status_code(status), {"query_status": status}

    def summary(self) -> builtins.list[tuple[int, str, str, str]]:
        """(id, short_id, kind, name) per insight, for the server's start-up banner."""
        return [(i.id, i.short_id, i.kind, i.name) for i in self._insights]

    def _find(self, key: str) -> SavedInsight | None:
        for insight in self._insights:
            if (key.isdigit() and insight.id == int(key)) or insight.short_id == key:
                return insight
        return None
