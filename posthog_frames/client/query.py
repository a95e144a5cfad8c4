"""HogQL on ``/query/``: one query as a DataFrame, its pages, and polling async queries.

Every query is ``POST /api/projects/:id/query/`` with ``{"query": {"kind": "HogQLQuery",
"query": sql, "values": {...}}, "refresh": ...}``; blocking answers are cached locally, keyed
on that body. PostHog answers at most 100 rows without a LIMIT and at most 50,000 with one (a
larger LIMIT is cut silently); ``paginate=True`` pages through everything by keyset, never with
OFFSET, which PostHog refuses from personal API keys (:mod:`posthog_frames.client.keyset`).

Example:
    >>> query(client, "select event, count() as n from events group by event order by n desc"
    ...       ).columns.tolist()
    ['event', 'n']
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.client.hogql import MAX_ROWS, with_limit
from posthog_frames.client.keyset import (
    check_unique,
    key_positions,
    page_sql,
    plan_keyset,
    split_tail,
)
from posthog_frames.client.polling import HOGQL_HINT, await_query, expect_status
from posthog_frames.exceptions import (
    InvalidResponse,
    PostHogError,
    ValidationError,
)
from posthog_frames.frames.backends import DtypeBackend, check_backend, with_backend
from posthog_frames.frames.sql import TruncatedResult, hogql_frame

__all__ = [
    "POLL_SECONDS",
    "REFRESH_MODES",
    "check_limit",
    "check_sql",
    "hogql_rejected",
    "key_types_of",
    "no_cache",
    "post_query",
    "query",
    "query_pages",
    "run_query",
    "sql_frame",
]

# PostHog's ExecutionMode values (reference §4) that /query/ takes.
REFRESH_MODES = (
    "blocking",
    "force_blocking",
    "force_cache",
    "async",
    "lazy_async",
    "force_async",
    "async_except_on_cache_miss",
)
_ASYNC = ("async", "lazy_async", "force_async", "async_except_on_cache_miss")
POLL_SECONDS = 600.0  # how long an async query is polled before Timeout


def check_sql(sql: Any) -> str:
    """*sql* stripped of white space and a trailing semicolon; empty or not text is refused.

    Example:
        >>> check_sql(" select 1; ")
        'select 1'
    """
    if not isinstance(sql, str) or not sql.strip():
        raise ValidationError("query() needs HogQL text, e.g. 'select count() from events'.")
    return sql.strip().rstrip(";").rstrip()


def check_limit(limit: Any, *, paginate: bool) -> int | None:
    """A row limit: a positive whole number, above 50,000 only when paginating.

    Example:
        >>> check_limit(60_000, paginate=True)
        60000
    """
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


def query(
    client: BaseClient,
    sql: str,
    *,
    values: dict[str, Any] | None = None,
    limit: int | None = None,
    refresh: str = "blocking",
    paginate: bool = False,
    keyset: Sequence[str] | None = None,
    dtype_backend: DtypeBackend | None = None,
) -> pd.DataFrame:
    """Run HogQL on PostHog and return the rows as a typed DataFrame.

    Args:
        sql: a HogQL SELECT; ``{name}`` placeholders take their value from *values*.
        values: placeholder values, sent to PostHog separately (never pasted into the SQL).
        limit: the most rows: replaces the query's trailing LIMIT, or is appended.
        refresh: PostHog's mode: ``"blocking"`` (cached answers are fine),
            ``"force_blocking"`` (recompute, and skip the local cache), ``"async"`` (start,
            then poll ``query/:id/`` until complete), …
        paginate: fetch every row in pages of up to 49,999, by keyset: each page asks for
            the rows after the last one seen, ordered by the query's trailing ORDER BY (on
            selected columns that order rows uniquely, e.g. ``order by timestamp, uuid``)
            or by *keyset*. PostHog refuses OFFSET from personal API keys, so no page uses
            it; a query that cannot be paged safely raises ValidationError saying how.
        keyset: with ``paginate=True``, the selected column names that order rows
            uniquely, when the query's ORDER BY is not enough (e.g. ``("timestamp",
            "uuid")``).
        dtype_backend: ``"numpy_nullable"`` or ``"pyarrow"``: nullable or Arrow-backed
            columns (``pd.ArrowDtype``), with pandas' meaning of the argument (as in
            ``pd.read_parquet``); default: the dtypes below.

    Columns are typed from PostHog's ``types``; ``df.attrs`` holds ``hogql``,
    ``is_cached``, ``last_refresh``, ``timezone``, ``columns`` and ``types``. When PostHog
    cut the answer (100 rows without a LIMIT, or 50,000 when the LIMIT asks for more, which
    PostHog does silently) a :class:`TruncatedResult` warning says so.

    Example:
        >>> client.query("select properties.$browser as browser, count() as n from events "
        ...              "where event = {e} group by browser order by n desc",
        ...              values={"e": "$pageview"}).columns.tolist()
        ['browser', 'n']
        >>> client.query("select count() as n from events", dtype_backend="pyarrow")["n"].dtype
        int64[pyarrow]
    """
    sql = check_sql(sql)
    check_backend(dtype_backend)
    limit = check_limit(limit, paginate=paginate)
    if values is not None and not isinstance(values, dict):
        raise ValidationError(f"values must be a dict of placeholder values, got {values!r}.")
    if refresh not in REFRESH_MODES:
        raise ValidationError(
            f"refresh must be one of {', '.join(REFRESH_MODES)}, not {refresh!r}."
        )
    if keyset is not None and not paginate:
        raise ValidationError("keyset= orders the pages of paginate=True; pass paginate=True too.")
    if paginate:
        pages = query_pages(client, sql, values, keyset=keyset, refresh=refresh, limit=limit)
        answers = list(pages)
        response = {**answers[-1], "results": [row for p in answers for row in p["results"]]}
        response["hasMore"] = False
    else:
        _warn_if_cut(sql, limit)
        # hogql_frame warns (TruncatedResult) when PostHog says hasMore.
        response = run_query(client, with_limit(sql, limit) if limit else sql, values, refresh)
    return with_backend(sql_frame(response), dtype_backend)


def sql_frame(response: dict[str, Any]) -> pd.DataFrame:
    """A HogQL answer as its typed frame, with PostHog's ``hogql``, ``is_cached``,
    ``last_refresh``, ``timezone`` and ``columns`` in ``df.attrs``.

    Example:
        >>> sql_frame({"columns": ["n"], "types": [["n", "UInt64"]], "results": [[3]],
        ...            "is_cached": True}).attrs["is_cached"]
        True
    """
    frame = hogql_frame(response)
    for key in ("hogql", "is_cached", "last_refresh", "timezone", "columns"):
        if response.get(key) is not None:
            frame.attrs[key] = response[key]
    return frame


def run_query(
    client: BaseClient, sql: str, values: dict[str, Any] | None, refresh: str
) -> dict[str, Any]:
    """One POST /query/ (and its polling in async mode); HogQL errors as ValidationError.

    Example:
        >>> run_query(client, "select 1 + 1", None, "blocking")["results"]
        [[2]]
    """
    source: dict[str, Any] = {"kind": "HogQLQuery", "query": sql}
    if values:
        source["values"] = values
    return post_query(client, source, refresh, rejected=hogql_rejected)


def hogql_rejected(err: ValidationError) -> ValidationError:
    """PostHog's 400 to a HogQL query, saying where HogQL is documented.

    Example:
        >>> hogql_rejected(ValidationError("x", detail="Unable to resolve field: nope")).message
        'PostHog rejected the HogQL query: Unable to resolve field: nope Check the HogQL ...'
    """
    return ValidationError(
        f"PostHog rejected the HogQL query: {err.detail or err.message} {HOGQL_HINT}",
        status=err.status,
        type=err.type,
        code=err.code,
        detail=err.detail,
        attr=err.attr,
        endpoint=err.endpoint,
    )


def post_query(
    client: BaseClient,
    source: dict[str, Any],
    refresh: str = "blocking",
    *,
    extra: dict[str, Any] | None = None,
    rejected: Callable[[ValidationError], PostHogError] | None = None,
    expect: Callable[[Any], str | None] | None = None,
    fresh: bool = False,
) -> dict[str, Any]:
    """POST any query *source* to ``/query/`` and return PostHog's answer, polling a query
    PostHog runs asynchronously until it completes; *extra* adds body keys (PostHog's
    ``filters_override``, ``variables_override``), *rejected* rewrites a 400 to the POST,
    *expect* checks the rows' shape (default: a HogQL answer), *fresh* skips the local cache.

    Example:
        >>> post_query(client, {"kind": "HogQLQuery", "query": "select 3"})["results"]
        [[3]]
    """
    check = expect or _expect_results
    body = {"query": source, "refresh": refresh, **(extra or {})}
    try:
        # Async answers are a moving status, and force_blocking asks for fresh rows.
        answer = client.post(
            "query/",
            body,
            refresh=fresh or refresh in (*_ASYNC, "force_blocking"),
            expect=lambda raw: _expect_answer(raw, check),
        )
    except ValidationError as err:
        if rejected is None:
            raise
        raise rejected(err) from None
    if "results" in answer:
        return answer
    status = await_query(client, answer["query_status"], POLL_SECONDS, "use refresh='blocking'")
    results = status.get("results")
    problem = check(results)
    if problem is not None or not isinstance(results, dict) or "results" not in results:
        raise InvalidResponse(
            f"The async query {status['id']} completed without rows: {problem}.",
            endpoint=f"query/{status['id']}/",
        )
    return results


def query_pages(
    client: BaseClient,
    sql: str,
    values: dict[str, Any] | None,
    *,
    keyset: Sequence[str] | None = None,
    refresh: str = "blocking",
    limit: int | None = None,
    page_size: int = MAX_ROWS,
    after: Sequence[Any] | None = None,
    key_types: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    """Yield each page's answer, paged by keyset (the query's ORDER BY, or *keyset*) until the
    last row, or until *limit* rows (else the query's own LIMIT). *after* starts after that key
    (a resumed pull), compared as *key_types* (the key columns' ClickHouse types).

    Each page asks for one row more than it keeps: that row says whether another page exists,
    so the pull ends without asking for an empty page. Pages hold at most 49,999 rows (PostHog
    answers at most 50,000, the extra row included).

    Example:
        >>> pages = query_pages(client, "select number from numbers(5) order by number", None,
        ...                     page_size=2)
        >>> [[row[0] for row in page["results"]] for page in pages]
        [[0, 1], [2, 3], [4]]
    """
    plan = plan_keyset(sql, keyset)
    total = min(n for n in (limit, plan.limit) if n is not None) if limit or plan.limit else None
    positions: list[int] = []
    kinds: list[str] = list(key_types)
    got = 0
    while True:
        size = min(page_size, MAX_ROWS - 1)
        last = total is not None and total - got <= size
        size = total - got if last and total is not None else size
        text, key_values = page_sql(plan, size if last else size + 1, after, kinds)
        clash = sorted(set(key_values) & set(values or {}))
        if clash:
            raise ValidationError(f"values may not use the names {clash}: paging needs them.")
        page = run_query(client, text, {**(values or {}), **key_values}, refresh)
        if not positions:
            positions = key_positions(plan, page["columns"])
            kinds = key_types_of(page, positions)
        rows = page["results"]
        check_unique(rows, positions, plan)
        more = len(rows) > size
        rows = rows[:size]
        yield {**page, "results": rows}
        got += len(rows)
        if not more:
            return
        after = tuple(rows[-1][i] for i in positions)


def key_types_of(page: dict[str, Any], positions: Sequence[int]) -> list[str]:
    """The ClickHouse types of an answer's key columns (at *positions*).

    Example:
        >>> key_types_of({"types": [["n", "UInt64"], ["t", "DateTime64(6, 'UTC')"]]}, [1])
        ["DateTime64(6, 'UTC')"]
    """
    return [_type_of(page.get("types"), i) for i in positions]


def _type_of(types: Any, position: int) -> str:
    """The ClickHouse type of a column from an answer's ``types`` (pairs or bare names)."""
    try:
        found = types[position]
    except (TypeError, IndexError):
        return ""
    return str(found[1] if isinstance(found, list | tuple) else found)


def _warn_if_cut(sql: str, limit: int | None) -> None:
    """PostHog cuts a LIMIT above 50,000 to 50,000 without saying so (no ``hasMore``)."""
    try:
        asked = limit if limit is not None else split_tail(sql).limit
    except ValidationError:  # LIMIT {placeholder}: PostHog will read it, we cannot
        return
    if asked is not None and asked > MAX_ROWS:
        warnings.warn(
            f"The query asks for {asked:,} rows, but PostHog answers at most {MAX_ROWS:,} per "
            "query and cuts the rest without saying so. Pass paginate=True (with an ORDER BY "
            "on unique columns) to get every row.",
            TruncatedResult,
            stacklevel=4,
        )


def no_cache(client: BaseClient) -> AbstractContextManager[Any]:
    """Keep streamed pages out of the local cache (a 10 GB export must not fill it).

    Example:
        >>> with no_cache(client):
        ...     pass
    """
    disabled = getattr(client.session, "cache_disabled", None)
    return disabled() if disabled is not None else nullcontext()


def _expect_results(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("results"), list) and "columns" in body:
        return None
    got = f"keys {sorted(body)[:8]}" if isinstance(body, dict) else type(body).__name__
    return f"expected a HogQL answer {{'results': [...], 'columns': [...]}}, got {got}"


def _expect_answer(body: Any, rows: Callable[[Any], str | None]) -> str | None:
    """A /query/ answer: *rows* (blocking) or the status of a query still running (async)."""
    if isinstance(body, dict) and "results" not in body and "query_status" in body:
        return expect_status(body)
    return rows(body)
