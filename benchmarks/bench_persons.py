"""Persons pulls over HTTP: cold and warm ``client.persons()`` against the tutorial's way, and the
request counts of REST and HogQL pages. The demo server runs in its own process (see
:mod:`demo_process`) with 50 ms added to every request, as a remote PostHog would.

Example:
    $ python benchmarks/bench_persons.py
"""

from __future__ import annotations

import itertools
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
import requests
from demo_process import DemoProcess
from timing import Row, interleaved

from posthog_frames.frames.persons import persons_frame

__all__ = ["pull_rows", "request_rows", "tutorial_pull"]

LATENCY = 0.05


def tutorial_pull(demo: DemoProcess) -> pd.DataFrame:
    """PostHog's tutorial, by hand: pages of 100 following ``next``, json_normalize, concat."""
    headers = {"Authorization": f"Bearer {demo.api_key}"}
    url: str | None = demo.persons_url(100)
    frames = []
    while url:
        page = requests.get(url, headers=headers, timeout=60).json()
        frames.append(pd.json_normalize(page["results"]))
        url = page["next"]
    return pd.concat(frames, ignore_index=True)


def pull_rows(persons: int = 20_000, repeats: int = 3) -> list[Row]:
    """Cold pull vs the tutorial; warm pull vs cold and vs converting the same JSON."""
    with DemoProcess(persons, LATENCY) as demo, tempfile.TemporaryDirectory() as tmp:
        auth = {"Authorization": f"Bearer {demo.api_key}"}
        everything = requests.get(demo.persons_url(persons), headers=auth, timeout=120).content
        runs = itertools.count()
        cold: list[float] = []
        warm: list[float] = []

        def client_pulls() -> None:
            client = demo.client(cache=Path(tmp) / f"run-{next(runs)}.sqlite")  # fresh cache
            for times in (cold, warm):  # the second, identical call is answered from the cache
                start = time.perf_counter()
                assert len(client.persons()) == persons
                times.append(time.perf_counter() - start)

        times = interleaved(
            {
                "tutorial": lambda: tutorial_pull(demo),
                "client": client_pulls,
                "persons_frame": lambda: persons_frame(everything),
            },
            repeats,
        )
    client_cold, client_warm = statistics.median(cold), statistics.median(warm)
    tutorial, frame_only = times["tutorial"], times["persons_frame"]
    return [
        Row.at_least(
            f"persons cold, {persons:,} (vs tutorial)",
            tutorial / client_cold,
            4,
            f"tutorial {tutorial:.2f} s, client {client_cold:.2f} s",
        ),
        Row.at_least(
            "persons warm (vs cold)",
            client_cold / client_warm,
            5,
            f"cold {client_cold:.2f} s, warm {client_warm:.3f} s",
        ),
        Row.at_most(
            "persons warm (vs persons_frame)",
            client_warm / frame_only,
            2,
            f"warm {client_warm:.3f} s, persons_frame {frame_only:.3f} s",
        ),
    ]


def request_rows(demo: DemoProcess) -> list[Row]:
    """Every person via REST pages and via keyset-paged HogQL: requests and time (informational)."""
    rest = demo.client(cache=False, progress=False)
    started = time.perf_counter()
    rows = len(rest.persons())
    rest_s = time.perf_counter() - started
    query = demo.client(cache=False, progress=False)
    started = time.perf_counter()
    query_rows = len(query.persons(via="query"))
    query_s = time.perf_counter() - started
    detail = (
        f"REST {rest.requests_sent} requests {rest_s:.1f} s; "
        f"query {query.requests_sent} requests {query_s:.1f} s ({query_rows:,} rows)"
    )
    return [
        Row(
            f"requests, {rows:,} persons (REST/query)",
            rest.requests_sent / query.requests_sent,
            "info",
            None,
            detail,
        ),
        Row(f"time, {rows:,} persons (query/REST)", query_s / rest_s, "info", None, detail),
    ]
