"""Fixtures of the demo's tests: the persons, event log and computation context the insight tests
share (each test module gets its own, built once).
"""

from __future__ import annotations

import pandas as pd
import pytest

from posthog_frames.demo.analytics import Context
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.events import generate_events
from posthog_frames.demo.data.persons import generate_persons, persons_table
from tests.demo.http_helpers import get


@pytest.fixture(scope="module")
def persons() -> list[dict]:
    return generate_persons(300, seed=11)


@pytest.fixture(scope="module")
def log(persons) -> pd.DataFrame:
    return generate_events(persons, seed=11)


@pytest.fixture(scope="module")
def ctx(persons, log) -> Context:
    return Context(log, persons_table(persons), DEMO_NOW, "UTC", 7)


@pytest.fixture(scope="module")
def everyone(demo) -> list[dict]:
    """All persons of the session demo, in server order, fetched in one page."""
    body = get(demo, "/api/projects/1/persons/", params={"limit": 1000}).json()
    assert len(body["results"]) == 500 and body["next"] is None
    return body["results"]
