"""Newcomer-review fixes against the demo server over real HTTP."""

from __future__ import annotations

import warnings

import pytest

import posthog_frames as phf
from posthog_frames.client import notebook as _connect
from posthog_frames.demo import serve
from posthog_frames.insight import Insight


def test_client_accepts_an_insight_object(client):
    listed = client.insights()
    first = listed.iloc[0]
    ins = client.insight(first["short_id"])
    again = client.insight(ins)
    assert (again.id, again.short_id) == (first["id"], first["short_id"])
    assert client.insight_frame(ins).equals(ins.frame())
    assert phf.frames.insight_frame(ins).equals(ins.frame())
    with pytest.raises(phf.ValidationError, match="neither an id nor a short_id"):
        client.insight(Insight({"result": []}))


def test_insights_kind_filters_like_insight(client):
    listed = client.insights()
    trends = client.insights(kind="trends")
    assert set(trends["kind"]) == {"trends"}
    assert trends["id"].tolist() == listed.loc[listed["kind"] == "trends", "id"].tolist()
    assert len(trends) < len(listed)


def test_insights_rejects_keywords_posthog_ignores(client, demo):
    before = demo.request_count
    with pytest.raises(phf.ValidationError) as err:
        client.insights(knd="trends")
    assert "'knd'" in str(err.value) and "created_by" in str(err.value)
    with pytest.raises(phf.ValidationError, match="not both"):
        client.insights(kind="trends", insight="FUNNELS")
    assert demo.request_count == before


def test_not_computed_message_uses_one_quote_style():
    with serve() as demo:  # its own server: nothing has computed the draft insight yet
        client = demo.client(cache="memory")
        draft = client.insights(search="Draft")["short_id"].iloc[0]
        with pytest.raises(phf.InsightNotComputed) as err:
            client.insight(draft, refresh="force_cache")
    message = str(err.value)
    assert "refresh='blocking')" in message and '"' not in message


def test_uuid_shaped_person_404_suggests_distinct_id(client):
    distinct_id = "0195f3c2-aaaa-7bbb-8ccc-123456789abc"
    with pytest.raises(phf.NotFound) as err:
        client.person(distinct_id)
    assert f"client.persons(distinct_id={distinct_id!r})" in str(err.value)
    with pytest.raises(phf.NotFound) as err:
        client.person(999_999_999)
    assert "distinct_id" not in str(err.value)


def test_no_progress_bar_when_the_limit_fits_one_page(client, capsys, monkeypatch):
    monkeypatch.delenv("POSTHOG_FRAMES_PROGRESS", raising=False)
    assert len(client.persons(limit=1, refresh=True)) == 1
    assert len(client.persons(limit=40, page_size=50, refresh=True)) == 40
    assert capsys.readouterr().err == ""
    client.persons(limit=120, page_size=50, refresh=True)  # three pages: a bar
    assert "120/120" in capsys.readouterr().err


def test_unknown_property_in_an_empty_result_warns_with_close_matches(client):
    with pytest.warns(UserWarning, match=r"(?i)'emial'.*did you mean 'email'"):
        frame = client.persons(properties=[phf.PropertyFilter("emial", "x")])
    assert frame.empty
    with pytest.warns(UserWarning, match="'nope'"):
        assert client.property_values("nope").empty
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # A known property that nobody matches: empty, but no warning.
        assert client.persons(properties=[phf.PropertyFilter("email", "nobody@x")]).empty


def test_connect_with_a_key_checks_it_and_names_the_project(demo, monkeypatch, capsys):
    monkeypatch.delenv("POSTHOG_FRAMES_DEMO", raising=False)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", demo.api_key)
    monkeypatch.setenv("POSTHOG_HOST", demo.url)
    client = phf.connect(cache="memory")
    out = capsys.readouterr().out
    me = client.me()
    team = me["team"]
    assert f"project {client.project_id}" in out and team["name"] in out
    assert f"as {me['email']}" in out and demo.api_key not in out
    monkeypatch.setenv("POSTHOG_FRAMES_DEMO", "1")
    phf.connect(cache="memory")
    assert "the demo project served by `make demo`" in capsys.readouterr().out
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_wrong_key_for_this_test")
    with pytest.raises(phf.AuthenticationError):
        phf.connect(cache="memory")


def test_demo_banner_is_unchanged(monkeypatch, capsys):
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", "1")
    phf.connect()
    assert capsys.readouterr().out.startswith("No PostHog key found: using the built-in DEMO")
    assert _connect._DEMO is not None
