"""Helpers for testing code that uses posthog-frames, without a PostHog account.

Two ways in, both over real HTTP on loopback (no mocks of ``requests``):

- :func:`demo_client` starts the built-in demo server for a ``with`` block and yields a client;
- :func:`fake_person`, :func:`fake_persons_page` and :func:`fake_trends_result` build JSON in
  PostHog's shapes for the pure converters.

In a pytest suite, import the fixtures into your ``conftest.py``::

    from posthog_frames.testing import posthog_client, posthog_demo  # noqa: F401

Example:
    >>> from posthog_frames.testing import demo_client
    >>> with demo_client(persons=50) as client:
    ...     len(client.persons())
    50
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from posthog_frames.client.client import Client

__all__ = [
    "virtual_time",
    "demo_client",
    "fake_person",
    "fake_persons_page",
    "fake_trends_result",
    "posthog_demo",
    "posthog_client",
]


@contextmanager
def demo_client(**serve_options: Any) -> Iterator[Client]:
    """Start a demo server (``serve()`` options: ``persons``, ``seed``, faults…) and yield a
    client with an in-memory cache; the server stops when the block ends.

    Example:
        >>> with demo_client(persons=50) as client:
        ...     len(client.persons(progress=False))
        50
    """
    from posthog_frames.demo import serve

    with serve(**serve_options) as demo:
        yield demo.client(cache="memory")


def virtual_time(demo: Any) -> Any:
    """Run *demo*'s rate limits (PostHog's budgets) and the pacing of its clients on one fake
    clock that moves only when slept on: a pull that waits an hour for PostHog's budget takes no
    real time, and the demo still refuses whatever PostHog would. Returns the clock.

    Call it before making the demo's clients; clients made with other ``rate_limits=`` or
    ``requests_per_minute=`` keep real time.

    Example:
        >>> from posthog_frames.demo import serve
        >>> with serve(persons=50) as demo:
        ...     clock = virtual_time(demo)
        ...     demo_client = demo.client(cache=False)
        ...     for _ in range(250):          # more than PostHog's 240 a minute for persons
        ...         _ = demo_client.get("persons/", limit=1)
        ...     demo.budget_refusals, clock.now >= 1060   # no 429: the pacer waited a minute
        ({}, True)
    """
    from posthog_frames.demo.faults import ManualClock
    from posthog_frames.http.pacing import Pacer, use_pacer

    clock = ManualClock()
    demo.app.faults.clock = clock
    fingerprint = demo.client(cache=False).settings.fingerprint
    use_pacer(fingerprint, Pacer(clock=clock, sleep=clock.sleep))
    return clock


def fake_person(
    id: int,
    properties: Mapping[str, Any] | None = None,
    *,
    distinct_ids: Sequence[str] | None = None,
    created_at: str = "2025-01-01T00:00:00Z",
    last_seen_at: str | None = None,
) -> dict[str, Any]:
    """One person object as PostHog's persons endpoint answers it.

    Example:
        >>> fake_person(1, {"email": "ada@example.com"})["name"]
        'ada@example.com'
    """
    props = dict(properties or {})
    person_uuid = str(uuid.UUID(int=id))
    ids = list(distinct_ids) if distinct_ids is not None else [person_uuid]
    name = props.get("email") or props.get("name") or props.get("username") or ids[0]
    return {
        "id": id,
        "uuid": person_uuid,
        "name": str(name),
        "distinct_ids": ids,
        "properties": props,
        "created_at": created_at,
        "last_seen_at": last_seen_at,
    }


def fake_persons_page(
    persons: Sequence[Mapping[str, Any]], *, next: str | None = None, count: int | None = None
) -> dict[str, Any]:
    """A persons page: ``{"results", "next", "previous"}`` (+ ``count`` when given).

    Example:
        >>> page = fake_persons_page([fake_person(1), fake_person(2)], count=2)
        >>> len(page["results"]), page["next"], page["count"]
        (2, None, 2)
    """
    page: dict[str, Any] = {"results": list(persons), "next": next, "previous": None}
    if count is not None:
        page["count"] = count
    return page


def fake_trends_result(
    series: Mapping[str, Sequence[float]], start: date | str = "2025-01-01"
) -> list[dict[str, Any]]:
    """A daily trends ``result`` with one item per series name.

    Example:
        >>> fake_trends_result({"$pageview": [3, 4]})[0]["days"]
        ['2025-01-01', '2025-01-02']
    """
    first = date.fromisoformat(start) if isinstance(start, str) else start
    items = []
    for order, (name, values) in enumerate(series.items()):
        days = [first + timedelta(days=i) for i in range(len(values))]
        items.append(
            {
                "action": {
                    "id": name,
                    "type": "events",
                    "order": order,
                    "name": name,
                    "custom_name": None,
                    "math": "total",
                },
                "label": name,
                "count": sum(values),
                "data": list(values),
                "labels": [_label(d) for d in days],
                "days": [d.isoformat() for d in days],
            }
        )
    return items


def _label(day: date) -> str:
    return f"{day.day}-{datetime(day.year, day.month, 1):%b}-{day.year}"


try:  # pytest fixtures, for users who import them into their conftest.py
    import pytest
except ImportError:  # pragma: no cover - pytest is optional at run time
    pass
else:

    @pytest.fixture(scope="session")
    def posthog_demo() -> Iterator[Any]:
        """A demo server for the test session."""
        from posthog_frames.demo import serve

        with serve() as demo:
            virtual_time(demo)  # PostHog's budgets apply, and their waits take no real time
            yield demo

    @pytest.fixture
    def posthog_client(posthog_demo: Any) -> Client:
        """A client on the session's demo server, with its own in-memory cache."""
        return posthog_demo.client(cache="memory")
