"""Cohorts: the project's saved groups of persons, and the persons in one of them.

``GET /cohorts/`` lists them (paginated, newest first); ``GET /cohorts/:id/persons/`` pages a
cohort's members as the persons list does (``next`` links, no count; PostHog caps each
member's ``distinct_ids`` at 10 there). A cohort PostHog is calculating for the first time has
no members yet, so it is waited for (:mod:`.cohort_state`) rather than read half-empty.

Example:
    >>> cohorts(client)[["id", "name", "is_static"]].head(2)
       id              name  is_static
    0   3  Desktop engineers      False
    1   4    Not paying yet      False
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
import requests

from posthog_frames.client._named import object_id
from posthog_frames.client.base import BaseClient
from posthog_frames.client.cohort_state import COHORT_WAIT, await_cohorts
from posthog_frames.client.persons import page_size_for, rest_frames
from posthog_frames.client.properties import person_property_types
from posthog_frames.frames.listings import cohorts_frame
from posthog_frames.frames.persons import concat_person_pages

__all__ = ["cohort_persons", "cohorts"]

# A warning about a pull points at the user's line, past this module and the Client method.
_USER_FRAME = 3


def cohorts(
    client: BaseClient, search: str | None = None, *, refresh: bool = False
) -> pd.DataFrame:
    """The project's cohorts, all pages, one row each (newest first, as PostHog lists them).

    Columns: ``id``, ``name``, ``count`` (PostHog's size at the last calculation; missing while
    a new cohort is first calculated), ``is_static``, ``is_calculating``, ``last_calculation``
    (UTC), ``filters`` (the definition, as JSON text; static cohorts are a list of persons),
    ``description``, ``cohort_type``, ``created_at``, ``errors_calculating``. *search* keeps
    cohorts whose name contains it (PostHog also matches close spellings). ``refresh=True``
    bypasses the local cache. Needs the ``cohort:read`` scope.

    Example:
        >>> client.cohorts(search="paying")[["id", "name", "is_static"]]
           id              name  is_static
        0   4    Not paying yet      False
        1   1  Paying customers      False
    """
    pages = client.paginate("cohorts/", refresh=refresh, search=search, limit=100)
    frame = cohorts_frame([row for page in pages for row in page["results"]])
    frame.attrs["project_id"] = client.project_id
    return frame


def cohort_persons(
    client: BaseClient,
    id_or_name: Any,
    *,
    wait: float = COHORT_WAIT,
    limit: int | None = None,
    page_size: int | None = None,
    progress: bool | None = None,
    refresh: bool = False,
    dtypes: bool = True,
) -> pd.DataFrame:
    """Every person in a cohort, one row each, in the persons frame's columns.

    Args:
        id_or_name: the cohort's id (or a row of :meth:`cohorts`), or its name.
        wait: seconds to wait while PostHog calculates a new cohort for the first time (it has
            no members until then); longer raises :class:`CohortCalculating`. A cohort being
            recalculated is read as of its last calculation.
        limit, page_size, progress, refresh, dtypes: as for :meth:`persons`.

    The same persons as ``client.persons(properties=[phf.InCohort(id)])``, from the cohort's
    own endpoint (``cohorts/:id/persons/``, which needs ``cohort:read`` and ``person:read``).
    ``df.attrs`` has the ``cohort`` id, its ``cohort_name``, ``last_calculation`` and
    ``total`` (PostHog's count); fewer rows than that warn: the cohort's persons changed since
    it was calculated.

    Example:
        >>> paying = client.cohort_persons("Paying customers")
        >>> len(paying), sorted(set(paying["properties.plan"]))
        (93, ['enterprise', 'pro'])
    """
    cohort = object_id(id_or_name, lambda: cohorts(client, refresh=refresh), "cohort")
    raw = await_cohorts(client, [cohort], wait)[cohort]
    size = page_size_for(page_size, limit, client.settings.page_size)
    url = requests.Request("GET", client.url(f"cohorts/{cohort}/persons/"), params={"limit": size})
    types = person_property_types(client, refresh=refresh) if dtypes else None
    pages = rest_frames(client, str(url.prepare().url), types, limit, progress, refresh, [])
    frame = concat_person_pages(list(pages))
    count = raw.get("count")
    frame.attrs.update(
        {
            "kind": "persons",
            "project_id": client.project_id,
            "cohort": cohort,
            "cohort_name": raw.get("name"),
            "last_calculation": raw.get("last_calculation"),
        }
    )
    if isinstance(count, int):
        frame.attrs["total"] = count
        if limit is None and len(frame) < count:
            warnings.warn(
                f"PostHog counted {count:,} persons in cohort {cohort} at its last calculation, "
                f"but listed {len(frame):,}: persons were deleted or merged since. The frame "
                "holds the cohort's current members.",
                UserWarning,
                stacklevel=_USER_FRAME,
            )
    return frame
