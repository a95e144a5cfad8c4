"""A GET URL copied from PostHog's network tab, called through the client and answered as the
frame of the verb its path belongs to (see :meth:`posthog_frames.Client.run`).

The URL must be on the client's host (the key goes nowhere else) and may not carry a key. Paths
with a verb: ``insights/`` (with ``short_id``: that insight's frame; without: the insights
list), ``insights/:id/``, ``persons/`` (every page), ``persons/:id/`` (one person, a Series),
``persons/values/`` and ``property_definitions/``. Any other path answers PostHog's JSON, every
page of it when it is a paged list. ``/api/projects/:id/`` and ``/api/environments/:id/`` are
the same here, as in PostHog (``posthog/api/__init__.py`` registers both for these families).

Example:
    >>> url = client.url("insights/") + "?short_id=U6hMkMoa"
    >>> run_url(client, url).attrs["kind"]
    'trends'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from posthog_frames.client import insights as insights_api
from posthog_frames.client import persons as persons_api
from posthog_frames.client import properties as properties_api
from posthog_frames.client.base import BaseClient
from posthog_frames.client.persons import PersonsRequest
from posthog_frames.exceptions import ValidationError
from posthog_frames.queries.copied import CopiedURL, copied_url, same_host

__all__ = ["run_url"]

# Parameters the browser adds that change nothing in the answer's rows.
_BROWSER = ("client_query_id", "format", "include_total")


def _positive(params: dict[str, str], name: str) -> int | None:
    text = params.get(name)
    if text is None or text == "":
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValidationError(f"{name}={text!r} in the URL is not a positive number.", attr=name)
    return int(text)


def _take(copied: CopiedURL, allowed: tuple[str, ...], verb: str) -> dict[str, str]:
    """The URL's parameters a verb takes; one it does not is refused (it would be dropped)."""
    params = {k: v for k, v in copied.params.items() if k not in _BROWSER}
    if params.get("offset") in ("0", ""):
        params.pop("offset")
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValidationError(
            f"run() answers {copied.path} with {verb}, which does not take {unknown} (taken: "
            f"{', '.join(allowed) or 'none'}); client.get(url) returns PostHog's JSON for the "
            "URL as it is.",
            attr=unknown[0],
        )
    return params


def _mode(params: dict[str, str], refresh: bool) -> str:
    # run(refresh=True) recomputes; else the URL's own mode, PostHog's default when it has none.
    return "force_blocking" if refresh else params.get("refresh") or "blocking"


def _insights(client: BaseClient, copied: CopiedURL, refresh: bool) -> Any:
    short_id = copied.params.get("short_id")
    if short_id:
        # One insight asked for by its short id: its frame, as insight_frame() gives it.
        params = _take(copied, ("short_id", "basic", "limit", "refresh"), "client.insight_frame")
        return insights_api.insight_frame(client, short_id, refresh=_mode(params, refresh))
    params = _take(copied, insights_api.LIST_FILTERS, "client.insights")
    return insights_api.insights(client, refresh=refresh, **params)


def _insight(client: BaseClient, copied: CopiedURL, refresh: bool) -> Any:
    params = _take(copied, ("refresh",), "client.insight_frame")
    key = copied.rest.split("/")[1]
    return insights_api.insight_frame(client, key, refresh=_mode(params, refresh))


def _persons(client: BaseClient, copied: CopiedURL, refresh: bool) -> Any:
    names = ("properties", "search", "distinct_id", "email", "limit")
    params = _take(copied, names, "client.persons")
    request = PersonsRequest(
        properties=params.get("properties") or None,
        search=params.get("search") or None,
        distinct_id=params.get("distinct_id") or None,
        email=params.get("email") or None,
        # PostHog's limit is the page size: every page is read, as run() follows next.
        page_size=_positive(params, "limit"),
    )
    return persons_api.persons(client, request, refresh=refresh)


def _person(client: BaseClient, copied: CopiedURL, refresh: bool) -> Any:
    _take(copied, (), "client.person")
    return persons_api.person(client, copied.rest.split("/")[1], refresh=refresh)


def _values(client: BaseClient, copied: CopiedURL, refresh: bool) -> Any:
    params = _take(copied, ("key", "value"), "client.property_values")
    if not params.get("key"):
        raise ValidationError("persons/values/ needs key= (the person property).", attr="key")
    return properties_api.property_values(
        client, params["key"], params.get("value") or None, refresh=refresh
    )


def _definitions(client: BaseClient, copied: CopiedURL, refresh: bool) -> Any:
    params = _take(copied, ("type", "search"), "client.property_definitions")
    return properties_api.property_definitions(
        client, params.get("type") or "event", params.get("search") or None, refresh=refresh
    )


_Verb = Callable[[BaseClient, CopiedURL, bool], Any]


def _verb(rest: str) -> _Verb | None:
    parts = [p for p in rest.split("/") if p]
    if parts == ["insights"]:
        return _insights
    if len(parts) == 2 and parts[0] == "insights":
        return _insight
    if parts == ["persons"]:
        return _persons
    if parts == ["persons", "values"]:
        return _values
    if len(parts) == 2 and parts[0] == "persons":
        return _person
    if parts == ["property_definitions"]:
        return _definitions
    return None


def _check_project(client: BaseClient, found: int) -> None:
    """The URL's project must be the client's (or its environment): the verbs read their
    helpers (property definitions) from the client's project."""
    if client.adopt_project(found) == found:
        return
    team = client.me().get("team") or {}
    if found == team.get("id"):  # the environment id of the client's project
        return
    raise ValidationError(
        f"The URL is for project {found}, but this client reads project {client.project_id}: "
        f"use phf.Client(project_id={found}) for it.",
        attr="url",
    )


def run_url(client: BaseClient, url: str, *, refresh: bool = False) -> Any:
    """Call a copied GET URL through the client; the verb's frame or PostHog's JSON.

    Example:
        >>> run_url(client, "/api/projects/1/persons/?search=ada").columns[0]
        'id'
    """
    copied = copied_url(url)  # a key in the URL is refused before anything else
    if not same_host(url, client.host):
        raise ValidationError(
            f"The URL is not on this client's host ({client.host}); the key is only sent there. "
            "Make a client for that host: phf.Client(host=...).",
            attr="url",
        )
    if copied.project_id is None:
        return client.get(copied.path, refresh=refresh, params=copied.params)
    _check_project(client, copied.project_id)
    verb = _verb(copied.rest)
    if verb is not None:
        return verb(client, copied, refresh)
    answer = client.get(copied.path, refresh=refresh, params=copied.params)
    if isinstance(answer, dict) and isinstance(answer.get("results"), list) and answer.get("next"):
        # A paged list: every page, as the verbs read them (the first again from the cache).
        first = copied.path + (f"?{urlencode(copied.params)}" if copied.params else "")
        rows = [row for page in client.paginate(first, refresh=refresh) for row in page["results"]]
        return {**answer, "results": rows, "next": None}
    return answer
