"""Person property filters on the demo server against an independent Python evaluation.

Each case pairs a PostHog filter with a plain predicate written from PostHog's documented
semantics (missing properties match is_not / not_icontains / not_regex and nothing else), and
every case must split the 500 demo persons into matches and non-matches.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)  # the demo's documented fixed clock


def persons_matching(demo, properties) -> list[int]:
    response = requests.get(
        f"{demo.url}/api/projects/1/persons/",
        params={"properties": json.dumps(properties), "limit": 1000},
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["results"]]


def f(key, value, operator=None, **extra):
    item = {"key": key, "value": value, "type": "person", **extra}
    if operator:
        item["operator"] = operator
    return item


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def has(p: dict, key: str) -> bool:
    return p.get(key) is not None


# One case a row (name, filter, independent predicate): a table the formatter would unfold.
CASES = [
    ("exact list", [f("plan", ["pro"])], lambda p: p.get("plan") == "pro"),
    ("exact scalar", [f("plan", "free", "exact")], lambda p: p.get("plan") == "free"),
    ("exact or-list", [f("plan", ["pro", "enterprise"])],
     lambda p: p.get("plan") in ("pro", "enterprise")),
    ("exact number", [f("seats", 3)], lambda p: p.get("seats") == 3),
    ("exact number as text", [f("seats", "3")], lambda p: p.get("seats") == 3),
    ("exact bool", [f("is_verified", True)], lambda p: p.get("is_verified") is True),
    ("exact bool as text", [f("is_verified", ["true"])], lambda p: p.get("is_verified") is True),
    ("exact is case sensitive", [f("$initial_os", "linux")], lambda p: False),
    ("exact Linux", [f("$initial_os", "Linux")], lambda p: p.get("$initial_os") == "Linux"),
    ("exact empty list", [f("plan", [])], lambda p: True),
    ("is_not missing matches", [f("plan", ["free"], "is_not")], lambda p: p.get("plan") != "free"),
    ("is_not none of", [f("plan", ["free", "pro"], "is_not")],
     lambda p: p.get("plan") not in ("free", "pro")),
    ("icontains", [f("email", "GMAIL", "icontains")],
     lambda p: has(p, "email") and "gmail" in p["email"].lower()),
    ("not_icontains", [f("email", "gmail", "not_icontains")],
     lambda p: not has(p, "email") or "gmail" not in p["email"].lower()),
    ("not_icontains multi", [f("company", ["hoo", "acme"], "not_icontains")],
     lambda p: has(p, "company") and not any(s in p["company"].lower() for s in ("hoo", "acme"))),
    ("regex", [f("$initial_browser", "^Chrome", "regex")],
     lambda p: has(p, "$initial_browser") and p["$initial_browser"].startswith("Chrome")),
    ("not_regex", [f("email", r"@gmail\.com$", "not_regex")],
     lambda p: not has(p, "email") or not re.search(r"@gmail\.com$", p["email"])),
    ("gt", [f("seats", 10, "gt")], lambda p: (number(p.get("seats")) or -1) > 10),
    ("gte text value", [f("nps_score", "9", "gte")],
     lambda p: has(p, "nps_score") and p["nps_score"] >= 9),
    ("lt", [f("mrr", 50, "lt")], lambda p: has(p, "mrr") and p["mrr"] < 50),
    ("lte", [f("seats", 2, "lte")], lambda p: has(p, "seats") and p["seats"] <= 2),
    ("min", [f("seats", 20, "min")], lambda p: has(p, "seats") and p["seats"] >= 20),
    ("max", [f("nps_score", 3, "max")], lambda p: has(p, "nps_score") and p["nps_score"] <= 3),
    ("numeric op on digit strings", [f("customer_id", 50_000_000, "gt")],
     lambda p: has(p, "customer_id") and int(p["customer_id"]) > 50_000_000),
    ("is_set", [f("beta_tester", "is_set", "is_set")], lambda p: has(p, "beta_tester")),
    ("is_not_set", [f("beta_tester", "", "is_not_set")], lambda p: not has(p, "beta_tester")),
    ("is_date_before", [f("signed_up_at", "2025-02-10", "is_date_before")],
     lambda p: has(p, "signed_up_at") and when(p["signed_up_at"]) < when("2025-02-10T00:00:00Z")),
    ("is_date_after relative", [f("last_login_at", "-14d", "is_date_after")],
     lambda p: has(p, "last_login_at") and when(p["last_login_at"]) > NOW - timedelta(days=14)),
    ("is_date_after hours", [f("signed_up_at", "-72h", "is_date_after")],
     lambda p: has(p, "signed_up_at") and when(p["signed_up_at"]) > NOW - timedelta(hours=72)),
    # PostHog's relative grammar (posthog/utils.py): Start/End snap, m is months, M minutes.
    ("is_date_after -1dStart", [f("last_login_at", "-1dStart", "is_date_after")],
     lambda p: has(p, "last_login_at")
     and when(p["last_login_at"]) > datetime(2025, 3, 30, tzinfo=UTC)),
    ("is_date_before -1dEnd", [f("last_login_at", "-1dEnd", "is_date_before")],
     lambda p: has(p, "last_login_at")
     and when(p["last_login_at"]) < datetime(2025, 3, 30, 23, 59, 59, tzinfo=UTC)),
    ("is_date_before -1mStart", [f("signed_up_at", "-1mStart", "is_date_before")],
     lambda p: has(p, "signed_up_at")
     and when(p["signed_up_at"]) < datetime(2025, 2, 1, 12, tzinfo=UTC)),  # the clock is kept
    ("is_date_after minutes", [f("last_login_at", "-2880M", "is_date_after")],
     lambda p: has(p, "last_login_at")
     and when(p["last_login_at"]) > NOW - timedelta(minutes=2880)),
    ("between", [f("mrr", [100, 500], "between")],
     lambda p: has(p, "mrr") and 100 <= p["mrr"] <= 500),
    ("not_between", [f("seats", [2, 10], "not_between")],
     lambda p: has(p, "seats") and (p["seats"] < 2 or p["seats"] > 10)),
    ("zip code stays a string", [f("zip_code", "0", "regex")],
     lambda p: has(p, "zip_code") and "0" in p["zip_code"]),
    ("AND list", [f("plan", ["pro"]), f("$initial_os", ["Mac OS X"])],
     lambda p: p.get("plan") == "pro" and p.get("$initial_os") == "Mac OS X"),
    ("OR group", {"type": "OR", "values": [f("plan", ["enterprise"]), f("beta_tester", True)]},
     lambda p: p.get("plan") == "enterprise" or p.get("beta_tester") is True),
    ("nested groups", {"type": "AND", "values": [
        {"type": "OR", "values": [f("role", ["founder"]), f("role", ["data"])]},
        {"type": "AND", "values": [f("is_verified", [True])]}]},
     lambda p: p.get("role") in ("founder", "data") and p.get("is_verified") is True),
]  # fmt: skip


@pytest.mark.parametrize(("name", "properties", "predicate"), CASES, ids=[c[0] for c in CASES])
def test_filter_matches_independent_evaluation(demo, everyone, name, properties, predicate):
    expected = [p["id"] for p in everyone if predicate(p["properties"])]
    assert persons_matching(demo, properties) == expected
    if name not in ("exact is case sensitive", "exact empty list"):
        assert 0 < len(expected) < len(everyone), "the case must split the persons"


def test_negative_operators_match_missing_properties(demo, everyone):
    missing = {p["id"] for p in everyone if "email" not in p["properties"]}
    assert missing
    for operator in ("is_not", "not_icontains", "not_regex"):
        matched = set(persons_matching(demo, [f("email", "zzz", operator)]))
        assert missing <= matched, operator
    for operator in ("exact", "icontains", "regex"):
        assert not missing & set(persons_matching(demo, [f("email", ".", operator)])), operator


def test_is_date_exact_hits_a_known_timestamp(demo, everyone):
    target = next(p for p in everyone if "signed_up_at" in p["properties"])
    stamp = target["properties"]["signed_up_at"]
    expected = [p["id"] for p in everyone if p["properties"].get("signed_up_at") == stamp]
    assert persons_matching(demo, [f("signed_up_at", stamp, "is_date_exact")]) == expected


@pytest.mark.parametrize(
    ("properties", "detail"),
    [
        ("not json", "Properties are unparsable!"),
        ("5", "properties must be a JSON list of property filters"),
        (
            '[{"key": "plan", "value": "x", "operator": "sounds_like", "type": "person"}]',
            "unknown operator 'sounds_like'",
        ),
        (
            '[{"key": "mrr", "value": [1], "operator": "between", "type": "person"}]',
            "between operator requires a two-element array [min, max]",
        ),
        (
            '[{"key": "mrr", "value": [9, 1], "operator": "between", "type": "person"}]',
            "between operator requires min value to be less than or equal to max",
        ),
        (
            '[{"key": "mrr", "value": ["a", 1], "operator": "not_between", "type": "person"}]',
            "not_between operator requires numeric values",
        ),
        ('[{"key": "plan", "value": "pro"}]', "The 'event' property filter does not work"),
        ('[{"key": "plan", "value": "(", "operator": "regex", "type": "person"}]', "invalid regex"),
        (
            '[{"key": "seats", "value": "many", "operator": "gt", "type": "person"}]',
            "needs a number",
        ),
        (
            '[{"key": "signed_up_at", "value": "soon", "operator": "is_date_after",'
            ' "type": "person"}]',
            "needs a date",
        ),
    ],
)
def test_invalid_filters_are_400_validation_errors(demo, properties, detail):
    response = requests.get(
        f"{demo.url}/api/projects/1/persons/",
        params={"properties": properties},
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=10,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error" and body["code"] == "invalid_input"
    assert detail in body["detail"]
