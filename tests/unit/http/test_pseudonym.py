"""The privacy pass on answers of PostHog's shapes (written here, after the persons endpoint,
a HogQL answer and an insight's ``created_by``): what changes, what stays, and stability."""

from __future__ import annotations

import orjson

from posthog_frames.http.pseudonym import Pseudonymiser

PERSON = {
    "id": 7,
    "uuid": "0194-7",
    "name": "Ada Lovelace",
    "distinct_ids": ["ada@analytical.engine", "anon-7"],
    "properties": {
        "email": "ada@analytical.engine",
        "name": "Ada Lovelace",
        "phone": 4420794601,
        "plan": "pro",
        "$os": "Linux",
    },
}


def test_personal_values_become_stable_fakes_and_the_rest_stays():
    first = Pseudonymiser("salt").answer({"results": [PERSON]})["results"][0]
    again = Pseudonymiser("salt").answer({"results": [PERSON]})["results"][0]
    other = Pseudonymiser("pepper").answer({"results": [PERSON]})["results"][0]
    props = first["properties"]
    assert first == again and first != other
    assert props["email"] == first["distinct_ids"][0] != PERSON["properties"]["email"]
    assert props["name"] == first["name"] and props["name"].startswith("Person ")
    assert isinstance(props["phone"], int) and len(str(props["phone"])) == 10
    assert props["phone"] != PERSON["properties"]["phone"]
    assert (props["plan"], props["$os"], first["id"], first["uuid"]) == (
        "pro",
        "Linux",
        7,
        "0194-7",
    )
    assert first["distinct_ids"][1] == "anon-7"


def test_hogql_columns_json_bags_and_users_are_covered():
    fake = Pseudonymiser("salt")
    person = fake.answer(PERSON)
    rows = fake.answer(
        {
            "columns": ["distinct_id", "person.properties.$name", "properties", "event"],
            "results": [
                ["ada@analytical.engine", "Ada Lovelace", '{"email": "ada@analytical.engine"}', "x"]
            ],
        }
    )["results"][0]
    assert rows[0] == person["properties"]["email"]
    assert rows[1] == person["name"]  # $name and name: the same person, the same fake
    assert orjson.loads(rows[2]) == {"email": person["properties"]["email"]}
    assert rows[3] == "x"
    insight = fake.answer(
        {"name": "Signups", "created_by": {"first_name": "Ada", "email": "a@b.io"}}
    )
    assert insight["name"] == "Signups"
    assert insight["created_by"]["first_name"] != "Ada" and "b.io" not in str(insight)


def test_keys_can_be_added_and_exempted():
    fake = Pseudonymiser("salt", keys=["plan"], exempt=["name"])
    props = fake.answer(PERSON)["properties"]
    assert props["plan"].startswith("Person ") and props["name"] == "Ada Lovelace"
    assert props["email"] != "ada@analytical.engine"


def test_restore_turns_fakes_back_into_what_posthog_knows():
    fake = Pseudonymiser("salt")
    email = fake.answer(PERSON)["properties"]["email"]
    assert fake.restore(f"/persons/?email={email}") == "/persons/?email=ada@analytical.engine"
    quoted = email.replace("@", "%40")
    assert fake.restore(f"?email={quoted}") == "?email=ada%40analytical.engine"
    name = fake.answer(PERSON)["name"]
    assert fake.restore("search=" + name.replace(" ", "+")) == "search=Ada+Lovelace"
    assert fake.restore("nothing to do") == "nothing to do"
