"""``make bench``: every benchmark, one table of ratios against baselines run side by side.

Exits 1 when a target is missed. Each ratio compares two things measured in this same run, on
this machine, with the demo server in its own process and 50 ms of latency per request, so the
figures mean the same on a laptop and on a small CI box. Takes a few minutes.

The million-row rows (persons via query, events into a frame, events to a Parquet dataset and
resuming it) take about 15 more minutes; ``--quick`` leaves them out.

Example:
    $ python benchmarks/run.py
    $ python benchmarks/run.py --quick
"""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_convert import arrow_rows, flatten_rows, trends_rows  # noqa: E402
from bench_dataset import dataset_rows  # noqa: E402
from bench_import import import_rows  # noqa: E402
from bench_memory import memory_rows  # noqa: E402
from bench_persons import LATENCY, pull_rows, request_rows  # noqa: E402
from bench_scale import events_frame_rows, persons_query_rows  # noqa: E402
from demo_process import DemoProcess  # noqa: E402
from timing import Row, table  # noqa: E402


def machine() -> str:
    """nproc, CPU model and memory, for the record in RESULTS.md."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        import psutil

        memory = f", {psutil.virtual_memory().total / 2**30:.1f} GiB RAM"
    except ImportError:
        pass
    return f"{os.cpu_count()} CPUs, {model}{memory}, Python {platform.python_version()}"


def load() -> str:
    """The load average (1, 5, 15 minutes): other work on the machine shows in the timings."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    started = time.perf_counter()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}; {load()}", flush=True)
    rows: list[Row] = []
    print("persons pulls, 20,000 persons (tutorial side takes ~12 s a run)...", flush=True)
    rows += pull_rows(persons=20_000, repeats=3)
    print("conversion...", flush=True)
    rows += flatten_rows(persons=100_000, repeats=3)
    rows += arrow_rows(persons=100_000, repeats=3)
    rows += trends_rows(repeats=5)
    print("import time, fresh processes...", flush=True)
    rows += import_rows()
    print("memory and request counts, 100,000 persons...", flush=True)
    with DemoProcess(100_000, LATENCY) as demo:
        rows += memory_rows(demo)
        rows += memory_rows(demo, via="query")
        rows += request_rows(demo)
    if "--quick" not in sys.argv:
        print("a million rows: persons via query, events into a frame and to a dataset...")
        rows += persons_query_rows()
        rows += events_frame_rows()
        rows += dataset_rows()
    print()
    print(table(rows))
    missed = [row.name for row in rows if row.ok is False]
    print(
        f"\n{len(rows) - len(missed)} of {len(rows)} rows met their target or are informational; "
        f"{time.perf_counter() - started:.0f} s in all; {datetime.now(UTC):%H:%M} UTC, {load()}."
    )
    if missed:
        print("MISSED: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
