"""posthog_frames.widgets.catalog: names, operator menus and values suggested from the project."""

from __future__ import annotations

from posthog_frames.exceptions import PermissionDenied
from posthog_frames.filters import PropertyFilter
from posthog_frames.widgets import FilterBuilder
from posthog_frames.widgets.catalog import PropertyCatalog, operator_menu
from tests.unit.widgets._drive import FakeClient, new_row


def test_property_type_switches_the_offered_operators():
    client = FakeClient()
    builder = FilterBuilder(client, preview=False)
    assert client.definition_calls == 0  # nothing fetched until a row needs it
    row = new_row(builder, "seats")
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
    new_row(builder, "seats")
    assert client.definition_calls == 1
    assert builder.apply_button is None  # preview=False
    # tags are typed by the definition; suggestions are fetched once, only for known keys
    seats = new_row(builder, "seats")
    seats.tags.value = ["10", "2.5"]
    paid = new_row(builder, "is_paid")
    paid.tags.value = ["true"]
    assert seats.filter == PropertyFilter("seats", [10, 2.5])
    assert paid.filter == PropertyFilter("is_paid", [True])
    os_row = new_row(builder, "$initial_os")
    assert os_row.add_value.options == ("Linux", "Mac OS X", "true")
    new_row(builder, "$initial_os")
    new_row(builder, "typo_key")
    # once per known key that had a values field; never for keys the project lacks
    assert sorted(client.value_calls) == ["$initial_os", "is_paid", "mystery", "seats"]


def test_without_a_client_nothing_is_suggested_and_every_operator_is_offered():
    catalog = PropertyCatalog(None)
    assert catalog.property_types() is None and catalog.key_options() == []
    assert catalog.value_options("plan", "person") == ()
    assert catalog.definition_type("plan") is None
    codes = catalog.operator_codes("plan")
    assert codes == operator_menu(None, known=False)
    assert {"icontains", "gt", "is_date_before"} <= set(codes)
    assert codes[-2:] == ["is_set", "is_not_set"]


class _RefusingClient(FakeClient):
    """A key without the scope to read definitions or values."""

    def property_definitions(self, type="person", search=None):
        self.definition_calls += 1
        raise PermissionDenied(
            "no property_definition:read", missing_scope="property_definition:read"
        )

    def property_values(self, key, search=None):
        self.value_calls.append(key)
        raise PermissionDenied("no scope", missing_scope="person:read")


def test_a_refused_look_up_is_told_once_and_keys_are_typed_by_hand():
    client, told = _RefusingClient(), []
    catalog = PropertyCatalog(client, notify=told.append)
    assert catalog.key_options() == [] and catalog.key_options() == []
    assert client.definition_calls == 1  # asked once, not on every keystroke
    assert catalog.operator_codes("seats") == operator_menu(None, known=False)
    for _ in range(2):
        assert list(catalog.value_options("plan", "person")) == []
    assert client.value_calls == ["plan"]
    assert len(told) == 2 and "property names unavailable" in told[0]
    assert "no value suggestions for 'plan'" in told[1]


def test_values_are_suggested_for_person_properties_only():
    client = FakeClient()
    catalog = PropertyCatalog(client, type="event")
    assert catalog.value_options("$initial_os", "event") == ()
    assert catalog.value_options("$initial_os", "person") == ["Linux", "Mac OS X", "true"]
    assert client.value_calls == ["$initial_os"]
