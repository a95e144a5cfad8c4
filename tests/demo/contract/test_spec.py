"""The contract machinery itself: the OpenAPI 3.0 → JSON Schema rewrite, and proof that the
checks refuse a demo answer with a required field taken away."""

from __future__ import annotations

import copy

from jsonschema import Draft202012Validator

from tests.demo.contract.deviations import patches_for
from tests.demo.contract.endpoints import ENDPOINTS, USER, Endpoint, Fields
from tests.demo.contract.spec import problems, to_json_schema, validator
from tests.demo.contract.test_contract import check
from tests.demo.http_helpers import get


def endpoint(name: str) -> Endpoint:
    (found,) = [e for e in ENDPOINTS if e.name == name]
    return found


def accepts(schema: dict, value: object) -> bool:
    return Draft202012Validator(to_json_schema(schema)).is_valid(value)


def test_nullable_adds_null_to_a_type_and_to_an_enum():
    assert accepts({"type": "string", "nullable": True}, None)
    assert not accepts({"type": "string"}, None)
    assert not accepts({"type": "string", "nullable": True}, 3)  # nothing else loosened
    assert accepts({"type": "string", "enum": ["a"], "nullable": True}, None)
    assert not accepts({"type": "string", "enum": ["a"], "nullable": True}, "b")


def test_nullable_without_a_type_becomes_a_null_alternative():
    ref_like = {"allOf": [{"type": "integer", "minimum": 1}], "nullable": True, "readOnly": True}
    assert accepts(ref_like, None) and accepts(ref_like, 2)
    assert not accepts(ref_like, 0) and not accepts(ref_like, "2")
    assert accepts({"nullable": True}, None)  # `{}` accepted everything already
    typed_and_combined = {"type": "string", "allOf": [{"enum": ["a"]}], "nullable": True}
    assert accepts(typed_and_combined, None) and accepts(typed_and_combined, "a")
    assert not accepts(typed_and_combined, "b")
    converted = to_json_schema(ref_like)
    assert converted["readOnly"] is True and "readOnly" not in converted["anyOf"][0]


def test_nullable_inside_properties_and_items_and_property_names_kept():
    schema = {
        "type": "object",
        "properties": {
            "nullable": {"type": "array", "items": {"type": "integer", "nullable": True}},
            "example": {"type": "string"},
        },
        "example": {"nullable": [1]},
    }
    converted = to_json_schema(schema)
    assert set(converted["properties"]) == {"nullable", "example"} and "example" not in converted
    assert accepts(schema, {"nullable": [1, None], "example": "x"})
    assert not accepts(schema, {"nullable": None})


def test_write_only_required_fields_are_not_required_in_answers():
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "password": {"type": "string", "writeOnly": True},
        },
        "required": ["id", "password"],
    }
    assert to_json_schema(schema)["required"] == ["id"]
    assert to_json_schema(schema, response=False)["required"] == ["id", "password"]


def test_an_insight_without_a_required_field_is_refused(demo):
    insight = get(demo, "/api/projects/1/insights/1/", params={"refresh": "blocking"}).json()
    check_insight = validator(
        "terraform/insights_retrieve.json",
        "/components/schemas/Insight",
        patches_for(endpoint("insight retrieve")),
    )
    assert problems(check_insight, insight) == []
    broken = {k: v for k, v in insight.items() if k != "short_id"}
    assert problems(check_insight, broken) == ["<body>: 'short_id' is a required property"]
    mistyped = {**insight, "is_sample": "no"}
    assert problems(check_insight, mistyped) == ["is_sample: 'no' is not of type 'boolean'"]


def test_a_user_without_a_serializer_field_is_refused(demo):
    me = get(demo, "/api/users/@me/").json()
    entry = endpoint("users @me")
    assert isinstance(entry.contract, Fields) and "is_impersonated_read_only" in USER
    assert check(entry, me) == []
    broken = copy.deepcopy(me)
    del broken["organization"]["is_active"]
    assert check(entry, broken) == ["/organization: missing 'is_active'"]


def test_the_persons_deviation_stays_on_the_list(demo):
    person = get(demo, "/api/projects/1/persons/1/").json()
    listed = get(demo, "/api/projects/1/persons/", params={"limit": 1}).json()["results"][0]
    schema = ("terraform/persons_retrieve.json", "/components/schemas/Person")
    retrieve, listing = (
        validator(*schema),
        validator(*schema, patches_for(endpoint("persons list"))),
    )
    assert isinstance(person["id"], int) and problems(retrieve, person) == []
    assert problems(retrieve, {**person, "id": listed["id"]}) != []  # retrieve keeps integers
    assert problems(listing, listed) == [] and problems(listing, {**listed, "id": 7}) != []
    assert problems(listing, {**listed, "id": "not-a-uuid"}) == ["id: 'not-a-uuid' is not a 'uuid'"]


def test_the_cache_miss_entry_is_a_miss(demo, placeholders):
    miss = endpoint("insight retrieve (cache miss)")
    path = miss.path.replace("{insight}", str(placeholders["insight"][0]))
    body = get(demo, path, params=miss.params).json()
    assert body["result"] is None and body["last_refresh"] is None and body["is_cached"] is False
