"""posthog-frames: PostHog insights and persons as tidy pandas DataFrames.

Example:
    >>> import posthog_frames as phf
    >>> client = phf.connect()  # doctest: +SKIP
    Connected to https://us.posthog.com — project 12345 “Hogflix” as ada@example.com.
    >>> client.insight_frame("U6hMkMoa").head(2)          # any saved insight → DataFrame
          series      label   math       date  value
    0  Pageviews  $pageview  count 2025-03-01     86
    1  Pageviews  $pageview  count 2025-03-02     73
    >>> len(client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])]))
    40

Dates in insight frames are PostHog's own buckets in the project's time zone, tz-naive, with
the zone in ``df.attrs["timezone"]`` (``tz=True`` makes them tz-aware); person timestamps are
tz-aware UTC.
"""

from typing import TYPE_CHECKING, Any

from posthog_frames.cohort_filters import InCohort, NotInCohort
from posthog_frames.dashboard import Dashboard
from posthog_frames.datasets import read_dataset
from posthog_frames.exceptions import (
    AuthenticationError,
    CassetteMiss,
    CohortCalculating,
    ConfigurationError,
    IncompleteDataset,
    InsightNotComputed,
    InvalidArgument,
    InvalidResponse,
    MissingDependency,
    NotFound,
    OfflineCacheMiss,
    PermissionDenied,
    PostHogError,
    QueryFailed,
    RateLimited,
    ServerError,
    Timeout,
    UnsupportedInsight,
    UnsupportedQuery,
    ValidationError,
)
from posthog_frames.filters import (
    OPERATORS,
    PropertyFilter,
    encode_filters,
    filters_param,
    normalize_filters,
    operators_for,
)
from posthog_frames.frames import (
    TruncatedResult,
    actors_frame,
    apply_property_types,
    concat_person_pages,
    detect_kind,
    events_frame,
    funnel_frame,
    hogql_frame,
    insight_frame,
    kind_of,
    lifecycle_frame,
    paths_frame,
    persons_frame,
    retention_frame,
    stickiness_frame,
    trends_frame,
)
from posthog_frames.http.cassette import Cassette
from posthog_frames.insight import Insight
from posthog_frames.queries import Action, Event

if TYPE_CHECKING:  # loaded on first use (__getattr__ below); named here for type checkers
    from posthog_frames.client import Client, StreamResult, connect
    from posthog_frames.plotting import (
        plot,
        plot_boxplot,
        plot_calendar_heatmap,
        plot_funnel,
        plot_funnel_correlation,
        plot_funnel_trends,
        plot_lifecycle,
        plot_number,
        plot_paths,
        plot_retention,
        plot_sql,
        plot_stickiness,
        plot_time_to_convert,
        plot_trends,
    )
    from posthog_frames.widgets import FilterBuilder

__version__ = "0.1.0"

__all__ = [
    "Client",
    "connect",
    "Insight",
    # what ad-hoc insights count (client.trends(...), client.funnel(...) …)
    "Event",
    "Action",
    "Dashboard",
    "Cassette",
    # converters
    "insight_frame",
    "detect_kind",
    "kind_of",
    "trends_frame",
    "stickiness_frame",
    "lifecycle_frame",
    "funnel_frame",
    "retention_frame",
    "paths_frame",
    "hogql_frame",
    "persons_frame",
    "events_frame",
    "actors_frame",
    "apply_property_types",
    "concat_person_pages",
    # plots (phf.plot, called, draws the chart that fits; phf.plot.funnel etc. reach one chart)
    "plot",
    "plot_trends",
    "plot_number",
    "plot_boxplot",
    "plot_calendar_heatmap",
    "plot_stickiness",
    "plot_lifecycle",
    "plot_funnel",
    "plot_funnel_trends",
    "plot_funnel_correlation",
    "plot_time_to_convert",
    "plot_retention",
    "plot_paths",
    "plot_sql",
    # filters and the widget
    "FilterBuilder",
    "OPERATORS",
    "operators_for",
    # filters
    "PropertyFilter",
    "InCohort",
    "NotInCohort",
    "filters_param",
    "encode_filters",
    "normalize_filters",
    # errors
    "PostHogError",
    "ConfigurationError",
    "AuthenticationError",
    "PermissionDenied",
    "NotFound",
    "CassetteMiss",
    "ValidationError",
    "RateLimited",
    "ServerError",
    "Timeout",
    "OfflineCacheMiss",
    "InvalidResponse",
    "InsightNotComputed",
    "CohortCalculating",
    "QueryFailed",
    "IncompleteDataset",
    "UnsupportedInsight",
    "UnsupportedQuery",
    "InvalidArgument",
    "MissingDependency",
    "TruncatedResult",
    # Parquet datasets (client.stream_to_parquet writes them)
    "StreamResult",
    "read_dataset",
]

# matplotlib and ipywidgets take longer to import than pandas, and requests-cache imports every
# optional backend whose package is installed (boto3 for DynamoDB alone is ~60 ms): their names
# load on first use.
_LAZY = {
    name: "posthog_frames.plotting" if name.startswith("plot") else "posthog_frames.widgets"
    for name in __all__
    if name.startswith("plot") or name == "FilterBuilder"
}
_LAZY.update(dict.fromkeys(("Client", "StreamResult", "connect"), "posthog_frames.client"))


def _public_path(obj: Any) -> None:
    """Reprs and tracebacks show the public path (httpx does the same)."""
    if callable(obj) and getattr(obj, "__module__", "").startswith("posthog_frames."):
        try:
            obj.__module__ = "posthog_frames"
        except (AttributeError, TypeError):
            pass


def __getattr__(name: str) -> Any:
    """The client, plotting and widget names, imported when first used (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'posthog_frames' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    _public_path(value)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


for _name in __all__:
    if _name not in _LAZY:
        _public_path(globals()[_name])
del _name
