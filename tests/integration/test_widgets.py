"""FilterBuilder against the demo server: suggestions, Apply, and PostHog errors in the widget."""

from __future__ import annotations

import posthog_frames
from posthog_frames.exceptions import PermissionDenied
from posthog_frames.filters import PropertyFilter
from posthog_frames.widgets import FilterBuilder

LINUX = PropertyFilter("$initial_os", ["Linux"])


def _row(builder: FilterBuilder, key: str):
    builder.add_button.click()
    row = builder.rows[-1]
    row.key.value = key
    return row


def test_key_suggestions_are_the_projects_property_names(client):
    names = set(client.property_definitions(type="person")["name"])
    builder = FilterBuilder(client)
    row = _row(builder, "$initial_os")
    assert "$initial_os" in names and set(row.key.options) == names
    assert builder.notice.value == ""


def test_value_suggestions_come_from_the_persons_values(client):
    builder = FilterBuilder(client)
    row = _row(builder, "$initial_os")
    suggested = row.add_value.options
    expected = tuple(str(v) for v in client.property_values("$initial_os")["value"])
    assert suggested == expected and "Linux" in suggested
    # independent of persons/values: every suggestion is an OS some person really has
    everyone = client.persons(progress=False)
    assert set(suggested) <= set(everyone["properties.$initial_os"].dropna())


def test_apply_matches_client_persons(client):
    builder = FilterBuilder(client)
    row = _row(builder, "$initial_os")
    row.add_value.value = "Linux"
    assert builder.filters == [LINUX]
    builder.apply_button.click()
    direct = client.persons(properties=[LINUX], progress=False)
    assert builder.error is None and builder.result is not None
    assert len(direct) > 20  # so the preview's single page is not the whole answer
    assert len(builder.result) == 20  # one small page, not every match
    assert set(builder.result["id"]) <= set(direct["id"])
    assert (builder.result["properties.$initial_os"] == "Linux").all()
    assert builder.count == len(direct)  # PostHog's count, not the rows fetched
    assert f"<b>{len(direct):,} matching persons</b>" in builder.summary.value
    shown = builder.output.outputs[0]["data"]["text/html"]
    assert str(builder.result["id"].iloc[0]) in shown and "properties.$initial_os" in shown


def test_editing_after_apply_marks_the_preview_stale(client):
    builder = FilterBuilder(client, filters=[LINUX])
    builder.apply()
    first = builder.count
    builder.rows[0].tags.value = ["Linux", "Windows"]
    assert "Apply" in builder.summary.value and builder.count == first
    builder.apply()
    both = client.persons(
        properties=[PropertyFilter("$initial_os", ["Linux", "Windows"])], progress=False
    )
    assert builder.count == len(both) > first


def test_posthog_errors_show_in_the_widget(demo):
    limited = posthog_frames.Client(
        demo.limited_api_key, host=demo.url, project_id=demo.project_id, cache="memory"
    )
    builder = FilterBuilder(limited, filters=[LINUX])
    _row(builder, "$initial_os")  # values need person:read: a notice, not an exception
    assert "no value suggestions" in builder.notice.value
    builder.apply_button.click()
    assert isinstance(builder.error, PermissionDenied)
    assert builder.result is None and builder.count is None
    assert "PostHog error" in builder.summary.value
    shown = builder.summary.value + builder.notice.value + builder.preview.value + repr(builder)
    assert demo.limited_api_key not in shown


def test_cohorts_are_offered_by_name_and_apply_counts_their_persons(client):
    builder = FilterBuilder(client)
    row = builder.add_cohort_row()
    labels = {cid: label for label, cid in row.cohort.options if cid is not None}
    assert set(labels) == set(client.cohorts()["id"])
    assert labels[1].startswith("Paying customers (#1")
    row.cohort.value = 1
    builder.apply()
    assert builder.count == len(client.cohort_persons(1, progress=False))


def test_a_key_without_cohort_read_types_the_id_and_says_why(demo):
    limited = posthog_frames.Client(
        demo.limited_api_key, host=demo.url, project_id=demo.project_id, cache="memory"
    )
    builder = FilterBuilder(limited)
    row = builder.add_cohort_row()
    assert row.cohort.description == "cohort id"
    assert "cohorts unavailable" in builder.notice.value and "cohort:read" in builder.notice.value
