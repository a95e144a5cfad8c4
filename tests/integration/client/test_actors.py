"""client.actors(): the persons behind one number, as many as it counts, cross-checked against
the events themselves.
"""

from __future__ import annotations

import pandas as pd
import pytest

import posthog_frames as phf

START = pd.Timestamp("2025-03-01", tz="UTC")  # date_from="-30d" from the demo's clock


def test_a_trend_point_has_exactly_its_dau_persons(client):
    dau = client.trends(phf.Event("$pageview", math="dau"), date_from="-30d")
    for date, value in zip(dau["date"].iloc[::4], dau["value"].iloc[::4], strict=True):
        persons = client.actors(dau, date=date)
        assert len(persons) == value, date
        assert persons["id"].is_unique and persons.columns[0] == "id"
    assert persons.attrs["query"] == dau.attrs["query"]


def test_the_persons_of_a_point_are_those_whose_events_it_counts(client):
    signups = client.trends(phf.Event("signed up", math="dau"), date_from="-7d")
    day = signups["date"].iloc[3]
    persons = client.actors(signups, date=day)
    events = client.events(
        "signed up",
        after=(day - pd.Timedelta(microseconds=1)).isoformat() + "Z",
        before=(day + pd.Timedelta(days=1)).isoformat() + "Z",
    )
    assert set(persons["id"]) == set(events["person_id"]) and len(persons) > 0


def test_a_funnels_drop_off_are_who_did_step_1_but_not_step_2(client):
    funnel = client.funnel(["signed up", "purchased"], date_from="-30d")
    dropped = client.actors(funnel, step=2, dropped=True)
    converted = client.actors(funnel, step=2)
    assert len(dropped) == funnel["dropped"].iloc[1] > 0
    assert len(converted) == funnel["count"].iloc[1]
    # The same persons, counted from the events: signed up in the range, no purchase within
    # the 14-day window after it (the funnel's default).
    after = (START - pd.Timedelta(microseconds=1)).isoformat()
    signed = client.events("signed up", after=after, columns=[])
    bought = client.events("purchased", after=after, columns=[])
    window = pd.Timedelta(days=14)
    merged = signed.merge(bought, on="person_id", suffixes=("_1", "_2"))
    done = merged[
        (merged["timestamp_2"] >= merged["timestamp_1"])
        & (merged["timestamp_2"] <= merged["timestamp_1"] + window)
    ]
    assert set(done["person_id"]) == set(converted["id"])
    assert set(signed["person_id"]) - set(done["person_id"]) == set(dropped["id"])


def test_breakdowns_retention_lifecycle_and_stickiness(client):
    by_browser = client.funnel(
        ["viewed product", "purchased"], date_from="-30d", breakdown="$browser"
    )
    row = by_browser[by_browser["step"] == 2].iloc[0]
    assert len(client.actors(by_browser, step=2, breakdown=row["breakdown_value"])) == row["count"]
    retention = client.retention("signed up", "$pageview", intervals=6)
    cohort = retention.index[1]
    everyone = client.actors(retention, cohort=cohort)
    assert len(everyone) == retention.attrs["cohort_sizes"][1]
    assert len(client.actors(retention, cohort=1, period=2)) == retention.loc[cohort, 2]
    assert all(0 in appearances for appearances in everyone["appearances"])
    lifecycle = client.lifecycle("$pageview", date_from="-14d")
    bar = lifecycle[lifecycle["status"] == "dormant"].iloc[5]
    assert len(client.actors(lifecycle, date=bar["date"], status="dormant")) == -bar["value"]
    sticky = client.stickiness("$pageview", date_from="-14d")
    assert len(client.actors(sticky, period=3)) == sticky.loc[sticky["days"] == 3, "value"].iloc[0]


def test_a_saved_insight_drills_down_like_its_ad_hoc_twin(client):
    saved = client.insight_frame("U6hMkMoa")  # "Daily traffic and signups": series 1 is dau
    point = saved[saved["series"] == "Daily visitors"].iloc[10]
    assert len(client.actors(saved, date=point["date"], series=1)) == point["value"]


@pytest.mark.parametrize(
    ("make", "kwargs", "attr"),
    [
        (lambda c: c.trends("$pageview"), {}, "date"),
        (lambda c: c.trends("$pageview"), {"date": "2025-03-30", "step": 2}, "step"),
        (lambda c: c.trends("$pageview"), {"date": "2025-03-30", "series": 3}, "series"),
        (lambda c: c.trends("$pageview", display="number"), {"date": "2025-03-30"}, "date"),
        (lambda c: c.funnel(["signed up", "purchased"]), {"step": 1, "dropped": True}, "step"),
        (lambda c: c.lifecycle("$pageview"), {"date": "2025-03-30", "status": "gone"}, "status"),
        (lambda c: c.paths(), {}, "query"),
    ],
)
def test_selectors_that_do_not_fit_are_refused_before_asking(client, demo, make, kwargs, attr):
    frame = make(client)
    demo.reset_request_count()
    with pytest.raises(phf.ValidationError) as caught:
        client.actors(frame, **kwargs)
    assert caught.value.attr == attr and demo.request_count == 0
