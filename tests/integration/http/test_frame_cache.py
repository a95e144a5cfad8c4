"""The finished-frame cache of client.persons() and the page fetchers behind it, over real HTTP:
a later refresh always replaces what an earlier pull kept, other arguments never meet a frame
kept for different ones, a frame read back from the file is the one pulled (dtype for dtype),
and Client(concurrency=) decides how many pages are fetched at once."""

from __future__ import annotations

import sqlite3
import threading
import warnings
from contextlib import closing

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames._compat import text_dtype
from posthog_frames.demo import serve
from posthog_frames.http import frame_cache, frame_codec

P = "properties."


def server_ids(demo) -> list[str]:
    return [p["uuid"] for p in demo.data.persons]


def delete_a_person_after_the_first_page(demo, client) -> None:
    """The first persons page this client receives makes the demo delete a person of page 0, so
    every later page moves up by one and one person falls between two pages."""
    done = threading.Event()

    def hook(response, *args, **kwargs):
        if "/persons/" in response.url and "offset=" not in response.url and not done.is_set():
            done.set()
            demo.delete_person(demo.data.persons[0]["uuid"])
        return response

    client.session.hooks["response"].append(hook)


def test_a_refresh_that_lost_a_person_leaves_no_older_frame_behind():
    with serve(persons=120, seed=21) as demo:
        client = demo.client(cache="memory", progress=False, concurrency=1)
        first = client.persons(page_size=30)
        assert len(first) == 120
        delete_a_person_after_the_first_page(demo, client)
        with pytest.warns(UserWarning, match="counted 120 matching persons .* returned 119"):
            lost = client.persons(page_size=30, refresh=True)
        assert len(set(lost["id"]) - set(server_ids(demo))) == 1  # the deleted one, page 0
        # The refreshed pull was not kept (it lost a person), and the frame kept before it must
        # not answer silently either: the next call reads the (cached) pages again, and says so.
        with pytest.warns(UserWarning, match="returned 119"):
            client.persons(page_size=30)
        settled = client.persons(page_size=30, refresh=True)
        assert settled["id"].tolist() == server_ids(demo) and len(settled) == 119
        sent = client.requests_sent
        pd.testing.assert_frame_equal(client.persons(page_size=30), settled)
        assert client.requests_sent == sent  # the consistent pull was kept


def test_a_refreshed_frame_too_big_to_keep_still_replaces_the_kept_one(monkeypatch):
    with serve(persons=60, seed=22) as demo:
        client = demo.client(cache="memory", progress=False)
        assert len(client.persons(page_size=20)) == 60
        demo.add_person(email="later@example.com")
        monkeypatch.setattr(frame_cache, "MAX_BYTES", 0)
        assert len(client.persons(page_size=20, refresh=True)) == 61
        monkeypatch.undo()
        assert client.persons(page_size=20)["id"].tolist() == server_ids(demo)


def test_other_filters_limits_and_dtypes_never_meet_a_kept_frame(demo):
    client = demo.client(cache="memory", progress=False)
    everyone = client.persons(page_size=100)
    linux = [phf.PropertyFilter("$initial_os", ["Linux"])]
    expected = everyone.loc[everyone[P + "$initial_os"] == "Linux", "id"].tolist()
    for _ in range(2):  # the second round is answered from the kept frames
        assert client.persons(page_size=100, properties=linux)["id"].tolist() == expected
        assert client.persons(page_size=100, limit=7)["id"].tolist() == server_ids(demo)[:7]
        assert client.persons(page_size=100, limit=9)["id"].tolist() == server_ids(demo)[:9]
        untyped = client.persons(page_size=100, dtypes=False)
        assert untyped["id"].tolist() == server_ids(demo)
        assert client.persons(page_size=100)["id"].tolist() == server_ids(demo)


def test_refresh_also_reads_the_property_definitions_again(demo):
    client = demo.client(cache="memory", progress=False)
    client.persons(page_size=250)
    fetched: list[str] = []
    client.session.hooks["response"].append(
        lambda r, *a, **k: fetched.append(r.url) if not getattr(r, "from_cache", False) else None
    )
    client.persons(page_size=250, refresh=True)
    assert any("/property_definitions/" in url for url in fetched)
    assert any("/persons/" in url for url in fetched)


def page_threads(client) -> set[str]:
    names: set[str] = set()
    client.session.hooks["response"].append(
        lambda r, *a, **k: names.add(threading.current_thread().name)
    )
    client.persons(page_size=20, refresh=True)
    return names


def test_concurrency_one_fetches_each_page_in_the_calling_thread(demo):
    client = demo.client(cache="memory", progress=False, concurrency=1)
    assert client.settings.concurrency == 1
    assert page_threads(client) == {threading.current_thread().name}


def test_concurrency_four_fetches_pages_ahead_in_page_threads(demo):
    client = demo.client(cache="memory", progress=False, concurrency=4)
    names = page_threads(client)
    assert any(name.startswith("posthog-page") for name in names)
    frame = client.persons(page_size=20)
    assert frame["id"].tolist() == server_ids(demo)


def test_paginate_refuses_an_impossible_ahead(client):
    with pytest.raises(phf.ValidationError, match="ahead must be 0 to 15"):
        next(client.paginate("insights/", ahead=16))
    pages = list(client.paginate("insights/", ahead=3, limit=2))
    listed = pd.DataFrame([row for page in pages for row in page["results"]])
    assert listed["id"].tolist() == client.insights()["id"].tolist()


def test_via_query_a_person_added_mid_pull_shifts_nothing():
    # Keyset pages start after the last person seen, so a newcomer (newest, so before the first
    # page) moves no page: nobody repeats, nobody is missed, nothing to warn about.
    with serve(persons=90, seed=23) as demo:
        before = server_ids(demo)
        client = demo.client(cache="memory", progress=False)
        pages = []
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for number, page in enumerate(client.iter_persons(page_size=30, via="query")):
                pages.append(page)
                if number == 0:
                    demo.add_person(email="late@example.com")
        assert pd.concat(pages)["uuid"].tolist() == before


def test_a_warning_about_a_pull_points_at_the_callers_line():
    with serve(persons=90, seed=24) as demo:
        client = demo.client(cache="memory", progress=False, concurrency=1)
        delete_a_person_after_the_first_page(demo, client)
        with pytest.warns(UserWarning, match="returned") as caught:
            for _page in client.iter_persons(page_size=30):
                pass
        assert caught[0].filename == __file__


def test_a_frame_read_back_from_the_file_is_the_cold_pulls_dtype_for_dtype(demo, tmp_path):
    # Arrow IPC on disk, read by another client: equal values, dtypes and attrs (this runs on
    # pandas 2.2 too, in `make test-oldest`).
    path = tmp_path / "c.sqlite"
    cold = demo.client(cache=path, progress=False).persons()
    kinds = set(cold.dtypes.astype(str))
    assert {"Int64", "boolean", "datetime64[us, UTC]", "object", str(text_dtype())} <= kinds
    other = demo.client(cache=path, progress=False)
    sent = other.requests_sent
    warm = other.persons()
    assert other.requests_sent == sent  # the frame (and the definitions) came from the file
    pd.testing.assert_frame_equal(warm, cold, check_exact=True)
    assert warm.dtypes.astype(str).tolist() == cold.dtypes.astype(str).tolist()
    assert warm.attrs == cold.attrs
    assert {type(ids) for ids in warm["distinct_ids"]} == {list}


def test_without_pyarrow_no_frame_is_kept_and_pulls_still_answer(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(frame_codec, "available", lambda: False)  # as if it were not installed
    path = tmp_path / "c.sqlite"
    client = demo.client(cache=path, progress=False)
    first = client.persons()
    sent = client.requests_sent
    pd.testing.assert_frame_equal(client.persons(), first)
    assert client.requests_sent == sent  # the pages are still cached
    client.session.close()
    with closing(sqlite3.connect(path)) as con:
        frames = con.execute("SELECT count(*) FROM responses WHERE key LIKE 'frames:%'")
        assert frames.fetchone()[0] == 0
