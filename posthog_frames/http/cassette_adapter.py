"""The cassette's place in a session: an adapter below the cache, where the network would be.

requests-cache, pacing, retries, paging and error mapping all run above this adapter exactly
as they do against PostHog; only the bytes come from (or also go to) the cassette. A replayed
answer is a plain ``requests.Response``; a recorded one is what the network answered, with
persons' personal data pseudonymised before the notebook sees it, so a recording and its
replays show the same thing. 429s and 5xx are never recorded: they are retried above, and a
replay needs the answer that followed them.

Example:
    >>> adapter = client.session.get_adapter("http://")
    >>> type(adapter).__name__   # the doctest client has no cassette: the usual adapter
    'HTTPAdapter'
"""

from __future__ import annotations

import io
from http import HTTPStatus
from typing import Any

import orjson
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse

from posthog_frames.exceptions import redact
from posthog_frames.http.cassette import Cassette, request_key

__all__ = ["CassetteAdapter", "use_cassette"]

_NOT_KEPT = frozenset({429, 500, 502, 503, 504})
_JSON = "application/json"


class CassetteAdapter(BaseAdapter):
    """Answers from *cassette*; sends through *network* what it must record (see module)."""

    def __init__(self, cassette: Cassette, network: BaseAdapter, *, can_record: bool) -> None:
        super().__init__()
        self.cassette = cassette
        self.network = network
        self.records = can_record and cassette.mode != "replay"

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        key = request_key(request.method or "GET", request.url or "", _body(request))
        if self.cassette.mode != "record":
            found = self.cassette.find(key)
            if found is not None:
                answer = _response(request, found)
                answer.from_cassette = True  # type: ignore[attr-defined]  # not a network request
                return answer
            if not self.records:
                raise self.cassette.miss(key)
        return self._record(key, request, kwargs)

    def _record(
        self, key: str, request: requests.PreparedRequest, kwargs: dict[str, Any]
    ) -> requests.Response:
        shown_url, shown_body = request.url or "", request.body
        fakes = self.cassette.fakes
        outgoing = request.copy()  # what PostHog is sent: the originals behind any fakes shown
        outgoing.url = fakes.restore(shown_url)
        if isinstance(shown_body, bytes):
            outgoing.body = fakes.restore(shown_body.decode()).encode()
            outgoing.headers["Content-Length"] = str(len(outgoing.body))
        response = self.network.send(outgoing, **kwargs)
        if response.status_code in _NOT_KEPT:
            return response
        secret = str(outgoing.headers.get("Authorization", "")).removeprefix("Bearer ")
        stored = _stored(response, self.cassette, secret)
        self.cassette.store(key, _stored_request(request), stored)
        answer = _response(request, stored)
        answer.elapsed = response.elapsed
        return answer

    def close(self) -> None:
        self.network.close()


def use_cassette(
    session: requests.Session, cassette: Cassette, host: str, *, can_record: bool
) -> None:
    """Put *cassette* in front of *session*'s network adapters (http and https); a cassette
    that records notes *host* (a ``record`` one is emptied on disk now).

    Example:
        >>> import tempfile
        >>> session, tape = requests.Session(), phf.Cassette(tempfile.mkdtemp() + "/c.json")
        >>> use_cassette(session, tape, demo.url, can_record=False)
        >>> type(session.get_adapter("https://eu.posthog.com")).__name__
        'CassetteAdapter'
    """
    for prefix in ("https://", "http://"):
        network = session.get_adapter(prefix)
        if isinstance(network, CassetteAdapter):
            network = network.network
        session.mount(prefix, CassetteAdapter(cassette, network, can_record=can_record))
    if can_record and cassette.mode != "replay":
        cassette.start(host)


def _stored_request(request: requests.PreparedRequest) -> dict[str, Any]:
    """What a reviewer needs to see of a request: method, URL without host, JSON body."""
    key = request_key(request.method or "GET", request.url or "", None)
    stored: dict[str, Any] = {"method": request.method, "url": key.split(" ", 1)[1]}
    body = _body(request)
    if body:
        raw = body if isinstance(body, bytes) else body.encode()
        try:
            stored["json"] = orjson.loads(raw)
        except orjson.JSONDecodeError:
            stored["text"] = raw.decode("utf-8", "replace")
    return stored


def _body(request: requests.PreparedRequest) -> bytes | str | None:
    # The transport sends bytes (a JSON body) or nothing; a stream cannot be filed by content.
    body = request.body
    return body if isinstance(body, bytes | str) else None


def _stored(response: requests.Response, cassette: Cassette, secret: str) -> dict[str, Any]:
    """An answer as the cassette keeps it: status, content type, the body as JSON if it is;
    never *secret* (the key) nor anything like a key, should an answer echo one back (a
    ``next`` link repeats a ``personal_api_key`` parameter)."""
    content_type = response.headers.get("Content-Type", _JSON)
    stored: dict[str, Any] = {"content_type": content_type, "status": response.status_code}
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        stored["text"] = redact(response.content.decode("utf-8", "replace"), secret)
        return stored
    body = cassette.fakes.answer(body) if cassette.pseudonymise else body
    text = orjson.dumps(body).decode()
    clean = redact(text, secret)
    stored["json"] = body if clean == text else orjson.loads(clean)
    return stored


def _response(request: requests.PreparedRequest, stored: dict[str, Any]) -> requests.Response:
    """A ``requests.Response`` for *stored*, as if the network had answered it."""
    if "json" in stored:
        content = orjson.dumps(stored["json"])
    else:
        content = str(stored.get("text", "")).encode()
    status = int(stored.get("status", 200))
    headers = {"Content-Type": str(stored.get("content_type", _JSON))}
    response = requests.Response()
    response.status_code = status
    try:
        response.reason = HTTPStatus(status).phrase
    except ValueError:
        response.reason = ""
    response.headers = CaseInsensitiveDict(headers)
    response._content = content
    response.encoding = "utf-8"
    response.url = request.url or ""
    response.request = request
    # requests-cache reads the urllib3 response when it stores an answer.
    response.raw = HTTPResponse(
        body=io.BytesIO(content),
        headers=headers,
        status=status,
        preload_content=False,
        decode_content=False,
    )
    return response
