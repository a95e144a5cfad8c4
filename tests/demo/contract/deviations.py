"""Where PostHog's behaviour and its published OpenAPI schema disagree, the demo follows the
behaviour: the one list of those places, each applied to the named fields of the named
operations only, each with the PostHog source that proves the behaviour.

Nothing else is loosened: an entry replaces (or, with ``adds``, introduces) exactly the field
schemas it lists, and says which table entries of :mod:`tests.demo.contract.endpoints` it is for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tests.demo.contract.endpoints import ENDPOINTS, Endpoint, Spec
from tests.demo.contract.spec import Patch, operation_schema_pointer

_NULL_DATETIME = {"type": ["string", "null"], "format": "date-time"}


@dataclass(frozen=True)
class Deviation:
    """Fields of one schema where PostHog answers differently from its published spec."""

    endpoints: tuple[str, ...]  # names of the ENDPOINTS entries it applies to
    schema: str | None  # JSON pointer of the object schema (None: each entry's own schema)
    fields: Mapping[str, Any]  # field → the JSON Schema PostHog's behaviour follows
    source: str  # the PostHog source that proves the behaviour
    adds: bool = False  # the fields are absent from the published schema

    def patches(self, own_schema: str) -> tuple[Patch, ...]:
        """``(pointer, schema as JSON, must already exist)`` for :func:`spec.validator`."""
        base = self.schema or own_schema
        return tuple(
            (f"{base}/properties/{name}", json.dumps(schema), not self.adds)
            for name, schema in self.fields.items()
        )


# Every blocking /query/ answer, whatever its kind, is the runner's Cached<Kind>Response.
QUERY_POSTS = tuple(
    e.name for e in ENDPOINTS if e.path.endswith("/query/") and e.body and e.status == 200
)


DEVIATIONS: tuple[Deviation, ...] = (
    # posthog/api/person.py PersonViewSet.list builds its items with get_serialized_people, whose
    # SerializedPerson (posthog/queries/actor_base_query.py) sets `id=uuid`: list items carry
    # the UUID string. The spec's Person is PersonSerializer (retrieve), whose id is the integer
    # primary key: retrieve keeps the integer (reference §6; posthog-source-facts §3).
    Deviation(
        endpoints=("persons list",),
        schema="/components/schemas/Person",
        fields={"id": {"type": "string", "format": "uuid"}},
        source="posthog/api/person.py get_serialized_people; "
        "posthog/queries/actor_base_query.py SerializedPerson(id=uuid)",
    ),
    # The cuts predate the schema annotations of InsightSerializer's method fields: drf-spectacular
    # typed every un-annotated SerializerMethodField as a plain string. PostHog's current
    # posthog/api/insight.py annotates each with @extend_schema_field, and these are those types
    # (result: OpenApiTypes.ANY; hasMore: BooleanField(allow_null); columns: ListField of
    # CharField, allow_null; the three refresh times: DateTimeField(allow_null); is_cached:
    # BooleanField; query_status: ANY; hogql: CharField(allow_null); types: ListField(allow_null);
    # alerts: ListField). Recorded insights in ../shared/posthog-fixtures agree (list results,
    # boolean is_cached).
    Deviation(
        endpoints=("insights list", "insight retrieve", "insight retrieve (cache miss)"),
        schema="/components/schemas/Insight",
        fields={
            "result": {},
            "hasMore": {"type": ["boolean", "null"]},
            "columns": {"type": ["array", "null"], "items": {"type": "string"}},
            "last_refresh": _NULL_DATETIME,
            "cache_target_age": _NULL_DATETIME,
            "next_allowed_client_refresh": _NULL_DATETIME,
            "is_cached": {"type": "boolean"},
            "query_status": {},
            "hogql": {"type": ["string", "null"]},
            "types": {"type": ["array", "null"]},
            "alerts": {"type": "array"},
        },
        source="posthog/api/insight.py InsightSerializer get_result … get_alerts "
        "(@extend_schema_field on each)",
    ),
    # A blocking /query/ answers the runner's cached response, CachedHogQLQueryResponse
    # (posthog/schema.py, extra="forbid"): HogQLQueryResponse plus the cache envelope. The spec
    # lists only HogQLQueryResponse (the operation's anyOf admits it through `{type: object}`),
    # and its generator dropped the `Optional[...]` of `metadata` and `query_status`, which the
    # response dumps as null (model_dump without exclude_none, posthog/api/query.py).
    Deviation(
        endpoints=("query HogQLQuery", "environments query HogQLQuery"),
        schema="/components/schemas/HogQLQueryResponse",
        fields={
            "metadata": {
                "anyOf": [{"$ref": "#/components/schemas/HogQLMetadataResponse"}, {"type": "null"}]
            },
            "query_status": {
                "anyOf": [{"$ref": "#/components/schemas/QueryStatus"}, {"type": "null"}]
            },
        },
        source="posthog/schema.py CachedHogQLQueryResponse: metadata/query_status Optional",
    ),
    # posthog/schema.py has a Cached<Kind>Response beside every <Kind>Response, each with the
    # same cache envelope: it applies to every /query/ entry, on the kind's own schema.
    Deviation(
        endpoints=QUERY_POSTS,
        schema=None,
        fields={
            "cache_key": {"type": "string"},
            "cache_target_age": _NULL_DATETIME,
            "calculation_trigger": {"type": ["string", "null"]},
            "is_cached": {"type": "boolean"},
            "last_refresh": {"type": "string", "format": "date-time"},
            "next_allowed_client_refresh": _NULL_DATETIME,
            "timezone": {"type": "string"},
        },
        source="posthog/schema.py CachedHogQLQueryResponse (cache envelope fields)",
        adds=True,
    ),
    # QueryStatus.query_progress is Optional[ClickhouseQueryProgress] = None in posthog/schema.py;
    # the spec's generator dropped the Optional here too, and a status is dumped with its nulls.
    Deviation(
        endpoints=("query async start", "query status", "query status (insight refresh)"),
        schema="/components/schemas/QueryStatus",
        fields={
            "query_progress": {
                "anyOf": [
                    {"$ref": "#/components/schemas/ClickhouseQueryProgress"},
                    {"type": "null"},
                ]
            },
        },
        source="posthog/schema.py QueryStatus: query_progress Optional",
    ),
)


def patches_for(endpoint: Endpoint) -> tuple[Patch, ...]:
    """Every patch the deviations make to the schema *endpoint* is validated against."""
    found = [d for d in DEVIATIONS if endpoint.name in d.endpoints]
    if not found:
        return ()
    contract = endpoint.contract
    assert isinstance(contract, Spec), f"{endpoint.name}: deviations apply to spec contracts only"
    own = contract.pointer or operation_schema_pointer(contract.cut)
    return tuple(p for d in found for p in d.patches(own))
