"""Cohorts and dashboards named by id, by a row of their listing, or by name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from posthog_frames.client._named import object_id
from posthog_frames.exceptions import NotFound, ValidationError

LISTING = pd.DataFrame({"id": [1, 2, 3], "name": ["Overview", "Weekly", "weekly"]})


def _never() -> pd.DataFrame:
    raise AssertionError("an id needs no listing")


@pytest.mark.parametrize("given", [2, np.int64(2), " 2 ", LISTING.iloc[1], {"id": 2}])
def test_ids_and_rows_need_no_listing(given: object) -> None:
    assert object_id(given, _never, "dashboard") == 2


def test_a_name_matches_exactly_before_ignoring_case() -> None:
    assert object_id("overview", lambda: LISTING, "dashboard") == 1
    assert object_id("Weekly", lambda: LISTING, "dashboard") == 2


def test_a_name_shared_by_several_is_refused_with_their_ids() -> None:
    twins = pd.DataFrame({"id": [4, 5], "name": ["Retention", "Retention"]})
    with pytest.raises(ValidationError, match=r"ids 4, 5"):
        object_id("retention", lambda: twins, "cohort")


def test_an_unknown_name_lists_the_names_there_are() -> None:
    with pytest.raises(NotFound, match=r"client\.dashboards\(\) lists them: 'Overview', 'Weekly'"):
        object_id("Monthly", lambda: LISTING, "dashboard")


@pytest.mark.parametrize("bad", [None, "", 2.5, True])
def test_anything_else_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"client\.cohorts\(\)"):
        object_id(bad, lambda: LISTING, "cohort")
