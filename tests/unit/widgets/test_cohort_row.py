"""FilterBuilder's cohort rows: "in" / "not in" a cohort, picked by name or typed by id."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.widgets import CohortRow, FilterBuilder
from tests.unit.widgets._drive import preview_text


class CohortsClient:
    """Just enough of a Client for the cohort menu: one canned cohorts frame."""

    def __init__(self):
        self.calls = 0

    def property_definitions(self, type="person", search=None):
        return pd.DataFrame({"name": ["plan"], "property_type": ["String"]})

    def property_values(self, key, search=None):
        return pd.DataFrame({"value": ["pro", "free"], "count": [4, 9]})

    def cohorts(self):
        self.calls += 1
        return pd.DataFrame(
            {
                "id": [3, 1],
                "name": ["Desktop engineers", "Paying customers"],
                "count": pd.array([None, 93], dtype="Int64"),
            }
        )


def test_cohorts_are_offered_by_name_and_become_cohort_filters():
    client = CohortsClient()
    builder = FilterBuilder(client)
    row = builder.add_cohort_row()
    assert isinstance(row, CohortRow) and isinstance(row.cohort, w.Dropdown)
    assert row.cohort.options == (
        ("choose a cohort", None),
        ("Desktop engineers (#3)", 3),
        ("Paying customers (#1, 93 persons)", 1),
    )
    assert builder.filters == [] and row.problem == "choose a cohort"
    row.cohort.value = 1
    assert builder.filters == [phf.InCohort(1)]
    row.operator.value = "not_in"
    assert builder.value == [phf.NotInCohort(1).to_dict()]
    builder.add_cohort_row()
    assert client.calls == 1  # listed once, kept


def test_loaded_cohort_filters_get_cohort_rows_even_for_unlisted_cohorts():
    builder = FilterBuilder(
        CohortsClient(), filters=[phf.NotInCohort(9), {"key": "plan", "value": "pro"}]
    )
    row = builder.rows[0]
    assert isinstance(row, CohortRow) and row.operator.value == "not_in"
    assert row.cohort.value == 9 and ("cohort #9", 9) in row.cohort.options
    assert builder.filters[0] == phf.NotInCohort(9)


def test_without_a_client_the_id_is_typed_and_the_code_shows_the_cohort_class():
    builder = FilterBuilder()
    row = builder.add_cohort_row()
    assert isinstance(row.cohort, w.IntText)
    row.cohort.value = 4
    assert builder.filters == [phf.InCohort(4)]
    assert preview_text(builder, "phf-python") == "[InCohort(4)]"
    assert "from posthog_frames import InCohort, PropertyFilter" in builder.preview.value
    row.cohort.value = 0
    assert builder.filters == [] and "choose a cohort" in row.message.value
    row.cohort.value = 2
    row.remove_button.click()
    assert builder.filters == [] and builder.rows == []


def test_the_add_cohort_button_is_for_person_filters():
    person = FilterBuilder()
    person.add_cohort_button.click()
    assert isinstance(person.rows[0], CohortRow)
    assert person.add_cohort_button in person.children[1].children
    event = FilterBuilder(type="event")
    assert event.add_cohort_button not in event.children[1].children
    assert isinstance(person.add_row(phf.InCohort(2)), CohortRow)


def test_a_cohort_row_takes_only_in_or_not_in():
    builder = FilterBuilder()
    with pytest.raises(phf.ValidationError, match="'in' or 'not_in'"):
        builder.add_cohort_row(3, "exact")
    assert builder.rows == []
