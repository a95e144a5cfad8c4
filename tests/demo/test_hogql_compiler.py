"""The demo's HogQL subset (``hogql.parser``, ``hogql.compiler``, run by ``hogql.engine`` on
``hogql.db``): parsing, translation to SQLite, and results against plain Python.
"""

from __future__ import annotations

import collections
from datetime import UTC, datetime

import pandas as pd
import pytest

from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.events import generate_events
from posthog_frames.demo.data.project import DemoData
from posthog_frames.demo.hogql.compiler import HogQLError, compile_query
from posthog_frames.demo.hogql.db import DemoDatabase
from posthog_frames.demo.hogql.engine import execute
from posthog_frames.demo.hogql.parser import parse


@pytest.fixture(scope="module")
def people() -> list[dict]:
    return DemoData.generate(400, seed=3).persons


@pytest.fixture(scope="module")
def log(people) -> pd.DataFrame:
    return generate_events(people, seed=3)


@pytest.fixture(scope="module")
def db(people, log) -> DemoDatabase:
    database = DemoDatabase(people)
    database.ensure_events(log)
    return database


def run(db: DemoDatabase, sql: str, log=None, **values) -> dict:
    return execute(db, sql, values, now=DEMO_NOW, timezone="UTC", events=lambda: log)


def test_columns_are_named_by_alias_or_printed_hogql():
    out = compile_query(
        "select event, properties.$browser, count(), count(distinct person_id) as users "
        "from events group by event, properties.$browser",
        now=DEMO_NOW,
    )
    assert out.columns == ["event", "properties.$browser", "count()", "users"]
    assert out.types[2:] == ["UInt64", "UInt64"]


@pytest.mark.parametrize(
    ("sql", "where"),
    [
        ("select event, count( from events", "column 21"),
        ("selec 1", "SELECT"),
        ("select 1 from events where", "an expression"),
        ("select a from events e join persons p on e.person_id = p.id", "JOIN"),
        ("select 'unterminated from events", "column 7"),
    ],
)
def test_syntax_errors_say_where(sql, where):
    with pytest.raises(HogQLError, match=where):
        compile_query(sql, now=DEMO_NOW)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("select x from nowhere", "Unknown table 'nowhere'"),
        ("select nosuch(event) from events", "Unsupported function 'nosuch'"),
        ("select event, count() from events", "neither aggregated nor in GROUP BY"),
        ("select event from events where event = {missing}", "Placeholder {missing}"),
        ("select sum(count()) from events", "inside another aggregate"),
        ("select bogus from persons", "Unable to resolve field: bogus"),
    ],
)
def test_unsupported_queries_raise_clear_errors(db, log, sql, message):
    with pytest.raises(HogQLError, match=message):
        run(db, sql, log)


def test_placeholder_values_are_bound_not_pasted():
    evil = "x' or '1'='1"
    out = compile_query(
        "select id from persons where properties.email = {e}", values={"e": evil}, now=DEMO_NOW
    )
    assert evil not in out.sql and evil in out.params.values()
    assert out.hogql.endswith("= {e}")


def test_printed_hogql_parses_back_to_the_same_tree():
    text = (
        "select toDate(timestamp) as day, count() from events where event in ('a', 'b') "
        "and not properties.$os ilike '%win%' group by day having count() > 1 "
        "order by day desc limit 5 offset 2"
    )
    once = compile_query(text, now=DEMO_NOW).hogql
    assert compile_query(once, now=DEMO_NOW).hogql == once
    assert parse(once) == parse(text)


def test_property_value_counts_match_python_with_nulls(db, people):
    out = run(
        db,
        "select properties.plan as plan, count() as n from persons group by plan "
        "order by n desc, plan limit 50",
    )
    expected = collections.Counter(p["properties"].get("plan") for p in people)
    assert dict(map(tuple, out["results"])) == dict(expected)
    assert None in dict(out["results"])  # persons without the property form one group
    assert out["types"] == [["plan", "Nullable(String)"], ["n", "UInt64"]]


def test_numeric_json_property_compares_as_number(db, people):
    out = run(db, "select count() from persons where properties.seats > 9")
    expected = sum(1 for p in people if (p["properties"].get("seats") or 0) > 9)
    assert out["results"] == [[expected]]
    assert expected > 0


def test_booleans_and_numbers_read_as_text(db, people):
    out = run(
        db,
        "select properties.is_verified as v, properties.seats as s, count() "
        "from persons where properties.is_verified is not null group by v, s "
        "order by count() desc limit 1",
    )
    value, seats, _ = out["results"][0]
    assert value in ("true", "false") and isinstance(seats, str)


def test_like_is_case_sensitive_and_ilike_is_not(db, people):
    emails = [p["properties"].get("email") or "" for p in people]
    like = run(db, "select count() from persons where properties.email like '%Gmail%'")
    ilike = run(db, "select count() from persons where properties.email ilike '%Gmail%'")
    assert like["results"] == [[sum("Gmail" in e for e in emails)]]
    assert ilike["results"] == [[sum("gmail" in e.lower() for e in emails)]]
    assert ilike["results"][0][0] > like["results"][0][0]


def test_events_per_day_match_pandas(db, log):
    sql = (
        "select toDate(timestamp) as day, count() as n from events "
        "where event = {e} group by day order by day limit 500"
    )
    out = run(db, sql, log, e="$pageview")
    views = log[log["event"] == "$pageview"]
    expected = views["timestamp"].dt.strftime("%Y-%m-%d").value_counts().sort_index()
    assert [d for d, _ in out["results"]] == expected.index.tolist()
    assert [n for _, n in out["results"]] == expected.tolist()
    assert out["types"][0] == ["day", "Date"]


def test_start_of_week_is_sunday(db, log):
    out = run(
        db,
        "select toStartOfWeek(timestamp) as w, count() from events group by w order by w limit 100",
        log,
    )
    weeks = pd.to_datetime([w for w, _ in out["results"]])
    assert (weeks.day_of_week == 6).all()
    stamps = log["timestamp"].dt.tz_localize(None)
    sunday = (stamps - pd.to_timedelta((stamps.dt.day_of_week + 1) % 7, unit="D")).dt.normalize()
    assert [n for _, n in out["results"]] == sunday.value_counts().sort_index().tolist()


def test_person_properties_join_events(db, log, people):
    out = run(
        db,
        "select person.properties.$initial_os as os, count() from events "
        "group by os order by os limit 10",
        log,
    )
    os_by_uuid = {p["uuid"]: p["properties"].get("$initial_os") for p in people}
    expected = log["person_id"].map(os_by_uuid).value_counts(dropna=False)
    assert dict(map(tuple, out["results"])) == {
        (None if pd.isna(k) else k): v for k, v in expected.items()
    }


def test_interval_arithmetic_against_now(db, log):
    out = run(db, "select count() from events where timestamp > now() - interval 7 day", log)
    cutoff = pd.Timestamp(DEMO_NOW) - pd.Timedelta(days=7)
    assert out["results"] == [[int((log["timestamp"] > cutoff).sum())]]


def test_numbers_subquery_and_window(db):
    out = run(
        db,
        "select sum(number) as s, count() over () as groups from "
        "(select number from numbers(1000) where number % 3 = 0)",
    )
    assert out["results"] == [[sum(range(0, 1000, 3)), 1]]
    paged = run(db, "select number from numbers(10) order by number desc limit 3 offset 2")
    assert paged["results"] == [[7], [6], [5]]


def test_default_limit_and_has_more(db):
    out = run(db, "select number from numbers(250)")
    assert len(out["results"]) == 100 and out["hasMore"] is True
    capped = run(db, "select number from numbers(60000) limit 70000")
    assert len(capped["results"]) == 50_000 and capped["hasMore"] is True
    exact = run(db, "select number from numbers(250) limit 250")
    assert len(exact["results"]) == 250 and exact["hasMore"] is False


def test_group_array_and_bool_come_back_as_json_types(db, people):
    out = run(
        db,
        "select id, groupArray(pdi.distinct_id) as ids, any(is_identified) as known "
        "from persons group by id order by id limit 400",
    )
    by_uuid = {p["uuid"]: p for p in people}
    for person_id, ids, known in out["results"]:
        assert sorted(ids) == sorted(by_uuid[person_id]["distinct_ids"])
        assert known is (len(by_uuid[person_id]["distinct_ids"]) > 1)


def test_non_utc_zone_buckets_in_local_days(people, log):
    database = DemoDatabase(people[:50])
    out = execute(
        database,
        "select toDate(timestamp) as d, count() from events group by d order by d limit 1000",
        {},
        now=DEMO_NOW,
        timezone="Asia/Tokyo",
        events=lambda: log,
    )
    local = log["timestamp"].dt.tz_convert("Asia/Tokyo").dt.strftime("%Y-%m-%d")
    assert dict(map(tuple, out["results"])) == local.value_counts().to_dict()


def test_now_is_the_demo_clock():
    out = compile_query("select now()", now=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert list(out.params.values()) == ["2025-01-02T03:04:05.000000Z"]
