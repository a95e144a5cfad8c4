"""The requests-cache session every request goes through: which cache, and made safe for keys.

Kept apart from :mod:`posthog_frames.http.transport` (which sends, retries and maps errors): this
module only decides where answers are cached and that the cache never holds, nor shares, a key.

- ``cache=None``: a sqlite file in the user's cache directory; a path: that file; ``"memory"``;
  ``False``: no cache; any ``requests.Session`` is used as given (a ``CachedSession`` is made
  safe in place).
- A sqlite file is private (folder 0700, files 0600: :mod:`.private`), holds data only (no
  pickle: :mod:`.serializer`), and is bounded (:mod:`.sqlite_cache`): expired answers go when it
  is opened and as it is written, the oldest beyond ``max_cache_mb``. A file that cannot be ours
  (another account's) or cannot be written is refused with a warning: the client caches in
  memory.
- The key is never written: requests-cache redacts ``Authorization`` by default, but passing
  ``ignored_parameters`` replaces its defaults, so they are always extended, with PostHog's
  ``personal_api_key`` parameter too. Entries are matched on a fingerprint header (a hash of
  host and key), so an answer cached for one key is never served to another.

Example:
    >>> session = build_session("memory", expire_after=3600)
    >>> FINGERPRINT_HEADER in session.settings.match_headers
    True
"""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path
from typing import Any

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from requests_cache.policy.settings import DEFAULT_IGNORED_PARAMS
from urllib3.util.retry import Retry

from posthog_frames._settings import MAX_CONNECTIONS
from posthog_frames.exceptions import ConfigurationError
from posthog_frames.http.private import SIDE_FILES, private_folder
from posthog_frames.http.sqlite_cache import SQLiteCache

__all__ = [
    "DEFAULT_MAX_CACHE_MB",
    "FINGERPRINT_HEADER",
    "IGNORED_PARAMETERS",
    "build_session",
    "check_max_cache_mb",
    "default_cache_path",
]

FINGERPRINT_HEADER = "X-PostHog-Frames-Key-Fingerprint"
IGNORED_PARAMETERS = (*DEFAULT_IGNORED_PARAMS, "personal_api_key")
# Generous: a 20,000-person pull keeps ~25 MiB (pages and frame); a week of notebooks fits.
DEFAULT_MAX_CACHE_MB = 1024
_CACHE_DIR_NAME = "posthog-frames"


def default_cache_path() -> Path:
    """Where the sqlite cache lives by default: the user's cache directory.

    Example:
        >>> default_cache_path().name
        'http_cache.sqlite'
    """
    import platformdirs

    return Path(platformdirs.user_cache_dir(_CACHE_DIR_NAME)) / "http_cache.sqlite"


def _cache_settings(expire_after: Any) -> dict[str, Any]:
    return {
        "expire_after": expire_after if expire_after is not None else -1,
        "allowable_codes": (200,),
        "allowable_methods": ("GET", "HEAD", "POST"),
        "ignored_parameters": IGNORED_PARAMETERS,
        "match_headers": [FINGERPRINT_HEADER],
    }


def check_max_cache_mb(max_cache_mb: Any) -> int | None:
    """``max_cache_mb`` as bytes (None: unbounded); anything but a positive number is refused.

    Example:
        >>> check_max_cache_mb(1)
        1048576
    """
    if max_cache_mb is None:
        return None
    number = isinstance(max_cache_mb, int | float) and not isinstance(max_cache_mb, bool)
    if not number or not max_cache_mb > 0 or max_cache_mb == float("inf"):
        raise ConfigurationError(
            f"max_cache_mb must be a positive number of megabytes (default "
            f"{DEFAULT_MAX_CACHE_MB}), or None for no bound; got {max_cache_mb!r}."
        )
    return int(max_cache_mb * 2**20)


def build_session(
    cache: Any,
    expire_after: Any,
    *,
    max_cache_mb: float | None = DEFAULT_MAX_CACHE_MB,
    offline: bool = False,
) -> requests.Session:
    """A session for *cache*: a path, ``"memory"``, ``None`` (default sqlite), ``False``
    (no cache) or any ``requests.Session`` (a ``CachedSession`` is made safe in place).

    A sqlite cache keeps at most *max_cache_mb* of entries; an *offline* client removes
    nothing from it (expired answers are what it may still read).

    Example:
        >>> build_session(False, None).__class__.__name__
        'Session'
    """
    max_bytes = check_max_cache_mb(max_cache_mb)
    if isinstance(cache, requests.Session):
        session = cache
        if isinstance(session, requests_cache.CachedSession):
            _secure(session)
        return session
    if cache is False:
        session = requests.Session()
    elif cache == "memory":
        session = requests_cache.CachedSession(backend="memory", **_cache_settings(expire_after))
    else:
        default = cache in (None, True)
        path = default_cache_path() if default else Path(cache).expanduser()
        session = _sqlite_session(path, expire_after, max_bytes, offline, own_folder=default)
    # urllib3 retries failed connects only; statuses and broken bodies are the transport's. A
    # failed TLS handshake (other=0) fails the same way every time: no retry, say it at once.
    # PostHog's 429s carry Retry-After: urllib3 must leave them (and every status) to the
    # transport, which reads the wait and decides, rather than raise MaxRetryError itself.
    retry = Retry(
        total=3,
        connect=3,
        read=0,
        status=0,
        other=0,
        backoff_factor=0.3,
        allowed_methods=None,
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=MAX_CONNECTIONS)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _sqlite_session(
    path: Path, expire_after: Any, max_bytes: int | None, offline: bool, *, own_folder: bool
) -> requests_cache.CachedSession:
    # WAL lets page-fetching threads read while one writes; a broken file is rebuilt, not fatal;
    # a file another process keeps locked, another account's, or one that cannot be written is
    # left alone: this client caches in memory instead.
    def open_cache() -> requests_cache.CachedSession:
        backend = SQLiteCache(path, wal=True, max_bytes=max_bytes, remove_expired=not offline)
        session = requests_cache.CachedSession(backend=backend, **_cache_settings(expire_after))
        if not offline:
            backend.sweep()  # also touches the file now rather than mid-pull
        return session

    def in_memory(reason: str) -> requests_cache.CachedSession:
        warnings.warn(
            f"{reason} This client caches in memory instead.", RuntimeWarning, stacklevel=5
        )
        return requests_cache.CachedSession(backend="memory", **_cache_settings(expire_after))

    try:
        private_folder(path.parent, tighten=own_folder)
        return open_cache()
    except ConfigurationError as err:  # another account's file or folder
        return in_memory(err.message)
    except OSError as err:  # a folder we may not write to, a path that is a folder …
        return in_memory(f"The HTTP cache at {path} cannot be used ({type(err).__name__}: {err}).")
    except sqlite3.OperationalError as err:
        if "locked" not in str(err):
            raise
        return in_memory(
            f"The HTTP cache at {path} is locked by another process. Close other notebooks or "
            "programs using that file to share it."
        )
    except Exception as err:  # sqlite3.DatabaseError and friends, from a corrupted file
        warnings.warn(
            f"The HTTP cache at {path} could not be opened ({type(err).__name__}); rebuilding it.",
            RuntimeWarning,
            stacklevel=4,
        )
        for suffix in ("", *SIDE_FILES):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return open_cache()


def _secure(session: requests_cache.CachedSession) -> None:
    """Make a user's CachedSession safe: never store the key, never share across keys."""
    settings = session.settings
    current = tuple(settings.ignored_parameters or ())
    settings.ignored_parameters = tuple(dict.fromkeys((*current, *IGNORED_PARAMETERS)))
    headers = settings.match_headers
    if headers is not True:
        settings.match_headers = [*(headers or []), FINGERPRINT_HEADER]
