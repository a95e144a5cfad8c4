"""Client settings: where the key, host and project come from, kept apart from behaviour.

Resolution order for each setting: the argument, then the environment variable
(``POSTHOG_PERSONAL_API_KEY``, ``POSTHOG_HOST``, ``POSTHOG_PROJECT_ID``), then the default.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from posthog_frames.exceptions import ConfigurationError, mask_key

__all__ = [
    "DEFAULT_HOST",
    "MAX_CONNECTIONS",
    "Settings",
    "check_options",
    "resolve_host",
    "resolve_key",
    "resolve_project_id",
]

DEFAULT_HOST = "https://us.posthog.com"
REGIONS = {"us": "https://us.posthog.com", "eu": "https://eu.posthog.com"}
# PostHog's tutorial writes the ingestion hosts; the private API lives on the non-".i." host.
INGESTION_HOSTS = {"us.i.posthog.com": "us.posthog.com", "eu.i.posthog.com": "eu.posthog.com"}
MAX_CONNECTIONS = 16  # the most pages fetched at once (Client(concurrency=) is at most this)
SCOPES = ("user:read", "insight:read", "person:read", "property_definition:read", "query:read")
KEY_HELP = (
    "Create a personal API key in PostHog: avatar (bottom left) → Account settings → "
    "Personal API Keys → Create personal API key, with the read-only scopes "
    + ", ".join(SCOPES)
    + ". Then set POSTHOG_PERSONAL_API_KEY in the environment or pass api_key=. To try "
    "without an account: `phf.connect()` starts a demo project, or run "
    "`python -m posthog_frames.demo`."
)


@dataclass(frozen=True)
class Settings:
    """Everything a :class:`~posthog_frames.Client` is configured with (no behaviour here)."""

    host: str
    api_key: str = field(repr=False)
    project_id: int | None
    timeout: float = 60.0
    expire_after: timedelta | int | None = timedelta(hours=1)
    offline: bool = False
    max_wait: float = 60.0  # longest announced 429 wait we sleep through; longer raises
    max_retries: int = 4
    backoff: float = 0.5  # seconds; doubled per retry of a 5xx or a dropped connection
    page_size: int = 1000  # PostHog defaults to 100; larger pages mean fewer throttled calls
    concurrency: int = 4  # pages fetched ahead while paging by offset
    # Extra cap on every endpoint's per-minute pacing (other programs sharing the key); the
    # budgets themselves are PostHog's (http/pacing.py), overridden per family by rate_limits.
    requests_per_minute: int | None = None
    rate_limits: Mapping[str, Sequence[tuple[int, float]]] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """A hash of host and key: cache entries are isolated per key without storing it."""
        return hashlib.sha256(f"{self.host}\n{self.api_key}".encode()).hexdigest()[:24]

    @property
    def masked_key(self) -> str:
        return mask_key(self.api_key)


def resolve_key(api_key: str | None) -> str:
    """The personal API key from the argument or ``POSTHOG_PERSONAL_API_KEY``."""
    key = api_key if api_key is not None else os.environ.get("POSTHOG_PERSONAL_API_KEY")
    if key is None or not str(key).strip():
        raise ConfigurationError(f"No PostHog personal API key was given. {KEY_HELP}")
    if not isinstance(key, str):
        raise ConfigurationError(f"api_key must be a string, not {type(key).__name__}.")
    key = key.strip()
    if key.startswith("phc_"):
        raise ConfigurationError(
            "That is a project token (phc_…), which only sends events. Reading insights and "
            f"persons needs a personal API key (phx_…). {KEY_HELP}"
        )
    return key


def resolve_host(host: str | None) -> str:
    """Normalise a host: ``us``/``eu`` shorthands, ingestion hosts mapped, the scheme added.

    Without a scheme, a loopback address (``localhost``, ``127.0.0.1``) is plain HTTP and any
    other host HTTPS; write ``http://`` for another plain-HTTP server.

    Example:
        >>> resolve_host("eu")
        'https://eu.posthog.com'
        >>> resolve_host("127.0.0.1:8010"), resolve_host("posthog.internal:8000")
        ('http://127.0.0.1:8010', 'https://posthog.internal:8000')
    """
    raw = host if host is not None else os.environ.get("POSTHOG_HOST") or DEFAULT_HOST
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigurationError(f"host must be a URL such as {DEFAULT_HOST!r}, got {raw!r}.")
    value = raw.strip().rstrip("/")
    if value.lower() in REGIONS:
        return REGIONS[value.lower()]
    if "://" not in value and " " not in value:
        bare = _hostname(value)
        if bare and _loopback(bare):
            value = "http://" + value  # a local server (the demo, a port-forward) speaks HTTP
        elif "." in value:
            value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ConfigurationError(
            f"host {raw!r} is not a URL. Use 'us', 'eu', {DEFAULT_HOST!r} or your self-hosted "
            "instance's address, e.g. 'https://posthog.example.com'."
        )
    if parts.hostname in INGESTION_HOSTS:
        mapped = f"{parts.scheme}://{INGESTION_HOSTS[parts.hostname]}"
        warnings.warn(
            f"{parts.hostname} is PostHog's ingestion host; the private API is at {mapped}. "
            f"Using {mapped}.",
            UserWarning,
            stacklevel=3,
        )
        return mapped
    path = parts.path.rstrip("/")
    if path.endswith("/api"):
        path = path[: -len("/api")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def _hostname(value: str) -> str | None:
    try:
        return urlsplit("//" + value).hostname
    except ValueError:  # an unbalanced [ in an IPv6 literal
        return None


def _loopback(hostname: str) -> bool:
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def resolve_project_id(project_id: int | str | None) -> int | None:
    """The project id from the argument or ``POSTHOG_PROJECT_ID``; None means discover it."""
    value = project_id if project_id is not None else os.environ.get("POSTHOG_PROJECT_ID")
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ConfigurationError("project_id must be a number, not a boolean.")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigurationError(
            f"project_id must be PostHog's numeric project id (the number in "
            f"/project/<id>/ in PostHog's URL), got {value!r}. Leave it out to use the key's "
            "current project, or see client.projects()."
        ) from None
    if number <= 0:
        raise ConfigurationError(f"project_id must be a positive number, got {number}.")
    return number


def check_options(
    timeout: Any,
    max_wait: Any,
    requests_per_minute: Any,
    page_size: Any,
    concurrency: Any,
    rate_limits: Any = None,
) -> None:
    """Refuse option values that would fail later, mid-pull, with an unrelated error.

    Example:
        >>> check_options(0, 60, 230, 1000, 4)
        Traceback (most recent call last):
        ...
        posthog_frames.ConfigurationError: timeout must be a positive number of seconds: 0
    """
    if not _seconds(timeout) or timeout == 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds: {timeout!r}")
    if not _seconds(max_wait):
        raise ConfigurationError(
            "max_wait must be seconds >= 0 (the longest announced 429 wait to sleep through), "
            f"got {max_wait!r}."
        )
    if requests_per_minute is not None and not _whole(requests_per_minute, 1, None):
        raise ConfigurationError(
            "requests_per_minute must be a whole number >= 1 (PostHog allows 240 a minute per "
            f"key for insights and persons), or None for PostHog's budgets; got "
            f"{requests_per_minute!r}."
        )
    _check_rate_limits(rate_limits)
    if not _whole(page_size, 1, 50_000):
        raise ConfigurationError("page_size must be between 1 and 50,000 (PostHog's cap).")
    if not _whole(concurrency, 1, MAX_CONNECTIONS):
        raise ConfigurationError(
            f"concurrency must be a whole number from 1 (one page at a time) to "
            f"{MAX_CONNECTIONS}; got {concurrency!r}."
        )


def _check_rate_limits(rate_limits: Any) -> None:
    if rate_limits is None:
        return
    families = ("insights", "persons", "hogql", "query", "default")
    example = "rate_limits={'hogql': [(240, 60), (2400, 3600)]}"
    if not isinstance(rate_limits, Mapping):
        raise ConfigurationError(f"rate_limits must be a dict such as {example}.")
    for family, windows in rate_limits.items():
        if family not in families:
            raise ConfigurationError(
                f"rate_limits: {family!r} is not an endpoint family; use {', '.join(families)}."
            )
        pairs = list(windows) if isinstance(windows, list | tuple) else []
        good = all(
            isinstance(w, list | tuple)
            and len(w) == 2
            and _whole(w[0], 1, None)
            and _seconds(w[1])
            and w[1] > 0
            for w in pairs
        )
        if not pairs or not good:
            raise ConfigurationError(
                f"rate_limits[{family!r}] must be (requests, seconds) pairs, e.g. {example}; got "
                f"{windows!r}."
            )


def _seconds(value: Any) -> bool:
    """Whether *value* is a number of seconds >= 0 (not a bool, not NaN)."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and value >= 0  # NaN compares False


def _whole(value: Any, low: int, high: int | None) -> bool:
    """Whether *value* is an int (not a bool) from *low* to *high* (None: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return low <= value and (high is None or value <= high)
