"""Every error the demo answers has PostHog's error envelope.

drf-exceptions-hog (PostHog/drf-exceptions-hog exceptions_hog/handler.py, pinned 0.4.0 by
PostHog's pyproject.toml) renders every API error as ``{type, code, detail, attr}`` plus an
optional ``extra`` (reference §2). The schema below is that envelope, written from the handler;
``GET /query/:id/`` failures are the one exception PostHog makes (their body is
``{"query_status": ...}``, posthog/api/query.py) and are checked in test_contract.py.
"""

from __future__ import annotations

import pytest
import requests
from jsonschema import Draft202012Validator

from posthog_frames.demo import serve
from tests.demo.http_helpers import get

ENVELOPE = Draft202012Validator(
    {
        "type": "object",
        "properties": {
            "type": {
                "enum": [
                    "authentication_error",
                    "invalid_request",
                    "server_error",
                    "throttled_error",
                    "validation_error",
                    "multiple",
                ]
            },
            "code": {"type": "string", "minLength": 1},
            "detail": {"type": "string", "minLength": 1},
            "attr": {"type": ["string", "null"]},
            "extra": {"type": "object"},
        },
        "required": ["type", "code", "detail", "attr"],
        "additionalProperties": False,
    }
)
# The type each status carries (handler: _get_error_type).
TYPES = {
    400: {"validation_error"},
    401: {"authentication_error"},
    403: {"authentication_error"},
    404: {"invalid_request"},
    405: {"invalid_request"},
    429: {"throttled_error"},
    500: {"server_error"},
    503: {"server_error"},
}
HOGQL_OFFSET = {"query": {"kind": "HogQLQuery", "query": "select 1 limit 1 offset 1"}}

CASES = [
    (400, "/api/projects/1/persons/not-a-person-id/", "full", None),
    (400, "/api/projects/1/property_definitions/?type=nonsense", "full", None),
    (400, "/api/projects/1/query/", "full", HOGQL_OFFSET),
    (400, "/api/projects/1/insights/1/?refresh=blocking&filters_override=%5B%5D", "full", None),
    (401, "/api/users/@me/", None, None),
    (401, "/api/users/@me/", "phx_not-a-key", None),
    (403, "/api/projects/1/persons/", "limited", None),
    (403, "/api/projects/1/insights/", "limited", None),
    (404, "/api/projects/1/nothing-here/", "full", None),
    (404, "/api/projects/999/persons/", "full", None),
    (404, "/api/projects/1/insights/999999/", "full", None),
    (404, "/api/projects/1/persons/00000000-0000-0000-0000-000000000000/", "full", None),
    (404, "/api/projects/1/query/no-such-query/", "full", None),
    (405, "/api/projects/1/query/", "full", None),  # GET where only POST is routed
]


def assert_envelope(answer: requests.Response, status: int) -> None:
    assert answer.status_code == status, answer.text[:300]
    body = answer.json()
    errors = [e.message for e in ENVELOPE.iter_errors(body)]
    assert errors == [], body
    assert body["type"] in TYPES[status], body


@pytest.mark.parametrize(("status", "path", "key", "body"), CASES, ids=[c[1] for c in CASES])
def test_errors_have_posthogs_envelope(demo, status, path, key, body):
    if isinstance(body, dict):
        token = demo.api_key if key == "full" else key
        answer = requests.post(
            demo.url + path, json=body, timeout=30, headers={"Authorization": f"Bearer {token}"}
        )
    else:
        answer = get(demo, path, key=key)
    assert_envelope(answer, status)


def test_throttled_and_server_errors_have_the_envelope_too():
    with serve(persons=10, rate_limit=1) as limited:
        assert get(limited, "/api/users/@me/").status_code == 200
        assert_envelope(get(limited, "/api/users/@me/"), 429)
    with serve(persons=10, error_rate=1.0, seed=3) as failing:
        answers = [get(failing, "/api/users/@me/") for _ in range(6)]
    for answer in answers:
        assert_envelope(answer, answer.status_code)
    assert {a.status_code for a in answers} <= {500, 503}


def test_the_envelope_refuses_a_body_without_attr():
    body = {"type": "invalid_request", "code": "not_found", "detail": "Not found."}
    assert [e.message for e in ENVELOPE.iter_errors(body)] == ["'attr' is a required property"]
