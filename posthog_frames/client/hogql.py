"""The HogQL this library writes: row limits, pages, and the persons query. Pure text; no I/O.

A query's trailing LIMIT is replaced (:func:`with_limit`); pages append LIMIT/OFFSET or wrap a
query that has its own (:func:`page_sql`).

Persons through HogQL: the page query, property filters as a WHERE, rows as person dicts.

PostHog's HogQL ``persons`` table has ``id`` (the person UUID), ``created_at``, ``properties``
(JSON text) and ``is_identified``; distinct ids come through its ``pdi`` join. The numeric
person id and ``last_seen_at`` live only in PostHog's Postgres, so HogQL cannot return them:
under ``via="query"`` the ``id`` column holds the UUID and ``last_seen_at`` is empty (NaT).
PostHog's ``{filters}`` placeholder does not work on ``persons`` (posthog/hogql/filters.py
accepts events, sessions, logs, traces and groups only), so filters become a HogQL WHERE whose
values travel as ``{placeholders}``, never pasted into the SQL text.

Example:
    >>> where, values = filters_where([PropertyFilter("plan", ["pro", "enterprise"])])
    >>> where, values
    ('properties.plan IN ({v0}, {v1})', {'v0': 'pro', 'v1': 'enterprise'})
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import orjson

from posthog_frames.exceptions import InvalidResponse, ValidationError
from posthog_frames.filters import PropertyFilter

__all__ = [
    "MAX_ROWS",
    "PERSONS_SQL",
    "filters_where",
    "page_sql",
    "person_dicts",
    "persons_sql",
    "with_limit",
]

MAX_ROWS = 50_000  # PostHog's MAX_SELECT_RETURNED_ROWS
_TAIL_LIMIT = re.compile(
    r"\s+limit\s+(?P<limit>\d+|\{\s*\w+\s*\})"
    r"(?:\s*(?:,|\s+offset\s+)\s*(?P<offset>\d+|\{\s*\w+\s*\}))?\s*$",
    re.IGNORECASE,
)
_TAIL_OFFSET = re.compile(r"\s+offset\s+(\d+|\{\s*\w+\s*\})\s*$", re.IGNORECASE)

PERSONS_SQL = (
    "SELECT id, any(created_at) AS created, any(properties) AS props, "
    "groupArray(pdi.distinct_id) AS distinct_ids, count() OVER () AS total "
    "FROM persons{where} GROUP BY id ORDER BY created DESC, id DESC"
)
_PLAIN_KEY = re.compile(r"^[A-Za-z_$][\w$]*$")
_NUMERIC = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "min": ">=", "max": "<="}
_SUPPORTED = (
    "exact, is_not, icontains, not_icontains, regex, not_regex, gt, gte, lt, lte, "
    "min, max, between, not_between, is_set, is_not_set"
)


def with_limit(sql: str, limit: int) -> str:
    """*sql* with its trailing LIMIT replaced by *limit* (appended when it has none).

    Example:
        >>> with_limit("select 1 limit 5 offset 2", 10)
        'select 1 LIMIT 10 OFFSET 2'
    """
    found = _TAIL_LIMIT.search(sql)
    if found:
        offset = f" OFFSET {found['offset']}" if found["offset"] else ""
        return f"{sql[: found.start()]} LIMIT {limit}{offset}"
    return f"{sql} LIMIT {limit}"


def page_sql(sql: str, limit: int, offset: int) -> str:
    """One page of *sql*: LIMIT/OFFSET appended, or the query wrapped when it has its own.

    Example:
        >>> page_sql("select event from events", 10, 20)
        'select event from events LIMIT 10 OFFSET 20'
        >>> page_sql("select event from events limit 5", 10, 0)
        'SELECT * FROM (select event from events limit 5) LIMIT 10 OFFSET 0'
    """
    if _TAIL_LIMIT.search(sql) or _TAIL_OFFSET.search(sql):
        return f"SELECT * FROM ({sql}) LIMIT {limit} OFFSET {offset}"
    return f"{sql} LIMIT {limit} OFFSET {offset}"


class _Values:
    """Collects placeholder values: ``{v0}``, ``{v1}``, …"""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        name = f"v{len(self.values)}"
        self.values[name] = value
        return "{" + name + "}"


def _field(key: str) -> str:
    if _PLAIN_KEY.match(key):
        return f"properties.{key}"
    return "properties.`" + key.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _text(value: Any) -> str:
    # HogQL reads JSON properties as text: true is 'true', 3 is '3'.
    return orjson.dumps(value).decode() if isinstance(value, bool) else str(value)


def _like(value: Any) -> str:
    escaped = re.sub(r"([\\%_])", r"\\\1", str(value))
    return f"%{escaped}%"


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _one(f: PropertyFilter, out: _Values) -> str | None:
    field, op, value = _field(f.key), f.operator, f.value
    if op in ("exact", "is_not"):
        items = _listed(value)
        if not items:
            return None  # PostHog: an empty list matches every person
        found = f"{field} IN ({', '.join(out.add(_text(v)) for v in items)})"
        return found if op == "exact" else f"({field} IS NULL OR NOT {found})"
    if op in ("icontains", "not_icontains"):
        hits = [f"{field} ILIKE {out.add(_like(v))}" for v in _listed(value)]
        if op == "icontains":
            return hits[0] if len(hits) == 1 else "(" + " OR ".join(hits) + ")"
        return f"({field} IS NULL OR NOT ({' OR '.join(hits)}))"
    if op in ("regex", "not_regex"):
        hit = f"match({field}, {out.add(str(value))})"
        return hit if op == "regex" else f"({field} IS NULL OR NOT {hit})"
    if op in _NUMERIC:
        return f"toFloat({field}) {_NUMERIC[op]} {out.add(float(value))}"
    if op in ("between", "not_between"):
        low, high = (out.add(float(v)) for v in value)
        number = f"toFloat({field})"
        if op == "between":
            return f"({number} >= {low} AND {number} <= {high})"
        return f"({number} < {low} OR {number} > {high})"
    if op in ("is_set", "is_not_set"):
        return f"{field} IS {'NOT ' if op == 'is_set' else ''}NULL"
    raise ValidationError(
        f"Operator {op!r} (filter on {f.key!r}) has no HogQL translation here; use "
        f"{_SUPPORTED}, or client.persons(..., via='rest').",
        attr="properties",
    )


def filters_where(filters: list[PropertyFilter]) -> tuple[str, dict[str, Any]]:
    """Person property filters as one HogQL condition (AND-ed) and its placeholder values.

    Example:
        >>> filters_where([PropertyFilter("email", operator="is_set")])
        ('properties.email IS NOT NULL', {})
    """
    out = _Values()
    parts = []
    for f in filters:
        if f.type == "hogql":
            parts.append(f"({f.key})")
            continue
        if f.type != "person":
            raise ValidationError(
                f"Only person property filters apply to persons, not type={f.type!r} "
                f"(filter on {f.key!r}).",
                attr="properties",
            )
        part = _one(f, out)
        if part:
            parts.append(part)
    return " AND ".join(parts), out.values


def persons_sql(
    filters: list[PropertyFilter],
    *,
    search: str | None = None,
    distinct_id: str | None = None,
    email: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The HogQL for one ordered persons listing (paged by the caller) and its values.

    Example:
        >>> sql, values = persons_sql([], email="ada@example.com")
        >>> "properties.email = {v0}" in sql, values
        (True, {'v0': 'ada@example.com'})
    """
    where, values = filters_where(filters)
    out = _Values()
    out.values = dict(values)
    parts = [where] if where else []
    by_distinct = "id IN (SELECT person_id FROM person_distinct_ids WHERE distinct_id = {})"
    if email is not None:
        parts.append(f"properties.email = {out.add(email)}")
    if distinct_id is not None:
        parts.append(by_distinct.format(out.add(distinct_id)))
    if search:
        # PostHog's search box: email (substring) or distinct id (exact).
        found = by_distinct.format(out.add(search))
        parts.append(f"(properties.email ILIKE {out.add(_like(search))} OR {found})")
    clause = f" WHERE {' AND '.join(parts)}" if parts else ""
    return PERSONS_SQL.format(where=clause), out.values


def _anonymous(distinct_id: str) -> bool:
    try:
        uuid.UUID(distinct_id)
    except ValueError:
        return False
    return True


def _name(props: dict[str, Any], distinct_ids: list[str], person_id: str) -> str:
    # PostHog's get_person_name: email, name, username, else the first distinct id, else the id.
    for key in ("email", "name", "username"):
        if props.get(key):
            return str(props[key])
    return distinct_ids[0] if distinct_ids else person_id


def person_dicts(response: dict[str, Any]) -> tuple[list[dict[str, Any]], int | None]:
    """Rows of the persons query as REST-shaped person dicts, and the total count.

    Distinct ids are ordered as PostHog's REST API orders them: identified ones first.

    Example:
        >>> answer = {"columns": ["id", "created", "props", "distinct_ids", "total"],
        ...           "results": [["0190-…", "2025-01-02T10:00:00Z", '{"email": "ada@x.io"}',
        ...                        ["ada"], 1]]}
        >>> people, total = person_dicts(answer)
        >>> people[0]["name"], people[0]["distinct_ids"], total
        ('ada@x.io', ['ada'], 1)
    """
    columns = response.get("columns")
    rows = response.get("results")
    wanted = ["id", "created", "props", "distinct_ids", "total"]
    if columns != wanted or not isinstance(rows, list):
        raise InvalidResponse(
            f"The persons query answered columns {columns!r}, expected {wanted}.",
            endpoint="query/",
        )
    people = []
    total = None
    for person_id, created, raw, distinct, count in rows:
        props = orjson.loads(raw) if isinstance(raw, str) and raw else {}
        ids = sorted((str(d) for d in distinct or [] if d), key=_anonymous)
        people.append(
            {
                "id": str(person_id),
                "uuid": str(person_id),
                "name": _name(props, ids, str(person_id)),
                "distinct_ids": ids,
                "properties": props,
                "created_at": created,
                "last_seen_at": None,
            }
        )
        total = count
    return people, total
