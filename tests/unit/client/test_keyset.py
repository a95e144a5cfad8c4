"""Keyset paging SQL: the query's tail, the key, and the condition each page starts after."""

from __future__ import annotations

import pytest

from posthog_frames.client.keyset import (
    Key,
    check_unique,
    key_positions,
    page_sql,
    plan_keyset,
    split_tail,
)
from posthog_frames.exceptions import ValidationError


@pytest.mark.parametrize(
    ("sql", "body", "order_by", "limit", "offset"),
    [
        ("select a from t", "select a from t", None, None, None),
        ("select a from t order by a", "select a from t", "a", None, None),
        ("select a from t ORDER BY a DESC LIMIT 10", "select a from t", "a DESC", 10, None),
        ("select a from t limit 5 offset 10", "select a from t", None, 5, "10"),
        ("select a from t limit 10, 5", "select a from t", None, 5, "10"),
        # a subquery's ORDER BY / LIMIT stays in the body
        (
            "select a from (select a from t order by a limit 3) order by a",
            "select a from (select a from t order by a limit 3)",
            "a",
            None,
            None,
        ),
        # words inside strings, quoted names and comments are not clauses
        (
            "select 'order by x limit 3' as s, `limit` from t -- order by y\n order by s",
            "select 'order by x limit 3' as s, `limit` from t -- order by y",
            "s",
            None,
            None,
        ),
        ("select orderly, limited from t", "select orderly, limited from t", None, None, None),
    ],
)
def test_split_tail(sql, body, order_by, limit, offset) -> None:
    tail = split_tail(sql)
    assert (tail.body, tail.order_by, tail.limit, tail.offset) == (body, order_by, limit, offset)


def test_a_limit_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a number"):
        split_tail("select a from t limit {n}")


def test_the_trailing_order_by_is_the_key() -> None:
    plan = plan_keyset("select uuid, timestamp from events order by timestamp desc, uuid desc")
    assert plan.keys == (Key("timestamp", True), Key("uuid", True))
    assert plan.body == "select uuid, timestamp from events"


def test_keyset_argument_wins_and_keeps_the_order_direction() -> None:
    plan = plan_keyset("select a, b from t order by b desc limit 500", keyset=("b", "a"))
    assert plan.keys == (Key("b", True), Key("a", False)) and plan.limit == 500


@pytest.mark.parametrize(
    ("sql", "keyset", "says"),
    [
        ("select a from t", None, "needs to know how rows are ordered"),
        ("select a from t order by lower(a)", None, "needs to know how rows are ordered"),
        ("select a from t order by a limit 5 offset 5", None, "OFFSET"),
        ("select a from t", ("a b",), "keyset must be selected column names"),
        ("select a from t", (), "keyset must be selected column names"),
    ],
)
def test_queries_that_cannot_page_safely_say_how(sql, keyset, says) -> None:
    with pytest.raises(ValidationError, match=says):
        plan_keyset(sql, keyset)


def test_first_page_has_no_condition_and_later_pages_start_after_the_last_key() -> None:
    plan = plan_keyset("select ts, id from e order by ts, id")
    first, values = page_sql(plan, 50, None)
    assert first == "SELECT * FROM (select ts, id from e) ORDER BY ts, id LIMIT 50" and not values
    later, values = page_sql(plan, 50, ("2025-01-01T00:00:00Z", "u1"), ("DateTime64(6, 'UTC')",))
    assert later == (
        "SELECT * FROM (select ts, id from e) WHERE (ts > toDateTime({_keyset0}) OR "
        "(ts = toDateTime({_keyset0}) AND id > {_keyset1})) ORDER BY ts, id LIMIT 50"
    )
    assert values == {"_keyset0": "2025-01-01T00:00:00Z", "_keyset1": "u1"}


def test_one_column_key_and_descending_order() -> None:
    sql, values = page_sql(plan_keyset("select n from t order by n desc"), 2, (7,))
    assert sql == "SELECT * FROM (select n from t) WHERE n < {_keyset0} ORDER BY n DESC LIMIT 2"
    assert values == {"_keyset0": 7}


def test_a_null_key_cannot_be_paged_after() -> None:
    with pytest.raises(ValidationError, match="null"):
        page_sql(plan_keyset("select a from t order by a"), 5, (None,))


def test_key_columns_must_be_selected() -> None:
    plan = plan_keyset("select a, b from t order by `b`, a")
    assert key_positions(plan, ["a", "b"]) == [1, 0]
    with pytest.raises(ValidationError, match="'c' is not among the query's columns"):
        key_positions(plan_keyset("select a from t order by c"), ["a"])


def test_rows_sharing_a_key_are_refused() -> None:
    plan = plan_keyset("select a, b from t order by a, b")
    check_unique([[1, "x"], [1, "y"], [2, "x"]], [0, 1], plan)  # unique pairs: fine
    with pytest.raises(ValidationError, match="does not order rows uniquely"):
        check_unique([[1, "x"], [1, "x"]], [0, 1], plan)
