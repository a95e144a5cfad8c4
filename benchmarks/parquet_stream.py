"""Parquet streaming with bounded memory: 1,000,000 HogQL rows from the demo, page by page.

The demo server runs in its own process (its SQLite work and memory are not the client's).
The client streams ``numbers(N)`` with a few derived columns to Parquet in pages of 49,999 rows
(keyset pages on ``number``, never OFFSET), then the same query is pulled whole into a DataFrame
for comparison. Printed: rows, seconds,
the client's peak RSS growth for each, and the Parquet file size; the file is read back and
checked. Peak RSS is the process's high-water mark, so the streaming run goes first.

Example:
    $ python benchmarks/parquet_stream.py            # 1,000,000 rows
    $ python benchmarks/parquet_stream.py 200000
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from demo_process import DemoProcess  # noqa: E402

SQL = (
    "select number, toString(number) as text, number / 7 as ratio, "
    "concat('user-', toString(number % 1000)) as who from numbers({n}) order by number"
)


def rss_mib() -> float:
    """The current resident set size (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    """The process's peak RSS so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows: int = 1_000_000) -> int:
    import pyarrow.parquet as pq

    sql = SQL.format(n=rows)
    with DemoProcess(persons=10, latency=0.0) as demo, tempfile.TemporaryDirectory() as tmp:
        client = demo.client(cache=False)
        client.query("select 1")  # warm up: imports, connection
        base = rss_mib()
        start = time.perf_counter()
        path, written = client.stream_to_parquet(Path(tmp) / "numbers.parquet", sql)
        stream_s = time.perf_counter() - start
        stream_growth = peak_mib() - base
        size = path.stat().st_size / 2**20
        meta = pq.ParquetFile(path).metadata
        check = pq.read_table(path, columns=["number"]).column("number")
        ok = written == rows and check.to_pylist() == list(range(rows))
        del check

        base = rss_mib()
        start = time.perf_counter()
        frame = client.query(sql, paginate=True)
        whole_s = time.perf_counter() - start
        whole_growth = peak_mib() - base
        ok = ok and len(frame) == rows

    print(f"rows                      {written:>12,}")
    print(f"row groups                {meta.num_row_groups:>12,}")
    print(f"parquet file              {size:>12.1f} MiB")
    print(
        f"stream_to_parquet         {stream_s:>12.1f} s   peak RSS growth {stream_growth:8.1f} MiB"
    )
    print(f"query(paginate=True)      {whole_s:>12.1f} s   peak RSS growth {whole_growth:8.1f} MiB")
    print(f"read back equal           {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
