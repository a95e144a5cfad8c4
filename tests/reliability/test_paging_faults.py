"""Paging end to end: short pages and persons added while paging neither repeat nor lose rows.

Documented behaviour (PostHog orders persons newest first): a pull is a snapshot of the persons
that existed when its first page was read. A person created mid-pull shifts later offsets by one,
so the boundary row is served twice (dropped the second time) and the new person, at the front,
is not in the frame; every person that existed at the start is, and a UserWarning says the count
changed (persons paging is ``_persons_api``'s; these tests hold it to that contract).
"""

from __future__ import annotations

import pandas as pd
import pytest

from posthog_frames.demo import serve
from tests.reliability.helpers import quiet


def test_short_pages_lose_and_repeat_nothing():
    with serve(persons=300, seed=5) as demo:
        expected = demo.client(cache=False).persons(page_size=25)
        demo.configure(short_pages=0.5)
        frame = demo.client(cache=False).persons(page_size=25)
        assert demo.faults_injected["short_page"] > 0
    assert frame["id"].is_unique
    pd.testing.assert_frame_equal(
        frame.sort_values("id", ignore_index=True), expected.sort_values("id", ignore_index=True)
    )


@pytest.mark.parametrize("added", [1, 3, 30])
def test_persons_added_mid_pull_do_not_duplicate_or_drop_earlier_persons(added):
    with serve(persons=200, seed=6) as demo:
        before = set(range(1, 201))
        client = quiet(demo.client(cache=False))
        pages = []
        with pytest.warns(UserWarning, match="count changed"):
            for number, page in enumerate(client.iter_persons(page_size=20)):
                pages.append(page)
                if number == 1:  # after two of ten pages (others may already be fetched ahead)
                    for i in range(added):
                        demo.add_person(email=f"late{i}@example.com")
        ids = pd.concat(pages)["id"]
    assert ids.is_unique, "a shifted boundary row came back twice"
    assert before <= set(ids), f"lost {sorted(before - set(ids))[:5]}"
    assert set(ids) - before <= set(range(201, 201 + added))  # at most the new ones


def test_short_pages_and_mid_pull_additions_together():
    with serve(persons=150, seed=7, short_pages=0.4) as demo:
        client = quiet(demo.client(cache=False))
        pages = []
        with pytest.warns(UserWarning, match="count changed"):
            for number, page in enumerate(client.iter_persons(page_size=15)):
                pages.append(page)
                if number in (0, 3):
                    demo.add_person(email=f"late{number}@example.com")
        ids = pd.concat(pages)["id"]
    assert ids.is_unique
    assert set(range(1, 151)) <= set(ids)


def test_limit_stops_at_exactly_limit_rows_with_short_pages():
    with serve(persons=120, seed=8, short_pages=0.5) as demo:
        frame = quiet(demo.client(cache=False)).persons(page_size=10, limit=55)
    assert len(frame) == 55 and frame["id"].is_unique
    assert frame.attrs["kind"] == "persons"
