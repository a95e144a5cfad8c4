"""HogQL: ``client.query()`` as a DataFrame, persons in 50,000-row pages, Parquet streaming.

Every query is ``POST /api/projects/:id/query/`` with ``{"query": {"kind": "HogQLQuery",
"query": sql, "values": {...}}, "refresh": ...}``; blocking answers are cached locally, keyed
on that body. PostHog answers at most 100 rows without a LIMIT and at most 50,000 with one;
``paginate=True`` pages through everything with LIMIT/OFFSET: a query without a trailing
LIMIT/OFFSET gets ``LIMIT n OFFSET m`` appended, any other is wrapped as
``SELECT * FROM (<sql>) LIMIT n OFFSET m``.

Example:
    >>> client.query("select event, count() as n from events group by event order by n desc")
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from posthog_frames._persons_api import PersonsRequest, describe_persons, drop_seen, warn_if_changed
from posthog_frames._query_persons import person_dicts, persons_sql
from posthog_frames.exceptions import InvalidResponse, Timeout, ValidationError
from posthog_frames.filters import normalize_filters
from posthog_frames.frames.sql import TruncatedResult, hogql_frame
from posthog_frames.persons import concat_person_pages, persons_frame

if TYPE_CHECKING:
    from posthog_frames._client import Client

__all__ = ["MAX_ROWS", "QueryMixin", "StreamResult", "TruncatedResult"]

MAX_ROWS = 50_000  # PostHog's MAX_SELECT_RETURNED_ROWS
_REFRESH = ("blocking", "force_blocking", "force_cache", "async", "lazy_async", "force_async",
            "async_except_on_cache_miss")  # fmt: skip
_ASYNC = ("async", "lazy_async", "force_async", "async_except_on_cache_miss")
POLL_SECONDS = 600.0  # how long an async query is polled before Timeout
_TAIL_LIMIT = re.compile(
    r"\s+limit\s+(?P<limit>\d+|\{\s*\w+\s*\})"
    r"(?:\s*(?:,|\s+offset\s+)\s*(?P<offset>\d+|\{\s*\w+\s*\}))?\s*$",
    re.IGNORECASE,
)
_TAIL_OFFSET = re.compile(r"\s+offset\s+(\d+|\{\s*\w+\s*\})\s*$", re.IGNORECASE)
_HINT = (
    "Check the HogQL (https://posthog.com/docs/sql); the demo server runs a documented subset "
    "(posthog_frames.demo.hogql)."
)


class StreamResult(NamedTuple):
    """What :meth:`QueryMixin.stream_to_parquet` wrote."""

    path: Path
    rows: int


def _check_sql(sql: Any) -> str:
    if not isinstance(sql, str) or not sql.strip():
        raise ValidationError("query() needs HogQL text, e.g. 'select count() from events'.")
    return sql.strip().rstrip(";").rstrip()


def _check_limit(limit: Any, *, paginate: bool) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError(f"limit must be a positive whole number, got {limit!r}.")
    if limit > MAX_ROWS and not paginate:
        raise ValidationError(
            f"PostHog answers at most {MAX_ROWS:,} rows per query; pass paginate=True to fetch "
            f"{limit:,} rows in pages."
        )
    return limit


def with_limit(sql: str, limit: int) -> str:
    """*sql* with its trailing LIMIT replaced by *limit* (appended when it has none).

    Example:
        >>> with_limit("select 1 limit 5 offset 2", 10)
        'select 1 LIMIT 10 OFFSET 2'
    """
    found = _TAIL_LIMIT.search(sql)
    if found:
        offset = f" OFFSET {found['offset']}" if found["offset"] else ""
        return f"{sql[: found.start()]} LIMIT {limit}{offset}"
    return f"{sql} LIMIT {limit}"


def page_sql(sql: str, limit: int, offset: int) -> str:
    """One page of *sql*: LIMIT/OFFSET appended, or the query wrapped when it has its own.

    Example:
        >>> page_sql("select event from events", 10, 20)
        'select event from events LIMIT 10 OFFSET 20'
        >>> page_sql("select event from events limit 5", 10, 0)
        'SELECT * FROM (select event from events limit 5) LIMIT 10 OFFSET 0'
    """
    if _TAIL_LIMIT.search(sql) or _TAIL_OFFSET.search(sql):
        return f"SELECT * FROM ({sql}) LIMIT {limit} OFFSET {offset}"
    return f"{sql} LIMIT {limit} OFFSET {offset}"


def _progress(enabled: bool, total: int | None, unit: str) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit=unit, desc=unit)


class QueryMixin:
    """``client.query()``, ``client.stream_to_parquet()`` and persons through HogQL."""

    def query(
        self: Client,
        sql: str,
        *,
        values: dict[str, Any] | None = None,
        limit: int | None = None,
        refresh: str = "blocking",
        paginate: bool = False,
    ) -> pd.DataFrame:
        """Run HogQL on PostHog and return the rows as a typed DataFrame.

        Args:
            sql: a HogQL SELECT; ``{name}`` placeholders take their value from *values*.
            values: placeholder values, sent to PostHog separately (never pasted into the SQL).
            limit: the most rows: replaces the query's trailing LIMIT, or is appended.
            refresh: PostHog's mode: ``"blocking"`` (cached answers are fine),
                ``"force_blocking"`` (recompute, and skip the local cache), ``"async"`` (start,
                then poll ``query/:id/`` until complete), …
            paginate: fetch every row in pages of 50,000 (LIMIT/OFFSET; see the module doc).
                Give the query an ORDER BY on unique columns: without one, ClickHouse may
                order pages differently and rows repeat or go missing between them.

        Columns are typed from PostHog's ``types``; ``df.attrs`` holds ``hogql``,
        ``is_cached``, ``last_refresh``, ``timezone``, ``columns`` and ``types``. When PostHog
        cut the answer (100 rows without a LIMIT) a :class:`TruncatedResult` warning says so.

        Example:
            >>> client.query("select properties.$browser as browser, count() as n from events "
            ...              "where event = {e} group by browser", values={"e": "$pageview"})
        """
        sql = _check_sql(sql)
        limit = _check_limit(limit, paginate=paginate)
        if values is not None and not isinstance(values, dict):
            raise ValidationError(f"values must be a dict of placeholder values, got {values!r}.")
        if refresh not in _REFRESH:
            raise ValidationError(f"refresh must be one of {', '.join(_REFRESH)}, not {refresh!r}.")
        if paginate:
            pages = list(self._query_pages(sql, values, refresh=refresh, limit=limit))
            response = {**pages[-1], "results": [row for p in pages for row in p["results"]]}
            response["hasMore"] = False
        else:
            # hogql_frame warns (TruncatedResult) when PostHog says hasMore.
            response = self._run_query(with_limit(sql, limit) if limit else sql, values, refresh)
        frame = hogql_frame(response)
        for key in ("hogql", "is_cached", "last_refresh", "timezone", "columns"):
            if response.get(key) is not None:
                frame.attrs[key] = response[key]
        return frame

    # -- the requests ------------------------------------------------------------------------

    def _run_query(self: Client, sql: str, values: dict[str, Any] | None, refresh: str) -> dict:
        """One POST /query/ (and its polling in async mode); HogQL errors as ValidationError."""
        source: dict[str, Any] = {"kind": "HogQLQuery", "query": sql}
        if values:
            source["values"] = values
        body = {"query": source, "refresh": refresh}
        try:
            # Async answers are a moving status, and force_blocking asks for fresh rows.
            answer = self.post(
                "query/",
                body,
                refresh=refresh in (*_ASYNC, "force_blocking"),
                expect=_expect_answer,
            )
        except ValidationError as err:
            raise ValidationError(
                f"PostHog rejected the HogQL query: {err.detail or err.message} {_HINT}",
                status=err.status, type=err.type, code=err.code, detail=err.detail,
                attr=err.attr, endpoint=err.endpoint,
            ) from None  # fmt: skip
        if "results" in answer:
            return answer
        status = self._await_query(answer["query_status"], POLL_SECONDS, "use refresh='blocking'")
        if status.get("error"):
            raise ValidationError(
                f"The async query {status['id']} failed: {status.get('error_message')} {_HINT}"
            )
        results = status.get("results")
        if _expect_results(results) is not None:
            raise InvalidResponse(
                f"The async query {status['id']} completed without rows: "
                f"{_expect_results(results)}.",
                endpoint=f"query/{status['id']}/",
            )
        return results

    def _await_query(self: Client, status: dict[str, Any], deadline: float, advice: str) -> dict:
        """Poll ``query/:id/`` until PostHog reports *status* complete; the final status.

        Shared by async queries and async insight refreshes; past *deadline* seconds a
        :class:`Timeout` says to poll later or to follow *advice*.
        """
        query_id = status.get("id")
        started, wait = time.monotonic(), 0.1
        while not status.get("complete"):
            if time.monotonic() - started > deadline:
                raise Timeout(
                    f"The async query {query_id} was still running after {deadline:g} s; poll "
                    f"client.get('query/{query_id}/') later, or {advice}.",
                    endpoint=f"query/{query_id}/",
                )
            time.sleep(wait)
            wait = min(wait * 2, 2.0)
            answer = self.get(f"query/{query_id}/", refresh=True, expect=_expect_status)
            status = answer["query_status"]
        return status

    def _query_pages(
        self: Client,
        sql: str,
        values: dict[str, Any] | None,
        *,
        refresh: str = "blocking",
        limit: int | None = None,
        page_size: int = MAX_ROWS,
    ) -> Iterator[dict]:
        """Yield each page's response (LIMIT/OFFSET, see the module doc) until a short page."""
        offset = 0
        while True:
            size = page_size if limit is None else min(page_size, limit - offset)
            page = self._run_query(page_sql(sql, size, offset), values, refresh)
            yield page
            got = len(page["results"])
            offset += got
            if got < size or (limit is not None and offset >= limit):
                return

    # -- persons through HogQL ---------------------------------------------------------------

    def _iter_persons_query(
        self: Client,
        request: PersonsRequest,
        progress: bool | None = None,
        *,
        refresh: bool = False,
        dtypes: bool = True,
        types: dict[str, str] | None = None,
        counts: list[int] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """``iter_persons(via="query")``: one frame per HogQL page of up to 50,000 persons.

        *types* (property name → PostHog type) skips fetching the property definitions;
        *counts* gets each page's total (the query's window count).
        """
        size = MAX_ROWS if request.page_size is None else request.page_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_ROWS:
            raise ValidationError(
                f"page_size must be between 1 and 50,000, got {request.page_size!r}."
            )
        limit = _check_limit(request.limit, paginate=True)
        sql, values = persons_sql(
            normalize_filters(request.properties) if request.properties else [],
            search=request.search,
            distinct_id=request.distinct_id,
            email=request.email,
        )
        if types is None and dtypes:
            types = self._person_property_types(refresh=refresh)
        mode = "force_blocking" if refresh else "blocking"
        counts = [] if counts is None else counts
        bar, read, ids = None, 0, set()
        try:
            for page in self._query_pages(sql, values, refresh=mode, limit=limit, page_size=size):
                people, total = person_dicts(page)
                if total is not None:
                    counts.append(total)
                if bar is None and len(people) == size:
                    bar = _progress(self._progress_enabled(progress), total, "persons")
                read += len(people)
                frame = drop_seen(persons_frame(people, property_types=types), ids)
                if bar is not None:
                    bar.update(len(frame))
                yield frame
                if total is not None and read >= total:
                    break  # the window count saves the request that would find an empty page
        finally:
            if bar is not None:
                bar.close()
        warn_if_changed(counts, stacklevel=4)

    def _persons_via_query(
        self: Client, request: PersonsRequest, progress: bool | None, **options: Any
    ) -> pd.DataFrame:
        """``persons(via="query")``: the REST frame's columns, ``id`` holding the person UUID."""
        counts: list[int] = []
        pages = self._iter_persons_query(request, progress, counts=counts, **options)
        frame = concat_person_pages(list(pages))
        describe_persons(frame, self.project_id, request, counts)
        frame.attrs["via"] = "query"
        return frame

    # -- Parquet -----------------------------------------------------------------------------

    def stream_to_parquet(
        self: Client,
        path: str | Path,
        source: str,
        *,
        properties: Any = None,
        values: dict[str, Any] | None = None,
        page_size: int = MAX_ROWS,
        progress: bool | None = None,
    ) -> StreamResult:
        """Write ``"persons"`` or a HogQL query's rows to a Parquet file, one page at a time.

        Each page (up to 50,000 rows) becomes one row group, so memory stays at about one
        page however many rows there are; pages are not kept in the local cache. The schema
        is fixed before the first page: for persons from the property definitions (Numeric →
        float64, Boolean → bool, DateTime → timestamp, else string), for SQL from PostHog's
        ``types``. Needs pyarrow: ``pip install "posthog-frames[parquet]"``.

        Example:
            >>> path, rows = client.stream_to_parquet("events.parquet",
            ...     "select uuid, event, timestamp, properties.$browser from events")
        """
        from posthog_frames._parquet import stream_persons, stream_rows

        if not isinstance(source, str) or not source.strip():
            raise ValidationError('source must be "persons" or a HogQL SELECT.')
        target = Path(path)
        bar = _progress(self._progress_enabled(progress), None, "rows")
        try:
            with _no_cache(self):
                if source.strip().lower() == "persons":
                    if values:
                        raise ValidationError('values apply to SQL sources, not "persons".')
                    types = self._person_property_types() or {}
                    request = PersonsRequest(properties, page_size=page_size)
                    pages = self._iter_persons_query(
                        request, progress=False, refresh=True, types=types
                    )
                    rows = stream_persons(target, pages, types, bar)
                else:
                    if properties:
                        raise ValidationError(
                            'properties apply to "persons"; put conditions in the SQL WHERE.'
                        )
                    sql = _check_sql(source)
                    pages = self._query_pages(
                        sql, values, refresh="force_blocking", page_size=page_size
                    )
                    rows = stream_rows(target, pages, bar)
        finally:
            if bar is not None:
                bar.close()
        return StreamResult(target, rows)


def _no_cache(client: Client) -> AbstractContextManager:
    """Keep streamed pages out of the local cache (a 10 GB export must not fill it)."""
    disabled = getattr(client.session, "cache_disabled", None)
    return disabled() if disabled is not None else nullcontext()


def _expect_results(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("results"), list) and "columns" in body:
        return None
    got = f"keys {sorted(body)[:8]}" if isinstance(body, dict) else type(body).__name__
    return f"expected a HogQL answer {{'results': [...], 'columns': [...]}}, got {got}"


def _expect_status(body: dict[str, Any]) -> str | None:
    status = body.get("query_status")
    if isinstance(status, dict) and status.get("id"):
        return None
    got = sorted(body)[:8]
    return f"expected {{'query_status': {{'id': ..., 'complete': ...}}}}, got keys {got}"


def _expect_answer(body: dict[str, Any]) -> str | None:
    """A /query/ answer: rows (blocking) or the status of a query still running (async)."""
    if "results" not in body and "query_status" in body:
        return _expect_status(body)
    return _expect_results(body)
