"""A dataset pull killed outright (``kill -9``: a kernel restart, an OOM kill) resumes exactly.

The pull runs in a child process against the demo server; once the checkpoint counts a few
pages the child is killed without any chance to clean up, wherever it was (between a file and its
checkpoint, mid-file, mid-request). The same call in this process then finishes the dataset,
which must equal an uninterrupted pull row for row.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve

pytest.importorskip("pyarrow")

CHILD = """
import sys, posthog_frames as phf
client = phf.Client(host=sys.argv[1], project_id=1, cache=False, progress=False)
client.stream_to_parquet(sys.argv[2], "events", page_size=int(sys.argv[3]))
"""
PAGE = 800


def _pages(folder) -> int:
    try:
        return int(json.loads((folder / "_checkpoint.json").read_bytes())["pages"])
    except (FileNotFoundError, ValueError):
        return 0  # not written yet, or caught between two writes of the checkpoint


def test_a_killed_pull_resumes_to_the_uninterrupted_dataset(tmp_path):
    with serve(latency=0.15) as demo:
        env = {**os.environ, "POSTHOG_PERSONAL_API_KEY": demo.api_key}
        folder = tmp_path / "events"
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, demo.url, str(folder), str(PAGE)], env=env
        )
        try:
            deadline = time.monotonic() + 60
            while _pages(folder) < 3 and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert child.poll() is None, "the pull ended before it could be killed"
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.wait(timeout=30)
        stopped = _pages(folder)
        assert stopped >= 3
        client = demo.client(cache="memory", progress=False)
        with pytest.raises(phf.IncompleteDataset):
            phf.read_dataset(folder)
        resumed = client.stream_to_parquet(folder, "events", page_size=PAGE)
        whole = client.stream_to_parquet(tmp_path / "whole", "events", page_size=PAGE)
        assert resumed.resumed and resumed.fetched in (
            whole.pages - stopped,
            whole.pages - stopped + 1,
        )
        assert (resumed.rows, resumed.pages) == (whole.rows, whole.pages)
        back = phf.read_dataset(folder)
        assert back["uuid"].is_unique
        pd.testing.assert_frame_equal(back, phf.read_dataset(tmp_path / "whole"))
