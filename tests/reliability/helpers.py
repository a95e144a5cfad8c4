"""Helpers for the reliability tests: a fake clock shared by client and server, quiet clients,
and small servers that are not PostHog (an HTML site, a closed port)."""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from posthog_frames.demo.faults import ManualClock
from posthog_frames.http.pacing import Pacer


def quiet(client, sleeps: list | None = None):
    """Make the client's retry sleeps instant (recorded in *sleeps* when given)."""
    client._transport.sleep_with = sleeps.append if sleeps is not None else (lambda s: None)
    return client


def share_clock(
    demo, client, clock: ManualClock, per_minute: int | None, budgets: dict | None = None
) -> None:
    """Put the demo's throttle windows and the client's pacer and retry sleeps on *clock*."""
    demo.app.faults.clock = clock
    pacer = Pacer(budgets, per_minute=per_minute, clock=clock, sleep=clock.sleep)
    client._transport.pacer = pacer
    client._transport.sleep_with = clock.sleep


@contextmanager
def html_site(status: int = 200) -> Iterator[str]:
    """A web site answering every path with an HTML page (a login portal, a marketing site)."""
    page = b"<!DOCTYPE html><html><head><title>Sign in - Corp SSO</title></head><body/></html>"

    def app(environ, start_response):
        return Response(page, status=status, content_type="text/html")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def locked_by_another_process(path: Path, *, create: bool = False) -> Iterator[sqlite3.Connection]:
    """Hold *path* locked as another program would: a connection inside BEGIN EXCLUSIVE."""
    holder = sqlite3.connect(path, isolation_level=None)
    if create:
        holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield holder
    finally:
        holder.rollback()
        holder.close()


DELETE = object()  # a "replacement" that deletes the value


def value_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (dict keys, list indexes; the first 3 items of lists) to a value in *value*."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += value_paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:3]):
            found += value_paths(inner, (*prefix, index))
    return found


def set_path(value: Any, path: tuple, replacement: Any) -> None:
    """Replace (or, with DELETE, remove) the value at *path*; KeyError/IndexError if absent."""
    for step in path[:-1]:
        value = value[step]
    if replacement is DELETE:
        del value[path[-1]]
    else:
        value[path[-1]] = replacement
