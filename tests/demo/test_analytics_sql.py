"""SQL insights (``analytics.sql``): the recorded shape, and counts that agree with pandas."""

from __future__ import annotations

import pytest

from posthog_frames.demo.analytics import compute
from tests.conftest import load_fixture
from tests.demo.analytics_helpers import assert_shape, ctx_for


@pytest.mark.fixtures
def test_sql_result_has_the_fixture_shape(ctx, log):
    theirs = load_fixture("insights/insight-sql-datatable-hogql.json")
    out = compute(
        {
            "kind": "DataTableNode",
            "source": {
                "kind": "HogQLQuery",
                "query": "select event, properties.$browser, count() from events "
                "group by event, properties.$browser order by count() desc limit 100",
            },
        },
        ctx_for(log),
    )
    assert len(out.columns) == len(theirs["columns"]) - 1  # the fixture adds person email
    assert_shape(out.result, [theirs["result"][0][:1] + theirs["result"][0][2:]])
    assert out.types[-1] == ["count()", "UInt64"]


def test_sql_browser_counts_match_pandas(ctx, log):
    out = compute(
        {
            "kind": "DataTableNode",
            "source": {
                "kind": "HogQLQuery",
                "query": "select properties.$browser as browser, count() as pageviews from events "
                "where event = '$pageview' group by browser order by pageviews desc",
            },
        },
        ctx,
    )
    expected = log[log["event"] == "$pageview"]["$browser"].value_counts()
    assert out.columns == ["browser", "pageviews"]
    assert out.types == [["browser", "String"], ["pageviews", "UInt64"]]
    assert dict(out.result) == expected.to_dict()
    assert [n for _, n in out.result] == sorted(expected.tolist(), reverse=True)
