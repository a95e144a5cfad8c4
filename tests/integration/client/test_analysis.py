"""client.trends(), .funnel(), .retention(), .lifecycle(), .stickiness(), .paths(): new insights
as frames, the same frames as the saved insights of the same definition, refused before any
request when an argument is wrong, and opened in PostHog by client.url_for().
"""

from __future__ import annotations

import json
import warnings
from urllib.parse import unquote

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames._reference import INTERVALS, MATH_TYPES

CART = ["viewed product", "added to cart", "purchased"]
SQL = (
    "select properties.$browser as browser, count() as pageviews from events "
    "where event = '$pageview' group by browser order by pageviews desc"
)

# Each saved demo insight (demo/data/insight_definitions.py), asked again the way an analyst
# would write it, argument by argument.
AD_HOC = {
    "Daily traffic and signups": lambda c: c.trends(
        [
            phf.Event("$pageview", custom_name="Pageviews"),
            phf.Event("$pageview", math="dau", custom_name="Daily visitors"),
            "signed up",
        ],
        date_from="-30d",
    ),
    "Pageviews by browser": lambda c: c.trends("$pageview", date_from="-14d", breakdown="$browser"),
    "Signups this week": lambda c: c.trends(phf.Event("signed up", math="dau"), display="number"),
    "Revenue vs previous period": lambda c: c.trends(
        phf.Event("purchased", math="sum", math_property="revenue"), date_from="-14d", compare=True
    ),
    "Pageviews by operating system": lambda c: c.trends(
        "$pageview",
        date_from="-30d",
        breakdown="$initial_os",
        breakdown_type="person",
        display="ActionsPie",
    ),
    "Purchase funnel": lambda c: c.funnel(["signed up", *CART], date_from="-30d"),
    "Checkout funnel by browser": lambda c: c.funnel(CART, date_from="-30d", breakdown="$browser"),
    "Time to purchase": lambda c: c.funnel(CART, date_from="-30d", viz="time_to_convert"),
    "Cart conversion trend": lambda c: c.funnel(CART, date_from="-30d", viz="trends"),
    "Weekly retention after signup": lambda c: c.retention("signed up", "$pageview", intervals=11),
    "Journeys through the shop": lambda c: c.paths(date_from="-30d"),
    "How sticky is the site": lambda c: c.stickiness("$pageview", date_from="-30d"),
    "Visitor lifecycle": lambda c: c.lifecycle("$pageview", date_from="-30d"),
    "Pageviews per browser (SQL)": lambda c: c.query(SQL),
    "Draft: weekly signups by plan": lambda c: c.trends(
        phf.Event("signed up", math="dau"),
        interval="week",
        date_from="-8w",
        breakdown="plan",
        breakdown_type="person",
        display="ActionsBar",
    ),
}


def test_every_saved_insight_equals_the_ad_hoc_call_of_its_definition(client):
    saved = client.insights()
    assert sorted(saved["name"]) == sorted(AD_HOC)
    for short_id, name in zip(saved["short_id"], saved["name"], strict=True):
        pd.testing.assert_frame_equal(AD_HOC[name](client), client.insight_frame(short_id))


def test_the_frame_carries_the_query_and_its_posthog_url(client, demo):
    df = client.trends(phf.Event("$pageview", math="dau"), date_from="-14d", interval="week")
    query = df.attrs["query"]
    assert query["kind"] == "InsightVizNode" and query["source"]["interval"] == "week"
    assert (df.attrs["kind"], df.attrs["timezone"]) == ("trends", "UTC")
    url = client.url_for(df)
    assert url.startswith(f"{demo.url}/project/1/insights/new#q=")
    assert json.loads(unquote(url.split("#q=", 1)[1])) == query
    assert client.url_for(query) == url
    saved = client.insight_frame("U6hMkMoa")
    assert client.url_for(saved) == f"{demo.url}/project/1/insights/U6hMkMoa"
    with pytest.raises(phf.InvalidArgument, match="No PostHog insight query"):
        client.url_for(pd.DataFrame())


def test_what_was_sent_is_the_query_in_attrs(client, demo):
    demo.reset_request_count()
    df = client.funnel(["signed up", "purchased"], window="3d", order="strict", date_from="-30d")
    posts = [body for method, _, body in demo.request_log if method == "POST"]
    assert posts == [{"query": df.attrs["query"], "refresh": "blocking"}]
    assert df.attrs["query"]["source"]["funnelsFilter"] == {
        "funnelVizType": "steps",
        "funnelOrderType": "strict",
        "funnelWindowInterval": 3,
        "funnelWindowIntervalUnit": "day",
    }


def _sent_nothing(demo, call) -> Exception:
    demo.reset_request_count()
    with pytest.raises(phf.ValidationError) as caught:
        call()
    assert not [r for r in demo.request_log if r[0] == "POST"], "a query was sent"
    return caught.value


def test_bad_arguments_are_refused_before_any_request(client, demo):
    math = _sent_nothing(demo, lambda: client.trends(phf.Event("$pageview", math="daily")))
    assert math.attr == "math" and all(m in str(math) for m in MATH_TYPES)
    interval = _sent_nothing(demo, lambda: client.trends("$pageview", interval="fortnight"))
    assert interval.attr == "interval" and all(i in str(interval) for i in INTERVALS)
    empty = _sent_nothing(demo, lambda: client.trends([]))
    assert empty.attr == "series" and "phf.Event('signed up')" in str(empty)
    missing = _sent_nothing(demo, lambda: client.trends("$pageview", breakdown="$brwoser"))
    assert missing.attr == "breakdown" and "Did you mean '$browser'?" in str(missing)
    assert demo.request_count <= 2  # the property definitions, read (and cached) to check it
    person = _sent_nothing(demo, lambda: client.funnel(["a", "b"], breakdown="$initial_os"))
    assert "breakdown_type='person'" in str(person)


def test_a_filter_on_a_property_of_the_other_type_is_refused_and_an_unknown_one_warned(client):
    with pytest.raises(phf.ValidationError, match="is an event property"):
        client.trends("$pageview", properties=[phf.PropertyFilter("$browser", "Chrome")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = client.trends("$pageview", properties=[{"key": "nope", "value": 1, "type": "event"}])
    assert "No event property is named 'nope'" in str(caught[0].message)
    assert caught[0].filename == __file__ and df["value"].sum() == 0


def test_filters_and_formulas_change_the_numbers_as_they_should(client):
    def total(**kw) -> int:
        return int(client.trends("$pageview", date_from="-30d", **kw)["value"].sum())

    chrome = {"key": "$browser", "value": "Chrome", "type": "event"}
    other = {"key": "$browser", "value": "Chrome", "operator": "is_not", "type": "event"}
    assert total(properties=[chrome]) + total(properties=[other]) == total()
    ratio = client.trends(["purchased", "$pageview"], date_from="-30d", formula="A/B")
    parts = client.trends(["purchased", "$pageview"], date_from="-30d")
    a, b = (parts[parts["series"] == s]["value"].to_numpy() for s in ("purchased", "$pageview"))
    assert ratio["value"].to_numpy() == pytest.approx(a / b)
    assert ratio["series"].unique().tolist() == ["Formula (A/B)"]


def test_the_kinds_take_their_options(client):
    weekly = client.trends(phf.Event("$pageview", math="weekly_active"), date_from="-14d")
    daily = client.trends(phf.Event("$pageview", math="dau"), date_from="-14d")
    assert (weekly["value"].to_numpy() >= daily["value"].to_numpy()).all()
    unordered = client.funnel(list(reversed(CART)), order="unordered", date_from="-30d")
    ordered = client.funnel(list(reversed(CART)), date_from="-30d")
    assert unordered["count"].iloc[-1] > ordered["count"].iloc[-1]
    retention = client.retention("signed up", "$pageview", period="day", intervals=5)
    assert retention.shape == (5, 5) and retention.attrs["period"] == "Day"
    paths = client.paths(start="/pricing", end="/checkout", date_from="-30d", step_limit=4)
    assert (paths["source_step"] < 4).all()
    assert set(paths.loc[paths["source_step"] == 1, "source"]) == {"1_/pricing"}
    numbers = client.trends(["signed up", "purchased"], date_from="-30d", display="number")
    assert numbers.attrs["view"] == "number" and len(numbers) == 2


def test_posthogs_refusal_reaches_the_caller_as_a_validation_error(client):
    # The demo does not compute session maths; PostHog's 400 body comes through.
    with pytest.raises(phf.ValidationError, match="not computed by the demo") as caught:
        client.trends(phf.Event("$pageview", math="unique_session"))
    assert caught.value.status == 400 and caught.value.attr == "math"
