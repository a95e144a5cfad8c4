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


class Endpoint:
    """A fake offset-paged endpoint over rows that can change mid-pull; every page has
    ``count`` (as PostHog's with include_total) and its links repeat the query given."""

    def __init__(self, rows: int, query: str = "limit=10") -> None:
        self.rows = list(range(rows))
        self.query = query
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def fetch(self, url: str) -> dict:
        with self.lock:
            self.calls.append(url)
            rows = list(self.rows)
        q = parse_qs(urlsplit(url).query, keep_blank_values=True)
        limit, offset = int(q["limit"][0]), int(q.get("offset", ["0"])[0])
        results = rows[offset : offset + limit]
        nxt = f"{BASE}?{self.query}&offset={offset + limit}" if offset + limit < len(rows) else None
        return {"results": results, "next": nxt, "count": len(rows)}

    def offsets(self) -> list[int]:
        return [int(parse_qs(urlsplit(u).query).get("offset", ["0"])[0]) for u in self.calls]


def test_cursor_links_are_followed_without_predicting_pages():
    calls = []

    def fetch(url: str) -> dict:
        calls.append(url)
        n = int(parse_qs(urlsplit(url).query)["cursor"][0])
        return {"results": [n], "next": f"{BASE}?cursor={n + 1}" if n < 4 else None}

    pages = list(iter_pages(fetch, f"{BASE}?cursor=0", ahead=3, total=lambda: None))
    assert [page["results"] for page in pages] == [[0], [1], [2], [3], [4]]
    assert calls == [f"{BASE}?cursor={n}" for n in range(5)]  # nothing guessed, nothing twice


def test_persons_deleted_mid_pull_cost_one_refetch_not_one_per_later_page():
    endpoint = Endpoint(100)
    pages = iter_pages(endpoint.fetch, f"{BASE}?limit=10", refetch=endpoint.fetch)
    first = next(pages)
    del endpoint.rows[0]  # really gone: every later page counts 99
    rest = list(pages)
    # The page at offset 10 shows a lower count, is fetched again, still 99: believed.
    assert endpoint.offsets() == [0, 10, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    rows = first["results"] + [r for page in rest for r in page["results"]]
    assert rows == list(range(10)) + list(range(11, 100))  # row 10 shifted onto page one


def test_a_refetched_page_without_count_is_used_and_confirms_nothing():
    endpoint = Endpoint(30)
    refetched = []

    def refetch(url: str) -> dict:
        page = endpoint.fetch(url)
        del page["count"]
        refetched.append(page)
        return page

    pages = iter_pages(endpoint.fetch, f"{BASE}?limit=10", refetch=refetch)
    next(pages)
    del endpoint.rows[0]
    rest = list(pages)
    assert rest == refetched  # each lower-count page was fetched again, and the copy used
    assert endpoint.offsets() == [0, 10, 10, 20, 20]


@pytest.mark.parametrize("ahead", [1, 3])
def test_blank_parameters_are_kept_when_predicting_pages(ahead):
    endpoint = Endpoint(60, query="limit=10&search=")
    pages = iter_pages(endpoint.fetch, f"{BASE}?limit=10&search=", ahead=ahead, total=lambda: 60)
    assert [r for page in pages for r in page["results"]] == list(range(60))
    assert sorted(endpoint.offsets()) == [0, 10, 20, 30, 40, 50]  # each page fetched once
    assert all("search=" in url for url in endpoint.calls)
