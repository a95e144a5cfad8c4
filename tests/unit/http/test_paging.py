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


def test_shift_offset_gives_the_exact_url_of_a_later_page():
    # Parameters keep their order, the offset goes last, and no fragment is added.
    assert shift_offset(f"{BASE}?limit=10&offset=20&x=1", 2) == (
        f"{BASE}?limit=10&x=1&offset=40",
        40,
    )
    # Without an offset the page is the first (offset 0); by default the next page is meant.
    assert shift_offset(f"{BASE}?limit=10") == (f"{BASE}?limit=10&offset=10", 10)


def test_canonical_sorts_keeps_blank_parameters_and_drops_the_fragment():
    # `search=` is a parameter of the request: a URL with it and one without are not equal.
    assert canonical(f"{BASE}?search=&limit=10#top") == f"{BASE}?limit=10&search="
    assert canonical(f"{BASE}?search=&limit=10") != canonical(f"{BASE}?limit=10")


def test_expect_page_names_what_is_wrong():
    from posthog_frames.http.paging import expect_page

    assert expect_page({"results": [{"id": 1}], "next": None}) is None
    assert expect_page({"results": []}) is None
    assert "keys ['data']" in expect_page({"data": {"results": []}})
    assert "got list" in expect_page([{"id": 1}])
    assert "page of JSON objects, got a NoneType" in expect_page({"results": [{"id": 1}, None]})
    assert "got a str" in expect_page({"results": ["a"]})


def test_expect_page_names_at_most_eight_keys_of_a_wrong_dict():
    from posthog_frames.http.paging import expect_page

    message = expect_page(dict.fromkeys("jihgfedcba", 1))
    assert message.endswith("got a dict with keys ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']")


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


def cursor_endpoint(last: int = 4):
    """A fake cursor-paged endpoint (links carry no limit, so no page can be predicted)."""
    calls: list[str] = []
    threads: list[str] = []
    requested = {n: threading.Event() for n in range(last + 1)}

    def fetch(url: str) -> dict:
        calls.append(url)
        threads.append(threading.current_thread().name)
        n = int(parse_qs(urlsplit(url).query)["cursor"][0])
        requested[n].set()
        return {"results": [n], "next": f"{BASE}?cursor={n + 1}" if n < last else None}

    return fetch, calls, threads, requested


def test_with_fetch_ahead_the_linked_page_is_requested_while_this_one_is_read():
    fetch, calls, _, requested = cursor_endpoint()
    pages = iter_pages(fetch, f"{BASE}?cursor=0", ahead=1)
    assert next(pages)["results"] == [0]
    # Nothing guessed (no limit to add), but the linked page is already on its way.
    assert requested[1].wait(timeout=10)
    assert [page["results"] for page in pages] == [[1], [2], [3], [4]]
    assert len(calls) == 5


def test_pages_fetched_ahead_run_on_threads_named_for_paging():
    # Thread names are what a stack dump, py-spy or a log line with %(threadName)s shows.
    fetch, _, threads, _ = cursor_endpoint()
    list(iter_pages(fetch, f"{BASE}?cursor=0", ahead=2))
    assert threads[0] == threading.current_thread().name  # the first page: the caller's
    assert threads[1:] and all(name.startswith("posthog-page_") for name in threads[1:])


def served_pages(*counts: int) -> tuple[list[str], dict[str, dict]]:
    """Fixed offset pages with the given counts, by canonical URL (nothing changes on refetch)."""
    urls = [f"{BASE}?limit=10"] + [
        f"{BASE}?limit=10&offset={10 * n}" for n in range(1, len(counts))
    ]
    served = {
        url: {"results": [n], "next": (urls + [None])[n + 1], "count": count}
        for n, (url, count) in enumerate(zip(urls, counts, strict=True))
    }
    return urls, served


def test_a_higher_count_raises_the_bar_for_later_pages():
    urls, served = served_pages(30, 31, 30)  # a person added: the third page predates it
    refetched: list[str] = []

    def refetch(url: str) -> dict:
        refetched.append(url)
        return served[canonical(url)]

    pages = iter_pages(lambda url: served[canonical(url)], urls[0], refetch=refetch)
    assert [page["results"] for page in pages] == [[0], [1], [2]]
    assert refetched == [urls[2]]


def test_with_fetch_ahead_a_lower_count_page_is_refetched_by_its_own_url():
    urls, served = served_pages(30, 29, 30)
    refetched: list[str] = []

    def fetch(url: str) -> dict:
        return served[canonical(url)]

    def refetch(url: str) -> dict:
        refetched.append(url)
        return fetch(url)

    pages = iter_pages(fetch, f"{BASE}?limit=10", ahead=2, total=lambda: 30, refetch=refetch)
    assert [page["results"] for page in pages] == [[0], [1], [2]]
    assert refetched == [f"{BASE}?limit=10&offset=10"]


def test_a_second_deletion_after_a_believed_one_is_checked_again():
    endpoint = Endpoint(100)
    pages = iter_pages(endpoint.fetch, f"{BASE}?limit=10", refetch=endpoint.fetch)
    next(pages)
    del endpoint.rows[0]
    next(pages)  # counts 99 where 100 was seen: fetched again, still 99, believed
    del endpoint.rows[0]
    list(pages)  # the next page counts 98, below the 99 now believed: fetched again too
    assert endpoint.offsets() == [0, 10, 10, 20, 20, 30, 40, 50, 60, 70, 80, 90]
