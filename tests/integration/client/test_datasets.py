"""client.stream_to_parquet() into a folder: a resumable, partitioned dataset read back equal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve

pq = pytest.importorskip("pyarrow.parquet")

PAGE = 600  # events per page: the small project's ~4,000 events in several pages


@pytest.fixture(scope="module")
def small():
    with serve(persons=150, seed=4) as server:
        yield server


@pytest.fixture(scope="module")
def everything(small):
    """Every event of the small project as client.events() reads it (the reference)."""
    return small.client(cache="memory", progress=False).events(after="all")


@pytest.fixture(scope="module")
def uninterrupted(small, tmp_path_factory):
    """One pull from start to end: the dataset an interrupted pull must equal."""
    client = small.client(cache="memory", progress=False)
    small.reset_request_count()
    folder = tmp_path_factory.mktemp("whole") / "events"
    result = client.stream_to_parquet(folder, "events", page_size=PAGE)
    return result, small.request_count, phf.read_dataset(folder)


def _query_bodies(demo) -> list[dict]:
    return [body["query"] for method, _, body in demo.request_log if method == "POST" and body]


def test_events_dataset_is_every_event_once_partitioned_by_utc_day(everything, uninterrupted):
    result, requests, back = uninterrupted
    assert result.rows == len(everything) == len(back) > 3 * PAGE
    assert result.pages == result.fetched == -(-len(everything) // PAGE)  # no empty last page
    assert not result.resumed and result.complete
    assert back["uuid"].tolist() == everything["uuid"].tolist()  # oldest first, as events()
    pd.testing.assert_series_equal(back["timestamp"], everything["timestamp"], check_dtype=False)
    assert back["properties.revenue"].sum() == pytest.approx(everything["properties.revenue"].sum())
    # The day folder is the UTC date of the timestamp, THE rule for event times.
    utc_days = everything["timestamp"].dt.tz_convert("UTC").dt.date
    assert back["day"].tolist() == utc_days.tolist()
    folders = {p.parent.name for p in Path(result.path).rglob("part-*.parquet")}
    assert folders == {f"day={d}" for d in utc_days.astype(str).unique()}
    # One request per page plus the property definitions; every page after the first keyset.
    assert requests == result.pages + 1


def test_pages_are_numbered_files_each_in_its_days(uninterrupted):
    result, _, _ = uninterrupted
    names = sorted(p.relative_to(result.path).as_posix() for p in Path(result.path).rglob("*"))
    parts = [n for n in names if n.endswith(".parquet")]
    assert {n.rsplit("-", 1)[-1] for n in parts} == {
        f"{i:06d}.parquet" for i in range(result.pages)
    }
    counts = [pq.ParquetFile(Path(result.path) / n).metadata.num_rows for n in parts]
    assert sum(counts) == result.rows
    assert "_checkpoint.json" in names and not [n for n in names if ".tmp" in n]


def test_a_complete_dataset_is_not_fetched_again(small, uninterrupted):
    result, _, _ = uninterrupted
    client = small.client(cache="memory", progress=False)
    small.reset_request_count()
    again = client.stream_to_parquet(result.path, "events", page_size=PAGE)
    assert small.request_count == 0  # the checkpoint answers: not one request
    assert (again.rows, again.pages, again.fetched) == (result.rows, result.pages, 0)
    path, rows = again  # still unpacks as the pair it always was
    assert (path, rows) == (result.path, result.rows)


def test_a_rate_limited_pull_resumes_to_the_same_dataset(small, uninterrupted, tmp_path):
    whole, whole_requests, expected = uninterrupted
    folder = tmp_path / "events"
    client = small.client(cache="memory", progress=False, max_wait=0)  # a 429 raises at once
    small.reset_request_count()
    small.configure(rate_limit=4)  # the definitions and 3 pages, then PostHog says 429
    try:
        with pytest.raises(phf.RateLimited):
            client.stream_to_parquet(folder, "events", page_size=PAGE)
    finally:
        small.configure(rate_limit=None)
    with pytest.raises(phf.IncompleteDataset, match="again to resume"):
        phf.read_dataset(folder)
    assert len(phf.read_dataset(folder, allow_partial=True)) == 3 * PAGE
    resumed = client.stream_to_parquet(folder, "events", page_size=PAGE)
    assert resumed.resumed and resumed.fetched == whole.pages - 3
    assert (resumed.rows, resumed.pages) == (whole.rows, whole.pages)
    pd.testing.assert_frame_equal(phf.read_dataset(folder), expected)
    # Interrupted + resumed asked for one request more than the whole pull: the refused one.
    assert small.request_count == whole_requests + 1


def test_a_page_written_without_its_checkpoint_counts_once(small, uninterrupted, tmp_path):
    whole, _, expected = uninterrupted
    folder = tmp_path / "events"
    client = small.client(cache="memory", progress=False, max_wait=0)
    small.configure(rate_limit=3)
    try:
        with pytest.raises(phf.RateLimited):
            client.stream_to_parquet(folder, "events", page_size=PAGE)
    finally:
        small.configure(rate_limit=None)
    # What a crash between a page's file and its checkpoint leaves: page 2's rows in a part
    # file the checkpoint (2 pages) does not count, and a temporary file half-written.
    written = sorted(folder.rglob("part-000001.parquet"))
    orphan = written[-1].with_name("part-000002.parquet")
    orphan.write_bytes(written[-1].read_bytes())
    (orphan.parent / ".part-000003.parquet.tmp").write_bytes(b"PAR1")
    assert len(phf.read_dataset(folder, allow_partial=True)) == 2 * PAGE  # not counted
    client.stream_to_parquet(folder, "events", page_size=PAGE)
    back = phf.read_dataset(folder)
    assert back["uuid"].is_unique
    pd.testing.assert_frame_equal(back, expected)
    assert not list(folder.rglob("*.tmp"))


def test_another_source_on_a_dataset_is_refused_unless_overwrite(small, tmp_path):
    client = small.client(cache="memory", progress=False)
    folder = tmp_path / "rows"
    first = client.stream_to_parquet(folder, "select number from numbers(10) order by number")
    with pytest.raises(phf.ValidationError, match="another path, or pass overwrite=True"):
        client.stream_to_parquet(folder, "select number from numbers(20) order by number")
    with pytest.raises(phf.ValidationError, match="overwrite=True"):
        client.stream_to_parquet(folder, "events")
    assert phf.read_dataset(folder)["number"].tolist() == list(range(10))
    assert first.rows == 10
    second = client.stream_to_parquet(
        folder, "select number from numbers(20) order by number", overwrite=True
    )
    assert second.rows == 20 and phf.read_dataset(folder)["number"].tolist() == list(range(20))
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(phf.ValidationError, match="did not write"):
        client.stream_to_parquet(folder, "events", overwrite=True)
    assert (folder / "notes.txt").read_text() == "mine"  # never deleted


def test_sql_dataset_partitioned_by_a_column_reads_back_typed(small, tmp_path):
    client = small.client(cache="memory", progress=False)
    sql = (
        "select number, number % 3 as bucket, toString(number) as text from numbers(2500) "
        "order by number"
    )
    result = client.stream_to_parquet(tmp_path / "n", sql, page_size=1000, partition_by="bucket")
    assert (result.rows, result.pages) == (2500, 3)
    assert sorted(p.name for p in (tmp_path / "n").iterdir()) == [
        "_checkpoint.json",
        "bucket=0",
        "bucket=1",
        "bucket=2",
    ]
    back = phf.read_dataset(tmp_path / "n")
    assert back.columns.tolist() == ["number", "bucket", "text"]  # the column in its own place
    assert str(back["bucket"].dtype) == "int64"
    back = back.sort_values("number", ignore_index=True)
    expected = client.query(sql, paginate=True)
    assert back["number"].tolist() == expected["number"].tolist()
    assert back["bucket"].tolist() == expected["bucket"].tolist()
    assert phf.read_dataset(tmp_path / "n", columns=["text"]).columns.tolist() == ["text"]
    with pytest.raises(phf.ValidationError, match="no column"):
        phf.read_dataset(tmp_path / "n", columns=["nope"])


def test_sql_dataset_resumes_with_datetime_keys_and_its_limit(small, tmp_path):
    sql = "select uuid, timestamp from events order by timestamp, uuid limit 2100"
    expected = small.client(cache="memory").query(sql, paginate=True)
    client = small.client(cache="memory", progress=False, max_wait=0)
    small.configure(rate_limit=2)
    try:
        with pytest.raises(phf.RateLimited):
            client.stream_to_parquet(tmp_path / "e", sql, page_size=500)
    finally:
        small.configure(rate_limit=None)
    resumed = client.stream_to_parquet(tmp_path / "e", sql, page_size=500)
    assert resumed.resumed and resumed.rows == 2100 == len(expected)
    back = phf.read_dataset(tmp_path / "e")
    assert back["uuid"].tolist() == expected["uuid"].tolist()


def test_persons_dataset_equals_persons(small, tmp_path):
    client = small.client(cache="memory", progress=False)
    result = client.stream_to_parquet(tmp_path / "p", "persons", page_size=60)
    back = phf.read_dataset(tmp_path / "p", dtype_backend="pyarrow")
    frame = client.persons(via="query")
    assert result.rows == len(frame) == len(back) == 150 and result.pages == 3
    assert back["uuid"].astype(str).tolist() == frame["uuid"].tolist()
    assert str(back["properties.seats"].dtype) == "double[pyarrow]"
    assert back["properties.seats"].sum() == frame["properties.seats"].sum()


def test_local_dataset_is_private_and_holds_no_key(small, uninterrupted):
    result, _, _ = uninterrupted
    root = Path(result.path)
    key = small.api_key.encode()
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
        if path.is_file():
            assert key not in path.read_bytes()
    assert str(small.api_key) not in repr(result)


def test_arguments_are_checked_before_any_request(small, tmp_path):
    client = small.client(cache="memory", progress=False)
    small.reset_request_count()
    with pytest.raises(phf.ValidationError, match="UTC day"):
        client.stream_to_parquet(tmp_path / "x", "events", partition_by="event")
    with pytest.raises(phf.ValidationError, match="values and keyset"):
        client.stream_to_parquet(tmp_path / "x", "events", values={"a": 1})
    with pytest.raises(phf.ValidationError, match="ORDER BY"):
        client.stream_to_parquet(tmp_path / "x", "select number from numbers(3)")
    with pytest.raises(phf.ValidationError, match="partition_by and filesystem"):
        client.stream_to_parquet(tmp_path / "x.parquet", "persons", partition_by="name")
    with pytest.raises(phf.ValidationError, match="pyarrow.fs.FileSystem"):
        client.stream_to_parquet(tmp_path / "x", "events", filesystem="s3")
    assert small.request_count == 0
    with pytest.raises(phf.ValidationError, match="not a column"):
        client.stream_to_parquet(tmp_path / "y", "persons", partition_by="nope")
    with pytest.raises(phf.ValidationError, match="no _checkpoint.json"):
        phf.read_dataset(tmp_path / "nothing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(phf.ValidationError, match="is a file"):
        client.stream_to_parquet(tmp_path / "file", "events")
    assert not (tmp_path / "y" / "_checkpoint.json").exists()


def test_events_into_one_file_still_work(small, everything, tmp_path):
    client = small.client(cache="memory", progress=False)
    path, rows = client.stream_to_parquet(tmp_path / "all.parquet", "events", page_size=2000)
    assert rows == len(everything)
    assert pq.read_table(path).column("uuid").to_pylist() == everything["uuid"].tolist()
    assert os.path.basename(path) == "all.parquet"


def test_duckdb_counts_per_day_equal_the_events(uninterrupted, everything):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is in the dev extra")
    result, _, _ = uninterrupted
    pattern = f"{Path(result.path).as_posix()}/**/*.parquet"
    counted = duckdb.sql(
        f"select cast(day as varchar) as day, count(*) as n from read_parquet('{pattern}', "
        "hive_partitioning = true) group by day order by day"
    ).fetchall()
    days = everything["timestamp"].dt.tz_convert("UTC").dt.strftime("%Y-%m-%d")
    expected = days.value_counts().sort_index()
    assert counted == list(zip(expected.index, expected.tolist(), strict=True))


def test_past_50000_events_the_default_pages_still_reach_the_last_event(tmp_path):
    # PostHog cuts the paginator's one-more row from a page of 50,000, so such a page never says
    # hasMore: events pages ask for 49,999 at most, and a pull goes on past the first one.
    with serve(persons=2300, seed=1, budgets=False) as demo:
        client = demo.client(cache="memory", progress=False)
        total = client.query("select count() as n from events")["n"].iloc[0]
        assert total > 50_000
        result = client.stream_to_parquet(tmp_path / "events", "events")
        assert (result.rows, result.pages) == (total, 2)
        assert len(client.events(after="all", page_size=49_999)) == total
        assert len(client.events(after="all", page_size=50_000)) == total
