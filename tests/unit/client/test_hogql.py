"""The client's HogQL text (client/hogql.py): LIMIT handling, person filters as SQL selecting
the persons the demo's REST filters select, and keyset pages of persons without OFFSET.
"""

from __future__ import annotations

import pytest

from posthog_frames.client.hogql import (
    filters_where,
    person_dicts,
    persons_page_sql,
    persons_where,
    with_limit,
)
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.project import DemoData
from posthog_frames.demo.filters import compile_filters
from posthog_frames.demo.hogql.db import DemoDatabase
from posthog_frames.demo.hogql.engine import execute
from posthog_frames.exceptions import ValidationError
from posthog_frames.filters import PropertyFilter


@pytest.fixture(scope="module")
def people() -> list[dict]:
    return DemoData.generate(400, seed=3).persons


def run(sql: str, people: list[dict], **values) -> dict:
    return execute(
        DemoDatabase(people), sql, values, now=DEMO_NOW, timezone="UTC", events=lambda: None
    )


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select 1", "select 1 LIMIT 7"),
        ("select 1 limit 5", "select 1 LIMIT 7"),
        ("select 1 LIMIT 5 OFFSET 3", "select 1 LIMIT 7 OFFSET 3"),
        ("select * from (select 1 limit 5)", "select * from (select 1 limit 5) LIMIT 7"),
    ],
)
def test_with_limit(sql, expected):
    assert with_limit(sql, 7) == expected


FILTERS = [
    [PropertyFilter("$initial_os", ["Linux", "Mac OS X"])],
    [PropertyFilter("plan", "free", operator="is_not")],
    [PropertyFilter("email", "GMAIL", operator="icontains")],
    [PropertyFilter("email", "gmail", operator="not_icontains")],
    [PropertyFilter("seats", 10, operator="gte"), PropertyFilter("plan", "pro")],
    [PropertyFilter("mrr", [100, 500], operator="between")],
    [PropertyFilter("nps_score", operator="is_set")],
    [PropertyFilter("nps_score", operator="is_not_set")],
    [PropertyFilter("email", r"^[a-c].*\.com$", operator="regex")],
    [PropertyFilter("beta_tester", [True])],
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f[0].operator)
def test_filters_select_what_the_rest_demo_selects(people, filters):
    match = compile_filters([f.to_dict() for f in filters], now=DEMO_NOW)
    expected = {p["uuid"] for p in people if match(p["properties"])}
    sql, values = persons_page_sql(*persons_where(filters), 50_000, None)
    out = run(sql, people, **values)
    assert {row[0] for row in out["results"]} == expected
    assert expected  # each case selects someone, so an always-empty WHERE would fail


def test_unsupported_filter_operator_is_a_clear_error():
    with pytest.raises(ValidationError, match="via='rest'"):
        filters_where([PropertyFilter("signed_up_at", "2025-01-01", operator="is_date_before")])


def test_filter_values_never_enter_the_sql_text():
    sql, values = persons_page_sql(
        *persons_where([PropertyFilter("email", "a'); drop table persons; --")]), 10, None
    )
    assert "drop table" not in sql and list(values.values()) == ["a'); drop table persons; --"]


def test_keyset_pages_give_every_person_once_newest_first_without_offset(people):
    where, values = persons_where([PropertyFilter("plan", "free", operator="is_not")])
    seen, after = [], None
    while True:
        sql, params = persons_page_sql(where, values, 37, after)
        assert "offset" not in sql.lower()
        answer = run(sql, people, **params)
        rows = person_dicts(answer)
        seen += rows
        if len(rows) < 37:
            break
        last = answer["results"][-1]
        after = (last[1], last[0])
    is_not_free = {"key": "plan", "value": "free", "operator": "is_not", "type": "person"}
    match = compile_filters([is_not_free], now=DEMO_NOW)
    expected = [p for p in people if match(p["properties"])]
    assert [p["id"] for p in seen] == [p["uuid"] for p in expected]  # the REST list's order
    assert [p["is_identified"] for p in seen] == [p["is_identified"] for p in expected]
    assert [p["distinct_ids"] for p in seen] == [p["distinct_ids"] for p in expected]


@pytest.mark.parametrize("text", ["GMAIL.com", "user-1", "0195"])
def test_search_is_the_rest_lists_substring_search(people, text):
    # PostHog's search: a case-insensitive substring of email, name, UUID or a distinct id.
    needle = text.lower()
    expected = {
        p["uuid"]
        for p in people
        if any(
            needle in str(v).lower()
            for v in [
                p["properties"].get("email"),
                p["properties"].get("name"),
                p["uuid"],
                *p["distinct_ids"],
            ]
            if v is not None
        )
    }
    sql, values = persons_page_sql(*persons_where([], search=f"  {text} "), 50_000, None)
    assert {row[0] for row in run(sql, people, **values)["results"]} == expected
    assert expected
