"""``/persons/``, ``/persons/:id/`` and ``/persons/values/`` as ``posthog/api/person.py`` answers.

Pagination is PostHog's, quirks included: ``next`` only when the page is full
(``len(results) >= limit``), at most 50,000 rows per page (HogQL's MAX_SELECT_RETURNED_ROWS, so
``limit=60000`` gives 50,000 rows and no ``next``), and links built by
``format_query_params_absolute_url``, which leaves the URL untouched for offset 0 (so
``previous`` of the second page repeats the current URL).

Example:
    >>> absolute_with_offset("http://h/api/projects/1/persons/?limit=5", 10)
    'http://h/api/projects/1/persons/?limit=5&offset=10'
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson
from werkzeug.wrappers import Request, Response

from posthog_frames.demo.data.project import DemoData
from posthog_frames.demo.errors import ApiError, error_response, not_found, validation_error
from posthog_frames.demo.faults import Faults
from posthog_frames.demo.filters import FilterError, UnknownCohort, parse_filters, person_matcher
from posthog_frames.demo.responses import json_response, raw_json_response

__all__ = [
    "CohortSource",
    "PersonsContext",
    "absolute_with_offset",
    "list_persons",
    "person_values",
    "retrieve_person",
    "search_matcher",
]

DEFAULT_LIMIT = 100
MAX_ROWS = 50_000  # posthog/hogql/constants.py MAX_SELECT_RETURNED_ROWS
VALUES_LIMIT = 20  # SELECT_PERSON_PROP_VALUES_SQL: ORDER BY count DESC LIMIT 20
_OFFSET = re.compile(r"([&?]offset=)(\d+)")
_FILTER_PARAMS = ("properties", "email", "distinct_id", "search")


class _MatchCache:
    """Recent filtered position lists, so paging through a filter over 100k persons does not
    re-run the filter for every page. An entry is valid only for the very persons list it was
    computed on: add_person replaces that list, which retires the old entries."""

    def __init__(self, size: int = 32) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, tuple[list, list[int]]] = OrderedDict()
        self._size = size

    def get(self, persons: list, params: tuple, compute: Callable[[], list[int]]) -> list[int]:
        key = (id(persons), *params)
        with self._lock:
            entry = self._items.get(key)
            if entry is not None and entry[0] is persons:
                self._items.move_to_end(key)
                return entry[1]
        value = compute()
        with self._lock:
            self._items[key] = (persons, value)  # holding the list keeps its id from reuse
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


class CohortSource(Protocol):
    """Who is in each cohort, for cohort filters (the demo's cohorts)."""

    def lookup(self, cohort: int) -> Callable[[str], bool]: ...

    def version(self) -> int: ...


@dataclass(frozen=True)
class PersonsContext:
    """What the persons endpoints need: the data (None for an empty project), the clock, and
    the project's cohorts (None: cohort filters are refused)."""

    data: DemoData | None
    faults: Faults
    now: datetime
    timezone: str
    cohorts: CohortSource | None = None
    cache: _MatchCache = field(default_factory=_MatchCache, compare=False, repr=False)


def absolute_with_offset(url: str, offset: int) -> str:
    """PostHog's ``format_query_params_absolute_url(request, offset)``, including its quirk
    that a falsy offset (0) leaves the URL unchanged."""
    if not offset:
        return url
    if _OFFSET.search(url):
        return _OFFSET.sub(rf"\g<1>{offset}", url)
    return url + ("&" if "?" in url else "?") + f"offset={offset}"


def request_url(request: Request) -> str:
    """The absolute URL as the client sent it (raw query string kept)."""
    url = request.host_url.rstrip("/") + request.path
    query = request.query_string.decode("latin-1")
    return f"{url}?{query}" if query else url


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(validation_error(f"{name} must be an integer, got {raw!r}", name)) from None
    if value < 0:
        raise ApiError(validation_error(f"{name} must not be negative, got {value}", name))
    return value


def search_matcher(search: str) -> Callable[[dict[str, Any]], bool]:
    """ActorsQuery search on persons (``posthog/hogql_queries/actor_strategies.py``): the
    trimmed text ILIKE ``%text%`` against ``properties.email``, ``properties.name``, the person's
    UUID and any of its distinct ids. PostHog does not escape ``%`` and ``_``: they stay
    wildcards."""
    pattern = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in search)
    found = re.compile(pattern, re.IGNORECASE | re.DOTALL).search

    def match(person: dict[str, Any]) -> bool:
        props = person["properties"]
        texts = [props.get("email"), props.get("name"), person["uuid"], *person["distinct_ids"]]
        return any(text is not None and found(_text(text)) for text in texts)

    return match


def _text(value: Any) -> str:
    # HogQL's toString of a JSON property: booleans as true/false, numbers as written.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _row_filter(request: Request, ctx: PersonsContext, *, person_params: bool = True):
    """One predicate on a person for properties/email/distinct_id/search, or None
    (*person_params* False: properties and search only, as a cohort's persons read them)."""
    tests = []
    raw = request.args.get("properties")
    if raw:
        lookup = ctx.cohorts.lookup if ctx.cohorts is not None else None
        try:
            node = parse_filters(raw, now=ctx.now, timezone=ctx.timezone, cohorts=lookup)
        except FilterError as err:
            raise ApiError(validation_error(str(err))) from None
        except UnknownCohort:  # Cohort.DoesNotExist escapes PostHog's view: its generic 500
            raise ApiError(
                error_response(500, "server_error", "error", "A server error occurred.")
            ) from None
        tests.append(person_matcher(node))
    email = request.args.get("email") if person_params else None
    if email:
        tests.append(lambda p: p["properties"].get("email") == email)
    distinct_id = request.args.get("distinct_id") if person_params else None
    if distinct_id:
        tests.append(lambda p: distinct_id in p["distinct_ids"])
    search = (request.args.get("search") or "").strip()
    if search:
        tests.append(search_matcher(search))
    if not tests:
        return None
    return lambda p: all(t(p) for t in tests)


def list_persons(request: Request, ctx: PersonsContext, *, cohort: int | None = None) -> Response:
    """``GET .../persons/``: ``{results, next, previous}``, plus ``count`` with include_total.

    With *cohort*, ``GET .../cohorts/:id/persons/`` (``posthog/api/cohort.py``): the cohort's
    members (an ActorsQuery with the cohort filter, the request's ``properties`` and
    ``search``), paged the same way but never counted. PostHog caps each member's
    ``distinct_ids`` at 10; demo persons have at most two.
    """
    limit = _int_param(request, "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT  # 0 means default
    offset = _int_param(request, "offset", 0)
    test = _row_filter(request, ctx, person_params=cohort is None)
    if cohort is not None and ctx.cohorts is not None:
        member, rest = ctx.cohorts.lookup(cohort), test
        test = lambda p: member(p["uuid"]) and (rest is None or rest(p))  # noqa: E731
    persons, blobs = ctx.data.snapshot() if ctx.data else ([], [])
    if test is None:
        positions: range | list[int] = range(len(persons))
    else:
        params: tuple[Any, ...] = tuple(request.args.get(k) for k in _FILTER_PARAMS)
        if ctx.cohorts is not None:  # membership changes when a calculation ends
            params = (*params, cohort, ctx.cohorts.version())
        positions = ctx.cache.get(
            persons, params, lambda: [i for i, person in enumerate(persons) if test(person)]
        )
    page = list(positions[offset : offset + min(limit, MAX_ROWS)])
    returned = ctx.faults.short_page(limit, len(page))
    url = request_url(request)
    if returned is not None:
        page = page[:returned]
        # The injected fault: a short page whose next link still continues after its last row.
        next_url: str | None = absolute_with_offset(url, offset + returned)
    else:
        next_url = absolute_with_offset(url, offset + limit) if len(page) >= limit else None
    previous_url = absolute_with_offset(url, offset - limit) if offset - limit >= 0 else None
    # get_serialized_people sorts the page again: created_at descending, then uuid ascending.
    page.sort(key=lambda i: persons[i]["uuid"])
    page.sort(key=lambda i: persons[i]["created_at"], reverse=True)
    body = [b'{"results":[', b",".join(blobs[i] for i in page), b'],"next":']
    body += [orjson.dumps(next_url), b',"previous":', orjson.dumps(previous_url)]
    if "include_total" in request.args and cohort is None:
        body += [b',"count":', str(len(positions)).encode()]
    body.append(b"}")
    return raw_json_response(b"".join(body))


def retrieve_person(person_id: str, ctx: PersonsContext) -> Response:
    """``GET .../persons/:id/`` by numeric id or uuid; anything else is PostHog's 400."""
    wanted_uuid: str | None = None
    wanted_id: int | None = None
    try:
        wanted_uuid = str(uuid.UUID(person_id))
    except ValueError:
        try:
            wanted_id = int(person_id)
        except ValueError:
            return validation_error(
                "The ID provided does not look like a personID. If you are using a distinctId,"
                f" please use /persons?distinct_id={person_id} instead."
            )
    persons, retrieved = ctx.data.retrievable() if ctx.data else ([], [])
    for person, blob in zip(persons, retrieved, strict=True):
        if person["id"] == wanted_id or person["uuid"] == wanted_uuid:
            return raw_json_response(blob)
    return not_found()


def _value_name(value: Any) -> str:
    # posthog.utils.convert_property_value: booleans as true/false, containers as sorted JSON.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return str(value)


def person_values(request: Request, ctx: PersonsContext) -> Response:
    """``GET .../persons/values/?key=..[&value=..]``: the 20 most common values with counts."""
    key = request.args.get("key")
    headers = {"Cache-Control": "max-age=10"}
    if not key or key.startswith("$virt"):
        return json_response({"results": [], "refreshing": False}, headers=headers)
    search = (request.args.get("value") or "").lower()
    persons, _ = ctx.data.snapshot() if ctx.data else ([], [])
    counts: Counter[str] = Counter()
    for person in persons:
        found = person["properties"].get(key)
        if found is None:
            continue
        name = _value_name(found)
        if name == "" or (search and search not in name.lower()):
            continue
        counts[name] += 1
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:VALUES_LIMIT]
    results = [{"name": name, "count": count} for name, count in top]
    return json_response({"results": results, "refreshing": False}, headers=headers)
