"""The demo's cohorts over real HTTP with plain `requests`: list/retrieve shapes, the cohort
persons endpoint, the first calculation, and cohort filters on persons and insights.

Expected members come from the unfiltered persons listing and the cohorts' documented
definitions, evaluated here in plain Python, never from the server's own modules.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from posthog_frames.demo.app import _ROUTES
from posthog_frames.demo.data.cohorts import FIRST_CALCULATION_READS
from tests.demo.http_helpers import NOT_FOUND, get

# CohortSerializer.Meta.fields (posthog/api/cohort.py), the write-only ones left out.
FIELDS = (
    "id name description groups deleted filters query version pending_version is_calculating "
    "created_by created_at last_calculation last_backfill_person_properties_at errors_calculating "
    "last_error_message count is_static cohort_type experiment_set search_match_type"
).split()
LAUNCH = datetime(2025, 2, 10, tzinfo=UTC)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _paying(p: dict) -> bool:
    return p["properties"].get("plan") in ("pro", "enterprise")


def _desktop_engineer(p: dict) -> bool:
    props = p["properties"]
    return props.get("role") == "engineer" and props.get("$initial_device_type") == "Desktop"


def _launch_week(p: dict) -> bool:
    return LAUNCH <= _when(p["created_at"]) < LAUNCH + timedelta(days=7)


EXPECTED = {1: _paying, 2: _launch_week, 3: _desktop_engineer, 4: lambda p: not _paying(p)}


def _ids(body: dict) -> set[str]:
    return {p["id"] for p in body["results"]}


def _finished(demo, cohort: int = 3) -> None:
    """Let a cohort's first calculation end (reads count, as the demo documents)."""
    for _ in range(FIRST_CALCULATION_READS + 1):
        get(demo, f"/api/projects/1/cohorts/{cohort}/")


def test_list_is_paginated_newest_first_without_deleted_cohorts(demo):
    body = get(demo, "/api/projects/1/cohorts/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    stamps = [c["created_at"] for c in body["results"]]
    assert stamps == sorted(stamps, reverse=True) and body["count"] == 4
    assert 5 not in {c["id"] for c in body["results"]}  # deleted
    first = get(demo, "/api/projects/1/cohorts/", params={"limit": 3}).json()
    assert len(first["results"]) == 3 and "offset=3" in first["next"]
    rest = get(demo, first["next"].replace(demo.url, "")).json()
    assert [c["id"] for c in first["results"] + rest["results"]] == [
        c["id"] for c in body["results"]
    ]


def test_list_filters_by_type_and_search(demo):
    static = get(demo, "/api/projects/1/cohorts/", params={"type": "static"}).json()
    assert [c["id"] for c in static["results"]] == [2]
    dynamic = get(demo, "/api/projects/1/cohorts/", params={"type": "dynamic"}).json()
    assert 2 not in {c["id"] for c in dynamic["results"]} and dynamic["count"] == 3
    found = get(demo, "/api/projects/1/cohorts/", params={"search": "PAYING"}).json()
    assert {c["name"] for c in found["results"]} == {"Paying customers", "Not paying yet"}
    too_long = get(demo, "/api/projects/1/cohorts/", params={"search": "x" * 201})
    assert too_long.status_code == 400 and too_long.json()["attr"] == "search"


def test_retrieve_has_posthogs_fields_and_serves_deleted_cohorts(demo):
    body = get(demo, "/api/projects/1/cohorts/1/").json()
    assert list(body) == FIELDS
    assert body["filters"]["properties"]["values"][0]["values"][0]["key"] == "plan"
    assert get(demo, "/api/projects/1/cohorts/5/").json()["deleted"] is True
    for missing in ("99", "abc"):
        response = get(demo, f"/api/projects/1/cohorts/{missing}/")
        assert response.status_code == 404 and response.json() == NOT_FOUND
        assert get(demo, f"/api/projects/1/cohorts/{missing}/persons/").status_code == 404
    assert get(demo, "/api/projects/2/cohorts/").json()["count"] == 0


@pytest.mark.parametrize("cohort", [1, 2, 3, 4])
def test_members_follow_the_definition(demo, everyone, cohort):
    _finished(demo)
    want = {p["id"] for p in everyone if EXPECTED[cohort](p)}
    body = get(demo, f"/api/projects/1/cohorts/{cohort}/persons/", params={"limit": 1000}).json()
    assert _ids(body) == want and want
    assert get(demo, f"/api/projects/1/cohorts/{cohort}/").json()["count"] == len(want)
    # The same members as the persons list filtered on the cohort (reference §14).
    props = json.dumps([{"type": "cohort", "key": "id", "value": cohort}])
    listed = get(demo, "/api/projects/1/persons/", params={"properties": props, "limit": 1000})
    assert _ids(listed.json()) == want


def test_cohort_persons_page_like_the_persons_list_but_never_count(demo, everyone):
    body = get(
        demo, "/api/projects/1/cohorts/1/persons/", params={"limit": 40, "include_total": ""}
    ).json()
    assert set(body) == {"results", "next", "previous"}  # no count, even when asked
    seen = _ids(body)
    while body["next"]:
        body = get(demo, body["next"].replace(demo.url, "")).json()
        assert not seen & _ids(body)
        seen |= _ids(body)
    assert seen == {p["id"] for p in everyone if _paying(p)}
    # properties and search narrow the members; distinct_id and email are not read there.
    narrowed = get(
        demo,
        "/api/projects/1/cohorts/1/persons/",
        params={"properties": json.dumps([{"key": "plan", "value": ["pro"], "type": "person"}])},
    ).json()
    assert {p["properties"]["plan"] for p in narrowed["results"]} == {"pro"}
    ignored = get(demo, "/api/projects/1/cohorts/1/persons/", params={"email": "nobody@x.io"})
    assert ignored.json()["results"]


def test_a_new_cohort_reports_calculating_with_no_members_for_its_first_reads(demo, everyone):
    demo.calculate_cohort(3, reads=2)
    for _ in range(2):
        body = get(demo, "/api/projects/1/cohorts/3/").json()
        assert body["is_calculating"] is True
        assert body["count"] is None and body["last_calculation"] is None
        # PostHog's IN COHORT reads precalculated members: none exist yet.
        members = get(demo, "/api/projects/1/cohorts/3/persons/").json()
        assert members["results"] == [] and members["next"] is None
    done = get(demo, "/api/projects/1/cohorts/3/").json()
    assert done["is_calculating"] is False and done["last_calculation"]
    assert done["count"] == sum(_desktop_engineer(p) for p in everyone) > 0


def test_not_in_and_negation_are_the_complement(demo, everyone):
    for leaf in (
        {"type": "cohort", "key": "id", "value": 1, "operator": "not_in"},
        {"type": "cohort", "key": "id", "value": 1, "negation": True},
    ):
        body = get(
            demo,
            "/api/projects/1/persons/",
            params={"properties": json.dumps([leaf]), "limit": 1000},
        ).json()
        assert _ids(body) == {p["id"] for p in everyone if not _paying(p)}


def test_an_unknown_cohort_fails_as_posthog_does(demo):
    # property_to_expr's Cohort.objects.get raises DoesNotExist: PostHog's generic 500.
    props = json.dumps([{"type": "cohort", "key": "id", "value": 99}])
    response = get(demo, "/api/projects/1/persons/", params={"properties": props})
    assert response.status_code == 500 and response.json()["type"] == "server_error"
    bad = json.dumps([{"type": "cohort", "key": "id", "value": "one"}])
    refused = get(demo, "/api/projects/1/persons/", params={"properties": bad})
    assert refused.status_code == 400 and "cohort id" in refused.json()["detail"]


def test_insights_filter_on_cohorts(demo):
    def visitors(override: dict | None) -> int:
        params = {"refresh": "force_blocking"}
        if override:
            params["filters_override"] = json.dumps(override)
        body = get(demo, "/api/projects/1/insights/3/", params=params).json()
        return body["result"][0]["aggregated_value"]

    everyone, paying = visitors(None), visitors({"properties": [_leaf(1, "in")]})
    others = visitors({"properties": [_leaf(1, "not_in")]})
    assert 0 < paying < everyone and paying + others == everyone
    failed = get(
        demo,
        "/api/projects/1/insights/3/",
        params={
            "refresh": "force_blocking",
            "filters_override": json.dumps({"properties": [_leaf(99, "in")]}),
        },
    ).json()
    assert failed["result"] is None and failed["query_status"]["error"] is True
    assert "Cohort matching query does not exist" in failed["query_status"]["error_message"]


def _leaf(cohort: int, operator: str) -> dict:
    return {"type": "cohort", "key": "id", "value": cohort, "operator": operator}


def test_scopes_are_posthogs(demo):
    refused = get(demo, "/api/projects/1/cohorts/", key="limited")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "API key missing required scope 'cohort:read'"
    # The persons action needs both scopes (CohortViewSet.persons required_scopes).
    route = next(r for r in _ROUTES if r.handler == "_cohort_persons")
    assert route.scopes == ("cohort:read", "person:read")
