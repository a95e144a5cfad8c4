"""client.stream_to_parquet(): persons and SQL rows written page by page and read back equal."""

from __future__ import annotations

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve

pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def small():
    with serve(persons=700, seed=5) as server:
        yield server


def test_sql_stream_reads_back_equal(demo, client, tmp_path):
    demo.reset_request_count()
    path, rows = client.stream_to_parquet(
        tmp_path / "numbers.parquet",
        "select number, toString(number) as text, number / 4 as quarter from numbers(120500) "
        "order by number",
        progress=False,
    )
    assert rows == 120_500 and path.exists()
    assert not (tmp_path / "numbers.parquet.partial").exists()
    meta = pq.ParquetFile(path).metadata
    # Pages of 49,999 rows: each asks for one more, which tells whether another page exists.
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [
        49_999,
        49_999,
        20_502,
    ]
    table = pq.read_table(path).to_pandas()
    assert table["number"].tolist() == list(range(120_500))
    assert table["text"].iloc[-1] == "120499"
    assert table["quarter"].iloc[-1] == pytest.approx(120_499 / 4)
    assert len(client.session.cache.responses) == 0  # pages bypass the local cache
    sent = [body["query"]["query"] for _, _, body in demo.request_log if body]
    assert len(sent) == 3 and not any("offset" in text.lower() for text in sent)


def test_events_stream_matches_query(client, tmp_path):
    sql = "select uuid, event, timestamp, properties.revenue as revenue from events order by uuid"
    path, rows = client.stream_to_parquet(tmp_path / "ev.parquet", sql, progress=False)
    expected = client.query(sql, paginate=True)
    back = pq.read_table(path).to_pandas()
    assert rows == len(expected) > 1000
    assert back["uuid"].tolist() == expected["uuid"].tolist()
    assert back["revenue"].sum() == pytest.approx(expected["revenue"].sum())
    pd.testing.assert_series_equal(
        back["timestamp"].dt.tz_convert(None).astype("datetime64[us]"),
        expected["timestamp"].astype("datetime64[us]"),
        check_names=False,
    )


def test_persons_stream_reads_back_equal(small, tmp_path):
    client = small.client(cache="memory")
    path, rows = client.stream_to_parquet(
        tmp_path / "p.parquet", "persons", page_size=300, progress=False
    )
    frame = client.persons(via="query")
    back = pq.read_table(path).to_pandas()
    assert rows == len(frame) == 700
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert back["uuid"].tolist() == frame["uuid"].tolist()
    assert back["properties.seats"].dtype == "float64"
    assert back["properties.seats"].sum() == frame["properties.seats"].sum()
    assert (
        back["properties.plan"].fillna("-").tolist()
        == frame["properties.plan"].fillna("-").tolist()
    )
    assert [list(x) for x in back["distinct_ids"]] == frame["distinct_ids"].tolist()


def test_stream_argument_errors(client, tmp_path):
    with pytest.raises(phf.ValidationError, match="persons"):
        client.stream_to_parquet(tmp_path / "x.parquet", "")
    with pytest.raises(phf.ValidationError, match="WHERE"):
        client.stream_to_parquet(
            tmp_path / "x.parquet", "select 1", properties=[phf.PropertyFilter("plan", "pro")]
        )
    with pytest.raises(phf.ValidationError):
        client.stream_to_parquet(tmp_path / "x.parquet", "select nope(")
    assert not list(tmp_path.iterdir())  # nothing half-written is left behind
