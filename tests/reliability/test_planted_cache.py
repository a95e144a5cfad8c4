"""A cache file someone else wrote ("run my notebook offline with this cache") runs nothing: every
entry replaced by a crafted pickle, in a file of this version's format or of an older one, reads
as a miss, the answers are fetched again, and the pickle's payload never runs."""

from __future__ import annotations

import pickle
import sqlite3
from contextlib import closing

import pandas as pd
import pytest

from posthog_frames.demo import serve


class Payload:
    """Unpickling this creates *path*: the proof that a pickle was run."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture
def payload(tmp_path):
    proof = tmp_path / "proof-the-payload-works"
    pickle.loads(pickle.dumps(Payload(str(proof))))
    assert proof.exists()  # the same payload, unpickled, creates its file
    marker = tmp_path / "ran"
    return marker, pickle.dumps(Payload(str(marker)))


def plant(path, blob: bytes, *, old_format: bool) -> int:
    with closing(sqlite3.connect(path)) as con:
        planted = con.execute("UPDATE responses SET value = ?", (blob,)).rowcount
        if old_format:  # as an older posthog-frames (pickles throughout) left it
            con.execute("PRAGMA user_version = 0")
        con.commit()
    return planted


@pytest.mark.parametrize("old_format", [False, True], ids=["this format", "older format"])
def test_a_cache_of_crafted_pickles_is_read_as_misses_and_runs_nothing(
    tmp_path, payload, old_format
):
    marker, blob = payload
    path = tmp_path / "shared.sqlite"
    with serve(persons=120, seed=5) as demo:
        first = demo.client(cache=path, progress=False)
        expected = first.persons(page_size=50)
        insights = first.insights()
        first.session.close()
        assert plant(path, blob, old_format=old_format) >= 4  # pages, definitions, the frame

        client = demo.client(cache=path, progress=False)
        before = demo.request_count
        pd.testing.assert_frame_equal(client.persons(page_size=50), expected)
        pd.testing.assert_frame_equal(client.insights(), insights)
        assert demo.request_count - before >= 4  # every planted entry was a miss
        assert not marker.exists()
        # What was fetched again replaced the planted entries: the next pull is all cache.
        before = demo.request_count
        pd.testing.assert_frame_equal(client.persons(page_size=50), expected)
        assert demo.request_count == before
        client.session.close()
    with closing(sqlite3.connect(path)) as con:
        assert all(value[:1] != b"\x80" for (value,) in con.execute("SELECT value FROM responses"))


def test_a_planted_frame_entry_in_a_valid_envelope_is_a_miss(tmp_path, payload):
    # The attacker knows the envelope: a well-formed entry, typed as a stored frame, whose body is
    # a pickle. The frame decoder reads Arrow only, so it is a miss.
    from requests.structures import CaseInsensitiveDict
    from requests_cache import CachedResponse

    from posthog_frames.http import frame_codec
    from posthog_frames.http.serializer import SERIALIZER

    marker, blob = payload
    path = tmp_path / "c.sqlite"
    with serve(persons=60, seed=6) as demo:
        first = demo.client(cache=path, progress=False)
        expected = first.persons()
        first.session.close()
        fake = CachedResponse(
            url="http://x/",
            status_code=200,
            headers=CaseInsensitiveDict({"Content-Type": frame_codec.CONTENT_TYPE}),
        )
        fake._content = blob
        with closing(sqlite3.connect(path)) as con:
            changed = con.execute(
                "UPDATE responses SET value = ? WHERE key LIKE 'frames:%'",
                (SERIALIZER.dumps(fake),),
            ).rowcount
            con.commit()
        assert changed == 1
        client = demo.client(cache=path, progress=False)
        pd.testing.assert_frame_equal(client.persons(), expected)
        assert not marker.exists()
        client.session.close()
