"""posthog-frames: PostHog insights and persons as tidy pandas DataFrames.

Example:
    >>> import posthog_frames as phf
    >>> client = phf.Client()                      # POSTHOG_PERSONAL_API_KEY, POSTHOG_HOST
    >>> client.insight_frame("Abc12345")            # any saved insight → DataFrame
    >>> client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])])

Dates in insight frames are PostHog's own buckets in the project's time zone, tz-naive, with
the zone in ``df.attrs["timezone"]`` (``tz=True`` makes them tz-aware); person timestamps are
tz-aware UTC.
"""

from ._client import Client
from .exceptions import (
    AuthenticationError,
    ConfigurationError,
    InsightNotComputed,
    InvalidResponse,
    NotFound,
    OfflineCacheMiss,
    PermissionDenied,
    PostHogError,
    RateLimited,
    ServerError,
    Timeout,
    ValidationError,
)
from .filters import PropertyFilter, encode_filters, filters_param, normalize_filters
from .frames import (
    detect_kind,
    funnel_frame,
    hogql_frame,
    insight_frame,
    lifecycle_frame,
    paths_frame,
    retention_frame,
    stickiness_frame,
    trends_frame,
)
from .insight import Insight
from .persons import persons_frame

__version__ = "0.1.0"

__all__ = [
    "Client",
    "Insight",
    # converters
    "insight_frame",
    "detect_kind",
    "trends_frame",
    "stickiness_frame",
    "lifecycle_frame",
    "funnel_frame",
    "retention_frame",
    "paths_frame",
    "hogql_frame",
    "persons_frame",
    # filters
    "PropertyFilter",
    "filters_param",
    "encode_filters",
    "normalize_filters",
    # errors
    "PostHogError",
    "ConfigurationError",
    "AuthenticationError",
    "PermissionDenied",
    "NotFound",
    "ValidationError",
    "RateLimited",
    "ServerError",
    "Timeout",
    "OfflineCacheMiss",
    "InvalidResponse",
    "InsightNotComputed",
]

# Reprs and tracebacks show the public path (httpx does the same).
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("posthog_frames."):
        try:
            _obj.__module__ = "posthog_frames"
        except (AttributeError, TypeError):
            pass
del _name, _obj
