"""The analysis verbs of :class:`~posthog_frames.Client` (new insights, events, the persons behind
a number), each spelled out and handed over in one line to :mod:`.analysis`, :mod:`.events` or
:mod:`.actors`; keyword arguments mirror PostHog's query schema in snake_case (reference §10)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from posthog_frames.client import actors as actors_api
from posthog_frames.client import analysis as analysis_api
from posthog_frames.client import events as events_api
from posthog_frames.client.base import BaseClient
from posthog_frames.frames.backends import DtypeBackend

__all__ = ["AnalysisClient"]


class AnalysisClient(BaseClient):
    """Ad-hoc insights, events and drill-downs (the base of :class:`~posthog_frames.Client`)."""

    def trends(
        self,
        series: Any,
        *,
        date_from: Any = "-7d",
        date_to: Any = None,
        interval: str = "day",
        breakdown: Any = None,
        breakdown_type: str = "event",
        properties: Any = None,
        compare: bool = False,
        filter_test_accounts: bool = False,
        display: str | None = None,
        formula: str | None = None,
        refresh: bool = False,
    ) -> pd.DataFrame:
        """A trends insight asked now: the frame :func:`~posthog_frames.trends_frame` makes.

        Args:
            series: an event name, ``phf.Event(name, math=...)``, ``phf.Action(id, ...)`` or a
                list of them (``math``: ``total``, ``dau``, ``weekly_active``, ``sum``,
                ``avg``, ``median``, ``p90`` … of PostHog's math types).
            date_from, date_to: relative (``"-90d"``, ``"-3m"``, ``"mStart"``), ISO text, or a
                date/datetime/Timestamp; ``date_from="all"`` for everything.
            interval: ``hour``, ``day``, ``week``, ``month`` (also ``second``, ``minute``).
            breakdown, breakdown_type: split by a property (``"event"`` or ``"person"``
                property; ``"cohort"`` takes cohort ids).
            properties: filters on every series (``PropertyFilter``\\s or dicts; an event
                property needs ``type="event"``).
            compare: add the previous period (``compare_label`` says which).
            filter_test_accounts: drop the project's internal and test users.
            display: PostHog's chart type (``ActionsLineGraph``, ``BoldNumber``,
                ``ActionsPie`` …) or the frames' view word (``line``, ``number``, ``pie`` …).
            formula: combine the series, named A, B, … in order (``"A/B"``).
            refresh: ask PostHog again rather than the local cache.

        Unknown maths, intervals, displays or breakdown types, an empty series and a
        breakdown on a property the project does not have raise :class:`ValidationError`
        naming the valid choices before anything is sent. ``df.attrs["query"]`` is the query
        sent; :meth:`url_for` opens it in PostHog, :meth:`actors` lists the persons of a point.

        Example:
            >>> df = client.trends([phf.Event("$pageview", math="dau"), "signed up"],
            ...                    date_from="-3d", formula="B/A")
            >>> df["series"].unique().tolist(), df.attrs["query"]["source"]["kind"]
            (['Formula (B/A)'], 'TrendsQuery')
        """
        return analysis_api.trends(
            self,
            series,
            date_from=date_from,
            date_to=date_to,
            interval=interval,
            breakdown=breakdown,
            breakdown_type=breakdown_type,
            properties=properties,
            compare=compare,
            filter_test_accounts=filter_test_accounts,
            display=display,
            formula=formula,
            refresh=refresh,
        )

    def funnel(
        self,
        steps: Any,
        *,
        window: Any = "14d",
        viz: str = "steps",
        order: str = "ordered",
        breakdown: Any = None,
        breakdown_type: str = "event",
        date_from: Any = "-7d",
        date_to: Any = None,
        interval: str = "day",
        properties: Any = None,
        filter_test_accounts: bool = False,
        refresh: bool = False,
    ) -> pd.DataFrame:
        """A funnel asked now: the frame :func:`~posthog_frames.funnel_frame` makes.

        Args:
            steps: two or more event names, ``phf.Event``\\s or ``phf.Action``\\s, in order.
            window: the conversion window, e.g. ``"14d"``, ``"3d"``, ``"2w"``, ``"1m"`` (a
                month), ``"6h"``, ``"30min"``, or a ``datetime.timedelta``.
            viz: ``"steps"``, ``"time_to_convert"`` or ``"trends"`` (conversion per
                ``interval``).
            order: ``"ordered"`` (later steps after earlier ones), ``"strict"`` (each step the
                very next event) or ``"unordered"``.
            breakdown, breakdown_type, date_from, date_to, properties, filter_test_accounts,
                refresh: as in :meth:`trends`.

        Example:
            >>> client.funnel(["viewed product", "purchased"], window="3d",
            ...               date_from="-30d")[["step", "count"]].values.tolist()
            [[1, 281], [2, 68]]
        """
        return analysis_api.funnel(
            self,
            steps,
            window=window,
            viz=viz,
            order=order,
            breakdown=breakdown,
            breakdown_type=breakdown_type,
            date_from=date_from,
            date_to=date_to,
            interval=interval,
            properties=properties,
            filter_test_accounts=filter_test_accounts,
            refresh=refresh,
        )

    def retention(
        self,
        target: Any,
        returning: Any = None,
        *,
        period: str = "Week",
        intervals: int = 8,
        retention_type: str = "retention_first_time",
        date_to: Any = None,
        properties: Any = None,
        filter_test_accounts: bool = False,
        refresh: bool = False,
    ) -> pd.DataFrame:
        """A retention table asked now: the frame :func:`~posthog_frames.retention_frame`
        makes (a cohort per row, periods as columns).

        Args:
            target: what puts a person in a cohort (an event name, ``phf.Event``,
                ``phf.Action``); returning: what counts as coming back (default: *target*).
            period: ``"Hour"``, ``"Day"``, ``"Week"`` or ``"Month"`` (any case).
            intervals: how many cohorts (and periods) the table has.
            retention_type: ``"retention_first_time"`` (cohort by the first time ever) or
                ``"retention_recurring"`` (by each time).
            date_to: the last cohort's period (default: now).
            properties, filter_test_accounts, refresh: as in :meth:`trends`.

        Example:
            >>> client.retention("signed up", "$pageview", period="week", intervals=4).shape
            (4, 4)
        """
        return analysis_api.retention(
            self,
            target,
            returning,
            period=period,
            intervals=intervals,
            retention_type=retention_type,
            date_to=date_to,
            properties=properties,
            filter_test_accounts=filter_test_accounts,
            refresh=refresh,
        )

    def lifecycle(
        self,
        event: Any,
        *,
        date_from: Any = "-7d",
        date_to: Any = None,
        interval: str = "day",
        properties: Any = None,
        filter_test_accounts: bool = False,
        refresh: bool = False,
    ) -> pd.DataFrame:
        """New, returning, resurrecting and dormant persons of *event* per interval: the frame
        :func:`~posthog_frames.lifecycle_frame` makes. Arguments as in :meth:`trends`.

        Example:
            >>> sorted(client.lifecycle("$pageview", interval="week")["status"].unique())
            ['dormant', 'new', 'resurrecting', 'returning']
        """
        return analysis_api.lifecycle(
            self,
            event,
            date_from=date_from,
            date_to=date_to,
            interval=interval,
            properties=properties,
            filter_test_accounts=filter_test_accounts,
            refresh=refresh,
        )

    def stickiness(
        self,
        series: Any,
        *,
        date_from: Any = "-7d",
        date_to: Any = None,
        interval: str = "day",
        properties: Any = None,
        filter_test_accounts: bool = False,
        refresh: bool = False,
    ) -> pd.DataFrame:
        """How many persons did each series on 1, 2, … intervals of the range: the frame
        :func:`~posthog_frames.stickiness_frame` makes. Arguments as in :meth:`trends`.

        Example:
            >>> int(client.stickiness("$pageview", date_from="-30d")["days"].max())
            31
        """
        return analysis_api.stickiness(
            self,
            series,
            date_from=date_from,
            date_to=date_to,
            interval=interval,
            properties=properties,
            filter_test_accounts=filter_test_accounts,
            refresh=refresh,
        )

    def paths(
        self,
        *,
        start: str | None = None,
        end: str | None = None,
        include: Any = ("$pageview",),
        step_limit: int = 5,
        exclude: Any = (),
        date_from: Any = "-7d",
        date_to: Any = None,
        properties: Any = None,
        filter_test_accounts: bool = False,
        refresh: bool = False,
    ) -> pd.DataFrame:
        """The most common paths: the frame :func:`~posthog_frames.paths_frame` makes.

        Args:
            start, end: a page (URL) or event the paths start from / lead to.
            include: what the paths go through: ``"$pageview"``, ``"$screen"``,
                ``"custom_event"`` (one or several).
            step_limit: the most steps of a path; exclude: pages or events to leave out.
            date_from, date_to, properties, filter_test_accounts, refresh: as in
                :meth:`trends`.

        Example:
            >>> client.paths(end="/checkout", date_from="-30d")["target"].iloc[0]
            '4_/checkout'
        """
        return analysis_api.paths(
            self,
            start=start,
            end=end,
            include=include,
            step_limit=step_limit,
            exclude=exclude,
            date_from=date_from,
            date_to=date_to,
            properties=properties,
            filter_test_accounts=filter_test_accounts,
            refresh=refresh,
        )

    def events(
        self,
        event: str | None = None,
        *,
        properties: Any = None,
        after: Any = None,
        before: Any = None,
        person_id: str | int | None = None,
        columns: Sequence[str] | None = None,
        limit: int | None = None,
        page_size: int = events_api.DEFAULT_PAGE,
        progress: bool | None = None,
        refresh: bool = False,
        dtype_backend: DtypeBackend | None = None,
    ) -> pd.DataFrame:
        """The events themselves, one row each, oldest first: ``uuid``, ``event``,
        ``timestamp`` (tz-aware UTC), ``distinct_id``, ``person_id`` and ``properties.<key>``
        (typed from the project's event property definitions).

        Args:
            event: one event name (default: every event).
            properties: event (``type="event"``) and person property filters.
            after, before: PostHog's bounds, both exclusive: relative (``"-7d"``), ISO text or
                a date/datetime/Timestamp. Without ``after`` PostHog answers the last 24
                hours; ``after="all"`` has no lower bound.
            person_id: one person's events (their UUID or numeric id; every distinct id).
            columns: only these event properties (fewer bytes than every property).
            limit: the most events to return.
            page_size: events per request (at most 50,000; 49,999 are asked for then, as after
                a page of 50,000 PostHog cannot say whether more follow).
            progress: a progress bar (default on, unless ``POSTHOG_FRAMES_PROGRESS=0``).
            refresh: ask PostHog again rather than the local cache.
            dtype_backend: ``"numpy_nullable"`` or ``"pyarrow"``, as in ``pd.read_parquet``.

        Pages come one after another by keyset on ``(timestamp, uuid)``, never by offset, so
        every event comes once, events sharing a timestamp included; events arriving while a
        pull runs may be included too.

        Example:
            >>> df = client.events("purchased", after="2025-03-24", columns=["revenue"])
            >>> df.columns.tolist(), str(df["properties.revenue"].dtype)
            (['uuid', 'event', 'timestamp', 'distinct_id', 'person_id', 'properties.revenue'],
             'float64')
        """
        return events_api.events(
            self,
            event,
            properties=properties,
            after=after,
            before=before,
            person_id=person_id,
            columns=columns,
            limit=limit,
            page_size=page_size,
            progress=progress,
            refresh=refresh,
            dtype_backend=dtype_backend,
        )

    def actors(
        self,
        df_or_query: Any,
        *,
        date: Any = None,
        series: int = 0,
        breakdown: Any = None,
        step: int | None = None,
        dropped: bool = False,
        cohort: Any = None,
        period: int | None = None,
        status: str | None = None,
        refresh: bool = False,
    ) -> pd.DataFrame:
        """The persons behind one number of an insight, as :meth:`persons` frames them: what
        PostHog's "view persons" lists.

        *df_or_query* is a frame of an analysis verb or of :meth:`insight_frame` (its
        ``df.attrs["query"]``), an :class:`Insight` or a query dict. The number:

        - a trend point: ``date`` (a value of the ``date`` column; none for number and pie
          displays), ``series`` (its position, 0 first) and ``breakdown`` (a
          ``breakdown_value``);
        - a funnel step: ``step`` (1-based, as the frame's ``step``); ``dropped=True``: the
          persons who did the step before and not this one; ``breakdown``;
        - a retention cell: ``cohort`` (the row: its date or number), ``period`` (the column;
          without it, every person of the cohort, with their ``appearances``);
        - a lifecycle bar: ``date`` and ``status`` (``new``, ``returning``, ``resurrecting``,
          ``dormant``); a stickiness bar: ``period`` (active on that many intervals).

        A selector that does not fit the insight's kind raises before anything is sent.

        Example:
            >>> dau = client.trends(phf.Event("signed up", math="dau"), date_from="-3d")
            >>> len(client.actors(dau, date="2025-03-30")), int(dau["value"].iloc[2])
            (5, 5)
        """
        return actors_api.actors(
            self,
            df_or_query,
            date=date,
            series=series,
            breakdown=breakdown,
            step=step,
            dropped=dropped,
            cohort=cohort,
            period=period,
            status=status,
            refresh=refresh,
        )

    def url_for(self, df_or_query: Any) -> str:
        """The PostHog URL that opens the insight behind a frame: the saved insight
        (``/insights/<short_id>``), else a new insight showing the frame's query
        (``/insights/new#q=...``, as PostHog's own links keep it).

        Example:
            >>> client.url_for(client.trends("$pageview"))
            'http://127.0.0.1:.../project/1/insights/new#q=%7B%22kind%22%3A%22InsightVizNode%22...'
        """
        return analysis_api.url_for(self, df_or_query)
