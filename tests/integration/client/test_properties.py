"""Property metadata from servers that answer as older or newer PostHog releases do."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import orjson
import pandas as pd
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

import posthog_frames as phf


@contextmanager
def old_self_hosted_posthog() -> Iterator[str]:
    """A server answering /persons/values/ with a bare list, as PostHog releases before
    PostHog/posthog@a8b2677e did (current ones wrap it: {"results": [...], "refreshing": ...}).
    The demo imitates current PostHog only, so this one small server stands in for an old one."""

    def app(environ, start_response):
        request = Request(environ)
        if request.path == "/api/projects/1/persons/values/":
            body = [{"name": "Linux", "count": 40}, {"name": "Windows", "count": 12}]
            return Response(orjson.dumps(body), content_type="application/json")(
                environ, start_response
            )
        return Response(b'{"detail": "Not found."}', status=404)(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_bare_list_of_values_from_an_older_release_is_read():
    with old_self_hosted_posthog() as url:
        client = phf.Client("phx_test_old_release", host=url, project_id=1, cache=False)
        values = client.property_values("$initial_os")
    assert values["value"].tolist() == ["Linux", "Windows"]
    assert values["count"].tolist() == [40, 12] and values["count"].dtype == "Int64"


def test_virtual_definitions_are_kept_and_marked(client):
    definitions = client.property_definitions()
    virtual = definitions[definitions["virtual"]]
    assert sorted(virtual["name"]) == [
        "$virt_initial_channel_type",
        "$virt_initial_referring_domain_type",
        "$virt_revenue",
        "$virt_revenue_last_30_days",
    ]
    assert virtual["id"].str.startswith("$builtin_").all()
    assert definitions["virtual"].dtype == bool and (~definitions["virtual"]).sum() > 20
    assert isinstance(definitions, pd.DataFrame)


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
