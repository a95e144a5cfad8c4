"""Reading what was copied from PostHog's network tab: bodies, queries and GET URLs. Pure."""

from __future__ import annotations

import pytest

import posthog_frames as phf
from posthog_frames.queries.copied import copied_body, copied_url, is_url, query_source, same_host

TRENDS = {"kind": "TrendsQuery", "series": [{"kind": "EventsNode", "event": "$pageview"}]}


def test_the_browsers_own_keys_are_dropped_and_overrides_kept():
    body = copied_body(
        {
            "query": TRENDS,
            "client_query_id": "4e1b",
            "refresh": "async",
            "name": "trends",
            "filters_override": {"date_from": "-30d"},
            "variables_override": None,
        }
    )
    assert body == {"query": TRENDS, "filters_override": {"date_from": "-30d"}}


@pytest.mark.parametrize(
    "copied",
    [
        TRENDS,
        '{"kind": "TrendsQuery", "series": [{"kind": "EventsNode", "event": "$pageview"}]}',
        b'{"query": {"kind": "TrendsQuery", "series": [{"kind": "EventsNode", '
        b'"event": "$pageview"}]}, "refresh": "async"}',
    ],
)
def test_a_query_alone_or_as_text_is_the_same_body(copied):
    assert copied_body(copied) == {"query": TRENDS}


def test_a_hogql_query_alone_is_not_mistaken_for_a_body():
    sql = {"kind": "HogQLQuery", "query": "select 1"}
    assert copied_body(sql) == {"query": sql}


@pytest.mark.parametrize("name", ["personal_api_key", "api_key", "token", "Token"])
def test_a_key_in_a_body_is_refused_without_its_value(name):
    with pytest.raises(phf.ValidationError, match="an API key") as err:
        copied_body({"query": TRENDS, name: "phx_abcdefghijklmnop"})
    assert "abcdefghijklmnop" not in str(err.value) and err.value.attr == name


def test_wrappers_give_their_source_and_insight_nodes_stay_whole():
    events = {"kind": "EventsQuery", "select": ["uuid"]}
    table = {"kind": "DataVisualizationNode", "source": {"kind": "DataTableNode", "source": events}}
    assert query_source(table) == events
    viz = {"kind": "InsightVizNode", "source": TRENDS}
    assert query_source(viz) is viz
    with pytest.raises(phf.ValidationError, match="no source"):
        query_source({"kind": "DataTableNode", "source": "events"})


def test_a_url_splits_into_path_project_and_parameters():
    found = copied_url(
        " https://eu.posthog.com/api/environments/42/persons/?search=ada&properties=%5B%5D "
    )
    assert found.rest == "persons/" and found.project_id == 42
    assert found.params == {"search": "ada", "properties": "[]"}
    assert found.path == "/api/environments/42/persons/"
    me = copied_url("/api/users/@me/")
    assert me.project_id is None and me.rest == me.path == "/api/users/@me/"


@pytest.mark.parametrize(
    "url, match",
    [
        ("https://us.posthog.com/api/projects/1/persons/?personal_api_key=phx_zzzzzzzzzzzz", "key"),
        ("https://us.posthog.com/api/projects/1/persons/?TOKEN=phc_zzzzzzzzzzzz", "key"),
        ("https://us.posthog.com/project/1/insights/new#q=%7B%7D", "#fragment"),
        ("https://us.posthog.com/project/1/insights/AbC12345", "not a path of PostHog's API"),
        ("https://us.posthog.com/api/projects/1/persons/?search=a&search=b", "repeats"),
    ],
)
def test_urls_that_cannot_be_run_as_they_are(url, match):
    with pytest.raises(phf.ValidationError, match=match) as err:
        copied_url(url)
    assert "zzzzzzzzzzzz" not in str(err.value)


@pytest.mark.parametrize(
    "url, host, same",
    [
        ("https://US.PostHog.com/api/", "https://us.posthog.com", True),
        ("https://us.posthog.com:443/api/", "https://us.posthog.com", True),
        ("http://127.0.0.1:80/api/", "http://127.0.0.1", True),
        ("/api/projects/1/", "https://us.posthog.com", True),
        ("https://eu.posthog.com/api/", "https://us.posthog.com", False),
        ("http://us.posthog.com/api/", "https://us.posthog.com", False),
        ("https://us.posthog.com:8443/api/", "https://us.posthog.com", False),
        ("https://us.posthog.com.evil.io/api/", "https://us.posthog.com", False),
    ],
)
def test_same_host_ignores_case_and_default_ports_only(url, host, same):
    assert same_host(url, host) is same


def test_is_url():
    assert is_url(" /api/projects/1/") and is_url("http://localhost/api/")
    assert not is_url('{"kind": "HogQLQuery"}') and not is_url({"kind": "x"})
