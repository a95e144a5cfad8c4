"""dtype_backend on persons(), iter_persons(), events() and query(), against the demo server."""

from __future__ import annotations

import pandas as pd
import pytest

from posthog_frames.exceptions import ValidationError
from tests.unit.frames.test_backends import content

pytest.importorskip("pyarrow")
BACKENDS = ["numpy_nullable", "pyarrow"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("via", ["rest", "query"])
def test_persons_in_a_backend_are_the_default_persons(client, via, backend):
    default = client.persons(via=via, page_size=150, progress=False)
    converted = client.persons(via=via, page_size=150, progress=False, dtype_backend=backend)
    assert len(converted) == len(default) == 500
    assert content(converted) == content(default)
    assert converted.attrs == default.attrs
    arrow = backend == "pyarrow"
    assert isinstance(converted["name"].dtype, pd.ArrowDtype) is arrow
    assert str(converted["properties.plan"].dtype) == ("string[pyarrow]" if arrow else "string")


def test_a_kept_arrow_frame_answers_again_in_arrow_and_apart_from_the_default(demo, tmp_path):
    path = tmp_path / "c.sqlite"
    cold = demo.client(cache=path, progress=False).persons(dtype_backend="pyarrow")
    other = demo.client(cache=path, progress=False)
    sent = other.requests_sent
    warm = other.persons(dtype_backend="pyarrow")
    assert other.requests_sent == sent  # read back from the file, Arrow columns and all
    pd.testing.assert_frame_equal(warm, cold, check_exact=True)
    assert str(warm["distinct_ids"].dtype) == "list<item: string>[pyarrow]"
    default = other.persons()  # another key: never the Arrow frame
    assert not isinstance(default["name"].dtype, pd.ArrowDtype)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_page_of_iter_persons_is_in_the_backend(client, backend):
    pages = list(client.iter_persons(page_size=200, progress=False, dtype_backend=backend))
    assert [len(p) for p in pages] == [200, 200, 100]
    expected = "string[pyarrow]" if backend == "pyarrow" else "string"
    assert {str(p["uuid"].dtype) for p in pages} == {expected}


@pytest.mark.parametrize("backend", BACKENDS)
def test_events_in_a_backend_are_the_default_events(client, backend):
    window = {"after": "2025-03-20", "before": "2025-03-22", "page_size": 100}
    default = client.events("$pageview", progress=False, **window)
    converted = client.events("$pageview", progress=False, dtype_backend=backend, **window)
    assert len(converted) == len(default) > 100  # several pages
    assert content(converted) == content(default)
    if backend == "pyarrow":
        assert str(converted["timestamp"].dtype) == "timestamp[us, tz=UTC][pyarrow]"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_paged_query_in_a_backend_is_the_default_answer(client, backend):
    sql = "select number, toString(number) as text from numbers(2500) order by number"
    default = client.query(sql, paginate=True)
    converted = client.query(sql, paginate=True, dtype_backend=backend)
    assert len(converted) == 2500 and content(converted) == content(default)
    assert str(converted["number"].dtype) == ("int64[pyarrow]" if backend == "pyarrow" else "Int64")


def test_an_unknown_backend_is_refused_before_any_request(client):
    sent = client.requests_sent
    for call in (
        lambda: client.persons(dtype_backend="arrow"),
        lambda: client.events(dtype_backend="arrow"),
        lambda: client.query("select 1", dtype_backend="arrow"),
        lambda: next(client.iter_persons(dtype_backend="arrow")),
    ):
        with pytest.raises(ValidationError, match="'numpy_nullable' or 'pyarrow'"):
            call()
    assert client.requests_sent == sent
