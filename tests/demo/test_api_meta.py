"""The demo server over real HTTP with plain `requests`: the user, projects and property
definitions (``api.meta``).

Expected values come from the unfiltered persons listing (what a client sees) and independent
Python computations over it, never from the server's own modules.
"""

from __future__ import annotations

from tests.demo.http_helpers import get


def test_me_names_the_project(demo):
    response = get(demo, "/api/users/@me/")
    assert response.status_code == 200
    me = response.json()
    assert me["team"]["project_id"] == demo.project_id
    assert me["team"]["api_token"].startswith("phc_")
    assert demo.project_id in [t["id"] for t in me["organization"]["teams"]]
    assert me["organizations"][0]["id"] == me["organization"]["id"]
    assert {"uuid", "distinct_id", "email", "is_staff", "date_joined"} <= set(me)


def test_projects_list_and_retrieve(demo):
    listing = get(demo, "/api/projects/").json()
    assert set(listing) == {"count", "next", "previous", "results"}
    assert listing["count"] == len(listing["results"]) >= 1
    one = get(demo, f"/api/projects/{demo.project_id}/").json()
    assert one["id"] == demo.project_id and one["name"] in [p["name"] for p in listing["results"]]


def test_property_definitions(demo, everyone):
    body = get(demo, "/api/projects/1/property_definitions/?type=person&limit=500").json()
    assert set(body) == {"count", "next", "previous", "results"}
    stored = [d for d in body["results"] if not d.get("virtual")]
    names = {d["name"] for d in stored}
    assert names == {k for p in everyone for k in p["properties"]}
    types = {d["name"]: d["property_type"] for d in stored}
    assert types["seats"] == "Numeric" and types["is_verified"] == "Boolean"
    assert types["signed_up_at"] == "DateTime" and types["zip_code"] == "String"
    assert all(d["is_numerical"] == (d["property_type"] == "Numeric") for d in body["results"])
    paged = get(demo, "/api/projects/1/property_definitions/?type=person&limit=5").json()
    assert paged["count"] == len(names) + 4 and len(paged["results"]) == 5 and paged["next"]
    events = get(demo, "/api/projects/1/property_definitions/?type=event").json()["results"]
    assert {"name": "revenue", "property_type": "Numeric"}.items() <= next(
        d for d in events if d["name"] == "revenue"
    ).items()
    bad = get(demo, "/api/projects/1/property_definitions/?type=nope")
    assert bad.status_code == 400 and bad.json()["attr"] == "type"


def test_person_definitions_end_with_posthogs_virtual_properties(demo):
    # posthog/api/property_definition.py: appended to the last page only, counted on every page.
    url = "/api/projects/1/property_definitions/?type=person&limit=1000"
    body = get(demo, url).json()
    virtual = [d for d in body["results"] if d.get("virtual")]
    assert [d["name"] for d in virtual] == [
        "$virt_initial_channel_type",
        "$virt_initial_referring_domain_type",
        "$virt_revenue",
        "$virt_revenue_last_30_days",
    ]
    assert body["results"][-4:] == virtual and body["next"] is None
    assert set(virtual[2]) == {"id", "name", "is_numerical", "property_type", "tags", "virtual"}
    assert virtual[2]["id"] == "$builtin_$virt_revenue" and virtual[2]["is_numerical"] is True
    stored = len(body["results"]) - 4
    first = get(demo, url.replace("limit=1000", f"limit={stored - 1}")).json()
    assert first["count"] == stored + 4 and not any(d.get("virtual") for d in first["results"])
    last = get(demo, first["next"].removeprefix(demo.url)).json()
    assert len(last["results"]) == 1 + 4 and last["next"] is None  # longer than the limit
    searched = get(demo, url + "&search=revenue").json()["results"]
    assert [d["name"] for d in searched] == ["$virt_revenue", "$virt_revenue_last_30_days"]
    events = get(demo, "/api/projects/1/property_definitions/?type=event").json()["results"]
    assert not any(d.get("virtual") for d in events)
