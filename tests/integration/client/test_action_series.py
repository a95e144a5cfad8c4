"""phf.Action series against the demo over real HTTP: each number equals the events matching the
action's steps (demo/data/actions.py), matched here independently in pandas.
"""

from __future__ import annotations

import pandas as pd
import pytest

import posthog_frames as phf

START = pd.Timestamp("2025-03-01", tz="UTC")  # date_from="-30d" from the demo's clock
AFTER = (START - pd.Timedelta(microseconds=1)).isoformat()


def _url(events: pd.DataFrame) -> pd.Series:
    return events["properties.$current_url"].astype(object)


# Each demo action's steps, written out by hand: any step matches (OR); url_matching
# "contains" is a substring test, "exact" equality; a property step is a plain comparison.
MATCHES = {
    1: lambda ev: (ev["event"] == "$pageview") & _url(ev).str.contains("/pricing", regex=False),
    2: lambda ev: (
        (ev["event"] == "added to cart")
        | ((ev["event"] == "$pageview") & (_url(ev) == "/checkout"))
    ),
    3: lambda ev: (
        (ev["event"] == "purchased") & (pd.to_numeric(ev["properties.revenue"]) > 40).fillna(False)
    ),
}


@pytest.fixture
def month(client):
    """Every event since START, with the columns the actions' steps test."""
    return client.events(after=AFTER, columns=["$current_url", "revenue", "$browser"])


def _matching(events: pd.DataFrame, action: int) -> pd.DataFrame:
    return events[MATCHES[action](events).fillna(False).astype(bool)]


@pytest.mark.parametrize("action", [1, 2, 3], ids=["url step", "two steps", "property step"])
def test_a_trend_of_an_action_counts_the_events_its_steps_match_each_day(client, month, action):
    df = client.trends(phf.Action(action), date_from="-30d")
    hits = _matching(month, action)
    per_day = hits.groupby(hits["timestamp"].dt.tz_convert(None).dt.floor("D")).size()
    got = df.set_index("date")["value"]
    assert got.sum() > 0 and len(got) == 31
    assert got.to_dict() == per_day.reindex(got.index, fill_value=0).to_dict()
    name = client.actions().set_index("id").loc[action, "name"]
    assert set(df["series"]) == {name}


def test_an_action_mixes_with_events_maths_and_breakdowns(client, month):
    df = client.trends(
        [phf.Action(2, math="dau"), "purchased"], date_from="-30d", breakdown="$browser"
    )
    hits = _matching(month, 2)
    firefox = hits[hits["properties.$browser"] == "Firefox"]
    want = firefox.groupby(firefox["timestamp"].dt.tz_convert(None).dt.floor("D"))[
        "person_id"
    ].nunique()
    got = df[(df["series"] == "Showed buying intent") & (df["breakdown_value"] == "Firefox")]
    got = got.set_index("date")["value"]
    assert got.sum() > 0
    assert got.to_dict() == want.reindex(got.index, fill_value=0).to_dict()


def test_a_funnel_step_can_be_an_action_and_its_persons_are_those_it_matched(client, month):
    funnel = client.funnel([phf.Action(2), "purchased"], date_from="-30d")
    assert funnel["name"].tolist() == ["Showed buying intent", "purchased"]
    intent = _matching(month, 2)
    assert funnel["count"].iloc[0] == intent["person_id"].nunique() > 0
    first = client.actors(funnel, step=1)
    assert set(first["id"]) == set(intent["person_id"])


def test_the_persons_of_an_action_point_are_those_whose_matching_events_it_counts(client, month):
    df = client.trends(phf.Action(1, math="dau"), date_from="-30d")
    day = df.loc[df["value"].idxmax(), "date"]
    persons = client.actors(df, date=day)
    hits = _matching(month, 1)
    on_day = hits[hits["timestamp"].dt.tz_convert(None).dt.floor("D") == day]
    assert set(persons["id"]) == set(on_day["person_id"]) and len(persons) > 0


def test_stickiness_lifecycle_and_retention_take_actions(client, month):
    sticky = client.stickiness(phf.Action(3), date_from="-30d")
    assert sticky["value"].sum() == _matching(month, 3)["person_id"].nunique() > 0
    life = client.lifecycle(phf.Action(1), date_from="-30d")
    assert set(life["series"]) == {"Viewed pricing"} and (life["value"] != 0).any()
    table = client.retention(phf.Action(2), phf.Action(1))
    assert table.iloc[:, 0].sum() > 0


def test_an_unknown_action_is_refused_naming_it(client):
    with pytest.raises(phf.ValidationError, match="Action 99 does not exist"):
        client.trends(phf.Action(99))
    with pytest.raises(phf.ValidationError, match="Action 99 does not exist"):
        client.funnel(["signed up", phf.Action(99)])


def test_a_step_on_element_fields_is_refused_not_matched_silently(client):
    # Action 4 (deleted, which PostHog still evaluates) clicks a "button.signup" selector.
    with pytest.raises(phf.ValidationError, match="'selector'") as refused:
        client.trends(phf.Action(4))
    assert refused.value.attr == "selector"
