"""Event selection of the insights (``analytics._common``): property filters pick the persons the
persons API picks, with PostHog's rules.
"""

from __future__ import annotations

import pandas as pd
import pytest

from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.filters import compile_filters
from tests.demo.analytics_helpers import ev, in_range, run


@pytest.mark.parametrize(
    "prop",
    [
        {"key": "seats", "value": "3", "type": "person"},  # numbers compare as numbers
        {"key": "is_verified", "value": "true", "type": "person"},  # booleans as JSON text
        {"key": "nps_score", "value": [3, 7], "operator": "between", "type": "person"},
        {"key": "plan", "value": [], "type": "person"},  # an empty list is no condition
    ],
)
def test_insight_person_filters_pick_the_persons_the_persons_api_picks(ctx, log, persons, prop):
    match = compile_filters([prop], now=DEMO_NOW)
    chosen = {p["uuid"] for p in persons if match(p["properties"])}
    signups = in_range(log, "signed up", pd.Timestamp("2025-01-01", tz="UTC"))
    expected = int(signups["person_id"].isin(chosen).sum())
    result = run(
        ctx,
        "TrendsQuery",
        series=[ev("signed up")],
        dateRange={"date_from": "all"},
        properties=[prop],
    )
    assert result[0]["count"] == expected
