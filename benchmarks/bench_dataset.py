"""A million events to a Parquet dataset, and resuming it after the writer is killed half-way.

The demo runs in its own process (43,000 persons, just over 1,000,000 events, 50 ms latency).
Each pull runs in a child process of its own, as a notebook kernel would:

- **events to a dataset**: ``client.stream_to_parquet(folder, "events")`` (hive-partitioned by
  day, ``_checkpoint.json``); peak RSS growth of the child over its RSS after imports and a
  first small call; the dataset read back by DuckDB with the same count per day as the demo's
  own ``count()`` per ``toDate(timestamp)``.
- **resume after a fault at ~50%**: the same call in a child that is killed (SIGKILL, the honest
  "kernel restart") once its checkpoint counts half the events, then the same call again in a
  fresh child. The finished dataset must equal the uninterrupted one row for row (DuckDB
  ``EXCEPT ALL`` both ways), and the requests of both children together (the killed one's count
  plus the one it had in flight) be at most 1.1x those of the uninterrupted pull.

Example:
    $ python benchmarks/bench_dataset.py
    $ python benchmarks/bench_dataset.py --write FOLDER CACHE COUNTER [PAGE_SIZE]   # one writer
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from demo_process import DemoProcess
from timing import Row

__all__ = ["dataset_rows"]

LATENCY = 0.05
EVENT_PERSONS = 43_000  # about 24 events each: just over 1,000,000 events
_ENV = "POSTHOG_FRAMES_BENCH_DEMO"  # url, key and project for the child, never printed
_PER_DAY = "select toDate(timestamp) as day, count() as n from events group by day order by day"


def _child(demo: DemoProcess, folder: Path, cache: Path, counter: Path) -> subprocess.Popen:
    env = {**os.environ, _ENV: json.dumps([demo.url, demo.api_key, demo.project_id])}
    return subprocess.Popen(
        [sys.executable, __file__, "--write", str(folder), str(cache), str(counter)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate()
    if proc.returncode != 0:
        tail = err.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"the writer failed: {tail[0]}")
    return json.loads(out.strip().splitlines()[-1])


def _checkpoint_rows(folder: Path) -> int:
    try:
        return int(json.loads((folder / "_checkpoint.json").read_bytes()).get("rows") or 0)
    except (OSError, ValueError):
        return 0  # not written yet, or being replaced


def _duck_per_day(folder: Path) -> dict[str, int]:
    import duckdb

    files = str(folder / "**" / "*.parquet")
    found = duckdb.sql(
        f"select cast(day as varchar), count(*) from read_parquet('{files}', "
        "hive_partitioning = true) group by all order by 1"
    ).fetchall()
    return {day: int(n) for day, n in found}


def _difference(a: Path, b: Path) -> int:
    """Rows in one dataset and not the other (DuckDB EXCEPT ALL, both ways)."""
    import duckdb

    read = "read_parquet('{}', hive_partitioning = true)"
    first, second = (read.format(str(p / "**" / "*.parquet")) for p in (a, b))
    one = duckdb.sql(f"select count(*) from (from {first} except all from {second})").fetchall()
    two = duckdb.sql(f"select count(*) from (from {second} except all from {first})").fetchall()
    return int(one[0][0]) + int(two[0][0])


def dataset_rows(persons: int = EVENT_PERSONS) -> list[Row]:
    """The dataset rows: memory and per-day counts, then resume after a kill."""
    try:
        return _dataset_rows(persons)
    except (RuntimeError, ImportError) as err:  # a failed writer, or no duckdb installed
        return [Row("events to a Parquet dataset", None, "<= 150 MiB", False, f"failed: {err}")]


def _dataset_rows(persons: int) -> list[Row]:
    with DemoProcess(persons, LATENCY) as demo, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        demo.warm("select count() from events")  # generates and loads the event log
        expected = {str(day)[:10]: int(n) for day, n in demo.warm(_PER_DAY)}
        total = sum(expected.values())

        full = _finish(_child(demo, root / "full", root / "full.sqlite", root / "full.count"))
        per_day = _duck_per_day(root / "full")
        print(f"uninterrupted: {full}", file=sys.stderr, flush=True)

        resumed = root / "resumed"
        writer = _child(demo, resumed, root / "resumed.sqlite", root / "killed.count")
        while writer.poll() is None and _checkpoint_rows(resumed) < total // 2:
            time.sleep(0.02)
        at_kill = _checkpoint_rows(resumed)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        killed_requests = int((root / "killed.count").read_text() or 0) + 1  # one in flight
        second = _finish(_child(demo, resumed, root / "resumed.sqlite", root / "second.count"))
        print(
            f"killed at {at_kill:,} rows, {killed_requests} requests; resumed: {second}",
            file=sys.stderr,
            flush=True,
        )
        different = _difference(root / "full", resumed)

    name = f"events, {total:,} to a Parquet dataset"
    same_days = per_day == expected
    day_detail = (
        f"DuckDB counts per day {'equal' if same_days else 'DIFFER'} over {len(expected)} days "
        f"({sum(per_day.values()):,} rows); {full['requests']} requests, {full['seconds']:.0f} s"
    )
    resumed_requests = killed_requests + second["requests"]
    return [
        Row(f"{name}: read back by DuckDB", None, "per day equal", same_days, day_detail),
        Row(
            f"{name} (peak RSS growth, MiB)",
            None,
            "<= 150 MiB",
            full["growth"] <= 150 * 2**20,
            f"peak growth {full['growth'] / 2**20:.0f} MiB over {full['base'] / 2**20:.0f} MiB",
        ),
        Row(
            f"resume after a kill at {at_kill / total:.0%}: dataset equal",
            None,
            "equal",
            different == 0 and second["rows"] == full["rows"] == total,
            f"{different} rows differ; {second['rows']:,} rows resumed vs {full['rows']:,}",
        ),
        Row.at_most(
            "resume after a kill: requests (vs uninterrupted)",
            resumed_requests / full["requests"],
            1.1,
            f"killed {killed_requests} (1 in flight) + resumed {second['requests']} vs "
            f"{full['requests']} uninterrupted",
        ),
    ]


def _write(folder: str, cache: str, counter: str, page_size: str = "") -> None:
    import threading

    import pyarrow.parquet  # noqa: F401  (an import, not growth: loaded before the baseline)
    from rss import PeakRSS

    from posthog_frames import Client

    url, key, project = json.loads(os.environ[_ENV])
    client = Client(key, host=url, project_id=project, cache=cache, progress=False)
    client.query("select 1")  # connection and first use
    stop = threading.Event()
    sent = client.requests_sent

    def count() -> None:  # the parent reads this after killing the writer
        while not stop.wait(0.01):
            Path(counter).write_text(str(client.requests_sent - sent))

    threading.Thread(target=count, daemon=True).start()
    start = time.perf_counter()
    with PeakRSS() as peak:
        sized = {"page_size": int(page_size)} if page_size else {}
        result = client.stream_to_parquet(folder, "events", **sized)
    stop.set()
    found = {
        "growth": peak.growth,
        "base": peak.base,
        "rows": result.rows,
        "requests": client.requests_sent - sent,
        "seconds": time.perf_counter() - start,
    }
    print(json.dumps(found))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        _write(*sys.argv[2:6])
    else:
        from timing import table

        print(table(dataset_rows()))
