"""Peak memory while ``client.persons()`` builds a large frame, measured in a fresh process.

The parent starts the demo server (its own process) and a child that pulls every person while a
thread samples its RSS (psutil) every few milliseconds; ``ru_maxrss`` is checked as well. The
figure is the peak RSS growth during the pull over the frame's ``memory_usage(deep=True)``.

Example:
    $ python benchmarks/bench_memory.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading

from demo_process import DemoProcess
from timing import Row

__all__ = ["memory_rows"]

_ENV = "POSTHOG_FRAMES_BENCH_DEMO"  # url, key and project for the child, never printed


def memory_rows(demo: DemoProcess, via: str = "rest") -> list[Row]:
    """Run the child against *demo* and compare its peak RSS growth with the frame's size."""
    env = {**os.environ, _ENV: json.dumps([demo.url, demo.api_key, demo.project_id, via])}
    done = subprocess.run(
        [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return [Row("memory (peak RSS growth / frame)", None, "<= 3x", False, f"failed: {tail[0]}")]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    growth, frame = found["growth"], found["frame"]
    name = f"memory, {found['rows']:,} persons{' via query' if via == 'query' else ''}"
    detail = f"peak growth {growth / 2**20:.0f} MiB, frame {frame / 2**20:.0f} MiB"
    if via == "query":  # pages of 49,999 persons: informational, no target of its own
        return [Row(f"{name} (RSS growth / frame)", growth / frame, "info", None, detail)]
    return [Row.at_most(f"{name} (RSS growth / frame)", growth / frame, 3, detail)]


def _child() -> None:
    import gc
    import resource

    import psutil

    from posthog_frames import Client

    url, key, project, via = json.loads(os.environ[_ENV])
    with tempfile.TemporaryDirectory() as tmp:
        client = Client(key, host=url, project_id=project, cache=f"{tmp}/c.sqlite", progress=False)
        client.persons(limit=50, page_size=50, via=via)  # imports and first use happen here
        gc.collect()
        proc = psutil.Process()
        base = proc.memory_info().rss
        peak = [base]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.002):
                peak[0] = max(peak[0], proc.memory_info().rss)

        sampler = threading.Thread(target=sample, daemon=True)
        # ru_maxrss survives exec: it can hold the parent's peak, so it counts only if it grew
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sampler.start()
        frame = client.persons(via=via)
        stop.set()
        sampler.join()
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        max_rss = after * 1024 if after > before else 0  # KiB on Linux
        top = max(peak[0], proc.memory_info().rss, max_rss)
        size = int(frame.memory_usage(deep=True).sum())
        print(json.dumps({"growth": top - base, "frame": size, "rows": len(frame)}))


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    else:
        from timing import table

        with DemoProcess(20_000) as server:
            print(table(memory_rows(server)))
