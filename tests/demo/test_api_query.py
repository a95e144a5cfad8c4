"""``POST /query/`` (``api.query.run_query``): PostHog's validation body for a query that does not
parse.
"""

from __future__ import annotations

from posthog_frames.demo.api.query import run_query
from posthog_frames.demo.clock import DEMO_NOW


def test_run_query_answers_posthog_validation_body():
    status, body = run_query(
        {"query": {"kind": "HogQLQuery", "query": "select nope("}},
        persons=[],
        store=None,
        now=DEMO_NOW,
    )
    assert status == 400
    assert body["type"] == "validation_error" and body["code"] == "invalid_input"
    assert "Syntax error" in body["detail"] and body["attr"] is None
