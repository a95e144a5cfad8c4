"""PostHog's published OpenAPI operations, read from ``../shared/openapi/`` and turned into
JSON Schema validators.

The cuts are OpenAPI 3.0 documents (``nullable``, ``writeOnly``, ``discriminator``): they are
rewritten into JSON Schema 2020-12 by :func:`to_json_schema`, then each ``$ref`` resolves inside
its own file through a ``referencing`` registry. Nothing of the spec is copied into the project.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import ROOT

SPEC_DIR = Path(os.environ.get("POSTHOG_FRAMES_OPENAPI", ROOT.parent / "shared" / "openapi"))

# Keywords whose value is one schema, a list of schemas, or a name → schema map.
_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs")
# OpenAPI 3.0 annotations with no JSON Schema meaning: `example` is a sample value and
# `discriminator` only a hint for code generators (the oneOf still decides).
_DROPPED = ("nullable", "example", "discriminator")
# Keywords that hold for null too unless null is offered as an alternative to them.
_COMBINATORS = ("allOf", "anyOf", "oneOf", "not", "$ref", "const")
_ANNOTATIONS = ("title", "description", "readOnly", "writeOnly", "default", "deprecated")


def _allow_null(schema: dict[str, Any]) -> dict[str, Any]:
    """*schema*, also accepting JSON null (what ``nullable: true`` means in OpenAPI 3.0)."""
    combined = {k: v for k, v in schema.items() if k in _COMBINATORS}
    if combined:
        # A $ref/allOf/oneOf would still refuse null: null becomes one more alternative.
        inner = {k: v for k, v in schema.items() if k not in _ANNOTATIONS}
        outer = {k: v for k, v in schema.items() if k in _ANNOTATIONS}
        return {**outer, "anyOf": [inner, {"type": "null"}]}
    out = dict(schema)
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out  # with neither type nor enum (`{}`), null was accepted already


def to_json_schema(schema: Any, *, response: bool = True) -> Any:
    """An OpenAPI 3.0 schema rewritten as JSON Schema 2020-12, without loosening it.

    ``nullable: true`` becomes a null-allowed type (or a null alternative); a ``required`` field
    marked ``writeOnly`` is required in requests only, so a response schema drops it (OpenAPI
    3.0.3, "Fixed Fields" of the Schema Object); ``example`` and ``discriminator`` go.
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED:
            continue
        if key in _ONE:
            out[key] = to_json_schema(value, response=response)
        elif key in _MANY and isinstance(value, list):
            out[key] = [to_json_schema(v, response=response) for v in value]
        elif key in _MAP and isinstance(value, dict):
            out[key] = {n: to_json_schema(v, response=response) for n, v in value.items()}
        else:
            out[key] = value
    if response and isinstance(schema.get("required"), list):
        props = schema.get("properties") or {}
        write_only = {n for n, p in props.items() if isinstance(p, dict) and p.get("writeOnly")}
        out["required"] = [name for name in schema["required"] if name not in write_only]
    return _allow_null(out) if schema.get("nullable") is True else out


def _convert_document(document: dict[str, Any]) -> dict[str, Any]:
    """A whole cut with every schema under ``components/schemas`` and every response converted."""
    out = copy.deepcopy(document)
    schemas = out.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        schemas[name] = to_json_schema(schema)
    for operations in out.get("paths", {}).values():
        for operation in operations.values():
            for answer in operation.get("responses", {}).values():
                for media in answer.get("content", {}).values():
                    if "schema" in media:
                        media["schema"] = to_json_schema(media["schema"])
    return out


def cut_path(name: str) -> Path:
    """Where the spec cut *name* (``terraform/insights_list.json``) lives."""
    return SPEC_DIR / name


@functools.cache
def load_cut(name: str) -> dict[str, Any]:
    """The converted cut *name*, read once per session; skips when ../shared is absent."""
    path = cut_path(name)
    if not path.exists():
        pytest.skip(f"PostHog's OpenAPI cuts not found at {path} (clone with ../shared beside)")
    return _convert_document(json.loads(path.read_text()))


def operation_schema_pointer(name: str, method: str = "get", status: str = "200") -> str:
    """The JSON pointer of the one operation's response schema in cut *name*."""
    document = load_cut(name)
    (path,) = document["paths"]
    media = document["paths"][path][method]["responses"][status]["content"]["application/json"]
    ref = media["schema"].get("$ref")
    assert ref, f"{name}: the {status} answer is an inline schema; name its pointer in the table"
    return ref[1:]


def _uri(name: str) -> str:
    return f"urn:posthog-openapi:{name}"


Patch = tuple[str, str, bool]  # (JSON pointer, schema as JSON, whether it must exist already)


def _patched(name: str, patches: tuple[Patch, ...]) -> dict[str, Any]:
    """The cut with each ``(pointer, schema JSON, must exist)`` set: how a deviation applies."""
    document = copy.deepcopy(load_cut(name))
    for pointer, replacement, must_exist in patches:
        *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
        node = document
        for token in parents:
            node = node[token]
        if must_exist:
            assert last in node, f"deviation {pointer} names nothing in {name}: re-check it"
        else:
            assert last not in node, f"{pointer} is in {name} now: the deviation is obsolete"
        node[last] = json.loads(replacement)
    return document


@functools.cache
def validator(name: str, pointer: str, patches: tuple[Patch, ...] = ()) -> Any:
    """A 2020-12 validator of the schema at *pointer* in cut *name*, ``$ref``s resolved in it."""
    document = _patched(name, patches) if patches else load_cut(name)
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource(_uri(name), resource)
    # Formats are checked where jsonschema can without more packages (uuid, email, ...);
    # date-time and uri would need rfc3339-validator and rfc3987, and pass unchecked.
    return Draft202012Validator(
        {"$ref": f"{_uri(name)}#{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def problems(check: Any, body: Any) -> list[str]:
    """Every way *body* breaks the schema, most relevant first, as ``path: message`` lines."""
    errors = list(check.iter_errors(body))
    if not errors:
        return []
    first = best_match(errors)
    rest = sorted(errors, key=lambda e: list(e.absolute_path) != list(first.absolute_path))
    return [_line(e) for e in [first, *[e for e in rest if e is not first]][:10]]


def _line(error: ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "<body>"
    return f"{where}: {error.message[:300]}"


def at(body: Any, path: str) -> Iterator[tuple[str, Any]]:
    """The parts of *body* a path names: ``""`` the body, ``"results/*"`` each result, ..."""
    parts: list[tuple[str, Any]] = [("", body)]
    for token in [t for t in path.split("/") if t]:
        found: list[tuple[str, Any]] = []
        for where, node in parts:
            if token == "*":
                found += [(f"{where}/{i}", item) for i, item in enumerate(node)]
            else:
                found.append((f"{where}/{token}", node[token]))
        parts = found
    return iter(parts)
