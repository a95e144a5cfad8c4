"""Where datasets live: local folders (private) and URIs shown without their secrets."""

from __future__ import annotations

import os
import stat

import pytest

import posthog_frames as phf

pytest.importorskip("pyarrow")

from posthog_frames.datasets.filesystems import resolve  # noqa: E402


def test_a_uri_is_shown_without_credentials_or_options():
    place = resolve("s3://AKIDEXAMPLE:s3cr3t@bucket/events?region=eu-west-1")
    assert place.root == "bucket/events" and not place.local
    assert place.shown == "s3://bucket/events"
    assert "s3cr3t" not in repr(place.shown)


def test_local_folders_and_files_are_private_whatever_the_umask(tmp_path):
    place = resolve(tmp_path / "ds")
    old = os.umask(0o000)
    try:
        place.write_bytes("day=2026-11-03/part-000000.parquet", b"x")
    finally:
        os.umask(old)
    for path, mode in [
        (tmp_path / "ds", 0o700),
        (tmp_path / "ds" / "day=2026-11-03", 0o700),
        (tmp_path / "ds" / "day=2026-11-03" / "part-000000.parquet", 0o600),
    ]:
        assert stat.S_IMODE(path.stat().st_mode) == mode, path
    assert place.files() == ["day=2026-11-03/part-000000.parquet"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    place = resolve(tmp_path / "ds")

    def broken(target: str) -> None:
        with open(target, "wb") as out:
            out.write(b"half")
        raise KeyboardInterrupt  # Ctrl-C in the middle of a file

    with pytest.raises(KeyboardInterrupt):
        place.write_with("part-000000.parquet", broken)
    assert place.files() == []


def test_wrong_filesystems_and_paths_are_typed_errors(tmp_path):
    with pytest.raises(phf.ValidationError, match="pyarrow.fs.FileSystem"):
        resolve(tmp_path, filesystem=object())
    with pytest.raises(phf.ValidationError, match="pyarrow cannot open"):
        resolve("nosuchscheme://bucket/x")
    with pytest.raises(phf.ValidationError, match="folder or a URI"):
        resolve("  ")
