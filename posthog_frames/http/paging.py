"""Following PostHog's ``next`` links, with pages fetched ahead where offsets make it possible.

PostHog paginates persons and insights by ``limit``/``offset`` and returns absolute ``next``
URLs. ``next`` is the truth: PostHog sometimes answers fewer rows than ``limit`` and still links
on, so a client that stops on a short page, or that adds ``limit`` to the offset itself, loses or
repeats rows. Fetching ahead is therefore speculative: the page predicted at ``offset + limit``
is used only when the ``next`` link really points there; otherwise it is dropped and the linked
page fetched.

Pages fetched concurrently can also straddle a change: when a person is added, every offset
shifts by one, and a page served *before* the change that follows one served *after* it skips a
row. Pages carry ``count`` (``include_total``), so such a page shows a count below one already
seen; with a *refetch* it is requested again, past any cache, and the fresh copy is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["iter_pages", "canonical", "expect_page", "shift_offset"]

Fetch = Callable[[str], dict[str, Any]]


def canonical(url: str) -> str:
    """The URL with its query parameters sorted, so equal requests compare equal."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def shift_offset(url: str, pages: int = 1) -> tuple[str, int] | None:
    """The URL of the page *pages* after this one, and its offset (None without a limit)."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    values = dict(params)
    try:
        limit = int(values["limit"])
        offset = int(values.get("offset", 0)) + pages * limit
    except (KeyError, ValueError):
        return None
    shifted = [(k, v) for k, v in params if k != "offset"] + [("offset", str(offset))]
    return urlunsplit((*parts[:3], urlencode(shifted), "")), offset


def expect_page(body: Any) -> str | None:
    """What is wrong with *body* as a page of a paginated endpoint, or None.

    Given to ``Transport.request(expect=...)``, so a wrong page raises ``InvalidResponse``
    naming the endpoint and is dropped from the cache.

    Example:
        >>> expect_page({"results": [], "next": None}) is None
        True
        >>> expect_page({"detail": "x"})
        "expected a page {'results': [...], 'next': ...}, got a dict with keys ['detail']"
    """
    results = body.get("results") if isinstance(body, dict) else None
    if isinstance(results, list):
        # Every list this library pages through (persons, insights, definitions) holds objects.
        bad = [type(row).__name__ for row in results if not isinstance(row, dict)]
        return f"expected a page of JSON objects, got a {bad[0]} among 'results'" if bad else None
    got = f"a dict with keys {sorted(body)[:8]}" if isinstance(body, dict) else type(body).__name__
    return f"expected a page {{'results': [...], 'next': ...}}, got {got}"


class _Settle:
    """Replace a page served before a change that an earlier page already saw (see above)."""

    def __init__(self, refetch: Fetch | None) -> None:
        self.refetch = refetch
        self.highest: int | None = None

    def __call__(self, url: str, page: dict[str, Any]) -> dict[str, Any]:
        count = page.get("count")
        if not isinstance(count, int):
            return page
        if self.refetch is not None and self.highest is not None and count < self.highest:
            page = self.refetch(url)
            fresh = page.get("count")
            # Fetched past every cache, its count is now the truth: still lower means persons
            # were really deleted, so later pages are measured against it. A copy without count
            # confirms nothing.
            if isinstance(fresh, int):
                self.highest = fresh
            return page
        # Not lower than any count seen (lower ones were refetched above), or nothing to refetch
        # with, when the highest count is never read: either way this count is the highest.
        self.highest = count
        return page


def iter_pages(
    fetch: Fetch,
    first_url: str,
    *,
    ahead: int = 0,
    total: Callable[[], int | None] = lambda: None,
    rewrite: Callable[[str], str] = lambda url: url,
    refetch: Fetch | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield each page from *first_url* on, following ``next`` until it is null.

    *ahead* pages are requested concurrently beyond the current ``next`` link; *total*, when it
    returns a row count, stops predictions past the end; *rewrite* maps each ``next`` link before
    it is used (the client pins it to its own host so the key never goes elsewhere); *refetch*
    re-requests, bypassing caches, a page whose ``count`` shows it predates a change.
    """
    settle = _Settle(refetch)
    if ahead <= 0:
        url: str | None = first_url
        while url:
            page = settle(url, fetch(url))
            yield page
            url = rewrite(page["next"]) if page.get("next") else None
        return
    pending: dict[str, Future] = {}
    with ThreadPoolExecutor(max_workers=ahead + 1, thread_name_prefix="posthog-page") as pool:
        try:
            url = first_url
            while url:
                future = pending.pop(canonical(url), None)
                page = settle(url, future.result() if future else fetch(url))
                link = page.get("next")
                url = rewrite(link) if link else None
                if url:
                    _schedule(pool, pending, fetch, url, ahead, total())
                yield page
        finally:
            for future in pending.values():
                future.cancel()


def _schedule(
    pool: ThreadPoolExecutor,
    pending: dict[str, Future],
    fetch: Callable[[str], dict[str, Any]],
    url: str,
    ahead: int,
    total: int | None,
) -> None:
    wanted = [url]
    for _ in range(ahead):
        shifted = shift_offset(wanted[-1])
        if shifted is None or (total is not None and shifted[1] >= total):
            break
        wanted.append(shifted[0])
    keys = {canonical(u) for u in wanted}
    # Predictions made from an earlier link that turned out wrong (a short page) are dropped.
    for key in [k for k in pending if k not in keys]:
        pending.pop(key).cancel()
    for target in wanted:
        key = canonical(target)
        if key not in pending:
            pending[key] = pool.submit(fetch, target)
