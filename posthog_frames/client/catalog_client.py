"""The verbs for a project's saved objects: dashboards, cohorts, actions and event definitions.

:class:`CatalogClient` spells each verb out with its full signature, a one-line hand-over to the
resource module that does the work (:mod:`.dashboards`, :mod:`.cohorts`, :mod:`.actions`); the
docs are kept once, with those functions. :class:`~posthog_frames.Client` extends it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from posthog_frames.client import actions as actions_api
from posthog_frames.client import cohorts as cohorts_api
from posthog_frames.client import dashboards as dashboards_api
from posthog_frames.client._docs import docs_from as _docs_from
from posthog_frames.client.analysis_client import AnalysisClient
from posthog_frames.client.cohort_state import COHORT_WAIT
from posthog_frames.dashboard import Dashboard

__all__ = ["CatalogClient"]


class CatalogClient(AnalysisClient):
    """Dashboards, cohorts, actions and event definitions (see :class:`~posthog_frames.Client`)."""

    # -- dashboards ---------------------------------------------------------------------------

    @_docs_from(dashboards_api.dashboards)
    def dashboards(self, search: str | None = None, *, refresh: bool = False) -> pd.DataFrame:
        return dashboards_api.dashboards(self, search, refresh=refresh)

    @_docs_from(dashboards_api.dashboard)
    def dashboard(
        self, id_or_name: Any, refresh: str | bool = "blocking", *, progress: bool | None = None
    ) -> Dashboard:
        return dashboards_api.dashboard(self, id_or_name, refresh, progress=progress)

    # -- cohorts ------------------------------------------------------------------------------

    @_docs_from(cohorts_api.cohorts)
    def cohorts(self, search: str | None = None, *, refresh: bool = False) -> pd.DataFrame:
        return cohorts_api.cohorts(self, search, refresh=refresh)

    @_docs_from(cohorts_api.cohort_persons)
    def cohort_persons(
        self,
        id_or_name: Any,
        *,
        wait: float = COHORT_WAIT,
        limit: int | None = None,
        page_size: int | None = None,
        progress: bool | None = None,
        refresh: bool = False,
        dtypes: bool = True,
    ) -> pd.DataFrame:
        return cohorts_api.cohort_persons(
            self,
            id_or_name,
            wait=wait,
            limit=limit,
            page_size=page_size,
            progress=progress,
            refresh=refresh,
            dtypes=dtypes,
        )

    # -- what there is to count ---------------------------------------------------------------

    @_docs_from(actions_api.actions)
    def actions(self, *, refresh: bool = False) -> pd.DataFrame:
        return actions_api.actions(self, refresh=refresh)

    @_docs_from(actions_api.event_definitions)
    def event_definitions(
        self, search: str | None = None, *, volume: bool = True, refresh: bool = False
    ) -> pd.DataFrame:
        return actions_api.event_definitions(self, search, volume=volume, refresh=refresh)
