"""Paging over real HTTP, measured from the demo server's side: which pages a pull requests, how
many at once, and what a change mid-pull costs (http/paging.py fetches ahead and refetches)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from posthog_frames.demo import serve


def persons_offsets(demo) -> list[int]:
    """The offset of each persons page requested, in arrival order."""
    paths = [path for _, path, _ in demo.request_log if "/persons/" in path]
    return [int(parse_qs(urlsplit(path).query).get("offset", ["0"])[0]) for path in paths]


@pytest.mark.parametrize("concurrency", [1, 2, 4])
def test_pages_fetched_ahead_are_requested_once_each_and_together(concurrency):
    # Latency keeps each request open while the ones fetched ahead with it arrive.
    with serve(persons=500, seed=2, latency=0.2) as demo:
        client = demo.client(cache=False, progress=False, concurrency=concurrency)
        demo.reset_request_count()
        df = client.persons(page_size=50, dtypes=False)
        # Ten full pages, and the empty eleventh PostHog links to from a full last page: none
        # twice, none guessed past the count PostHog gave with the first page.
        assert sorted(persons_offsets(demo)) == list(range(0, 550, 50))
        assert demo.peak_concurrency == concurrency
    assert len(df) == 500 and df["id"].is_unique


def test_a_limit_stops_fetching_ahead_one_round_past_the_last_page_read():
    with serve(persons=500, seed=2, latency=0.2) as demo:
        client = demo.client(cache=False, progress=False, concurrency=3)
        demo.reset_request_count()
        df = client.persons(page_size=50, limit=60, dtypes=False)
        # Page one; with it the next link and two pages guessed ahead; reading the second
        # page (the limit's last) guessed one more before the pull stopped, and no further.
        assert sorted(persons_offsets(demo)) == [0, 50, 100, 150, 200]
    assert len(df) == 60


def test_a_person_deleted_mid_pull_costs_one_refetch_not_one_per_later_page():
    with serve(persons=300, seed=3) as demo:
        client = demo.client(cache="memory", progress=False)
        demo.reset_request_count()
        pages = client.paginate("persons/", limit=50, include_total="true")
        first = next(pages)
        demo.delete_person(first["results"][0]["id"])
        rest = list(pages)
        # The page at offset 50 counts 299 where the first counted 300: asked again, past the
        # cache, it still counts 299, so the deletion is believed and later pages are kept.
        assert persons_offsets(demo) == [0, 50, 50, 100, 150, 200, 250]
    assert first["count"] == 300 and [page["count"] for page in rest] == [299] * 5
    assert sum(len(page["results"]) for page in rest) == 249


def test_short_pages_never_put_more_requests_in_flight_than_the_concurrency():
    concurrency = 3
    # A short page makes the pages guessed after it wrong; those already running cannot be
    # cancelled, and the corrected guesses must wait for them rather than join them.
    with serve(persons=400, seed=4, latency=0.2, short_pages=0.5) as demo:
        client = demo.client(cache=False, progress=False, concurrency=concurrency)
        demo.reset_request_count()
        df = client.persons(page_size=25, dtypes=False)
        assert demo.faults_injected["short_page"] > 0
        assert 1 < demo.peak_concurrency <= concurrency
    assert len(df) == 400 and df["id"].is_unique
