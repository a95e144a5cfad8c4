"""posthog_frames.widgets: FilterBuilder's model, preview, rows and the Apply count."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from posthog_frames.exceptions import ValidationError
from posthog_frames.filters import PropertyFilter
from posthog_frames.widgets import FilterBuilder
from tests.unit.widgets._drive import FakeClient, new_row, preview_text


def test_value_observers_fire_with_the_new_list():
    builder = FilterBuilder()
    seen = []
    builder.observe(lambda change: seen.append(change["new"]), names="value")
    row = new_row(builder, "seats", "gt")
    assert seen == []  # an incomplete row changes nothing
    row.number.value = "3"
    assert seen == [[{"key": "seats", "value": 3, "operator": "gt", "type": "person"}]]
    row.number.value = "x"
    assert seen[-1] == []


def test_setting_value_from_python_rebuilds_the_rows():
    builder = FilterBuilder(filters=[PropertyFilter("a", "b")])
    builder.value = [
        {"key": "plan", "value": "pro"},
        {"key": "seats", "value": 5, "operator": "gt"},
    ]
    assert [row.key.value for row in builder.rows] == ["plan", "seats"]
    assert builder.rows[0].tags.value == ["pro"] and builder.rows[1].number.value == "5"
    assert builder.value[0] == {
        "key": "plan",
        "value": ["pro"],
        "operator": "exact",
        "type": "person",
    }
    assert preview_text(builder, "phf-json") == builder.to_param()


def test_bad_value_from_python_raises_a_typed_error():
    builder = FilterBuilder()
    with pytest.raises(ValidationError, match="operater"):
        builder.value = [{"key": "seats", "operater": "gt", "value": 3}]


def test_python_preview_evals_back_to_the_filters():
    builder = FilterBuilder()
    new_row(builder, "$initial_os").add_value.value = "Linux"
    seats = new_row(builder, "seats", "between")
    seats.low.value, seats.high.value = "1", "9"
    code = preview_text(builder, "phf-python")
    rebuilt = eval(code, {"PropertyFilter": PropertyFilter})
    assert rebuilt == [
        PropertyFilter("$initial_os", ["Linux"]),
        PropertyFilter("seats", [1, 9], operator="between"),
    ]
    assert json.loads(preview_text(builder, "phf-json")) == [f.to_dict() for f in rebuilt]


def test_single_filter_preview_is_the_plain_repr():
    builder = FilterBuilder(filters=[PropertyFilter("$initial_os", ["Linux"])])
    assert preview_text(builder, "phf-python") == "[PropertyFilter('$initial_os', ['Linux'])]"


def test_removing_a_row():
    builder = FilterBuilder(filters=[PropertyFilter("a", "1"), PropertyFilter("b", "2")])
    seen = []
    builder.observe(lambda change: seen.append(change["new"]), names="value")
    builder.rows[0].remove_button.click()
    assert len(builder.rows) == 1 and builder.rows_box.children == tuple(builder.rows)
    assert builder.filters == [PropertyFilter("b", "2")]
    assert seen == [[PropertyFilter("b", "2").to_dict()]]
    assert "'a'" not in preview_text(builder, "phf-python")


def test_new_rows_take_the_builders_type():
    builder = FilterBuilder(type="event")
    row = new_row(builder, "$browser")
    row.tags.value = ["Chrome"]
    assert builder.filters == [PropertyFilter("$browser", ["Chrome"], type="event")]
    with pytest.raises(ValidationError, match="person, event, session"):
        FilterBuilder(type="persons")


def test_repr_is_short_and_shows_the_filters():
    builder = FilterBuilder(filters=[PropertyFilter("plan", "pro")])
    builder.add_button.click()
    text = repr(builder)
    assert "PropertyFilter('plan', ['pro'])" in text and "incomplete_rows=1" in text
    assert "Layout" not in text and "children" not in text


def test_apply_without_a_client_says_what_to_do():
    from posthog_frames.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="client"):
        FilterBuilder().apply()


class _PersonsClient(FakeClient):
    """A client whose persons() answers the first *limit* of *matching* persons, like PostHog."""

    def __init__(self, matching: int, total: int | None):
        super().__init__()
        self.matching, self.total, self.calls = matching, total, []

    def persons(self, properties=None, limit=None, progress=None, **kw):
        self.calls.append({"properties": properties, "limit": limit, **kw})
        rows = min(self.matching, limit) if limit is not None else self.matching
        frame = pd.DataFrame({"id": range(rows), "name": [f"p{i}" for i in range(rows)]})
        if self.total is not None:
            frame.attrs["total"] = self.total
        return frame


@pytest.mark.parametrize(
    ("matching", "total", "count", "shown"),
    [
        (5000, 5000, 5000, "5,000 matching persons"),  # PostHog's count: the true total
        (7, None, 7, "7 matching persons"),  # a short page is the whole answer
        (1, None, 1, "1 matching person"),
        (5000, None, None, "20+ matching persons"),  # a full page without a count: unknown
    ],
)
def test_apply_fetches_one_small_page_and_counts_from_posthog(matching, total, count, shown):
    client = _PersonsClient(matching, total)
    builder = FilterBuilder(client, filters=[PropertyFilter("plan", "pro")])
    frame = builder.apply()
    (call,) = client.calls
    assert call["limit"] == 20 and call["properties"] == [PropertyFilter("plan", "pro")]
    assert len(frame) == min(matching, 20) and builder.result is frame
    assert builder.count == count
    assert f"<b>{shown}</b>" in builder.summary.value


def test_row_callbacks_are_private():
    public = {name for name in dir(FilterBuilder) if not name.startswith("_")}
    callbacks = {"row_changed", "remove_row", "property_type", "operator_codes", "key_options"}
    assert not (public & (callbacks | {"value_options"}))
