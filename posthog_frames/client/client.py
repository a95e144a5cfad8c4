"""The PostHog client: every verb an analyst calls, each handing over to one plain function.

The verbs are spelled out here with their full signatures (httpx's ``Client`` style); the work
happens in the resource modules beside this one — :mod:`.persons`, :mod:`.insights`,
:mod:`.query`, :mod:`.parquet`, :mod:`.properties`, :mod:`.account`, :mod:`.run` … — which use
only the low-level verbs of :class:`~posthog_frames.client.base.BaseClient` (``get``, ``post``,
``paginate``). Analysis verbs live the same way in :mod:`.analysis_client`, saved objects in
:mod:`.catalog_client` (extended here); later verbs keep their docs with the function they hand
over to (``@_docs_from``), so ``help(client.cohorts)`` reads the same and this file stays short.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from posthog_frames.client import account as account_api
from posthog_frames.client import doctor as doctor_api
from posthog_frames.client import insights as insights_api
from posthog_frames.client import parquet as parquet_api
from posthog_frames.client import persons as persons_api
from posthog_frames.client import properties as properties_api
from posthog_frames.client import query as query_api
from posthog_frames.client import run as run_api
from posthog_frames.client._docs import docs_from as _docs_from
from posthog_frames.client.catalog_client import CatalogClient
from posthog_frames.client.doctor import DoctorReport
from posthog_frames.client.hogql import MAX_ROWS
from posthog_frames.client.parquet import StreamResult
from posthog_frames.client.persons import PersonsRequest
from posthog_frames.frames.backends import DtypeBackend
from posthog_frames.insight import Insight

__all__ = ["Client"]


class Client(CatalogClient):
    """A PostHog API client that answers with DataFrames, through a requests-cache session.

    Args:
        api_key: a personal API key (``phx_…``); default ``POSTHOG_PERSONAL_API_KEY``.
        host: ``"us"``, ``"eu"``, a URL, or a self-hosted instance; default ``POSTHOG_HOST``,
            else ``https://us.posthog.com``. Ingestion hosts (``us.i.posthog.com``) are mapped.
        project_id: default ``POSTHOG_PROJECT_ID``, else the key's current project
            (``/api/users/@me/`` → ``team.project_id``), discovered on first use.
        session: any ``requests.Session`` to send with (a ``CachedSession`` is made safe).
        cache: a sqlite path, ``"memory"``, ``False`` for none; default a sqlite file in the
            user's cache directory. Only successful answers are cached, never the key; the
            file is private (0600) and holds data only (no pickle).
        expire_after: how long cached answers stay fresh (default one hour); expired ones are
            removed from the sqlite file when a client opens it and as it writes.
        max_cache_mb: the most the sqlite cache keeps, in megabytes (default 1,024; ``None``:
            no bound); beyond it the oldest entries go.
        timeout: seconds to wait for PostHog to answer one request.
        offline: answer only from the cache; a miss raises :class:`OfflineCacheMiss`.
        max_wait: the longest wait a 429 may announce that is slept through (seconds);
            a longer one raises :class:`RateLimited` at once.
        page_size: persons per request when paging (default 1,000; at most 50,000).
        progress: progress bars for multi-page pulls (default: on, unless the environment
            sets ``POSTHOG_FRAMES_PROGRESS=0``).
        requests_per_minute: an extra cap on every endpoint's requests a minute, when other
            programs use the same key at the same time. Without it the client paces each
            endpoint at 96% of PostHog's budgets per key (insights 240 a minute and 1,200 an
            hour, persons 240 a minute, HogQL 120 an hour, the rest 480 a minute and 4,800 an
            hour); a long pull that waits for a budget says so in its progress bar.
        concurrency: pages requested at once while paging by offset (1 to 16, default 4):
            1 fetches one page after the other; more hides latency, still under the pacing.
        rate_limits: other budgets for your plan, per endpoint family (``insights``,
            ``persons``, ``hogql``, ``query``, ``default``) as ``(requests, seconds)`` windows,
            e.g. ``{"hogql": [(240, 60), (2400, 3600)]}`` with PostHog's API-queries budget.
        cassette: a file (or :class:`Cassette`) to record answers to or replay them from, for
            notebooks in CI; default ``POSTHOG_FRAMES_CASSETTE``. Answers are then cached in
            memory only. Persons' personal data is pseudonymised in it (README, "Test your
            own notebooks in CI").
        cassette_mode: ``"record"``, ``"replay"`` (no network, no key; a request never
            recorded raises :class:`CassetteMiss`) or ``"auto"`` (replays what is recorded,
            records the rest); default ``POSTHOG_FRAMES_CASSETTE_MODE``, else ``"auto"``.

    Verbs: persons (:meth:`persons`, :meth:`iter_persons`, :meth:`person`), property metadata
    (:meth:`property_definitions`, :meth:`property_values`), saved insights (:meth:`insights`,
    :meth:`insight`, :meth:`insight_frame`), new insights (:meth:`trends`, :meth:`funnel`,
    :meth:`retention`, :meth:`lifecycle`, :meth:`stickiness`, :meth:`paths`, :meth:`url_for`),
    :meth:`events` and the persons behind a number (:meth:`actors`), HogQL (:meth:`query`,
    :meth:`stream_to_parquet`), requests copied from PostHog's network tab (:meth:`run`),
    dashboards (:meth:`dashboards`, :meth:`dashboard`), cohorts (:meth:`cohorts`,
    :meth:`cohort_persons`), :meth:`actions` and :meth:`event_definitions`, the
    account (:meth:`me`, :meth:`projects`), checks (:meth:`doctor`), and the low-level
    :meth:`get`, :meth:`post`, :meth:`paginate`.

    Example:
        >>> client = phf.Client(api_key, host="eu")  # doctest: +SKIP
        >>> len(client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])]))
        40
    """

    # -- persons ------------------------------------------------------------------------------

    def persons(
        self,
        properties: Any = None,
        search: str | None = None,
        distinct_id: str | None = None,
        email: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        progress: bool | None = None,
        *,
        refresh: bool = False,
        dtypes: bool = True,
        via: str = "rest",
        dtype_backend: DtypeBackend | None = None,
    ) -> pd.DataFrame:
        """Every matching person, one row each, following every ``next`` link.

        Args:
            properties: person property filters: ``PropertyFilter``s, dicts or a JSON string.
            search: email (substring) or distinct_id (exact), as PostHog's search box.
            distinct_id, email: exact matches.
            limit: the most rows to return (default: all).
            page_size: rows per request (default 1,000; PostHog's own default is 100).
            progress: a progress bar for pulls of several pages (default on, unless
                ``POSTHOG_FRAMES_PROGRESS=0``).
            refresh: bypass the local cache (pages, property definitions and the kept frame).
            dtypes: use the project's property definitions to type property columns.
            via: ``"rest"`` (the persons API), or ``"query"``: HogQL pages of up to 49,999
                persons, paged by keyset on ``(created_at, id)`` (few requests for big
                projects; the same rows and columns, but ``last_seen_at`` is empty: HogQL has
                no such column; see :mod:`posthog_frames.client.hogql`).
            dtype_backend: ``"numpy_nullable"`` (``Int64``, ``Float64``, ``boolean``,
                ``string``) or ``"pyarrow"`` (every column a ``pd.ArrowDtype``: text as
                ``string[pyarrow]``, distinct ids as ``list<string>``, timestamps as
                ``timestamp[us, tz=UTC]``), pandas' meaning of the argument, as in
                ``pd.read_parquet``; the values are the default frame's. Arrow text takes
                about a third of the memory of ``object`` text.

        Columns: ``id`` (the person's UUID, as PostHog's persons list gives it), ``uuid``,
        ``name``, ``distinct_ids``, ``created_at``, ``last_seen_at`` (UTC), ``is_identified``
        and ``properties.<key>`` for every person property. ``df.attrs["total"]`` is PostHog's
        count when it gave one (it is asked for with the first page only: each count makes
        PostHog count every matching person again).

        Persons changing during a pull: PostHog pages its list by offset over persons ordered
        newest first, so a person created mid-pull shifts every later row down by one; the row
        seen twice at a page boundary is kept once, and the newcomer is not included. A person
        deleted or merged mid-pull, or a page fetched ahead before a change, can make a person at
        a page boundary go missing: then the pull returns fewer persons than PostHog counted, a
        ``UserWarning`` says so, the frame is not kept in the cache, and running again
        (``refresh=True``) gives a consistent result. ``via="query"`` pages by keyset, so
        changes shift nothing there.

        A repeated call is answered from the cache (pages and the finished frame) while
        ``expire_after`` allows, without any request; ``refresh=True`` replaces both.

        Example:
            >>> linux = client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])])
            >>> len(linux), linux.attrs["total"]
            (40, 40)
            >>> client.persons(limit=3, dtype_backend="pyarrow")["distinct_ids"].dtype
            list<item: string>[pyarrow]
        """
        request = PersonsRequest(properties, search, distinct_id, email, limit, page_size)
        return persons_api.persons(
            self,
            request,
            progress,
            refresh=refresh,
            dtypes=dtypes,
            via=via,
            dtype_backend=dtype_backend,
        )

    def iter_persons(
        self,
        properties: Any = None,
        search: str | None = None,
        distinct_id: str | None = None,
        email: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        progress: bool | None = None,
        *,
        refresh: bool = False,
        dtypes: bool = True,
        via: str = "rest",
        dtype_backend: DtypeBackend | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Yield one DataFrame per page of persons (see :meth:`persons` for the arguments).

        Unlike :meth:`persons`, each page is yielded as it arrives (nothing is kept), so the
        frames of a pull that shifts while paging are already out when the warning comes.

        Example:
            >>> [len(page) for page in client.iter_persons(page_size=200)]
            [200, 200, 100]
        """
        request = PersonsRequest(properties, search, distinct_id, email, limit, page_size)
        yield from persons_api.iter_persons(
            self,
            request,
            progress,
            refresh=refresh,
            dtypes=dtypes,
            via=via,
            dtype_backend=dtype_backend,
        )

    def person(self, id_or_uuid: int | str, *, refresh: bool = False) -> pd.Series:
        """One person by UUID (the ``id`` of :meth:`persons`) or PostHog's numeric id, as a
        Series (properties flattened) whose ``id`` is the UUID, as in :meth:`persons`.

        A distinct_id is not a person id: use ``client.persons(distinct_id=...)`` for those.

        Example:
            >>> client.person(1)["properties.email"]
            '...@...'
        """
        return persons_api.person(self, id_or_uuid, refresh=refresh)

    # -- property metadata --------------------------------------------------------------------

    def property_definitions(
        self, type: str = "person", search: str | None = None, *, refresh: bool = False
    ) -> pd.DataFrame:
        """The project's property definitions: ``name``, ``property_type``, ``is_numerical``, …

        *type* is ``"person"``, ``"event"``, ``"session"`` or ``"group"``.

        Example:
            >>> client.property_definitions(search="plan")[["name", "property_type"]]
               name property_type
            0  plan        String
        """
        return properties_api.property_definitions(self, type, search, refresh=refresh)

    def property_values(
        self, key: str, search: str | None = None, *, refresh: bool = False
    ) -> pd.DataFrame:
        """The values a person property takes, most common first: ``value``, ``count``.

        Example:
            >>> client.property_values("$initial_os").columns.tolist()
            ['value', 'count']
        """
        return properties_api.property_values(self, key, search, refresh=refresh)

    # -- insights -----------------------------------------------------------------------------

    def insights(self, *, refresh: bool = False, **filters: Any) -> pd.DataFrame:
        """The project's insights, all pages, one row each (in PostHog's order).

        Columns: ``id``, ``short_id``, ``name`` (else PostHog's ``derived_name``), ``kind``
        (trends, funnels, retention, paths, stickiness, lifecycle, sql or unknown), ``display``
        (the converters' view word: line, number, pie, steps, time_to_convert, table …),
        ``last_refresh``, ``created_at``, ``last_modified_at``, ``tags``, ``saved``,
        ``description``. Keyword arguments are PostHog's list filters: ``short_id``, ``saved``,
        ``search``, ``insight`` (``"FUNNELS"`` or ``"funnels"``), ``favorited``, ``tags``,
        ``limit`` (page size) …; lists are sent as JSON. ``kind=`` (the column's word, e.g.
        ``"trends"``) is the same as ``insight=``. Any other keyword raises ValidationError.
        ``refresh=True`` bypasses the local cache.

        Example:
            >>> client.insights(search="funnel")[["short_id", "name", "kind"]]
               short_id                        name     kind
            0  C6VbrwPs             Purchase funnel  funnels
            1  WefNMROZ  Checkout funnel by browser  funnels
        """
        return insights_api.insights(self, refresh=refresh, **filters)

    def insight(
        self,
        id_or_short_id: int | str | Insight,
        refresh: str | bool = "blocking",
        date_from: str | None = None,
        date_to: str | None = None,
        properties: Any = None,
    ) -> Insight:
        """One insight with its result, computed by PostHog when its cache is stale.

        Args:
            id_or_short_id: the numeric id or the 8-character short id from the insight's URL
                (an :class:`Insight` stands for its id: this fetches it again).
            refresh: PostHog's mode: ``"blocking"`` computes unless fresh; ``"force_cache"``
                never computes (an uncomputed insight raises InsightNotComputed);
                ``"force_blocking"`` (or legacy ``True``) always does; the async modes are
                polled until done. Forced and async modes bypass the local cache.
            date_from, date_to, properties: read the insight for other dates or filters
                without changing it (PostHog's ``filters_override``).

        Example:
            >>> ins = client.insight("U6hMkMoa", date_from="-7d")
            >>> ins.kind, len(ins.frame()) > 0
            ('trends', True)
        """
        return insights_api.insight(self, id_or_short_id, refresh, date_from, date_to, properties)

    def insight_frame(self, id_or_short_id: int | str | Insight, **options: Any) -> pd.DataFrame:
        """Shortcut for ``client.insight(...).frame(...)``; fetch options are passed through.

        ``refresh``, ``date_from``, ``date_to`` and ``properties`` go to :meth:`insight`, the
        rest (``wide``, ``tz``, ``percent`` …) to the converter.

        Example:
            >>> client.insight_frame("U6hMkMoa", date_from="-7d", wide=True).shape[0]
            8
        """
        return insights_api.insight_frame(self, id_or_short_id, **options)

    # -- HogQL --------------------------------------------------------------------------------

    @_docs_from(query_api.query)
    def query(
        self,
        sql: str,
        *,
        values: dict[str, Any] | None = None,
        limit: int | None = None,
        refresh: str = "blocking",
        paginate: bool = False,
        keyset: Sequence[str] | None = None,
        dtype_backend: DtypeBackend | None = None,
    ) -> pd.DataFrame:
        return query_api.query(
            self,
            sql,
            values=values,
            limit=limit,
            refresh=refresh,
            paginate=paginate,
            keyset=keyset,
            dtype_backend=dtype_backend,
        )

    @_docs_from(parquet_api.stream_to_parquet)
    def stream_to_parquet(
        self,
        path: str | os.PathLike[str],
        source: str,
        *,
        properties: Any = None,
        values: dict[str, Any] | None = None,
        page_size: int = MAX_ROWS,
        progress: bool | None = None,
        keyset: Sequence[str] | None = None,
        partition_by: str | None = None,
        overwrite: bool = False,
        filesystem: Any = None,
    ) -> StreamResult:
        return parquet_api.stream_to_parquet(
            self,
            path,
            source,
            properties=properties,
            values=values,
            page_size=page_size,
            progress=progress,
            keyset=keyset,
            partition_by=partition_by,
            overwrite=overwrite,
            filesystem=filesystem,
        )

    def run(self, copied: Any, *, refresh: bool = False) -> Any:
        """Run a request copied from PostHog's network tab (Fetch/XHR) and get its frame.

        *copied* is a ``/query/`` request body or its query alone (a dict or the JSON text):
        insight kinds give :func:`~posthog_frames.insight_frame`'s frame, ``HogQLQuery``,
        ``EventsQuery`` and ``ActorsQuery`` those of :meth:`query`, :meth:`events` and
        :meth:`actors`, with the query in ``df.attrs["query"]``; other kinds raise
        :class:`UnsupportedQuery`. Or a GET URL on this host, without a key: the matching verb's
        frame (``insights/?short_id=…``, ``persons/?…``, …), else PostHog's JSON, every page.

        Example:
            >>> client.run('{"query": {"kind": "DataTableNode", "source": {"kind": "HogQLQuery",'
            ...            ' "query": "select count() as n from events"}}, "refresh": "async"}'
            ...            ).columns.tolist()
            ['n']
        """
        return run_api.run(self, copied, refresh=refresh)

    # -- the account --------------------------------------------------------------------------

    @_docs_from(account_api.projects)
    def projects(self) -> pd.DataFrame:
        return account_api.projects(self)

    def doctor(self) -> DoctorReport:
        """Check this setup, one line each: the host, the key, each scope the features need
        (and what a missing one blocks), the project, PostHog's version where it says it, the
        local cache, and the versions in use. ``posthog-frames doctor`` prints the same.

        Example:
            >>> report = client.doctor()
            >>> report.ok, [check.topic for check in report][:3]
            (True, ['versions', 'host', 'key'])
        """
        return doctor_api.doctor(self)
