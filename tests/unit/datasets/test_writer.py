"""The dataset writer's guarantees, without a server: numbering, partitions, tidying on resume."""

from __future__ import annotations

import pytest

import posthog_frames as phf

pa = pytest.importorskip("pyarrow")

from posthog_frames.datasets.checkpoint import Checkpoint  # noqa: E402
from posthog_frames.datasets.filesystems import resolve  # noqa: E402
from posthog_frames.datasets.writer import DatasetWriter, open_dataset, partitioning  # noqa: E402

SOURCE = {"kind": "sql", "sql": "select t, n from x order by t, n"}
SCHEMA = pa.schema([("t", pa.timestamp("us", tz="UTC")), ("n", pa.int64())])


def _page(*stamps: str) -> pa.Table:
    times = pa.array([pa.scalar(s).cast(pa.timestamp("us", tz="UTC")) for s in stamps])
    return pa.table({"t": times, "n": list(range(len(stamps)))}, schema=SCHEMA)


def test_a_page_across_midnight_utc_writes_one_file_per_day(tmp_path):
    place = resolve(tmp_path / "ds")
    writer = DatasetWriter.start(place, SOURCE, SCHEMA, partitioning(SCHEMA, "t"))
    # 23:30 at UTC-2 is 01:30 UTC the next day: the day is the UTC date, whatever the offset.
    writer.write(_page("2026-11-03T23:59:59+00:00", "2026-11-03T23:30:00-02:00"), ["p"])
    assert place.files() == [
        "_checkpoint.json",
        "day=2026-11-03/part-000000.parquet",
        "day=2026-11-04/part-000000.parquet",
    ]
    assert (writer.checkpoint.pages, writer.checkpoint.rows) == (1, 2)


def test_resuming_deletes_what_the_checkpoint_does_not_count(tmp_path):
    place = resolve(tmp_path / "ds")
    writer = DatasetWriter.start(place, SOURCE, SCHEMA, partitioning(SCHEMA, "t"))
    writer.write(_page("2026-11-03T10:00:00+00:00"), ["a"])
    place.write_bytes("day=2026-11-05/part-000001.parquet", b"page 1, never counted")
    place.write_bytes("day=2026-11-03/.part-000002.parquet.tmp", b"half a file")
    point = open_dataset(place, SOURCE, overwrite=False)
    assert point is not None and point.position == ["a"] and point.pages == 1
    assert place.files() == ["_checkpoint.json", "day=2026-11-03/part-000000.parquet"]
    assert not (tmp_path / "ds" / "day=2026-11-05").exists()


def test_another_source_or_an_unreadable_checkpoint_is_refused(tmp_path):
    place = resolve(tmp_path / "ds")
    DatasetWriter.start(place, SOURCE, SCHEMA).write(_page("2026-11-03T10:00:00Z"), [1])
    with pytest.raises(phf.ValidationError, match="another source"):
        open_dataset(place, {**SOURCE, "sql": "select 1"}, overwrite=False)
    place.write_bytes("_checkpoint.json", b'{"format": 99}')
    with pytest.raises(phf.ValidationError, match="format 99"):
        open_dataset(place, SOURCE, overwrite=False)
    assert open_dataset(place, SOURCE, overwrite=True) is None
    assert place.files() == []


def test_partitioning_refuses_what_it_cannot_name():
    with pytest.raises(phf.ValidationError, match="not a column"):
        partitioning(SCHEMA, "nope")
    with pytest.raises(phf.ValidationError, match="rename it"):
        partitioning(pa.schema([("t", pa.date32()), ("day", pa.string())]), "t")
    with pytest.raises(phf.ValidationError, match="double column"):
        partitioning(pa.schema([("x", pa.float64())]), "x")
    assert partitioning(SCHEMA, "n") == {"column": "n", "folder": "n", "by_day": False}


def test_a_checkpoint_round_trips_its_schema():
    point = Checkpoint(source=SOURCE, schema=SCHEMA.serialize().to_pybytes(), pages=3)
    again = Checkpoint.from_json(point.to_json())
    assert again == point and again.arrow_schema().equals(SCHEMA)
