"""Requests for the contract table: a demo server of their own (the calls here would spend the
shared server's per-key budgets that other tests count on), the table's placeholders filled from
it, and each answer fetched the way a client would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.demo.contract.endpoints import Endpoint
from tests.demo.http_helpers import get


@pytest.fixture(scope="session")
def demo() -> Iterator[Any]:
    """The contract tests' own demo server (200 persons, seed 0, fixed clock)."""
    from posthog_frames.demo import serve
    from posthog_frames.testing import virtual_time

    with serve(port=0, persons=200) as server:
        virtual_time(server)
        yield server


def _auth(demo) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo.api_key}"}


@pytest.fixture(scope="session")
def placeholders(demo) -> dict[str, Any]:
    """Values for the table's path placeholders (``{insight}`` is every saved insight's id)."""
    insights = get(demo, "/api/projects/1/insights/", params={"limit": 1000}).json()["results"]
    person = get(demo, "/api/projects/1/persons/", params={"limit": 1}).json()["results"][0]
    started = requests.post(
        f"{demo.url}/api/projects/1/query/",
        json={"query": {"kind": "HogQLQuery", "query": "select 1"}, "refresh": "force_async"},
        headers=_auth(demo),
        timeout=30,
    )
    task = get(
        demo, f"/api/projects/1/insights/{insights[0]['id']}/", params={"refresh": "force_async"}
    ).json()
    return {
        "insight": [i["id"] for i in insights],
        "person_uuid": [person["uuid"]],
        "query_id": [started.json()["query_status"]["id"]],
        "insight_task": [task["query_status"]["id"]],
    }


def expand(endpoint: Endpoint, values: dict[str, Any]) -> list[str]:
    """The endpoint's path for each value of the placeholder it holds (at most one)."""
    for name, choices in values.items():
        if "{" + name + "}" in endpoint.path:
            return [endpoint.path.replace("{" + name + "}", str(v)) for v in choices]
    return [endpoint.path]


def fetch(demo, endpoint: Endpoint, path: str) -> requests.Response:
    """The demo's answer; an async status is polled until it is no longer 202 (running)."""
    if endpoint.body is not None:
        return requests.post(
            demo.url + path,
            json=endpoint.body,
            params=endpoint.params,
            headers=_auth(demo),
            timeout=60,
        )
    for _ in range(10):
        answer = get(demo, path, params=endpoint.params)
        if answer.status_code != 202:
            break
    return answer
