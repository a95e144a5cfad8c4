"""The client's HogQL text (client/hogql.py): LIMIT handling, and person filters as SQL
selecting the persons the demo's REST filters select.
"""

from __future__ import annotations

import pytest

from posthog_frames.client.hogql import filters_where, page_sql, persons_sql, with_limit
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


def test_page_sql_wraps_only_queries_with_their_own_limit():
    assert page_sql("select 1", 10, 20) == "select 1 LIMIT 10 OFFSET 20"
    assert page_sql("select 1 limit {n}", 10, 0).startswith("SELECT * FROM (select 1 limit {n})")


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
    sql, values = persons_sql(filters)
    out = run(sql + " LIMIT 50000", people, **values)
    assert {row[0] for row in out["results"]} == expected
    assert expected  # each case selects someone, so an always-empty WHERE would fail


def test_unsupported_filter_operator_is_a_clear_error():
    with pytest.raises(ValidationError, match="via='rest'"):
        filters_where([PropertyFilter("signed_up_at", "2025-01-01", operator="is_date_before")])


def test_filter_values_never_enter_the_sql_text():
    sql, values = persons_sql([PropertyFilter("email", "a'); drop table persons; --")])
    assert "drop table" not in sql and list(values.values()) == ["a'); drop table persons; --"]
