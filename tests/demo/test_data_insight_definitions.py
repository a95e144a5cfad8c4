"""The demo project's saved insight definitions."""

from __future__ import annotations

from posthog_frames.demo.data.insight_definitions import insight_definitions


def test_demo_dau_series_has_a_custom_name() -> None:
    daily = next(d for d in insight_definitions() if d["name"] == "Daily traffic and signups")
    series = daily["stored_query"]["source"]["series"]
    dau = next(s for s in series if s.get("math") == "dau")
    assert dau["custom_name"] == "Daily visitors"
