"""Shared fixtures: the recorded PostHog responses in ../shared and a demo server on loopback."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(
    os.environ.get("POSTHOG_FRAMES_FIXTURES", ROOT.parent / "shared" / "posthog-fixtures")
)
INSIGHT_FIXTURES = sorted((FIXTURES / "insights").glob("*.json"))


def load_fixture(name: str) -> dict:
    """Read one recorded response; skip the test when ../shared is not beside the checkout."""
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(
            f"recorded PostHog fixtures not found at {FIXTURES} (clone with ../shared beside)"
        )
    return json.loads(path.read_text())


@pytest.fixture(params=[p.name for p in INSIGHT_FIXTURES] or ["<missing>"])
def insight_fixture(request: pytest.FixtureRequest) -> dict:
    """Each recorded insight in ../shared/posthog-fixtures/insights/, one test per file."""
    if request.param == "<missing>":
        pytest.skip(f"recorded PostHog fixtures not found at {FIXTURES / 'insights'}")
    return load_fixture(f"insights/{request.param}")


@pytest.fixture(scope="session")
def demo() -> Iterator:
    """One demo server for the session (500 persons, seed 0, fixed clock)."""
    from posthog_frames.demo import serve
    from posthog_frames.testing import virtual_time

    with serve(port=0) as server:
        virtual_time(server)  # PostHog's budgets apply; their waits take no real time
        yield server


@pytest.fixture
def client(demo, tmp_path):
    """A fresh client against the shared demo server, with its own in-memory cache."""
    return demo.client(cache="memory")
