"""Pure converters: a PostHog insight (or its ``result``, or a /query/ response) → a DataFrame.

Converters never do I/O and need no client: anything fetched with ``requests`` can go straight
in. Each takes the whole insight (``{"result": ...}``), a /query/ response (``{"results": ...}``)
or the bare result, and puts metadata in ``df.attrs``: ``kind`` (trends, stickiness, lifecycle,
funnels, retention, paths, sql), ``view`` (line, number, pie, bar_value, table, world_map …;
steps, time_to_convert, trends for funnels), ``timezone`` and, when known, ``name``,
``short_id``, ``id``, ``last_refresh``, ``is_cached``, ``filters``, ``query``.

Date rule (every converter follows it):
    Dates are PostHog's own buckets. They are tz-naive ``datetime64[us]`` by default
    (``"2022-03-04"`` → midnight, ``"2022-03-04 13:00:00"`` → 13:00; an offset such as ``Z`` is
    dropped, keeping the wall clock). The project's zone is in ``df.attrs["timezone"]`` (the
    insight's ``timezone``, else ``"UTC"``). ``tz=True`` makes them tz-aware instants in that
    zone: a bucket with an offset is converted (so the hour repeated when clocks go back stays
    two distinct hours), a naive bucket keeps its clock reading (a repeated hour is told apart
    by order; a skipped one moves forward). SQL datetimes are instants, not buckets: see
    :func:`hogql_frame`.

Number rule:
    ``value``/``count`` columns are int64 when every number is an integer and none is missing,
    else float64 with missing (null) values as NaN. Rates are fractions from 0 to 1. Text columns
    use pandas' ``str`` dtype; a breakdown value that is not a string (a number, or a tuple for a
    multi-property breakdown) makes ``breakdown_value`` an object column.

Bad shapes raise :class:`~posthog_frames.exceptions.InvalidResponse`; ``result: null`` raises
:class:`~posthog_frames.exceptions.InsightNotComputed`.

Example:
    >>> import requests                          # PostHog's tutorial: fetch the JSON by hand...
    >>> url = f"{client.host}/api/projects/{client.project_id}/insights/3/"
    >>> auth = {"Authorization": f"Bearer {demo.api_key}"}
    >>> raw = requests.get(url, headers=auth, params={"refresh": "blocking"}).json()
    >>> raw["result"][0]["aggregated_value"]
    62
    >>> from posthog_frames.frames import insight_frame   # ...then one call makes it a frame
    >>> insight_frame(raw)[["series", "value"]]
          series  value
    0  signed up     62
"""

from posthog_frames.frames.dispatch import KINDS, detect_kind, insight_frame, kind_of
from posthog_frames.frames.events import events_frame
from posthog_frames.frames.funnels import funnel_frame
from posthog_frames.frames.lifecycle import lifecycle_frame
from posthog_frames.frames.listings import (
    insights_frame,
    projects_frame,
    property_definitions_frame,
    property_values_frame,
)
from posthog_frames.frames.paths import paths_frame
from posthog_frames.frames.persons import (
    actors_frame,
    apply_property_types,
    concat_person_pages,
    persons_frame,
)
from posthog_frames.frames.retention import retention_frame
from posthog_frames.frames.sql import TruncatedResult, hogql_frame
from posthog_frames.frames.stickiness import stickiness_frame
from posthog_frames.frames.trends import trends_frame

__all__ = [
    "KINDS",
    "TruncatedResult",
    "actors_frame",
    "apply_property_types",
    "concat_person_pages",
    "detect_kind",
    "events_frame",
    "funnel_frame",
    "hogql_frame",
    "insight_frame",
    "insights_frame",
    "kind_of",
    "lifecycle_frame",
    "paths_frame",
    "persons_frame",
    "projects_frame",
    "property_definitions_frame",
    "property_values_frame",
    "retention_frame",
    "stickiness_frame",
    "trends_frame",
]
