"""A million rows: persons through HogQL keyset pages, and events into one frame.

Each row runs against its own demo process (50 ms latency, budgets off, as every benchmark):

- **persons via query, 1,000,000**: ``client.persons(via="query")`` (no cache, so each run
  downloads) against the same pages fetched by a loop that only downloads their bytes (the
  server's time, latency included) plus the client's conversion of those same bytes with no
  network (``orjson.loads`` → ``person_dicts`` → ``persons_frame`` → ``concat_person_pages``),
  the three sides interleaved, medians. Requests are counted by a fresh client.
- **events, 1,000,000 into a frame**: ``client.events()`` over the whole demo log (43,000
  persons make just over a million events) in a child process: peak RSS growth over the
  frame's ``memory_usage(deep=True)``, and every event once (unique uuids = the rows = the
  demo's own ``count()``).

Example:
    $ python benchmarks/bench_scale.py            # both rows (about 10 minutes)
    $ python benchmarks/bench_scale.py events
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any

import orjson
import requests
from demo_process import DemoProcess
from timing import Row, interleaved

__all__ = ["events_frame_rows", "persons_query_rows"]

LATENCY = 0.05
PERSONS = 1_000_000
EVENT_PERSONS = 43_000  # about 24 events each: just over 1,000,000 events
EVENTS_AFTER = "2024-12-31"  # before the demo's first event (EventsQuery's default is -24h)
_ENV = "POSTHOG_FRAMES_BENCH_DEMO"  # url, key and project for the child, never printed


def _page_bodies(demo: DemoProcess, session: requests.Session, size: int) -> list[dict]:
    """The request bodies ``persons(via="query")`` sends, found by walking the pages once."""
    from posthog_frames.client.hogql import persons_page_sql

    bodies, after = [], None
    while True:
        sql, values = persons_page_sql("", {}, size + 1, after)
        query: dict[str, Any] = {"kind": "HogQLQuery", "query": sql}
        if values:
            query["values"] = values
        body = {"query": query, "refresh": "blocking"}
        bodies.append(body)
        rows = _post(demo, session, body).json()["results"]
        if len(rows) <= size:
            return bodies
        after = (rows[size - 1][1], rows[size - 1][0])


def _post(demo: DemoProcess, session: requests.Session, body: dict) -> requests.Response:
    url = f"{demo.url}/api/projects/{demo.project_id}/query/"
    answer = session.post(url, data=orjson.dumps(body), timeout=600)
    answer.raise_for_status()
    return answer


def persons_query_rows(persons: int = PERSONS, repeats: int = 2) -> list[Row]:
    """Requests and time of ``persons(via="query")`` against download + conversion alone."""
    from posthog_frames.client.hogql import MAX_ROWS, person_dicts
    from posthog_frames.client.properties import person_property_types
    from posthog_frames.frames.persons import concat_person_pages, persons_frame

    size = MAX_ROWS - 1
    with DemoProcess(persons, LATENCY) as demo:
        counted = demo.warm("select count() from persons")[0][0]
        client = demo.client(cache=False)
        types = person_property_types(client)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {demo.api_key}"
        session.headers["Content-Type"] = "application/json"
        bodies = _page_bodies(demo, session, size)
        pages: list[bytes] = []
        counts: list[int] = []

        def download() -> None:
            pages[:] = [_post(demo, session, body).content for body in bodies]

        def convert() -> None:
            frames = []
            for raw in pages:
                people = person_dicts(orjson.loads(raw))
                frames.append(persons_frame(people[:size], property_types=types))
                del people
            assert len(concat_person_pages(frames)) == persons

        def pull() -> None:
            fresh = demo.client(cache=False)
            assert len(fresh.persons(via="query")) == persons
            counts.append(fresh.requests_sent)

        download()  # the conversion side needs the bytes before its first run
        times = interleaved({"download": download, "convert": convert, "client": pull}, repeats)
    floor = times["download"] + times["convert"]
    detail = (
        f"client {times['client']:.1f} s; download alone {times['download']:.1f} s "
        f"({len(bodies)} pages of {size:,}), conversion alone {times['convert']:.1f} s"
    )
    requests_detail = (
        f"{max(counts)} requests for {counted:,} persons ({len(bodies)} pages + property "
        "definitions)"
    )
    return [
        Row(
            f"persons via query, {persons:,}: requests <= 22",
            None,
            "<= 22",
            max(counts) <= 22,
            requests_detail,
        ),
        Row.at_most(
            f"persons via query, {persons:,} (vs download + conversion)",
            times["client"] / floor,
            1.5,
            detail,
        ),
    ]


def events_frame_rows(persons: int = EVENT_PERSONS) -> list[Row]:
    """``client.events()`` of a million events in a child process: memory and every event once."""
    name = "events into a frame"
    with DemoProcess(persons, LATENCY) as demo:
        demo.warm("select count() from events")  # generates and loads the event log
        env = {**os.environ, _ENV: json.dumps([demo.url, demo.api_key, demo.project_id])}
        done = subprocess.run(
            [sys.executable, __file__, "--events-child"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return [Row(name, None, "<= 2.5x", False, f"failed: {tail[0]}")]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    rows, unique, demo_count = found["rows"], found["unique"], found["count"]
    name = f"events, {rows:,} into a frame"
    once = rows == unique == demo_count and demo_count >= 1_000_000
    return [
        Row(
            f"{name}: every event once",
            None,
            "all, once",
            once,
            f"{rows:,} rows, {unique:,} unique uuids, demo count() {demo_count:,}; "
            f"{found['requests']} requests, {found['seconds']:.0f} s",
        ),
        Row.at_most(
            f"{name} (peak RSS growth / frame)",
            found["growth"] / found["frame"],
            2.5,
            f"peak growth {found['growth'] / 2**20:.0f} MiB, frame {found['frame'] / 2**20:.0f} "
            f"MiB (memory_usage(deep=True))",
        ),
    ]


def _events_child() -> None:
    import gc
    import time

    from rss import PeakRSS

    from posthog_frames import Client

    url, key, project = json.loads(os.environ[_ENV])
    with tempfile.TemporaryDirectory() as tmp:
        client = Client(key, host=url, project_id=project, cache=f"{tmp}/c.sqlite", progress=False)
        count = int(client.query("select count() as n from events")["n"][0])
        client.events(after=EVENTS_AFTER, limit=10)  # imports, definitions, first use
        gc.collect()
        sent = client.requests_sent
        start = time.perf_counter()
        with PeakRSS() as peak:
            frame = client.events(after=EVENTS_AFTER)
        seconds = time.perf_counter() - start
        found = {
            "growth": peak.growth,
            "frame": int(frame.memory_usage(deep=True).sum()),
            "rows": len(frame),
            "unique": int(frame["uuid"].nunique()),
            "count": count,
            "requests": client.requests_sent - sent,
            "seconds": seconds,
        }
    print(json.dumps(found))


if __name__ == "__main__":
    if "--events-child" in sys.argv:
        _events_child()
    else:
        from timing import table

        which = sys.argv[1:] or ["persons", "events"]
        found: list[Row] = []
        if "persons" in which:
            found += persons_query_rows()
        if "events" in which:
            found += events_frame_rows()
        print(table(found))
