"""Tables of the demo's HogQL and how their fields resolve to SQLite columns.

``events`` (``uuid, event, distinct_id, person_id, timestamp, properties``, ``person.*``
through an automatic LEFT JOIN), ``persons`` (``id, created_at, properties, is_identified``,
``pdi.*``), ``person_distinct_ids`` (``distinct_id, person_id, person.*``), ``numbers(N)``
(``number``) and subqueries. Person properties are JSON text read as ``Nullable(String)``;
event properties are columns ("materialized"), typed as the demo's definitions say.

Example:
    >>> Source("numbers", "n", {"numbers", "n"}).kind
    'numbers'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from posthog_frames.demo.hogql.functions import Expr

__all__ = ["DT", "FieldResolver", "HogQLError", "Scope", "Source", "iso_utc", "quote_id"]

DT = "DateTime64(6, 'UTC')"


class HogQLError(ValueError):
    """The query cannot run on the demo (syntax, unknown table/field/function, bad value)."""


def iso_utc(value: str | datetime, timezone: str = "UTC") -> str:
    """A date/time text or datetime as the stored form ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    Example:
        >>> iso_utc("2025-03-01")
        '2025-03-01T00:00:00.000000Z'
    """
    import pandas as pd

    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise HogQLError(f"Cannot parse {value!r} as a date or date-time.") from err
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(timezone)
    return stamp.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Source:
    kind: str  # events | persons | pdi | numbers | subquery | none
    alias: str
    names: set[str]
    columns: dict[str, str] = field(default_factory=dict)  # subquery outputs: name → type
    joins: dict[str, str] = field(default_factory=dict)
    numbers: int = 0


@dataclass
class Scope:
    source: Source
    aliases: dict[str, Expr] = field(default_factory=dict)


class FieldResolver:
    """Field chains → SQL; the compiler provides ``event_props``, ``bind`` and ``tables``."""

    bind: Callable[[Any], str]
    tables: set[str]

    @property
    def event_props(self) -> dict[str, tuple[str, str]]:
        raise NotImplementedError  # the compiler loads them when a query first reads events

    def star(self, source: Source) -> list[str]:
        stars = {
            "events": ["uuid", "event", "properties", "timestamp", "distinct_id", "person_id"],
            "persons": ["id", "created_at", "properties", "is_identified"],
            "pdi": ["distinct_id", "person_id"],
            "numbers": ["number"],
        }
        if source.kind == "subquery":
            return list(source.columns)
        if source.kind not in stars:
            raise HogQLError("SELECT * needs a FROM clause.")
        return stars[source.kind]

    def field(self, chain: tuple[str, ...], scope: Scope) -> Expr:
        if len(chain) == 1 and chain[0] in scope.aliases:
            return scope.aliases[chain[0]]
        source = scope.source
        if len(chain) > 1 and chain[0] in source.names:
            chain = chain[1:]
        resolvers = {
            "events": self.event_field,
            "persons": self.person_field,
            "pdi": self.pdi_field,
            "numbers": self.number_field,
            "subquery": self.sub_field,
        }
        if source.kind not in resolvers:
            raise HogQLError(f"Unknown field {'.'.join(chain)!r}: the query has no FROM clause.")
        return resolvers[source.kind](chain, source, source.alias)

    def unknown(self, chain: tuple[str, ...], table: str) -> HogQLError:
        return HogQLError(f"Unable to resolve field: {'.'.join(chain)} (table {table}).")

    def event_field(self, chain: tuple[str, ...], source: Source, alias: str) -> Expr:
        a = quote_id(alias)
        head = chain[0]
        simple = {
            "uuid": "UUID",
            "event": "String",
            "distinct_id": "String",
            "person_id": "UUID",
            "timestamp": DT,
        }
        if len(chain) == 1 and head in simple:
            return Expr(f"{a}.{quote_id(head)}", simple[head])
        if head == "properties":
            if len(chain) == 1:
                pairs = ", ".join(f"'{k}', {a}.{col}" for k, (col, _) in self.event_props.items())
                return Expr(f"json_patch('{{}}', json_object({pairs}))", "String")
            if len(chain) == 2:
                # Known keys are materialized columns (typed as the definitions say, like
                # PostHog's mat_ columns); unknown keys read as null text.
                col, ch_type = self.event_props.get(chain[1], ("NULL", "Nullable(String)"))
                return Expr(f"{a}.{col}" if col != "NULL" else "NULL", ch_type)
        if head in ("person", "poe"):
            joined = self.join(
                source, "person", f"LEFT JOIN persons AS {{j}} ON {{j}}.id = {a}.person_id"
            )
            if len(chain) == 1:
                raise self.unknown(chain, "events")
            return self.person_field(chain[1:], source, joined)
        raise self.unknown(chain, "events")

    def person_field(self, chain: tuple[str, ...], source: Source, alias: str) -> Expr:
        a = quote_id(alias)
        head = chain[0]
        self.tables.add("persons")
        simple = {"id": "UUID", "created_at": DT, "is_identified": "Bool"}
        if len(chain) == 1 and head in simple:
            return Expr(f"{a}.{head}", simple[head])
        if head == "properties":
            if len(chain) == 1:
                return Expr(f"{a}.properties", "String")
            if len(chain) == 2:
                return _json_property(f"{a}.properties", self.bind(_json_path(chain[1])))
        if head == "pdi" and len(chain) == 2 and alias == source.alias:
            joined = self.join(
                source, "pdi", f"LEFT JOIN person_distinct_ids AS {{j}} ON {{j}}.person_id = {a}.id"
            )
            return self.pdi_field(chain[1:], source, joined)
        raise self.unknown(chain, "persons")

    def pdi_field(self, chain: tuple[str, ...], source: Source, alias: str) -> Expr:
        self.tables.add("pdi")
        a = quote_id(alias)
        if len(chain) == 1 and chain[0] in ("distinct_id", "person_id"):
            return Expr(f"{a}.{chain[0]}", "String" if chain[0] == "distinct_id" else "UUID")
        if chain[0] == "person" and len(chain) > 1 and alias == source.alias:
            joined = self.join(
                source, "person", f"LEFT JOIN persons AS {{j}} ON {{j}}.id = {a}.person_id"
            )
            return self.person_field(chain[1:], source, joined)
        raise self.unknown(chain, "person_distinct_ids")

    def number_field(self, chain: tuple[str, ...], source: Source, alias: str) -> Expr:
        if chain == ("number",):
            return Expr(f"{quote_id(alias)}.number", "UInt64")
        raise self.unknown(chain, "numbers")

    def sub_field(self, chain: tuple[str, ...], source: Source, alias: str) -> Expr:
        if len(chain) == 1 and chain[0] in source.columns:
            return Expr(f"{quote_id(alias)}.{quote_id(chain[0])}", source.columns[chain[0]])
        raise self.unknown(chain, f"subquery {alias}")

    def join(self, source: Source, name: str, template: str) -> str:
        alias = f"{source.alias}__{name}"
        source.joins.setdefault(alias, " " + template.format(j=quote_id(alias)))
        return alias

    # -- expressions -------------------------------------------------------------------------


def quote_id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json_path(key: str) -> str:
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _json_property(column: str, path: str) -> Expr:
    # HogQL reads JSON properties as text: booleans print as true/false, objects as JSON.
    sql = (
        f"(CASE json_type({column}, {path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
        f"WHEN 'null' THEN NULL ELSE CAST(json_extract({column}, {path}) AS TEXT) END)"
    )
    return Expr(sql, "Nullable(String)")
