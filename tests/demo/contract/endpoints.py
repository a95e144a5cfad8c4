"""The contract table: every request the demo answers, and what its 200 body must satisfy.

An entry is one request and one contract. ``Spec`` names an operation file under
``../shared/openapi/`` and the schema pointer in it (None: the operation's own 200 schema);
``Fields`` lists the fields a PostHog serializer declares, for endpoints with no cut in
``../shared`` (the source is then the contract). Adding an endpoint is adding one entry.

Path placeholders are filled from the demo by ``tests/demo/contract/conftest.py``:
``{insight}`` stands for every saved insight in turn, ``{person_uuid}`` for a person's UUID,
``{query_id}``/``{insight_task}`` for an async query and an insight refresh to poll.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Field lists, for endpoints without a cut. PostHog's published schemas (posthog.com/docs/
# open-api-spec/users_retrieve, generated from the serializers) list these as required; write-only
# fields (password, set_current_*) are request-only and left out.
# posthog/api/user.py UserSerializer (Meta.fields; is_impersonated_read_only and
# sensitive_session_expires_at are its read-only method fields).
USER = (
    "date_joined uuid distinct_id email pending_email is_email_verified has_password id"
    " is_impersonated is_impersonated_until is_impersonated_read_only"
    " sensitive_session_expires_at team organization organizations is_2fa_enabled"
    " has_social_auth has_sso_enforcement scene_personalisation"
).split()
# posthog/api/organization.py OrganizationSerializer (the user's `organization`).
ORGANIZATION = (
    "id name slug created_at updated_at membership_level plugins_access_level teams projects"
    " available_product_features metadata customer_id member_count is_active is_not_active_reason"
).split()
# posthog/api/shared.py OrganizationBasicSerializer (each of the user's `organizations`).
ORGANIZATION_BASIC = (
    "id name slug logo_media_id membership_level members_can_use_personal_api_keys is_active"
    " is_not_active_reason is_pending_deletion"
).split()
# posthog/api/shared.py TeamBasicSerializer (the user's `team`) and
# ProjectBackwardCompatBasicSerializer (projects), whose fields are TeamBasic's by design.
TEAM_BASIC = (
    "id uuid organization project_id api_token name completed_snippet_onboarding"
    " has_completed_onboarding_for ingested_event is_demo timezone access_control"
).split()
PROJECT_BASIC = [f for f in TEAM_BASIC if f != "project_id"]
# posthog/queries/actor_base_query.py SerializedPerson (CommonActor's fields and its own): the
# persons list's items. last_seen_at is in the newest copies only (posthog-source-facts §3).
SERIALIZED_PERSON = (
    "type id uuid name distinct_ids properties created_at is_identified matched_recordings"
    " value_at_data_point"
).split()
# DRF LimitOffsetPagination (REST_FRAMEWORK PAGE_SIZE; posthog/settings/web.py).
PAGINATED = ["count", "next", "previous", "results"]
# posthog/api/property_definition.py PropertyDefinitionSerializer; the virtual $builtin_*
# entries appended for persons carry the same keys but is_seen_on_filtered_events.
PROPERTY_DEFINITION = ["id", "name", "is_numerical", "property_type", "tags"]
# posthog/api/person.py PersonViewSet.values: {"results": [PropertyValueItem], "refreshing"};
# PropertyValueItem (posthog/hogql_queries/property_values_query_runner.py) is dumped with
# exclude_none, so only `name` is certain.
PERSON_VALUES = ["results", "refreshing"]
# posthog/api/insight.py InsightSerializer.Meta.fields, as of today's source: newer than the
# cut, which lacks resolved_date_range and search_match_type. Left out: _create_in_folder
# (write-only).
INSIGHT_FIELDS = (
    "id short_id name derived_name filters query order deleted dashboards dashboard_tiles"
    " last_refresh cache_target_age next_allowed_client_refresh result hasMore columns created_at"
    " created_by description updated_at tags favorited saved last_modified_at last_modified_by"
    " is_sample effective_restriction_level effective_privilege_level user_access_level timezone"
    " is_cached query_status hogql types resolved_date_range alerts last_viewed_at"
    " search_match_type"
).split()
# posthog/api/insight.py InsightBasicSerializer.Meta.fields (`?basic=true`): the published
# list operation documents the full Insight only.
INSIGHT_BASIC = (
    "id short_id name derived_name filters query dashboards dashboard_tiles description"
    " last_refresh refreshing saved tags updated_at created_by created_at last_modified_at"
    " favorited user_access_level last_viewed_at search_match_type"
).split()
# posthog/api/dashboards/dashboard.py DashboardBasicSerializer.Meta.fields (the list's items).
DASHBOARD_BASIC = (
    "id name description pinned created_at created_by last_accessed_at is_shared deleted"
    " creation_mode tags restriction_level effective_restriction_level effective_privilege_level"
    " user_access_level"
).split()
# posthog/api/event_definition.py EventDefinitionSerializer (the fields without the enterprise
# ones: description, verified, owner … come from ee/ and are not on every project).
EVENT_DEFINITION = ["id", "name", "created_at", "last_seen_at", "tags"]


@dataclass(frozen=True)
class Spec:
    """Validate against the schema at *pointer* in the OpenAPI cut *cut*."""

    cut: str
    pointer: str | None = None  # None: the operation's 200 response schema


@dataclass(frozen=True)
class Fields:
    """The serializer's fields must all be present, at each ``(path in body, fields)``."""

    where: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Endpoint:
    """One request to the demo and the contract its answer keeps."""

    name: str
    path: str
    contract: Spec | Fields
    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None  # a POST's JSON body (None: GET)
    at: str = ""  # which part of the body the Spec describes: "results/*", "query_status"
    status: int = 200  # 202: an async query's start, whose body is its QueryStatus


def _fields(*where: tuple[str, list[str]]) -> Fields:
    return Fields(tuple((path, tuple(names)) for path, names in where))


_HOGQL = {
    "query": {"kind": "HogQLQuery", "query": "select event, count() from events group by event"}
}

# The smallest body of each insight kind PostHog's UI posts (frontend/src/queries/schema), and
# the raw-data kinds the events and persons tables post.
_PAGEVIEWS = {"kind": "EventsNode", "event": "$pageview"}
_SIGNUPS = {"kind": "EventsNode", "event": "signed up"}
_KIND_QUERIES: dict[str, dict[str, Any]] = {
    "TrendsQuery": {"kind": "TrendsQuery", "series": [_PAGEVIEWS]},
    "FunnelsQuery": {"kind": "FunnelsQuery", "series": [_PAGEVIEWS, _SIGNUPS]},
    "RetentionQuery": {
        "kind": "RetentionQuery",
        "retentionFilter": {
            "targetEntity": {"id": "signed up", "type": "events"},
            "returningEntity": {"id": "$pageview", "type": "events"},
        },
    },
    "PathsQuery": {"kind": "PathsQuery", "pathsFilter": {"includeEventTypes": ["$pageview"]}},
    "StickinessQuery": {"kind": "StickinessQuery", "series": [_PAGEVIEWS]},
    "LifecycleQuery": {"kind": "LifecycleQuery", "series": [_PAGEVIEWS]},
    "EventsQuery": {"kind": "EventsQuery", "select": ["*", "event", "timestamp"], "limit": 10},
    "ActorsQuery": {
        "kind": "ActorsQuery",
        "source": {
            "kind": "InsightActorsQuery",
            "source": {"kind": "TrendsQuery", "series": [_PAGEVIEWS]},
        },
        "select": ["actor"],
    },
}


INSIGHTS = "terraform/insights_list.json"
INSIGHT = "terraform/insights_retrieve.json"
PERSON = "terraform/persons_retrieve.json"
QUERY = "terraform/query_create.json"
ENV_QUERY = "terraform/environments_query_create.json"
DASHBOARD = "terraform/dashboards_retrieve.json"
ACTIONS = "terraform/actions_list.json"
COHORTS = "terraform/cohorts_list.json"

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "users @me",
        "/api/users/@me/",
        _fields(
            ("", USER),
            ("organization", ORGANIZATION),
            ("organizations/*", ORGANIZATION_BASIC),
            ("team", TEAM_BASIC),
        ),
    ),
    Endpoint(
        "projects list", "/api/projects/", _fields(("", PAGINATED), ("results/*", PROJECT_BASIC))
    ),
    Endpoint("project retrieve", "/api/projects/1/", _fields(("", PROJECT_BASIC))),
    Endpoint("insights list", "/api/projects/1/insights/", Spec(INSIGHTS), {"limit": 100}),
    Endpoint(
        "insights list (basic)",
        "/api/projects/1/insights/",
        _fields(("", PAGINATED), ("results/*", INSIGHT_BASIC)),
        {"limit": 100, "basic": "true"},
    ),
    Endpoint(
        "insight retrieve",
        "/api/projects/1/insights/{insight}/",
        Spec(INSIGHT),
        {"refresh": "blocking"},
    ),
    Endpoint(
        "insight retrieve (serializer fields)",
        "/api/projects/1/insights/{insight}/",
        _fields(("", INSIGHT_FIELDS)),
        {"refresh": "blocking"},
    ),
    # A filters_override no other request uses: a cache miss, so every result field is null.
    Endpoint(
        "insight retrieve (cache miss)",
        "/api/projects/1/insights/{insight}/",
        Spec(INSIGHT),
        {"refresh": "force_cache", "filters_override": '{"date_from": "-13d"}'},
    ),
    Endpoint(
        "persons list",
        "/api/projects/1/persons/",
        Spec(PERSON, "/components/schemas/Person"),
        {"limit": 50},
        at="results/*",
    ),
    # posthog/api/person.py PersonViewSet.list: `count` only with include_total.
    Endpoint(
        "persons list (SerializedPerson fields)",
        "/api/projects/1/persons/",
        _fields(("", ["results", "next", "previous"]), ("results/*", SERIALIZED_PERSON)),
        {"limit": 50},
    ),
    Endpoint("person retrieve", "/api/projects/1/persons/{person_uuid}/", Spec(PERSON)),
    Endpoint("person retrieve by id", "/api/projects/1/persons/1/", Spec(PERSON)),
    # The cut's 200 has no body ("No response body"): posthog/api/person.py is the contract.
    Endpoint(
        "person values",
        "/api/projects/1/persons/values/",
        _fields(("", PERSON_VALUES), ("results/*", ["name"])),
        {"key": "email"},
    ),
    Endpoint(
        "property definitions",
        "/api/projects/1/property_definitions/",
        _fields(("", PAGINATED), ("results/*", PROPERTY_DEFINITION)),
        {"type": "person", "limit": 1000},
    ),
    # The operation's own 200 schema is an anyOf that starts with `{type: object}`, which any
    # body passes: each query kind is held to its own response schema in the same file.
    Endpoint(
        "query HogQLQuery",
        "/api/projects/1/query/",
        Spec(QUERY, "/components/schemas/HogQLQueryResponse"),
        body=_HOGQL,
    ),
    *(
        Endpoint(
            f"query {kind}",
            "/api/projects/1/query/",
            Spec(QUERY, f"/components/schemas/{kind}Response"),
            body={"query": query},
        )
        for kind, query in _KIND_QUERIES.items()
    ),
    Endpoint(
        "query TrendsQuery of an action",
        "/api/projects/1/query/",
        Spec(QUERY, "/components/schemas/TrendsQueryResponse"),
        body={"query": {"kind": "TrendsQuery", "series": [{"kind": "ActionsNode", "id": 2}]}},
    ),
    Endpoint(
        "environments query HogQLQuery",
        "/api/environments/1/query/",
        Spec(ENV_QUERY, "/components/schemas/HogQLQueryResponse"),
        body=_HOGQL,
    ),
    # posthog/api/query.py: a query started with refresh=force_async answers 202 and its status.
    Endpoint(
        "query async start",
        "/api/projects/1/query/",
        Spec(QUERY, "/components/schemas/QueryStatus"),
        body={**_HOGQL, "refresh": "force_async"},
        at="query_status",
        status=202,
    ),
    Endpoint(
        "query status",
        "/api/projects/1/query/{query_id}/",
        Spec(QUERY, "/components/schemas/QueryStatus"),
        at="query_status",
    ),
    Endpoint(
        "query status (insight refresh)",
        "/api/projects/1/query/{insight_task}/",
        Spec(QUERY, "/components/schemas/QueryStatus"),
        at="query_status",
    ),
    Endpoint(
        "dashboards list",
        "/api/projects/1/dashboards/",
        _fields(("", PAGINATED), ("results/*", DASHBOARD_BASIC)),
    ),
    Endpoint("dashboard retrieve", "/api/projects/1/dashboards/{dashboard}/", Spec(DASHBOARD)),
    # products/actions/backend/api/action.py: the list is not paged ({"results": [...]} only),
    # whatever the cut's PaginatedActionList says; its items are the cut's Action.
    Endpoint(
        "actions list",
        "/api/projects/1/actions/",
        Spec(ACTIONS, "/components/schemas/Action"),
        at="results/*",
    ),
    Endpoint(
        "action retrieve",
        "/api/projects/1/actions/{action}/",
        Spec(ACTIONS, "/components/schemas/Action"),
    ),
    Endpoint(
        "event definitions",
        "/api/projects/1/event_definitions/",
        _fields(("", PAGINATED), ("results/*", EVENT_DEFINITION)),
    ),
    Endpoint("cohorts list", "/api/projects/1/cohorts/", Spec(COHORTS)),
    Endpoint(
        "cohort retrieve",
        "/api/projects/1/cohorts/{cohort}/",
        Spec(COHORTS, "/components/schemas/Cohort"),
    ),
    # posthog/api/cohort.py CohortViewSet.persons: no count; items as the persons list's.
    Endpoint(
        "cohort persons",
        "/api/projects/1/cohorts/{cohort}/persons/",
        _fields(("", ["results", "next", "previous"]), ("results/*", SERIALIZED_PERSON)),
    ),
)
