"""The demo server over real HTTP with plain `requests`: PostHog's key lookup, 401s and
403s (``auth``).

Expected values come from the unfiltered persons listing (what a client sees) and independent
Python computations over it, never from the server's own modules.
"""

from __future__ import annotations

import re

import pytest

from tests.demo.http_helpers import get


def _invalid(source: str) -> dict:
    return {
        "type": "authentication_error",
        "code": "authentication_failed",
        "detail": f"Personal API key found in request {source} is invalid.",
        "attr": None,
    }


def test_no_credentials_is_401_not_authenticated(demo):
    response = get(demo, "/api/projects/1/persons/", key=None)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    assert "WWW-Authenticate" not in response.headers
    assert response.json() == {
        "type": "authentication_error",
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
        "attr": None,
    }


@pytest.mark.parametrize(
    ("where", "source"),
    [("header", "Authorization header"), ("body", "body"), ("query", "query string")],
)
def test_wrong_key_names_where_it_was_found(demo, where, source):
    wrong = "phx_demo_00000000_00000000"
    kwargs: dict = {"key": wrong} if where == "header" else {"key": None}
    if where == "body":
        kwargs["json"] = {"personal_api_key": wrong}
    if where == "query":
        kwargs["params"] = {"personal_api_key": wrong}
    response = get(demo, "/api/projects/1/persons/", **kwargs)
    assert response.status_code == 401
    assert response.json() == _invalid(source)


def test_only_the_first_key_candidate_is_tried(demo):
    good = {"personal_api_key": demo.api_key}
    bad_header = get(demo, "/api/users/@me/", key="phx_demo_bad_bad", params=good)
    assert bad_header.status_code == 401 and bad_header.json() == _invalid("Authorization header")
    bad_body = get(demo, "/api/users/@me/", key=None, json={"personal_api_key": "x"}, params=good)
    assert bad_body.json() == _invalid("body")
    assert get(demo, "/api/users/@me/", key=None, params=good).status_code == 200
    form = get(demo, "/api/users/@me/", key=None, data=good)
    assert form.status_code == 200


def test_limited_key_gets_403_naming_the_missing_scope(demo):
    for path, scope in [
        ("/api/projects/1/persons/", "person:read"),
        ("/api/projects/1/persons/values/?key=plan", "person:read"),
        ("/api/projects/1/insights/", "insight:read"),
        ("/api/projects/1/dashboards/", "dashboard:read"),
        ("/api/projects/1/cohorts/", "cohort:read"),
        ("/api/projects/1/cohorts/1/persons/", "cohort:read"),
        ("/api/projects/1/actions/", "action:read"),
    ]:
        response = get(demo, path, key="limited")
        assert response.status_code == 403
        assert response.json() == {
            "type": "authentication_error",
            "code": "permission_denied",
            "detail": f"API key missing required scope '{scope}'",
            "attr": None,
        }
    assert get(demo, "/api/users/@me/", key="limited").status_code == 200
    assert get(demo, "/api/projects/1/property_definitions/", key="limited").status_code == 200
    assert get(demo, "/api/projects/1/event_definitions/", key="limited").status_code == 200


def test_demo_keys_do_not_look_like_real_keys(demo):
    for key in (demo.api_key, demo.limited_api_key):
        assert key.startswith("phx_demo_")
        assert not re.search(r"phx_[A-Za-z0-9]{20,}", key)
    assert demo.api_key != demo.limited_api_key
