"""Listing converters (cohorts, dashboards, actions, event definitions): times and bad answers."""

from __future__ import annotations

import pandas as pd
import pytest

from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames.listings import cohorts_frame, event_definitions_frame

# The smallest event definitions page of the shape reference §15 gives (CappedCountLimitOffset).
PAGE = {
    "count": 2,
    "count_is_capped": False,
    "next": None,
    "previous": None,
    "results": [
        {"id": "u1", "name": "a", "last_seen_at": "2025-03-31T11:56:15.159Z", "tags": []},
        {"id": "u2", "name": "b", "last_seen_at": None, "created_at": "2025-01-01T01:00:00+01:00"},
    ],
}


def test_times_are_utc_microseconds_on_every_pandas():
    frame = event_definitions_frame(PAGE)
    assert str(frame["last_seen_at"].dtype) == "datetime64[us, UTC]"
    assert str(frame["created_at"].dtype) == "datetime64[us, UTC]"
    assert frame["last_seen_at"][0] == pd.Timestamp("2025-03-31 11:56:15.159", tz="UTC")
    assert frame["created_at"][1] == pd.Timestamp("2025-01-01", tz="UTC")
    assert frame["last_seen_at"].isna().tolist() == [False, True]


@pytest.mark.parametrize("bad", ["yesterday", {"at": 1}])
def test_a_time_that_is_not_iso_is_an_invalid_response(bad):
    answer = {"next": None, "results": [{"id": 1, "name": "c", "last_calculation": bad}]}
    with pytest.raises(InvalidResponse, match="last_calculation that is not an ISO 8601"):
        cohorts_frame(answer)
