"""The Insight object: a read-only view of the insight JSON PostHog answered."""

from __future__ import annotations

import json

import pytest

from posthog_frames.insight import Insight
from tests.conftest import load_fixture


def test_raw_is_a_json_ready_dict() -> None:
    raw = load_fixture("insights/insight-funnel-steps.json")
    ins = Insight(raw)
    assert type(ins.raw) is dict
    assert json.loads(json.dumps(ins.raw)) == raw
    ins.raw["result"].clear()
    assert ins.raw["result"] == raw["result"]
    with pytest.raises(AttributeError):
        ins._raw = {}  # type: ignore[misc]
