"""The data-only serializer of cached responses: a response comes back whole, and anything that is
not one of its envelopes (a pickle above all) is refused without being decoded."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest
import requests
from requests.structures import CaseInsensitiveDict
from requests_cache import CachedResponse
from requests_cache.models import CachedRequest

from posthog_frames.http.serializer import MAGIC, SERIALIZER, is_ours


def a_response(body: bytes = b'{"results": [1, 2]}') -> CachedResponse:
    request = requests.Request(
        "POST", "http://h/api/projects/1/query/", data=b'{"q": 1}', headers={"X-A": "b"}
    ).prepare()
    response = CachedResponse(
        url=request.url,
        status_code=200,
        reason="OK",
        encoding="utf-8",
        headers=CaseInsensitiveDict({"Content-Type": "application/json", "X-Count": "2"}),
        request=CachedRequest.from_request(request),
        expires=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1),
    )
    response._content = body
    return response


def test_a_response_comes_back_with_its_body_headers_expiry_and_request():
    original = a_response()
    blob = SERIALIZER.dumps(original)
    assert blob.startswith(MAGIC) and blob[:1] != b"\x80"
    back = SERIALIZER.loads(blob)
    assert back.content == original.content and back.json() == {"results": [1, 2]}
    assert back.raw.read() == original.content  # what requests' streaming readers use
    assert dict(back.headers) == dict(original.headers)
    assert (back.status_code, back.reason, back.url) == (200, "OK", original.url)
    assert back.expires == original.expires and back.created_at == original.created_at
    assert back.request.body == b'{"q": 1}' and back.request.method == "POST"


def test_a_binary_body_travels_raw_not_inside_the_json():
    body = bytes(range(256)) * 100
    blob = SERIALIZER.dumps(a_response(body))
    assert blob.endswith(body)  # no base64: the body is the envelope's tail, as received
    assert SERIALIZER.loads(blob).content == body


class Planted:
    """Unpickling this creates a file (the payload a planted cache entry would carry)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_pickle_is_refused_unread(tmp_path):
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(Planted(str(proof))))
    assert proof.exists()  # the payload is live: it creates its file when unpickled
    marker = tmp_path / "ran"
    for blob in (pickle.dumps(Planted(str(marker))), pickle.dumps(a_response(), protocol=2)):
        assert not is_ours(blob)
        with pytest.raises(ValueError, match="not a posthog-frames cache entry"):
            SERIALIZER.loads(blob)
    assert not marker.exists()


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        MAGIC,
        MAGIC + (50).to_bytes(4, "big") + b"{}",
        MAGIC + (2).to_bytes(4, "big") + b"{]",
        MAGIC + (5).to_bytes(4, "big") + b"[1,2]",
        MAGIC + (18).to_bytes(4, "big") + b'{"headers": "no"}',
    ],
    ids=["empty", "magic only", "cut short", "not json", "a list", "wrong fields"],
)
def test_a_damaged_envelope_is_a_value_error(blob):
    with pytest.raises(ValueError):
        SERIALIZER.loads(blob)
