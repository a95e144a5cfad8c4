"""Finished DataFrames kept in the client's requests-cache, beside the pages they came from.

A repeated ``client.persons()`` would otherwise re-read every page from the cache and convert it
all again; converting is most of the work (the cache read is cheap), so the finished frame is
stored too and a warm call only decodes it. It lives in the same cache as the pages, as one
more cached response (under a key hashed from the API-key fingerprint and the request, never
the key itself), so ``client.clear_cache()``, ``expire_after`` and every backend (sqlite file,
memory, a user's own ``CachedSession``) treat it exactly like the pages: it expires with them,
``refresh=True`` replaces it, and ``offline`` mode may use it once stale, as it may use pages.

The frame is stored as Arrow IPC bytes (:mod:`posthog_frames.http.frame_codec`), which keep
every dtype (``str``, ``Int64``, ``boolean``, tz-aware datetimes, lists) and cannot run code when
read: never a pickle. Without pyarrow no frame is kept (:meth:`ResultCache.of` answers None) and
a repeated call converts the cached pages again.

Example:
    >>> store = ResultCache.of(client.session)        # None when the session does not cache
    >>> key = result_key(client.settings.fingerprint, "persons", client.url("persons/"))
    >>> store.put(key, client.url("persons/"), pd.DataFrame({"id": [1]}))
    True
    >>> store.get(key)["id"].tolist()
    [1]
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import requests
import requests_cache
from requests.structures import CaseInsensitiveDict
from requests_cache.policy.expiration import get_expiration_datetime

from posthog_frames.http import frame_codec

__all__ = ["ResultCache", "result_key", "MAX_BYTES"]

log = logging.getLogger("posthog_frames")

CONTENT_TYPE = frame_codec.CONTENT_TYPE
# Frames above this are not kept: writing one costs a transient copy as large as the frame, and
# the pages stay cached anyway, so a repeated pull of a huge export still needs no requests.
MAX_BYTES = 48 * 2**20
_VERSION = "2"  # 1: pickled frames, never read again


def result_key(fingerprint: str, kind: str, url: str, **variant: Any) -> str:
    """A cache key for one finished frame: API key fingerprint, request URL and options.

    Example:
        >>> result_key("f1", "persons", "http://h/api/projects/1/persons/?limit=5", limit=None)[:7]
        'frames:'
    """
    text = "\n".join([_VERSION, fingerprint, kind, url, repr(sorted(variant.items()))])
    return "frames:" + hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """Read and write finished frames in a ``CachedSession``'s storage."""

    def __init__(self, session: requests_cache.CachedSession) -> None:
        self.session = session

    @classmethod
    def of(cls, session: requests.Session) -> ResultCache | None:
        """The result cache of *session*, or None when it does not cache (or pyarrow, which
        stores the frames, is not installed)."""
        if not isinstance(session, requests_cache.CachedSession) or not frame_codec.available():
            return None
        return cls(session)

    def get(self, key: str, *, stale_ok: bool = False) -> pd.DataFrame | None:
        """The frame stored under *key*, unless missing or expired (expired is fine offline)."""
        try:
            cached = self.session.cache.responses.get(key)
        except Exception as err:  # an unreadable entry (older serializer, damaged file) is a miss
            log.info("result cache entry unreadable (%s); pulling again", type(err).__name__)
            return None
        if cached is None or cached.headers.get("Content-Type") != CONTENT_TYPE:
            return None
        if cached.is_expired and not stale_ok:
            return None
        try:
            return frame_codec.decode(cached.content)
        except ValueError as err:  # not a frame of ours, or another pandas wrote it
            log.info("result cache entry unreadable (%s); pulling again", err)
            return None

    def put(self, key: str, url: str, frame: pd.DataFrame) -> bool:
        """Store *frame* under *key* until the session's ``expire_after``; False if not kept.

        A frame that is not kept still replaces what *key* held: an older frame left there
        would answer the next call with data from before this one.
        """
        expires = get_expiration_datetime(self.session.settings.expire_after)
        if expires is not None and expires <= datetime.now(UTC):
            self.delete(key)  # expire_after=0: the session caches nothing, neither do we
            return False
        payload = None
        if frame.memory_usage(deep=True).sum() <= MAX_BYTES:  # the Arrow copy is about as large
            payload = frame_codec.encode(frame)
        if payload is None:  # too big, or holds what Arrow cannot keep exactly
            self.delete(key)
            return False
        cached = requests_cache.CachedResponse(
            url=url,
            status_code=200,
            reason="OK",
            expires=expires,
            headers=CaseInsensitiveDict({"Content-Type": CONTENT_TYPE}),
        )
        cached._content = payload
        try:
            self.session.cache.responses[key] = cached
        except Exception as err:  # a locked or full cache file must not fail the pull itself
            log.info("result not cached (%s: %s)", type(err).__name__, err)
            self.delete(key)
            return False
        return True

    def delete(self, key: str) -> None:
        """Forget the frame under *key* (nothing happens when there is none).

        Example:
            >>> store = ResultCache.of(client.session)
            >>> store.delete(result_key("f1", "persons", "http://h/"))  # none there: no error
        """
        try:
            self.session.cache.responses.pop(key, None)
        except Exception as err:  # locked or damaged: the entry cannot be read back either
            log.info("result cache entry not deleted (%s)", type(err).__name__)
