"""posthog_frames.widgets.rows: one row's controls turned into a filter, and filters loaded back."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from posthog_frames.filters import PropertyFilter
from posthog_frames.widgets import FilterBuilder
from tests.unit.widgets._drive import new_row, set_controls

# (operator, how the user fills the row, the JSON PostHog should receive for key "k")
CASES = [
    ("exact", set_controls(tags=["Linux", "Mac OS X"]), ["Linux", "Mac OS X"]),
    ("exact", set_controls(add_value="Linux"), ["Linux"]),
    ("is_not", set_controls(tags=["Windows"]), ["Windows"]),
    ("icontains", set_controls(text="gmail"), "gmail"),
    ("not_icontains", set_controls(text="@example.com"), "@example.com"),
    ("regex", set_controls(text=r"^a.*z$"), r"^a.*z$"),
    ("not_regex", set_controls(text=r"\d+"), r"\d+"),
    ("gt", set_controls(number="10"), 10),
    ("gte", set_controls(number="2.5"), 2.5),
    ("lt", set_controls(number="-3"), -3),
    ("lte", set_controls(number="0"), 0),
    ("between", set_controls(low="1", high="5"), [1, 5]),
    ("not_between", set_controls(low="0.5", high="0.75"), [0.5, 0.75]),
    ("is_date_exact", set_controls(date=dt.date(2024, 5, 1)), "2024-05-01"),
    ("is_date_before", set_controls(relative="-7d"), "-7d"),
    ("is_date_after", set_controls(relative="2024-05-01T12:00:00Z"), "2024-05-01T12:00:00Z"),
    ("is_set", set_controls(), "is_set"),
    ("is_not_set", set_controls(), "is_not_set"),
]


IDS = [f"{op}-{i}" for i, (op, _, _) in enumerate(CASES)]


@pytest.mark.parametrize(("operator", "fill", "sent"), CASES, ids=IDS)
def test_every_operator_built_from_the_controls(operator, fill, sent):
    builder = FilterBuilder()
    row = new_row(builder, "k", operator)
    fill(row)
    expected = {"key": "k", "value": sent, "operator": operator, "type": "person"}
    assert row.problem is None and row.message.value == ""
    assert json.loads(builder.to_param()) == [expected]
    assert builder.value == [expected]
    assert builder.filters == [PropertyFilter.from_dict(expected)]


@pytest.mark.parametrize(
    ("operator", "fill", "reason"),
    [
        ("between", set_controls(low="3"), "two numbers"),
        ("not_between", set_controls(high="3"), "two numbers"),
        ("between", set_controls(low="5", high="1"), "min <= max"),
        ("regex", set_controls(text="(unclosed"), "regular expression"),
        ("exact", set_controls(), "at least one value"),
        ("gt", set_controls(number="ten"), "needs a number"),
        ("icontains", set_controls(), "needs a value"),
        ("is_date_before", set_controls(relative="yesterday"), "date"),
    ],
)
def test_invalid_rows_are_marked_and_left_out(operator, fill, reason):
    builder = FilterBuilder()
    good = new_row(builder, "plan")
    good.tags.value = ["pro"]
    bad = new_row(builder, "k", operator)
    fill(bad)
    assert bad.filter is None
    assert reason in bad.message.value and bad.message.value.startswith("⚠")
    assert builder.filters == [PropertyFilter("plan", ["pro"])]
    assert "1 incomplete filter" in builder.preview.value


def test_empty_key_is_marked():
    builder = FilterBuilder()
    builder.add_button.click()
    row = builder.rows[0]
    row.operator.value = "is_set"
    assert "key is empty" in row.message.value
    assert builder.filters == [] and builder.to_param() == "[]"
    row.key.value = "   "  # blanks are no key either
    assert "key is empty" in row.message.value


def _expected_filter(operator, sent):
    return PropertyFilter.from_dict({"key": "k", "value": sent, "operator": operator})


ROUND_TRIP = [_expected_filter(op, sent) for op, _, sent in CASES] + [
    PropertyFilter("n", [10, 2.5, True, "x"]),  # typed values survive the string tags
    PropertyFilter("n", 10.0, operator="gt"),  # a float stays a float
    PropertyFilter("d", "2024-05-01T00:00:00", operator="is_date_exact"),
    PropertyFilter("plan", "pro", type="event"),
    PropertyFilter("id", 7, operator="in", type="cohort"),
    PropertyFilter("properties.seats > 10", type="hogql"),
]


@pytest.mark.parametrize("original", ROUND_TRIP, ids=repr)
def test_loading_then_reading_back_gives_the_same_filters(original):
    for given in ([original], [original.to_dict()], json.dumps([original.to_dict()])):
        builder = FilterBuilder(filters=given)
        assert builder.filters == [original]
        assert json.loads(builder.to_param()) == [original.to_dict()]
        # the rows themselves must describe the filter, not just echo the model
        assert [row.filter for row in builder.rows] == [original]


def test_loaded_values_land_in_the_matching_controls():
    builder = FilterBuilder(
        filters=[
            PropertyFilter("os", ["Linux", "iOS"]),
            PropertyFilter("seats", [2, 8], operator="between"),
            PropertyFilter("signup", "2024-02-29", operator="is_date_before"),
            PropertyFilter("email", operator="is_set"),
        ]
    )
    os_row, seats_row, date_row, set_row = builder.rows
    assert os_row.tags.value == ["Linux", "iOS"] and os_row.operator.value == "exact"
    assert (seats_row.low.value, seats_row.high.value) == ("2", "8")
    assert date_row.date.value == dt.date(2024, 2, 29) and date_row.relative.value == ""
    assert set_row.value_widget.children == ()
    assert seats_row.low in seats_row.value_widget.children


def test_add_value_field_adds_tags_once_and_clears():
    builder = FilterBuilder()
    row = new_row(builder, "os")
    for typed in ("Linux", " Linux ", "iOS"):
        row.add_value.value = typed
    assert row.tags.value == ["Linux", "iOS"] and row.add_value.value == ""


def test_picked_date_and_relative_date_replace_each_other():
    builder = FilterBuilder()
    row = new_row(builder, "signup", "is_date_after")
    row.relative.value = "-30d"
    row.date.value = dt.date(2024, 1, 2)
    assert row.relative.value == "" and row.filter.value == "2024-01-02"
    row.relative.value = "-1dStart"
    assert row.date.value is None and row.filter.value == "-1dStart"


def test_read_only_rows_keep_what_the_builder_cannot_edit():
    hogql = PropertyFilter("properties.seats > 10", type="hogql")
    builder = FilterBuilder(filters=[hogql])
    row = builder.rows[0]
    assert row.key.disabled and row.operator.disabled
    row.remove_button.click()
    assert builder.filters == []
