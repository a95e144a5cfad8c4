"""client.run(url): a GET URL copied from PostHog's network tab, called through the client (its
cache, pacing and errors) and answered as the matching verb's frame, or PostHog's JSON."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

import posthog_frames as phf


def _url(client, path: str, scope: str = "environments") -> str:
    return f"{client.host}/api/{scope}/1/{path}"


def test_an_insight_by_short_id_gives_its_frame(client):
    got = client.run(_url(client, "insights/?short_id=U6hMkMoa&basic=true"))
    pd.testing.assert_frame_equal(got, client.insight_frame("U6hMkMoa"))
    assert got.attrs["kind"] == "trends"


def test_an_insight_by_id_and_the_insights_list(client):
    listing = client.insights()
    first = int(listing["id"].iloc[0])
    pd.testing.assert_frame_equal(
        client.run(_url(client, f"insights/{first}/", "projects")), client.insight_frame(first)
    )
    pd.testing.assert_frame_equal(client.run(_url(client, "insights/?limit=4")), listing)


def test_a_persons_list_follows_every_page(client, demo):
    url = _url(client, 'persons/?properties=[{"key":"$initial_os","value":["Linux"]}]&limit=7')
    demo.app.reset_request_count()
    got = client.run(url)
    pages = [p for m, p, _ in demo.app.request_log() if "/persons/" in p]
    expected = client.persons(properties=[phf.PropertyFilter("$initial_os", ["Linux"])])
    assert len(pages) > 2  # 7 a page: several pages were read, by following next
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))
    assert len(got) == got.attrs["total"] == 40


def test_one_person_is_a_series(client):
    got = client.run(_url(client, "persons/1/"))
    pd.testing.assert_series_equal(got, client.person(1))


def test_definitions_and_values(client):
    got = client.run(_url(client, "property_definitions/?type=person&search=plan", "projects"))
    pd.testing.assert_frame_equal(got, client.property_definitions("person", "plan"))
    values = client.run(_url(client, "persons/values/?key=$initial_os"))
    pd.testing.assert_frame_equal(values, client.property_values("$initial_os"))


def test_a_path_without_a_verb_gives_the_json(client):
    assert client.run(f"{client.host}/api/users/@me/")["email"] == client.me()["email"]
    assert client.run("/api/projects/1/")["id"] == 1


def test_the_host_must_be_the_clients(client, demo):
    demo.app.reset_request_count()
    with pytest.raises(phf.ValidationError, match="not on this client's host"):
        client.run("https://us.posthog.com/api/projects/1/persons/")
    assert demo.app.request_count == 0
    # Case and default ports do not make another host.
    upper = client.host.upper().replace("HTTP://", "http://")
    assert client.run(f"{upper}/api/projects/1/persons/1/")["id"] is not None


@pytest.mark.parametrize("name", ["personal_api_key", "api_key", "token", "Personal_API_Key"])
def test_a_key_in_the_url_is_refused_before_anything_is_sent(client, demo, caplog, name):
    secret = "phx_" + "t0ps3cret" * 4
    demo.app.reset_request_count()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(phf.ValidationError, match="API key") as err:
        client.run(_url(client, f"persons/?{name}={secret}&search=ada"))
    assert demo.app.request_count == 0
    assert "t0ps3cret" not in str(err.value) and "t0ps3cret" not in caplog.text


def test_a_parameter_the_verb_does_not_take_is_refused(client):
    with pytest.raises(phf.ValidationError, match=r"client\.get\(url\)"):
        client.run(_url(client, "persons/?cohort=3"))


def test_another_project_is_refused(client):
    with pytest.raises(phf.ValidationError, match="project 2"):
        client.run(_url(client, "persons/").replace("/1/", "/2/"))


def test_a_client_without_a_project_takes_the_urls(demo):
    fresh = phf.Client(demo.api_key, host=demo.url, cache="memory")
    demo.app.reset_request_count()
    fresh.run(f"{fresh.host}/api/environments/1/persons/1/")
    assert fresh.project_id == 1
    assert not any("/users/@me" in p for _, p, _ in demo.app.request_log())


def test_an_app_page_is_not_an_api_url(client):
    with pytest.raises(phf.ValidationError, match="not a path of PostHog's API"):
        client.run(f"{client.host}/project/1/insights/U6hMkMoa")
