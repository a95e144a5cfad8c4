"""The persons behind one number of an insight: PostHog's ``ActorsQuery`` over the insight's
query, what its "view persons" lists, as the persons frame.

The insight comes from a frame's ``df.attrs["query"]`` (any analysis verb or
``client.insight_frame``), an :class:`~posthog_frames.Insight` or a query dict; the number from
keyword selectors checked against its kind (:mod:`posthog_frames.queries.actors`). PostHog
pages actors by ``offset`` and ``hasMore`` (its ActorsQuery takes an offset from personal API
keys: only HogQLQuery text is refused one), in its default order, by person, so pages are
stable. Person properties are typed from the project's definitions, as in ``client.persons()``.

Example:
    >>> signups = client.trends(phf.Event("signed up", math="dau"), date_from="-3d")
    >>> len(actors(client, signups, date="2025-03-30")), int(signups["value"].iloc[2])
    (5, 5)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from posthog_frames.client.analysis import check_properties, query_of
from posthog_frames.client.base import BaseClient
from posthog_frames.client.properties import person_property_types
from posthog_frames.exceptions import ValidationError
from posthog_frames.frames.persons import actors_frame
from posthog_frames.http.transport import expect_object
from posthog_frames.queries import insight_source
from posthog_frames.queries.actors import actors_query, actors_source

__all__ = ["PAGE", "actors"]

PAGE = 10_000  # persons per request (PostHog answers at most 50,000)


def _cohort_row(frame: Any, cohort: Any) -> Any:
    """A retention cohort given by its date (a label of the frame's index) as its row."""
    if cohort is None or isinstance(cohort, int) or not isinstance(frame, pd.DataFrame):
        return cohort
    try:
        return int(frame.index.get_loc(pd.Timestamp(cohort)))
    except (KeyError, TypeError, ValueError):
        raise ValidationError(
            f"cohort={cohort!r} is not one of the frame's cohorts ({frame.index[0]} …); pass a "
            "date of its index, or the row number (0 for the first).",
            attr="cohort",
        ) from None


def actors(
    client: BaseClient,
    insight: Any,
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
    """The persons behind one number (see :meth:`posthog_frames.Client.actors`).

    Example:
        >>> funnel = client.funnel(["signed up", "purchased"], date_from="-30d")
        >>> len(actors(client, funnel, step=2, dropped=True))
        166
    """
    query = query_of(insight)
    timezone = insight.attrs.get("timezone") if isinstance(insight, pd.DataFrame) else None
    node = actors_source(
        query,
        date=date,
        series=series,
        breakdown=breakdown,
        step=step,
        dropped=dropped,
        cohort=_cohort_row(insight, cohort),
        period=period,
        status=status,
        timezone=timezone,
    )
    check_properties(client, insight_source(query))
    retention = node.get("source", {}).get("kind") == "RetentionQuery"
    select = ["actor", "appearances"] if retention else ["actor"]
    pages, offset = [], 0
    while True:
        body = {"query": actors_query(node, select=select, limit=PAGE, offset=offset)}
        page = client.post("query/", body, refresh=refresh, expect=_expect_page)
        pages.extend(page["results"])
        if not page.get("hasMore") or not page["results"]:
            break
        offset += len(page["results"])
    answer = {"columns": select, "results": pages}
    if retention and period is not None:
        answer["results"] = [row for row in pages if period in (row[1] or [])]
    frame = actors_frame(answer, property_types=person_property_types(client))
    frame.attrs["query"] = query
    frame.attrs["actors_query"] = node
    return frame


def _expect_page(body: Any) -> str | None:
    if not isinstance(body, dict):
        return expect_object(body)
    if isinstance(body.get("results"), list) and isinstance(body.get("columns"), list):
        return None
    return (
        f"expected an ActorsQuery answer with 'columns' and 'results', got keys {sorted(body)[:8]}"
    )
