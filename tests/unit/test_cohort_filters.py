"""phf.InCohort / phf.NotInCohort: PostHog's cohort property filter, everywhere filters go."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.client.hogql import filters_where
from posthog_frames.exceptions import ValidationError


def test_the_filters_are_posthogs_cohort_filter() -> None:
    # reference §14: {"type": "cohort", "key": "id", "value": <int>, "operator": "in"|"not_in"}
    assert phf.InCohort(7).to_dict() == {
        "key": "id",
        "value": 7,
        "operator": "in",
        "type": "cohort",
    }
    assert phf.NotInCohort(7).to_dict()["operator"] == "not_in"
    assert phf.InCohort(7) == phf.PropertyFilter("id", 7, operator="in", type="cohort")
    assert phf.InCohort(7) != phf.NotInCohort(7)
    assert isinstance(phf.InCohort(7), phf.PropertyFilter)


def test_repr_is_the_code_that_builds_it() -> None:
    for f in (phf.InCohort(3), phf.NotInCohort(3)):
        assert eval(repr(f), {**vars(phf)}) == f  # noqa: S307 - repr pastes into a cell
    assert repr(phf.PropertyFilter.from_dict({"type": "cohort", "key": "id", "value": 3})) == (
        "InCohort(3)"
    )


def test_a_row_of_the_cohorts_listing_or_a_numpy_id_is_accepted() -> None:
    row = pd.Series({"id": np.int64(4), "name": "Paying customers"})
    assert phf.InCohort(row).value == 4 and type(phf.InCohort(row).value) is int
    assert phf.NotInCohort(np.int32(2)).value == 2


@pytest.mark.parametrize("bad", ["Paying customers", "3", 2.0, True, None, {"name": "x"}])
def test_anything_but_an_id_is_refused_saying_where_ids_are(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"client\.cohorts\(\)"):
        phf.InCohort(bad)


def test_negation_in_a_cohort_definition_reads_as_not_in() -> None:
    # posthog/hogql/property.py: `negation or operator == not_in` → NOT IN COHORT.
    negated = {"type": "cohort", "key": "id", "value": 5, "negation": True}
    assert phf.PropertyFilter.from_dict(negated) == phf.NotInCohort(5)
    plain = {"type": "cohort", "key": "id", "value": 5, "negation": False}
    assert phf.PropertyFilter.from_dict(plain) == phf.InCohort(5)
    with pytest.raises(ValidationError, match="unknown filter keys"):
        phf.PropertyFilter.from_dict({"key": "plan", "value": "pro", "negation": True})


def test_accepted_by_every_filter_input() -> None:
    as_json = json.dumps([phf.NotInCohort(2).to_dict()])
    assert phf.normalize_filters(as_json) == [phf.NotInCohort(2)]
    assert json.loads(phf.filters_param([phf.InCohort(2)])) == [phf.InCohort(2).to_dict()]
    group = {"type": "AND", "values": [phf.InCohort(1).to_dict(), {"key": "plan", "value": "pro"}]}
    assert phf.normalize_filters(group)[0] == phf.InCohort(1)


def test_the_hogql_path_refuses_cohorts_naming_the_rest_path() -> None:
    with pytest.raises(ValidationError, match=r"via='rest'"):
        filters_where([phf.InCohort(1)])
