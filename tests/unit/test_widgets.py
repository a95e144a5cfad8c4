"""FilterBuilder driven headless: set the inner controls' values, click buttons, read filters."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pandas as pd
import pytest

from posthog_frames.exceptions import ValidationError
from posthog_frames.filters import PropertyFilter
from posthog_frames.widgets import FilterBuilder


def _set(**controls):
    """A row-editing step: assign each named control's value, in order."""

    def apply(row):
        for name, value in controls.items():
            getattr(row, name).value = value

    return apply


# (operator, how the user fills the row, the JSON PostHog should receive for key "k")
CASES = [
    ("exact", _set(tags=["Linux", "Mac OS X"]), ["Linux", "Mac OS X"]),
    ("exact", _set(add_value="Linux"), ["Linux"]),
    ("is_not", _set(tags=["Windows"]), ["Windows"]),
    ("icontains", _set(text="gmail"), "gmail"),
    ("not_icontains", _set(text="@example.com"), "@example.com"),
    ("regex", _set(text=r"^a.*z$"), r"^a.*z$"),
    ("not_regex", _set(text=r"\d+"), r"\d+"),
    ("gt", _set(number="10"), 10),
    ("gte", _set(number="2.5"), 2.5),
    ("lt", _set(number="-3"), -3),
    ("lte", _set(number="0"), 0),
    ("between", _set(low="1", high="5"), [1, 5]),
    ("not_between", _set(low="0.5", high="0.75"), [0.5, 0.75]),
    ("is_date_exact", _set(date=dt.date(2024, 5, 1)), "2024-05-01"),
    ("is_date_before", _set(relative="-7d"), "-7d"),
    ("is_date_after", _set(relative="2024-05-01T12:00:00Z"), "2024-05-01T12:00:00Z"),
    ("is_set", _set(), "is_set"),
    ("is_not_set", _set(), "is_not_set"),
]
IDS = [f"{op}-{i}" for i, (op, _, _) in enumerate(CASES)]


def _new_row(builder: FilterBuilder, key: str = "k", operator: str | None = None):
    builder.add_button.click()
    row = builder.rows[-1]
    row.key.value = key
    if operator is not None:
        row.operator.value = operator
    return row


def _preview_text(builder: FilterBuilder, css_class: str) -> str:
    found = re.search(rf'<pre class="{css_class}">(.*?)</pre>', builder.preview.value, re.S)
    assert found, builder.preview.value
    return html.unescape(found.group(1))


@pytest.mark.parametrize(("operator", "fill", "sent"), CASES, ids=IDS)
def test_every_operator_built_from_the_controls(operator, fill, sent):
    builder = FilterBuilder()
    row = _new_row(builder, "k", operator)
    fill(row)
    expected = {"key": "k", "value": sent, "operator": operator, "type": "person"}
    assert row.problem is None and row.message.value == ""
    assert json.loads(builder.to_param()) == [expected]
    assert builder.value == [expected]
    assert builder.filters == [PropertyFilter.from_dict(expected)]


@pytest.mark.parametrize(
    ("operator", "fill", "reason"),
    [
        ("between", _set(low="3"), "two numbers"),
        ("not_between", _set(high="3"), "two numbers"),
        ("between", _set(low="5", high="1"), "min <= max"),
        ("regex", _set(text="(unclosed"), "regular expression"),
        ("exact", _set(), "at least one value"),
        ("gt", _set(number="ten"), "needs a number"),
        ("icontains", _set(), "needs a value"),
        ("is_date_before", _set(relative="yesterday"), "date"),
    ],
)
def test_invalid_rows_are_marked_and_left_out(operator, fill, reason):
    builder = FilterBuilder()
    good = _new_row(builder, "plan")
    good.tags.value = ["pro"]
    bad = _new_row(builder, "k", operator)
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


def test_value_observers_fire_with_the_new_list():
    builder = FilterBuilder()
    seen = []
    builder.observe(lambda change: seen.append(change["new"]), names="value")
    row = _new_row(builder, "seats", "gt")
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
    assert _preview_text(builder, "phf-json") == builder.to_param()


def test_bad_value_from_python_raises_a_typed_error():
    builder = FilterBuilder()
    with pytest.raises(ValidationError, match="operater"):
        builder.value = [{"key": "seats", "operater": "gt", "value": 3}]


def test_python_preview_evals_back_to_the_filters():
    builder = FilterBuilder()
    _new_row(builder, "$initial_os").add_value.value = "Linux"
    seats = _new_row(builder, "seats", "between")
    seats.low.value, seats.high.value = "1", "9"
    code = _preview_text(builder, "phf-python")
    rebuilt = eval(code, {"PropertyFilter": PropertyFilter})
    assert rebuilt == [
        PropertyFilter("$initial_os", ["Linux"]),
        PropertyFilter("seats", [1, 9], operator="between"),
    ]
    assert json.loads(_preview_text(builder, "phf-json")) == [f.to_dict() for f in rebuilt]


def test_single_filter_preview_is_the_plain_repr():
    builder = FilterBuilder(filters=[PropertyFilter("$initial_os", ["Linux"])])
    assert _preview_text(builder, "phf-python") == "[PropertyFilter('$initial_os', ['Linux'])]"


def test_removing_a_row():
    builder = FilterBuilder(filters=[PropertyFilter("a", "1"), PropertyFilter("b", "2")])
    seen = []
    builder.observe(lambda change: seen.append(change["new"]), names="value")
    builder.rows[0].remove_button.click()
    assert len(builder.rows) == 1 and builder.rows_box.children == tuple(builder.rows)
    assert builder.filters == [PropertyFilter("b", "2")]
    assert seen == [[PropertyFilter("b", "2").to_dict()]]
    assert "'a'" not in _preview_text(builder, "phf-python")


def test_add_value_field_adds_tags_once_and_clears():
    builder = FilterBuilder()
    row = _new_row(builder, "os")
    for typed in ("Linux", " Linux ", "iOS"):
        row.add_value.value = typed
    assert row.tags.value == ["Linux", "iOS"] and row.add_value.value == ""


def test_picked_date_and_relative_date_replace_each_other():
    builder = FilterBuilder()
    row = _new_row(builder, "signup", "is_date_after")
    row.relative.value = "-30d"
    row.date.value = dt.date(2024, 1, 2)
    assert row.relative.value == "" and row.filter.value == "2024-01-02"
    row.relative.value = "-1dStart"
    assert row.date.value is None and row.filter.value == "-1dStart"


def test_new_rows_take_the_builders_type():
    builder = FilterBuilder(type="event")
    row = _new_row(builder, "$browser")
    row.tags.value = ["Chrome"]
    assert builder.filters == [PropertyFilter("$browser", ["Chrome"], type="event")]
    with pytest.raises(ValidationError, match="person, event, session"):
        FilterBuilder(type="persons")


def test_read_only_rows_keep_what_the_builder_cannot_edit():
    cohort = PropertyFilter("id", 7, operator="in", type="cohort")
    builder = FilterBuilder(filters=[cohort])
    row = builder.rows[0]
    assert row.key.disabled and row.operator.disabled
    row.remove_button.click()
    assert builder.filters == []


def test_repr_is_short_and_shows_the_filters():
    builder = FilterBuilder(filters=[PropertyFilter("plan", "pro")])
    builder.add_button.click()
    text = repr(builder)
    assert "PropertyFilter('plan', ['pro'])" in text and "incomplete_rows=1" in text
    assert "Layout" not in text and "children" not in text


class _FakeClient:
    """Just enough of a Client for the property-type menus: two small canned frames."""

    def __init__(self):
        self.definition_calls = 0
        self.value_calls = []

    def property_definitions(self, type="person", search=None):
        self.definition_calls += 1
        return pd.DataFrame(
            {
                "name": ["$initial_os", "seats", "signup_date", "is_paid", "mystery"],
                "property_type": ["String", "Numeric", "DateTime", "Boolean", None],
            }
        )

    def property_values(self, key, search=None):
        self.value_calls.append(key)
        return pd.DataFrame({"value": ["Linux", "Mac OS X", True], "count": [5, 3, 1]})


def test_property_type_switches_the_offered_operators():
    client = _FakeClient()
    builder = FilterBuilder(client, preview=False)
    assert client.definition_calls == 0  # nothing fetched until a row needs it
    row = _new_row(builder, "seats")
    codes = lambda: [code for _, code in row.operator.options]  # noqa: E731
    assert row.key.options == ("$initial_os", "is_paid", "mystery", "seats", "signup_date")
    assert {"gt", "lte", "between", "is_set"} <= set(codes()) and "icontains" not in codes()
    row.operator.value = "gt"
    row.key.value = "signup_date"
    assert codes() == ["is_date_exact", "is_date_before", "is_date_after", "is_set", "is_not_set"]
    assert row.operator.value == "is_date_exact"  # gt is not offered for dates any more
    row.key.value = "is_paid"
    assert codes() == ["exact", "is_not", "is_set", "is_not_set"]
    row.key.value = "mystery"  # no type: string operators
    assert {"icontains", "regex"} <= set(codes()) and "gt" not in codes()
    row.key.value = "not_defined_anywhere"
    assert "icontains" in codes() and "between" not in codes()
    _new_row(builder, "seats")
    assert client.definition_calls == 1
    assert builder.apply_button is None  # preview=False
    # tags are typed by the definition; suggestions are fetched once, only for known keys
    seats = _new_row(builder, "seats")
    seats.tags.value = ["10", "2.5"]
    paid = _new_row(builder, "is_paid")
    paid.tags.value = ["true"]
    assert seats.filter == PropertyFilter("seats", [10, 2.5])
    assert paid.filter == PropertyFilter("is_paid", [True])
    os_row = _new_row(builder, "$initial_os")
    assert os_row.add_value.options == ("Linux", "Mac OS X", "true")
    _new_row(builder, "$initial_os")
    _new_row(builder, "typo_key")
    # once per known key that had a values field; never for keys the project lacks
    assert sorted(client.value_calls) == ["$initial_os", "is_paid", "mystery", "seats"]


def test_apply_without_a_client_says_what_to_do():
    from posthog_frames.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="client"):
        FilterBuilder().apply()


class _PersonsClient(_FakeClient):
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
