"""A data-only serializer for cached responses: nothing in a cache file can run code when read.

requests-cache pickles responses by default, so whoever can write the cache file (or hands a
user one: "run my notebook offline with this cache") runs code in the user's kernel when it is
read. This serializer stores each response as a small envelope instead:

    MAGIC | 4-byte length n | n bytes: the response's fields as JSON | the body, as received

The fields are requests-cache's own model of a response, unstructured by its orjson stage (the
``cattrs`` converter requests-cache ships; orjson is already ours), so headers, expiry, the
request and redirects come back as requests-cache wrote them. The body follows raw: no base64,
no re-parsing of JSON pages on every read. Reading anything else, a pickle included, raises
``ValueError`` (requests-cache then treats the entry as missing) and never unpickles.

Reusable by anything that stores responses (the record/replay cassettes): :data:`SERIALIZER`
is a requests-cache ``SerializerPipeline``; :func:`is_ours` tells an envelope from anything else.

Example:
    >>> from requests_cache import CachedResponse
    >>> response = CachedResponse(url="http://h/api/", status_code=200)
    >>> response._content = b'{"ok": true}'
    >>> blob = SERIALIZER.dumps(response)
    >>> is_ours(blob), SERIALIZER.loads(blob).json()
    (True, {'ok': True})
"""

from __future__ import annotations

from typing import Any

import attr
import orjson
from requests_cache.models import CachedHTTPResponse, CachedResponse
from requests_cache.serializers import SerializerPipeline, Stage
from requests_cache.serializers.preconf import orjson_preconf_stage

__all__ = ["MAGIC", "SERIALIZER", "is_ours"]

# Never starts with 0x80, the first byte of every pickle since protocol 2.
MAGIC = b"PHF-HTTP\x01"
_LENGTH = 4


def is_ours(blob: Any) -> bool:
    """Whether *blob* is one of this module's envelopes (checked before anything is decoded).

    Example:
        >>> is_ours(b"\\x80\\x05\\x95..."), is_ours(MAGIC + bytes(4))
        (False, True)
    """
    return isinstance(blob, bytes | memoryview | bytearray) and bytes(blob[: len(MAGIC)]) == MAGIC


def _dumps(response: CachedResponse) -> bytes:
    """A response as an envelope."""
    body = response._content or b""
    # The body travels raw after the fields: the stage would base64 it inside the JSON.
    fields = orjson_preconf_stage.dumps(attr.evolve(response, content=b""))
    head = orjson.dumps(fields)
    return b"".join((MAGIC, len(head).to_bytes(_LENGTH, "big"), head, body))


def _loads(blob: Any) -> CachedResponse:
    """The response in an envelope; ``ValueError`` for anything else."""
    if not is_ours(blob):
        raise ValueError("not a posthog-frames cache entry (an older format, or planted)")
    data = memoryview(blob)
    start = len(MAGIC) + _LENGTH
    size = int.from_bytes(data[len(MAGIC) : start], "big")
    if start + size > len(data):
        raise ValueError("cache entry cut short")
    try:
        fields = orjson.loads(data[start : start + size])
    except orjson.JSONDecodeError as err:
        raise ValueError(f"cache entry damaged: {err}") from None
    try:
        response = orjson_preconf_stage.loads(fields)
    except Exception as err:  # cattrs' validation errors are not ValueErrors
        raise ValueError(f"cache entry damaged: {type(err).__name__}") from None
    if not isinstance(response, CachedResponse):
        raise ValueError("cache entry damaged: not a response")
    response._content = bytes(data[start + size :])
    # Built while the body was unset: rebuilt so response.raw reads the body too.
    response.raw = CachedHTTPResponse.from_cached_response(response)
    return response


SERIALIZER = SerializerPipeline(
    [Stage(dumps=_dumps, loads=_loads)], name="posthog-frames-envelope", is_binary=True
)
