"""The HogQL this library writes: row limits and the persons query. Pure text; no I/O.

A query's trailing LIMIT is replaced (:func:`with_limit`); pages of any query are written by
:mod:`posthog_frames.client.keyset`, never with OFFSET (PostHog refuses it with a personal key).

Persons through HogQL: one page of persons after a keyset position, property filters as a
WHERE, rows as person dicts. PostHog's HogQL ``persons`` table has ``id`` (the person UUID, as
the persons list's ``id``), ``created_at``, ``properties`` (JSON text) and ``is_identified``;
distinct ids come through its ``pdi`` join. ``last_seen_at`` lives only in PostHog's Postgres, so
under ``via="query"`` it is empty (NaT).
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
from typing import Any

import orjson

from posthog_frames.exceptions import InvalidResponse, ValidationError
from posthog_frames.filters import PropertyFilter
from posthog_frames.frames.persons import identified_first, person_name

__all__ = [
    "MAX_ROWS",
    "PERSON_COLUMNS",
    "filters_where",
    "person_dicts",
    "persons_page_sql",
    "persons_where",
    "with_limit",
]

MAX_ROWS = 50_000  # PostHog's MAX_SELECT_RETURNED_ROWS
_TAIL_LIMIT = re.compile(
    r"\s+limit\s+(?P<limit>\d+|\{\s*\w+\s*\})"
    r"(?:\s*(?:,|\s+offset\s+)\s*(?P<offset>\d+|\{\s*\w+\s*\}))?\s*$",
    re.IGNORECASE,
)

# One page of persons, newest first as the persons list orders them. The inner query picks the
# page's ids after the keyset position; the outer one gathers distinct ids for those alone, so a
# page never aggregates the whole table.
_PERSONS_PAGE = (
    "SELECT id, any(created_at) AS created, any(properties) AS props, "
    "any(is_identified) AS identified, groupArray(pdi.distinct_id) AS distinct_ids "
    "FROM persons WHERE id IN (SELECT id FROM persons{where} "
    "ORDER BY created_at DESC, id DESC LIMIT {size}) "
    "GROUP BY id ORDER BY created DESC, id DESC LIMIT {size}"
)
_AFTER = "(created_at < toDateTime({{c}}) OR (created_at = toDateTime({{c}}) AND id < {{i}}))"
PERSON_COLUMNS = ["id", "created", "props", "identified", "distinct_ids"]
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
        if f.type == "cohort":
            # PostHog's HogQL reads `id IN COHORT n` from its precalculated cohort tables,
            # which the demo's HogQL does not have: such a filter cannot be checked here.
            raise ValidationError(
                f"{f!r}: cohort filters have no HogQL translation here; use "
                "client.persons(..., via='rest') (the persons API filters on cohorts), or "
                "client.cohort_persons(cohort) for one cohort's members.",
                attr="properties",
            )
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


def persons_where(
    filters: list[PropertyFilter],
    *,
    search: str | None = None,
    distinct_id: str | None = None,
    email: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The persons list's filters as one HogQL condition (``""`` for none) and its values.

    ``search`` is PostHog's search box (``actor_strategies.py``): a case-insensitive substring
    of the email, the name, the person's UUID or any of its distinct ids.

    Example:
        >>> where, values = persons_where([], email="ada@example.com")
        >>> where, values
        ('properties.email = {v0}', {'v0': 'ada@example.com'})
    """
    where, values = filters_where(filters)
    out = _Values()
    out.values = dict(values)
    parts = [where] if where else []
    if email is not None:
        parts.append(f"properties.email = {out.add(email)}")
    if distinct_id is not None:
        found = out.add(distinct_id)
        parts.append(
            f"id IN (SELECT person_id FROM person_distinct_ids WHERE distinct_id = {found})"
        )
    text = (search or "").strip()
    if text:
        # PostHog leaves % and _ in the search text as wildcards; so do we.
        like = out.add(f"%{text}%")
        parts.append(
            f"(toString(properties.email) ILIKE {like} OR toString(properties.name) ILIKE {like} "
            f"OR toString(id) ILIKE {like} OR id IN (SELECT person_id FROM person_distinct_ids "
            f"WHERE distinct_id ILIKE {like}))"
        )
    return " AND ".join(parts), out.values


def persons_page_sql(
    where: str, values: dict[str, Any], size: int, after: tuple[Any, Any] | None
) -> tuple[str, dict[str, Any]]:
    """One page of at most *size* persons matching *where*, after the ``(created_at, id)`` of
    the previous page's last person (None for the first page). No OFFSET: keyset paging.

    Example:
        >>> sql, values = persons_page_sql("", {}, 100, ("2025-03-01T00:00:00Z", "0195-…"))
        >>> "created_at < toDateTime({c}) OR (created_at = toDateTime({c}) AND id < {i})" in sql
        True
    """
    parts = [where] if where else []
    values = dict(values)
    if after is not None:
        parts.append(_AFTER.format())
        values.update({"c": after[0], "i": after[1]})
    clause = f" WHERE {' AND '.join(parts)}" if parts else ""
    return _PERSONS_PAGE.format(where=clause, size=int(size)), values


def person_dicts(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a :func:`persons_page_sql` answer as the persons list's person dicts.

    Distinct ids are ordered as PostHog's REST API orders them: identified ones first.

    Example:
        >>> answer = {"columns": PERSON_COLUMNS,
        ...           "results": [["0190-…", "2025-01-02T10:00:00Z", '{"email": "ada@x.io"}',
        ...                        True, ["ada"]]]}
        >>> person = person_dicts(answer)[0]
        >>> person["id"], person["name"], person["distinct_ids"], person["is_identified"]
        ('0190-…', 'ada@x.io', ['ada'], True)
    """
    columns = response.get("columns")
    rows = response.get("results")
    if columns != PERSON_COLUMNS or not isinstance(rows, list):
        raise InvalidResponse(
            f"The persons query answered columns {columns!r}, expected {PERSON_COLUMNS}.",
            endpoint="query/",
        )
    people = []
    for person_id, created, raw, identified, distinct in rows:
        props = orjson.loads(raw) if isinstance(raw, str) and raw else (raw or {})
        ids = identified_first(distinct)
        people.append(
            {
                "id": str(person_id),
                "uuid": str(person_id),
                "name": person_name(props, ids, str(person_id)),
                "distinct_ids": ids,
                "properties": props,
                "created_at": created,
                "last_seen_at": None,
                "is_identified": None if identified is None else bool(identified),
            }
        )
    return people
