"""Talking to PostHog over HTTP: one transport owns retries, pacing, the cache and error mapping.

- :mod:`.transport`: sends a request, retries within bounds, parses JSON, raises typed errors;
- :mod:`.errors`: PostHog's error answers (or a proxy's page) turned into those typed errors;
- :mod:`.session`: the requests-cache session, made safe for keys; :mod:`.sqlite_cache` its
  sqlite backend (data only, bounded in size and in lock waits), :mod:`.serializer` the
  data-only format of its entries, :mod:`.private` its file modes, :mod:`.cache_files` what
  ``posthog-frames cache`` shows and clears; :mod:`.frame_cache` finished frames kept beside the
  pages, as Arrow IPC (:mod:`.frame_codec`);
- :mod:`.paging`: following ``next`` links, with pages fetched ahead; :mod:`.pacing`: staying
  under PostHog's per-key request budgets;
- :mod:`.cassette`: record / replay files for notebooks in CI, plugged in below the cache by
  :mod:`.cassette_adapter`, with persons' personal data pseudonymised by :mod:`.pseudonym`.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded on first use (__getattr__ below); named here for type checkers
    from posthog_frames.http.frame_cache import ResultCache, result_key
    from posthog_frames.http.pacing import RateLimiter
    from posthog_frames.http.paging import canonical, expect_page, iter_pages
    from posthog_frames.http.session import FINGERPRINT_HEADER, build_session
    from posthog_frames.http.transport import Expect, Transport

__all__ = [
    "FINGERPRINT_HEADER",
    "Expect",
    "RateLimiter",
    "ResultCache",
    "Transport",
    "build_session",
    "canonical",
    "expect_page",
    "iter_pages",
    "result_key",
]

# Importing one submodule (say `private`, for file modes) runs this file: loading requests-cache
# here would make every such import pay for it (and for each optional backend it finds
# installed), so the names below load on first use (PEP 562).
_HOMES = {
    "FINGERPRINT_HEADER": "session",
    "Expect": "transport",
    "RateLimiter": "pacing",
    "ResultCache": "frame_cache",
    "Transport": "transport",
    "build_session": "session",
    "canonical": "paging",
    "expect_page": "paging",
    "iter_pages": "paging",
    "result_key": "frame_cache",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'posthog_frames.http' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"posthog_frames.http.{home}"), name)
