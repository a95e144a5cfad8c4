"""A PostHog-compatible demo server, so notebooks, tests and benchmarks need no PostHog account.

It answers the private API the way PostHog does (shapes, pagination, error bodies, auth order,
scopes, throttling) from deterministic data, and can inject faults (latency, 429s, 5xx, short
pages). It shares no code with the client library, so a shared bug cannot hide itself.

Example:
    >>> from posthog_frames.demo import serve
    >>> with serve(persons=500, seed=0) as demo:
    ...     client = demo.client()
"""

from __future__ import annotations

from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.server import DemoServer, serve

__all__ = ["DEMO_NOW", "DemoServer", "serve"]
