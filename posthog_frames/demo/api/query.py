"""``POST /api/projects/:id/query/`` for the demo: HogQL run on SQLite, insight, events and actors
queries computed from the event log, answered as PostHog does.

The body's query is first checked against PostHog's schema
(:mod:`~posthog_frames.demo.api.query_schema`: unknown keys and enum values answer PostHog's
400 ``parse_error``); wrappers (``InsightVizNode``, ``DataTableNode``) are answered by their
source. Insight kinds are computed in :mod:`~posthog_frames.demo.api.query_insights`,
``EventsQuery`` in :mod:`~posthog_frames.demo.api.query_events` and ``ActorsQuery`` in
:mod:`~posthog_frames.demo.api.query_actors`. A ``HogQLQuery`` (``{"kind": "HogQLQuery",
"query": "...", "values": {...}}``) is run by
:mod:`posthog_frames.demo.hogql.engine`, as PostHog runs one sent with a personal API key:

- any ``OFFSET``, at any depth, is refused (``posthog/hogql/user_query_validator.py``): 400
  ``validation_error`` / ``hogql_query_error`` asking for keyset pagination, unless the server
  was started with ``allow_offset=True`` (PostHog's grandfathered organizations);
- without a LIMIT the answer holds 100 rows and ``hasMore``/``limit``/``offset`` say whether
  more exist; with one (a LIMIT above 50,000 is cut to 50,000) there is no paginator, so
  ``hasMore``, ``limit`` and ``offset`` are null (``hogql_query_runner.py``).

``refresh``: ``blocking`` (default) answers from the demo's result cache when the same body was
run before (``is_cached: true``); ``force_blocking`` recomputes; ``async`` and ``lazy_async``
answer a cached result (200) or start a computation (202 ``{"cache_key", "query_status"}``);
``force_async`` always starts one (202 ``{"query_status"}``). ``GET /query/:id/`` answers 202
while running (complete from the second poll, like the insight store's tasks), 200 when done,
400 with ``error_message`` when it failed (posthog/api/query.py).

Example:
    >>> from posthog_frames.demo import DEMO_NOW
    >>> status, body = run_query({"query": {"kind": "HogQLQuery", "query": "select 1"}},
    ...                          persons=[], store=None, now=DEMO_NOW)
    >>> status, body["results"], body["types"]
    (200, [[1]], [['1', 'UInt64']])
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import orjson

from posthog_frames.demo.analytics import Context
from posthog_frames.demo.api.query_actors import answer_actors
from posthog_frames.demo.api.query_events import answer_events
from posthog_frames.demo.api.query_insights import answer_insight
from posthog_frames.demo.api.query_schema import INSIGHT_KINDS, check_query
from posthog_frames.demo.api.query_status import query_status_body, status_code
from posthog_frames.demo.clock import iso_z
from posthog_frames.demo.data.events import generate_events
from posthog_frames.demo.data.persons import persons_table
from posthog_frames.demo.errors import invalid
from posthog_frames.demo.hogql.ast import HogQLSyntaxError
from posthog_frames.demo.hogql.db import DemoDatabase, database_for
from posthog_frames.demo.hogql.engine import execute
from posthog_frames.demo.hogql.parser import parse
from posthog_frames.demo.hogql.tables import HogQLError
from posthog_frames.demo.hogql.validator import validate_user_query

__all__ = ["query_status", "run_query"]

_ASYNC = ("async", "lazy_async", "force_async")
_MODES = ("blocking", "force_blocking", "force_cache", "async_except_on_cache_miss", *_ASYNC)
_CACHE_ROWS = 10_000  # answers larger than this are not kept (paged exports would pile up)
_tasks: OrderedDict[str, dict] = OrderedDict()
_lock = threading.Lock()


def _timezone(store: Any) -> str:
    # The store knows the project's zone; the hook passes no zone of its own.
    return getattr(store, "timezone", None) or getattr(store, "_timezone", None) or "UTC"


def _events(store: Any) -> Any:
    return store.context().events if store is not None else None


# What /query/ answers, and the wrappers PostHog unwraps (process_query_model: a node without
# a runner of its own is answered by its source).
_KINDS = ("HogQLQuery", *INSIGHT_KINDS, "EventsQuery", "ActorsQuery")
_WRAPPERS = ("InsightVizNode", "DataTableNode", "DataVisualizationNode")


def _source_of(query: dict) -> dict:
    while query.get("kind") in _WRAPPERS and isinstance(query.get("source"), dict):
        query = query["source"]
    return query


def _context(store: Any, now: datetime) -> Context:
    """The event log a query reads: the project's, or none for a project without data."""
    if store is not None:
        return store.context()
    return Context(generate_events([], now=now), persons_table([]), now, "UTC", 0)


def run_query(
    body: dict,
    *,
    persons: list[dict],
    store: Any,
    now: datetime,
    allow_offset: bool = False,
    failure: Callable[[], str | None] = lambda: None,
) -> tuple[int, dict]:
    """Answer one ``POST /query/`` body as ``(status, response body)``; *failure* (the faults'
    calculation failures) can make an async query fail inside PostHog.

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> run_query({"query": {"kind": "WebOverviewQuery"}}, persons=[], store=None,
        ...           now=DEMO_NOW)[0]
        400
    """
    query = body.get("query")
    if not isinstance(query, dict):
        return invalid(
            "The body needs a 'query' object, e.g. {'kind': 'HogQLQuery', ...}.", "query"
        )
    refused = check_query(query)
    if refused is not None:
        return refused
    source = _source_of(query)
    kind = source.get("kind")
    if kind not in _KINDS:
        return invalid(
            f"The demo's /query/ answers {', '.join(_KINDS)}, not {kind!r}.",
            "query",
        )
    values = source.get("values") or {}
    if kind == "HogQLQuery" and (
        not isinstance(source.get("query"), str) or not isinstance(values, dict)
    ):
        return invalid("HogQLQuery needs 'query' text and 'values' as an object.", "query")
    mode = str(body.get("refresh") or "blocking").lower()
    if mode not in _MODES and mode not in ("true", "false"):
        return invalid(f"refresh must be one of {', '.join(_MODES)}.", "refresh")
    key = "cache_" + hashlib.md5(orjson.dumps(query, option=orjson.OPT_SORT_KEYS)).hexdigest()
    db = database_for(persons)

    def compute() -> tuple[int, dict]:
        if kind == "HogQLQuery":
            return _compute(
                source, values, db=db, store=store, now=now, key=key, offset=allow_offset
            )
        ctx = _context(store, now)
        if kind == "EventsQuery":
            return answer_events(source, ctx, persons, now=now, key=key)
        if kind == "ActorsQuery":
            return answer_actors(source, ctx, persons, now=now, key=key)
        return answer_insight(source, ctx, now=now, key=key)

    def compute_async() -> tuple[int, dict]:
        # An unexpected failure inside an async task: PostHog exposes no message for it.
        return (500, {"detail": None}) if failure() else compute()

    with db.lock:
        cached = db.results.get(key)
    if mode in _ASYNC:
        if cached is not None and mode != "force_async":
            return 200, {**cached, "is_cached": True}
        started = {"query_status": _start(compute_async, now)}
        return 202, started if mode == "force_async" else {"cache_key": key, **started}
    if cached is not None and mode not in ("force_blocking", "true"):
        return 200, {**cached, "is_cached": True}
    status, answer = compute()
    if status == 200 and len(answer["results"]) <= _CACHE_ROWS:
        with db.lock:  # kept per database: another demo's persons give other answers
            db.results[key] = answer
            while len(db.results) > 64:
                db.results.popitem(last=False)
    return status, answer


def _compute(
    query: dict,
    values: dict,
    *,
    db: DemoDatabase,
    store: Any,
    now: datetime,
    key: str,
    offset: bool,
) -> tuple[int, dict]:
    timezone = _timezone(store)
    try:
        tree = parse(query["query"])
        if not offset:
            validate_user_query(tree)
        out = execute(
            db, query["query"], values, now=now, timezone=timezone, events=lambda: _events(store)
        )
    except (HogQLError, HogQLSyntaxError) as err:
        return invalid(str(err), code=getattr(err, "code", "invalid_input"))
    if tree.limit is not None:
        # An explicit LIMIT means no paginator in PostHog: no hasMore, limit or offset.
        out = {**out, "hasMore": None, "limit": None, "offset": None}
    return 200, {
        "cache_key": key,
        "cache_target_age": None,
        "calculation_trigger": None,
        "error": None,
        "explain": None,
        "is_cached": False,
        "last_refresh": iso_z(now).replace(".000000Z", "Z"),
        "metadata": None,
        "modifiers": {},
        "next_allowed_client_refresh": iso_z(now + timedelta(minutes=1)),
        "query": query["query"],  # HogQLQueryResponse.query: the input HogQL text
        "query_status": None,
        "timezone": timezone,
        "timings": [],
        **out,
    }


# -- async -------------------------------------------------------------------------------------


def _start(compute: Any, now: datetime) -> dict:
    task_id = str(uuid.uuid4())
    task: dict[str, Any] = {"id": task_id, "polls": 0, "answer": None, "now": now}

    def run() -> None:
        task["answer"] = compute()

    task["thread"] = threading.Thread(target=run, daemon=True)
    with _lock:
        _tasks[task_id] = task
        while len(_tasks) > 256:
            _tasks.popitem(last=False)
    task["thread"].start()
    return _status_body(task)


def _status_body(task: dict) -> dict:
    answer = task["answer"]
    done = task["polls"] > 1 and answer is not None
    failed = done and answer[0] != 200
    return query_status_body(
        task["id"],
        team_id=1,
        now=task["now"],
        complete=done,
        failed=failed,
        error_message=answer[1]["detail"] if failed else None,
        results=answer[1] if done and not failed else None,
    )


def query_status(query_id: str) -> tuple[int, dict] | None:
    """``GET /query/:id/`` for a query started here; None when the id is not one of ours."""
    with _lock:
        task = _tasks.get(query_id)
        if task is None:
            return None
        task["polls"] += 1
        later = task["polls"] > 1
    if later:
        task["thread"].join(timeout=120)
    status = _status_body(task)
    return status_code(status), {"query_status": status}
