"""The demo server in its own process, so its CPU work never competes with the client's GIL.

``python -m posthog_frames.demo`` prints its URL and key on stdout; this module starts it on a
free port, reads them back, and stops it on exit. The key is a throwaway one for the local demo,
and it is never printed by the benchmarks.

Example:
    >>> with DemoProcess(persons=1000, latency=0.05) as demo:
    ...     client = demo.client(cache=False)
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from typing import Any

__all__ = ["DemoProcess"]

_LINE = re.compile(r"^\s*(POSTHOG_HOST|POSTHOG_PERSONAL_API_KEY|POSTHOG_PROJECT_ID)=(\S+)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoProcess:
    """A ``python -m posthog_frames.demo`` subprocess; use as a context manager."""

    def __init__(self, persons: int, latency: float = 0.05, seed: int = 0) -> None:
        # Benchmarks measure speed: the tutorial's unpaced loop would meet PostHog's budgets.
        self.args = ["--persons", str(persons), "--latency", str(latency), "--seed", str(seed)]
        self.args.append("--no-budgets")
        self.persons = persons
        self.url = self.api_key = ""
        self.project_id = 0
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> DemoProcess:
        command = [sys.executable, "-m", "posthog_frames.demo", "--port", str(_free_port())]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._proc = subprocess.Popen(
            [*command, *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        found: dict[str, str] = {}
        # 100,000 persons take a few seconds to generate, 1,000,000 about a minute (loaded box)
        deadline = time.monotonic() + max(120, self.persons / 4000)
        assert self._proc.stdout is not None
        while len(found) < 3 and time.monotonic() < deadline:
            line = self._proc.stdout.readline()
            if not line:
                break
            match = _LINE.match(line)
            if match:
                found[match.group(1)] = match.group(2)
        if len(found) < 3:
            self.__exit__()
            raise RuntimeError("the demo server did not start (python -m posthog_frames.demo)")
        self.url = found["POSTHOG_HOST"]
        self.api_key = found["POSTHOG_PERSONAL_API_KEY"]
        self.project_id = int(found["POSTHOG_PROJECT_ID"])
        return self

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def client(self, **kwargs: Any) -> Any:
        """A ``posthog_frames.Client`` for this server, progress bar off."""
        from posthog_frames import Client

        kwargs.setdefault("progress", False)
        return Client(self.api_key, host=self.url, project_id=self.project_id, **kwargs)

    def warm(self, sql: str) -> Any:
        """Run *sql* once with no client timeout: the demo builds its SQL tables (and the event
        log, for events) on the first query that reads them, a minute at a million rows."""
        import requests

        answer = requests.post(
            f"{self.url}/api/projects/{self.project_id}/query/",
            json={"query": {"kind": "HogQLQuery", "query": sql}},
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=900,
        )
        answer.raise_for_status()
        return answer.json()["results"]

    def persons_url(self, limit: int) -> str:
        """The first persons page URL, as the tutorial writes it."""
        return f"{self.url}/api/projects/{self.project_id}/persons/?limit={limit}"
