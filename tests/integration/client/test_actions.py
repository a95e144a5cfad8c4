"""client.actions() and client.event_definitions() against the demo over real HTTP."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.exceptions import PermissionDenied


def test_actions_are_one_row_each_with_their_steps(demo, client):
    demo.reset_request_count()
    df = client.actions()
    assert [p for _, p, _ in demo.request_log] == ["/api/projects/1/actions/"]  # one answer
    assert df.columns.tolist() == [
        "id",
        "name",
        "description",
        "events",
        "steps",
        "tags",
        "created_at",
    ]
    intent = df.set_index("name").loc["Showed buying intent"]
    assert intent["events"] == ["added to cart", "$pageview"]
    assert json.loads(intent["steps"])[1] == {
        "event": "$pageview",
        "url": "/checkout",
        "url_matching": "exact",
    }
    assert "Clicked the old signup button" not in set(df["name"])  # deleted
    assert isinstance(df["created_at"].dtype, pd.DatetimeTZDtype)
    assert df.attrs["kind"] == "actions"


def test_event_definitions_give_volume_and_last_seen(demo, client):
    df = client.event_definitions()
    assert df.columns.tolist()[:6] == [
        "name",
        "volume_30_day",
        "last_seen_at",
        "created_at",
        "tags",
        "id",
    ]
    # The volumes are the last 30 days of the log, counted independently here.
    log = demo.app.insight_store().context().events
    recent = log[log["timestamp"] >= pd.Timestamp(demo.data.now) - pd.Timedelta(days=30)]
    want = recent["event"].value_counts()
    assert df.set_index("name")["volume_30_day"].to_dict() == want.to_dict()
    assert str(df["volume_30_day"].dtype) == "Int64"
    last = log.groupby("event")["timestamp"].max().dt.floor("us")
    assert (df.set_index("name")["last_seen_at"] == last[df["name"]].to_numpy()).all()


def test_volume_false_sends_no_query_and_search_narrows(demo, client):
    demo.reset_request_count()
    df = client.event_definitions("cart", volume=False)
    assert df["name"].tolist() == ["added to cart"] and df["volume_30_day"].isna().all()
    assert not any(method == "POST" for method, _, _ in demo.request_log)


def test_pages_are_followed(demo):
    client = demo.client(cache="memory")
    pages = list(client.paginate("event_definitions/", limit=2))
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    assert all(p["count_is_capped"] is False for p in pages)


def test_without_query_read_the_volumes_are_missing_and_said_so(client, monkeypatch):
    from posthog_frames.client import actions as actions_api

    def refuse(*args, **kwargs):
        raise PermissionDenied("missing query:read", missing_scope="query:read")

    monkeypatch.setattr(actions_api, "run_query", refuse)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = client.event_definitions(refresh=True)
    assert df["volume_30_day"].isna().all() and len(df) == 5
    assert "volume=False" in str(caught[0].message) and caught[0].filename == __file__


def test_scopes(demo):
    limited = phf.Client(demo.limited_api_key, host=demo.url, project_id=1, cache="memory")
    with pytest.raises(PermissionDenied) as refused:
        limited.actions()
    assert refused.value.missing_scope == "action:read"
    assert len(limited.event_definitions(volume=False)) == 5  # the catalogue is readable
