"""Following `next` with speculative fetch-ahead: nothing lost, nothing repeated."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from posthog_frames.http.paging import canonical, iter_pages, shift_offset

BASE = "http://h/api/projects/1/persons/"


def make_fetch(rows: int, short: set[int] = frozenset()):
    """A fake endpoint over `rows` rows; offsets in `short` answer half a page, linking on."""
    calls = []
    lock = threading.Lock()

    def fetch(url: str) -> dict:
        q = parse_qs(urlsplit(url).query)
        limit, offset = int(q["limit"][0]), int(q.get("offset", ["0"])[0])
        with lock:
            calls.append(offset)
        size = limit // 2 if offset in short else limit
        results = list(range(offset, min(offset + size, rows)))
        nxt = None
        if len(results) == size and offset + size < rows:
            nxt = f"{BASE}?limit={limit}&offset={offset + len(results)}"
        return {"results": results, "next": nxt, "count": rows}

    return fetch, calls


@pytest.mark.parametrize("ahead", [0, 1, 3])
@pytest.mark.parametrize("short", [set(), {10, 45}])
def test_collects_every_row_once(ahead, short):
    fetch, calls = make_fetch(103, short)
    rows = [
        r
        for page in iter_pages(fetch, f"{BASE}?limit=10", ahead=ahead, total=lambda: 103)
        for r in page["results"]
    ]
    assert rows == list(range(103))


def test_fetch_ahead_stops_at_the_total():
    fetch, calls = make_fetch(50)
    list(iter_pages(fetch, f"{BASE}?limit=10", ahead=4, total=lambda: 50))
    assert sorted(calls) == [0, 10, 20, 30, 40]


def test_rewrite_is_applied_to_next_links():
    fetch, calls = make_fetch(30)
    seen = []

    def rewrite(url):
        seen.append(url)
        return url.replace("http://h", "http://h")

    list(iter_pages(fetch, f"{BASE}?limit=10", rewrite=rewrite))
    assert len(seen) == 2


def test_shift_offset_and_canonical():
    url, offset = shift_offset(f"{BASE}?limit=10&offset=20&x=1", 2)
    assert offset == 40
    assert canonical(url) == canonical(f"{BASE}?x=1&offset=40&limit=10")
    assert shift_offset(f"{BASE}?offset=3") is None


def test_expect_page_names_what_is_wrong():
    from posthog_frames.http.paging import expect_page

    assert expect_page({"results": [{"id": 1}], "next": None}) is None
    assert expect_page({"results": []}) is None
    assert "keys ['data']" in expect_page({"data": {"results": []}})
    assert "got list" in expect_page([{"id": 1}])
    assert "page of JSON objects, got a NoneType" in expect_page({"results": [{"id": 1}, None]})
    assert "got a str" in expect_page({"results": ["a"]})
