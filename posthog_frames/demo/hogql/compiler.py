"""Translate the demo's HogQL subset into SQLite SQL over the demo tables, with ClickHouse types.

Tables (as in PostHog's HogQL schema): ``events`` (``uuid, event, distinct_id, person_id,
timestamp, properties`` and ``person.*`` joined automatically), ``persons`` (``id, created_at,
properties, is_identified`` and ``pdi.distinct_id`` through the distinct-id table),
``person_distinct_ids`` (``distinct_id, person_id, person.*``), ``numbers(N)`` (``number``) and
subqueries in FROM. ``properties.<key>`` reads a JSON property as ``Nullable(String)`` (text
compared with a number is read as a number, as HogQL does for numeric properties).

Functions are listed in :mod:`.functions`; placeholders ``{name}`` take ``values``.
This module compiles the SELECT level; expressions are compiled in :mod:`.expressions`.
Everything outside the subset raises :class:`HogQLError` with a message naming the problem.

Example:
    >>> from posthog_frames.demo import DEMO_NOW
    >>> out = compile_query("select event, count() as n from events group by event", now=DEMO_NOW)
    >>> out.columns, out.types
    (['event', 'n'], ['String', 'UInt64'])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from posthog_frames.demo.hogql import ast
from posthog_frames.demo.hogql.ast import to_hogql
from posthog_frames.demo.hogql.expressions import ExprCompiler
from posthog_frames.demo.hogql.functions import NO_VALUE, Env, Expr
from posthog_frames.demo.hogql.parser import HogQLSyntaxError, parse
from posthog_frames.demo.hogql.tables import HogQLError, Scope, Source, iso_utc, quote_id

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Compiled", "HogQLError", "compile_query", "iso_utc"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 50_000


@dataclass
class Compiled:
    """A translated query: SQL and bound parameters, column names and ClickHouse types."""

    sql: str
    params: dict[str, Any]
    columns: list[str]
    types: list[str]
    hogql: str
    tables: set[str]
    limit: int | None  # the top-level LIMIT as written (None: PostHog's default applies)
    offset: int


class _Compiler(ExprCompiler):
    """The SELECT level: sources and joins, items, grouping, ordering and limits."""

    def __init__(
        self, values: dict[str, Any], event_props: Callable[[], dict], now: str, timezone: str
    ) -> None:
        self.values = values
        self._load_event_props = event_props
        self._event_props: dict[str, tuple[str, str]] | None = None
        self.params: dict[str, Any] = {}
        self.bound: dict[tuple[str, Any], str] = {}
        self.tables: set[str] = set()
        self.env = Env(timezone, self.bind, now)
        self.depth = 0

    def bind(self, value: Any) -> str:
        key = (type(value).__name__, value)
        if key not in self.bound:  # one name per value: a repeated expression prints the same
            self.bound[key] = f"p{len(self.params)}"
            self.params[self.bound[key]] = value
        return f":{self.bound[key]}"

    @property
    def event_props(self) -> dict[str, tuple[str, str]]:
        if self._event_props is None:
            self._event_props = self._load_event_props()
        return self._event_props

    # -- SELECT ----------------------------------------------------------------------------
    def select(self, node: ast.Select) -> tuple[str, list[str], list[str]]:
        self.depth += 1
        source = self.source(node.source)
        scope = Scope(source)
        names: list[str] = []
        types: list[str] = []
        parts: list[str] = []
        item_exprs: list[tuple[ast.Node, Expr]] = []
        for item in node.items:
            for name, expr, raw in self.items(item, scope):
                if isinstance(item, ast.Alias):
                    scope.aliases[item.name] = expr
                names.append(name)
                types.append(expr.type)
                parts.append(f"{expr.sql} AS {quote_id(name)}")
                item_exprs.append((raw, expr))
        sql = "SELECT " + ("DISTINCT " if node.distinct else "") + ", ".join(parts)
        sql += self.from_sql(source, node.source)
        where = self.expr(node.where, scope) if node.where is not None else None
        groups = [self.expr(g, scope) for g in node.group_by]
        self.check_grouping(node, item_exprs, groups)
        if where is not None:
            sql += f" WHERE {where.sql}"
        if groups:
            sql += " GROUP BY " + ", ".join(g.sql for g in groups)
        if node.having is not None:
            sql += f" HAVING {self.expr(node.having, scope).sql}"
        if node.order_by:
            sql += " ORDER BY " + ", ".join(self.order(o, scope) for o in node.order_by)
        self.depth -= 1
        if self.depth > 0:  # nested: limits apply as written; the top level is capped by the caller
            if node.limit is not None:
                sql += f" LIMIT {self.int_value(node.limit, 'LIMIT')}"
                if node.offset is not None:
                    sql += f" OFFSET {self.int_value(node.offset, 'OFFSET')}"
        # joins are discovered while compiling fields, so splice them in at the end
        sql = sql.replace("\x00JOINS\x00", "".join(source.joins.values()))
        return sql, names, types

    def items(self, item: ast.Node, scope: Scope) -> list[tuple[str, Expr, ast.Node]]:
        if isinstance(item, ast.Star):
            return [
                (name, self.field((name,), scope), ast.Field((name,)))
                for name in self.star(scope.source)
            ]
        if isinstance(item, ast.Alias):
            return [(item.name, self.expr(item.expr, scope), item.expr)]
        return [(to_hogql(item), self.expr(item, scope), item)]

    def check_grouping(self, node: ast.Select, items: list, groups: list[Expr]) -> None:
        if not groups and not any(expr.agg for _, expr in items):
            return
        grouped = {g.sql for g in groups}
        for raw, expr in items:
            if expr.agg or expr.value is not NO_VALUE or expr.sql in grouped:
                continue
            if "OVER (" in expr.sql:
                continue
            raise HogQLError(
                f"Column {to_hogql(raw)!r} is neither aggregated nor in GROUP BY: add it to "
                "GROUP BY or wrap it in an aggregate such as any()."
            )

    def source(self, item: ast.FromItem | None) -> Source:
        if item is None:
            return Source("none", "", set())
        if isinstance(item.table, ast.Select):
            alias = item.alias or f"sub{self.depth}"
            sql, names, types = _Compiler.select(self, item.table)
            source = Source("subquery", alias, {alias}, dict(zip(names, types, strict=True)))
            source.joins["\x01sub"] = sql  # remembered for from_sql
            return source
        table = item.table
        kinds = {
            "events": "events",
            "persons": "persons",
            "person_distinct_ids": "pdi",
            "numbers": "numbers",
        }
        if table not in kinds:
            raise HogQLError(
                f"Unknown table {table!r}. The demo has events, persons, person_distinct_ids "
                "and numbers(N)."
            )
        kind = kinds[table]
        alias = item.alias or f"{table}{self.depth}"
        source = Source(kind, alias, {table, alias})
        if kind == "numbers":
            if len(item.args) != 1:
                raise HogQLError("numbers() takes one argument: numbers(N).")
            source.numbers = self.int_value(item.args[0], "numbers(N)")
        elif item.args:
            raise HogQLError(f"Table {table!r} takes no arguments.")
        elif kind == "events":
            _ = self.event_props  # loads the event log
        self.tables.add(kind)
        return source

    def from_sql(self, source: Source, item: ast.FromItem | None) -> str:
        alias = quote_id(source.alias)
        if source.kind == "none":
            return ""
        if source.kind == "subquery":
            return f" FROM ({source.joins.pop(chr(1) + 'sub')}) AS {alias}\x00JOINS\x00"
        if source.kind == "numbers":
            count = self.bind(source.numbers)
            cte = (
                "WITH RECURSIVE n(number) AS (SELECT 0 UNION ALL SELECT number + 1 FROM n "
                f"WHERE number + 1 < {count})"
            )
            return f" FROM ({cte} SELECT number FROM n WHERE {count} > 0) AS {alias}\x00JOINS\x00"
        table = {"events": "events", "persons": "persons", "pdi": "person_distinct_ids"}
        return f" FROM {table[source.kind]} AS {alias}\x00JOINS\x00"

    def int_value(self, node: ast.Node, what: str) -> int:
        value = self.constant(node)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise HogQLError(f"{what} must be a non-negative whole number, got {to_hogql(node)}.")
        return value


def compile_query(
    text: str,
    *,
    values: dict[str, Any] | None = None,
    now: datetime,
    timezone: str = "UTC",
    event_props: Callable[[], dict[str, tuple[str, str]]] | None = None,
) -> Compiled:
    """Translate *text* to SQLite; raises :class:`HogQLError` when it is outside the subset.

    *event_props* returns the event property keys as ``{key: (sqlite column, ClickHouse type)}``;
    it is called only when the query reads events (loading them is the costly part).

    Example:
        >>> from posthog_frames.demo import DEMO_NOW
        >>> compile_query("select number from numbers(3)", now=DEMO_NOW).types
        ['UInt64']
    """
    if not isinstance(text, str) or not text.strip():
        raise HogQLError("The query is empty: write a SELECT statement.")
    try:
        tree = parse(text)
    except HogQLSyntaxError as err:
        raise HogQLError(str(err)) from None
    compiler = _Compiler(values or {}, event_props or dict, iso_utc(now.astimezone(UTC)), timezone)
    sql, names, types = compiler.select(tree)
    limit = compiler.int_value(tree.limit, "LIMIT") if tree.limit is not None else None
    offset = compiler.int_value(tree.offset, "OFFSET") if tree.offset is not None else 0
    return Compiled(
        sql, compiler.params, names, types, to_hogql(tree), compiler.tables, limit, offset
    )
