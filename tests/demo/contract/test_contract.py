"""Every endpoint the demo serves answers what PostHog's contract says: its published OpenAPI
schema (../shared/openapi/) where a cut exists, the serializer's field list where none does."""

from __future__ import annotations

import re

import pytest

from posthog_frames.demo.app import _ROUTES
from tests.demo.contract.conftest import expand, fetch
from tests.demo.contract.deviations import DEVIATIONS, patches_for
from tests.demo.contract.endpoints import ENDPOINTS, Endpoint, Fields, Spec
from tests.demo.contract.spec import at, operation_schema_pointer, problems, validator


def check(endpoint: Endpoint, body: object) -> list[str]:
    """What is wrong with *body* under the endpoint's contract (empty: nothing)."""
    contract = endpoint.contract
    if isinstance(contract, Fields):
        return [
            f"{where or '<body>'}: missing {name!r}"
            for path, names in contract.where
            for where, part in at(body, path)
            for name in names
            if name not in part
        ]
    pointer = contract.pointer or operation_schema_pointer(contract.cut)
    schema = validator(contract.cut, pointer, patches_for(endpoint))
    return [
        f"{where} {line}".strip()
        for where, part in at(body, endpoint.at)
        for line in problems(schema, part)
    ]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_every_answer_keeps_the_contract(demo, placeholders, endpoint):
    for path in expand(endpoint, placeholders):
        answer = fetch(demo, endpoint, path)
        assert answer.status_code == endpoint.status, (
            f"{path}: {answer.status_code} {answer.text[:300]}"
        )
        body = answer.json()
        assert list(at(body, endpoint.at)), f"{path}: nothing at {endpoint.at!r} to check"
        assert check(endpoint, body) == [], path


def unchecked(routes: list[re.Pattern[str]], endpoints: tuple[Endpoint, ...]) -> list[str]:
    """The routes no table entry's path reaches."""
    paths = [re.sub(r"\{[a-z_]+\}", "x", e.path).rstrip("/") for e in endpoints]
    return [r.pattern for r in routes if not any(r.match(p) for p in paths)]


def test_every_route_of_the_demo_has_a_table_entry():
    # A route added to demo/app.py without an entry here fails: its answers would go unchecked.
    routes = [r.pattern for r in _ROUTES]
    assert unchecked(routes, ENDPOINTS) == []
    assert unchecked([*routes, re.compile(r"^/api/projects/(?P<pid>\d+)/cohorts$")], ENDPOINTS) == [
        r"^/api/projects/(?P<pid>\d+)/cohorts$"
    ]


def test_each_deviation_names_table_entries_that_use_its_schema():
    by_name = {e.name: e for e in ENDPOINTS}
    for deviation in DEVIATIONS:
        assert deviation.endpoints, deviation.source
        for name in deviation.endpoints:
            endpoint = by_name[name]  # a KeyError: the deviation names no entry
            contract = endpoint.contract
            assert isinstance(contract, Spec), f"{name}: deviations apply to spec contracts only"
            pointer = contract.pointer or operation_schema_pointer(contract.cut)
            # Building it asserts each replaced field exists (and each added one does not).
            validator(contract.cut, pointer, patches_for(endpoint))
