"""What an analyst copies from PostHog's network tab, read back: a ``/query/`` request body (or
the query object alone, as a dict or as the JSON text) and a GET URL of the private API. Pure:
no I/O.

PostHog's web app draws every insight, table and list from ``POST
/api/environments/:id/query/`` with a body ``{"query": {...}, "client_query_id": ...,
"refresh": "async", ...}`` (``QueryRequest`` in ``posthog/schema.py``), or from a GET of the
REST API. :func:`copied_body` keeps the query and the overrides that change its answer, and
drops what only the browser needs (its request id, its polling mode); :func:`copied_url` splits
a URL into the API path, the project and the parameters, and refuses a key in the query string
before anything could be sent, logged or cached.

Example:
    >>> body = copied_body('{"query": {"kind": "HogQLQuery", "query": "select 1"}, '
    ...                    '"client_query_id": "4e1b…", "refresh": "async"}')
    >>> body
    {'query': {'kind': 'HogQLQuery', 'query': 'select 1'}}
    >>> copied_url("https://us.posthog.com/api/environments/2/persons/?search=ada").params
    {'search': 'ada'}
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

import orjson

from posthog_frames.exceptions import InvalidArgument, ValidationError

__all__ = ["CopiedURL", "copied_body", "copied_url", "is_url", "query_source", "same_host"]

# QueryRequest's fields (posthog/schema.py): the ones kept change the answer; the others are the
# browser's own (request id, polling mode, a name for PostHog's logs).
_KEPT = ("filters_override", "variables_override")
_DROPPED = ("client_query_id", "refresh", "async", "async_", "name", "query_id")
_SECRETS = ("personal_api_key", "api_key", "token")
# Nodes PostHog answers with their source's runner (process_query_model, posthog/api/services/
# query.py): a table or chart around a query.
_WRAPPERS = ("DataTableNode", "DataVisualizationNode")
_API_PATH = re.compile(r"^/api/(?P<scope>projects|environments)/(?P<pid>\d+)/(?P<rest>.*)$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class CopiedURL(NamedTuple):
    """A copied GET URL: its path under the project (``persons/``), the project id in it (None
    for paths outside a project, such as ``/api/users/@me/``), its parameters, and the path as
    a whole (``/api/environments/2/persons/``)."""

    rest: str
    project_id: int | None
    params: dict[str, str]
    path: str


def is_url(value: Any) -> bool:
    """Whether *value* is a copied URL (absolute, or an ``/api/`` path) rather than a query.

    Example:
        >>> is_url("https://eu.posthog.com/api/projects/1/insights/"), is_url('{"kind": "x"}')
        (True, False)
    """
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text.startswith(("http://", "https://", "/api/"))


def _parse_json(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as err:
        raise ValidationError(
            f"The text is not the JSON PostHog sent ({err}). Copy the request's payload from the "
            "network tab (Payload, 'view source'), or a URL from its Headers.",
            attr="query",
        ) from None


def _refuse_secrets(keys: Any, where: str) -> None:
    found = sorted(k for k in keys if str(k).lower() in _SECRETS)
    if found:
        # Never the value: it is a key, and this message may end up in a notebook or a log.
        raise ValidationError(
            f"The copied {where} carries {found[0]!r}, an API key: remove it. The client sends "
            "its own key in the Authorization header; a key in a URL or a body would be "
            "logged by proxies and kept in the local cache.",
            attr=found[0],
        )


def copied_body(value: Any) -> dict[str, Any]:
    """The ``/query/`` body to send for what was copied: ``{"query": ...}`` plus PostHog's
    overrides when set. The browser's ``client_query_id`` and ``refresh`` are dropped (the
    client asks PostHog to answer, and polls a query it still runs asynchronously).

    *value* is the request body or the query object alone, as a dict or as the JSON text.

    Example:
        >>> copied_body({"kind": "TrendsQuery", "series": []})
        {'query': {'kind': 'TrendsQuery', 'series': []}}
        >>> copied_body({"query": {"kind": "HogQLQuery", "query": "select 1"}, "tags": {}})
        Traceback (most recent call last):
        ...
        posthog_frames.ValidationError: The copied request body has keys /query/ does not take: ...
    """
    if isinstance(value, str | bytes):
        value = _parse_json(value)
    if not isinstance(value, dict):
        raise InvalidArgument(
            "run() takes what was copied from PostHog's network tab: the request body "
            "{'query': {...}, ...}, the query object {'kind': ...} (a dict or its JSON text), or "
            f"a GET URL; got {type(value).__name__}.",
            attr="query",
        )
    if isinstance(value.get("kind"), str):  # the query alone (a HogQLQuery has a "query" too)
        value = {"query": value}
    _refuse_secrets(value, "request body")
    query = value.get("query")
    if not isinstance(query, dict) or not isinstance(query.get("kind"), str):
        raise ValidationError(
            "The copied body has no query: expected {'query': {'kind': ..., ...}, ...} as "
            "PostHog's /query/ requests send it.",
            attr="query",
        )
    unknown = sorted(set(value) - {"query", *_KEPT, *_DROPPED})
    if unknown:
        raise ValidationError(
            f"The copied request body has keys /query/ does not take: {unknown}; it takes "
            f"query, {', '.join(_KEPT)} (and the browser's {', '.join(_DROPPED[:2])}).",
            attr=unknown[0],
        )
    body: dict[str, Any] = {"query": query}
    body.update({k: value[k] for k in _KEPT if value.get(k) is not None})
    return body


def query_source(query: dict[str, Any]) -> dict[str, Any]:
    """The query a table or chart node wraps (``DataTableNode`` → its ``source``); any other
    node as it is (an ``InsightVizNode`` is kept: the insight verbs take it whole).

    Example:
        >>> query_source({"kind": "DataTableNode", "source": {"kind": "EventsQuery"}})
        {'kind': 'EventsQuery'}
    """
    while query.get("kind") in _WRAPPERS:
        source = query.get("source")
        if not isinstance(source, dict) or not isinstance(source.get("kind"), str):
            raise ValidationError(
                f"The {query['kind']} has no source query to run.", attr="query.source"
            )
        query = source
    return query


def copied_url(url: str) -> CopiedURL:
    """Split a copied URL of PostHog's private API; a key in its query string is refused.

    Example:
        >>> found = copied_url("https://us.posthog.com/api/projects/123/insights/?short_id=AbC1")
        >>> found.rest, found.project_id, found.params
        ('insights/', 123, {'short_id': 'AbC1'})
    """
    text = url.strip()
    parts = urlsplit(text)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    _refuse_secrets([k for k, _ in pairs], "URL")
    if parts.fragment:
        raise ValidationError(
            "The URL has a #fragment: that is a page of PostHog's app, not an API request. Copy "
            "the request URL (it starts with /api/) from the network tab.",
            attr="url",
        )
    path = parts.path
    if not path.startswith("/api/"):
        raise ValidationError(
            f"{path!r} is not a path of PostHog's API (/api/...): copy a request URL from the "
            "network tab (Fetch/XHR), not the address of the page.",
            attr="url",
        )
    params: dict[str, str] = {}
    for key, found in pairs:
        if key in params:
            raise ValidationError(
                f"The URL repeats the parameter {key!r}; run() reads each parameter once: use "
                "client.get(path, params=...) for repeated ones.",
                attr=key,
            )
        params[key] = found
    match = _API_PATH.match(path)
    if match is None:
        return CopiedURL(path, None, params, path)
    return CopiedURL(match["rest"], int(match["pid"]), params, path)


def same_host(url: str, host: str) -> bool:
    """Whether *url* is on *host* (scheme and host case-insensitive, default ports ignored).

    Example:
        >>> same_host("HTTPS://US.PostHog.com:443/api/", "https://us.posthog.com")
        True
    """
    if not url.strip().startswith(("http://", "https://")):
        return True  # an /api/ path goes to the client's host
    mine, theirs = urlsplit(host), urlsplit(url.strip())

    def where(parts: Any) -> tuple[str, str, int | None]:
        scheme = parts.scheme.lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme)
        return scheme, (parts.hostname or "").lower(), port

    return where(mine) == where(theirs)
