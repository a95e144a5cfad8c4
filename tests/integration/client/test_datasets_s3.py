"""Datasets on S3: written, resumed and read back through pyarrow's S3 filesystem, against a
local S3-compatible server (moto) on loopback that the test starts."""

from __future__ import annotations

import socket

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve

pafs = pytest.importorskip("pyarrow.fs")
moto_server = pytest.importorskip(
    "moto.server", reason='moto is not installed (pip install "moto[server]"; in the dev extra)'
)

PAGE = 700


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A local S3 endpoint with a bucket, and a pyarrow filesystem on it (dummy credentials)."""
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        fs = pafs.S3FileSystem(
            access_key="testing",
            secret_key="testing",
            region="us-east-1",
            scheme="http",
            endpoint_override=f"127.0.0.1:{port}",
            allow_bucket_creation=True,
        )
        fs.create_dir("lake")
        yield fs, port
    finally:
        server.stop()


@pytest.fixture(scope="module")
def small():
    with serve(persons=80, seed=9) as server:
        yield server


def _objects(fs) -> dict[str, bytes]:
    found = fs.get_file_info(pafs.FileSelector("lake", recursive=True))
    return {
        info.path: fs.open_input_stream(info.path).read()
        for info in found
        if info.type == pafs.FileType.File
    }


def test_events_round_trip_through_s3_with_a_resume(small, s3, tmp_path):
    fs, _ = s3
    client = small.client(cache="memory", progress=False, max_wait=0)
    local = client.stream_to_parquet(tmp_path / "events", "events", page_size=PAGE)
    small.configure(rate_limit=3)  # definitions and two pages, then a 429
    try:
        with pytest.raises(phf.RateLimited):
            client.stream_to_parquet("s3://lake/events", "events", page_size=PAGE, filesystem=fs)
    finally:
        small.configure(rate_limit=None)
    with pytest.raises(phf.IncompleteDataset):
        phf.read_dataset("s3://lake/events", filesystem=fs)
    result = client.stream_to_parquet("s3://lake/events", "events", page_size=PAGE, filesystem=fs)
    assert result.resumed and result.path == "s3://lake/events"
    assert (result.rows, result.pages) == (local.rows, local.pages)
    back = phf.read_dataset("s3://lake/events", filesystem=fs)
    pd.testing.assert_frame_equal(back, phf.read_dataset(tmp_path / "events"))
    objects = _objects(fs)
    assert "lake/events/_checkpoint.json" in objects
    assert not [name for name in objects if name.endswith(".tmp")]
    assert all(small.api_key.encode() not in data for data in objects.values())


def test_an_s3_uri_alone_finds_its_filesystem(small, s3, monkeypatch):
    _, port = s3
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    uri = f"s3://lake/rows?endpoint_override=127.0.0.1:{port}&scheme=http&region=us-east-1"
    client = small.client(cache="memory", progress=False)
    sql = "select number from numbers(1500) order by number"
    result = client.stream_to_parquet(uri, sql, page_size=1000)
    assert result.path == "s3://lake/rows" and (result.rows, result.pages) == (1500, 2)
    assert phf.read_dataset(uri)["number"].tolist() == list(range(1500))
    again = client.stream_to_parquet(uri, sql, page_size=1000)
    assert again.fetched == 0
