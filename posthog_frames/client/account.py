"""The account around a key: the organization's projects.

Example:
    >>> projects(client)[["id", "name"]]
       id             name
    0   1     Hogflix Demo
    1   2  Hogflix Staging
"""

from __future__ import annotations

import pandas as pd

from posthog_frames.client.base import BaseClient
from posthog_frames.frames.listings import projects_frame

__all__ = ["projects"]


def projects(client: BaseClient) -> pd.DataFrame:
    """The organization's projects: ``id``, ``name``, ``timezone``, … one row each (every
    page of ``/api/projects/``).

    Example:
        >>> client.projects()[["id", "name"]]
           id             name
        0   1     Hogflix Demo
        1   2  Hogflix Staging
    """
    return projects_frame(
        [row for page in client.paginate("/api/projects/") for row in page["results"]]
    )
