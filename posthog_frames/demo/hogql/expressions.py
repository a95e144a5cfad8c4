"""Expressions of the demo's HogQL compiled to SQLite SQL with their ClickHouse types.

:class:`ExprCompiler` is the expression half of the compiler in :mod:`.compiler`: constants and
placeholders, operators (comparisons convert like ClickHouse: text against a number is read as a
number, text against a date as a date), ``INTERVAL`` arithmetic, ``IN`` lists and subqueries,
function calls (handlers in :mod:`.functions`) and window clauses. Field chains resolve
through :class:`~posthog_frames.demo.hogql.tables.FieldResolver`, its base.

Example:
    >>> from posthog_frames.demo.hogql.compiler import compile_query
    >>> from posthog_frames.demo import DEMO_NOW
    >>> compile_query("select 1 + 2.5 as x", now=DEMO_NOW).types
    ['Float64']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from posthog_frames.demo.hogql import ast
from posthog_frames.demo.hogql.ast import to_hogql
from posthog_frames.demo.hogql.functions import (
    AGGREGATES,
    FUNCTIONS,
    NO_VALUE,
    Env,
    Expr,
    FunctionError,
    base_type,
    is_number,
    numeric,
)
from posthog_frames.demo.hogql.tables import DT, FieldResolver, HogQLError, Scope, iso_utc

__all__ = ["ExprCompiler"]

_FUNC_BY_LOWER = {name.lower(): fn for name, fn in FUNCTIONS.items()}
_AGG_HANDLERS = set(AGGREGATES.values())  # aggregates may not nest
_UNIT_MODIFIERS = {
    "second": (1, "seconds"),
    "minute": (1, "minutes"),
    "hour": (1, "hours"),
    "day": (1, "days"),
    "week": (7, "days"),
    "month": (1, "months"),
    "quarter": (3, "months"),
    "year": (1, "years"),
}


class ExprCompiler(FieldResolver):
    """HogQL expressions → :class:`Expr`; the compiler provides ``values``, ``env``, ``select``."""

    values: dict[str, Any]
    env: Env
    select: Callable[[ast.Select], tuple[str, list[str], list[str]]]

    def constant(self, node: ast.Node) -> Any:
        if isinstance(node, ast.Const):
            return node.value
        if isinstance(node, ast.Placeholder):
            return self.placeholder(node.name)
        return NO_VALUE

    def placeholder(self, name: str) -> Any:
        if name not in self.values:
            raise HogQLError(
                f"Placeholder {{{name}}} has no value: pass it in the query's values, "
                f'e.g. "values": {{"{name}": ...}}.'
            )
        return self.values[name]

    def order(self, item: ast.Order, scope: Scope) -> str:
        expr = self.expr(item.expr, scope)
        return f"{expr.sql} {'DESC' if item.desc else 'ASC'} NULLS LAST"

    def expr(self, node: ast.Node, scope: Scope) -> Expr:
        if isinstance(node, ast.Const | ast.Placeholder):
            return self.literal(self.constant(node))
        if isinstance(node, ast.Field):
            return self.field(node.chain, scope)
        if isinstance(node, ast.Alias):
            expr = self.expr(node.expr, scope)
            scope.aliases[node.name] = expr
            return expr
        if isinstance(node, ast.Call):
            return self.call(node, scope)
        if isinstance(node, ast.BinOp):
            return self.binop(node, scope)
        if isinstance(node, ast.Unary):
            inner = self.expr(node.expr, scope)
            if node.op == "not":
                return Expr(f"(NOT {inner.sql})", "Bool", agg=inner.agg)
            return Expr(f"(-{numeric(inner)})", inner.type, agg=inner.agg)
        if isinstance(node, ast.IsNull):
            inner = self.expr(node.expr, scope)
            return Expr(
                f"({inner.sql} IS {'NOT ' if node.negated else ''}NULL)", "Bool", agg=inner.agg
            )
        if isinstance(node, ast.InOp):
            return self.in_op(node, scope)
        if isinstance(node, ast.Between):
            low = ast.BinOp(">=", node.expr, node.low)
            return self.binop(ast.BinOp("and", low, ast.BinOp("<=", node.expr, node.high)), scope)
        if isinstance(node, ast.Interval):
            raise HogQLError("An INTERVAL must be added to or subtracted from a date.")
        if isinstance(node, ast.Select):
            raise HogQLError("Subqueries are supported in FROM and IN (...) only.")
        raise HogQLError(f"Unsupported expression {to_hogql(node)!r}.")

    def literal(self, value: Any) -> Expr:
        if value is None:
            return Expr("NULL", "Nullable(Nothing)", value=None)
        if isinstance(value, bool):
            return Expr("1" if value else "0", "Bool", value=value)
        if isinstance(value, int):
            return Expr(str(value), "Int64" if value < 0 else "UInt64", value=value)
        if isinstance(value, float):
            return Expr(repr(value), "Float64", value=value)
        if isinstance(value, str):
            return Expr(self.bind(value), "String", value=value)
        raise HogQLError(f"Unsupported value {value!r}: use text, numbers, booleans or null.")

    def call(self, node: ast.Call, scope: Scope) -> Expr:
        handler = FUNCTIONS.get(node.name) or _FUNC_BY_LOWER.get(node.name.lower())
        if node.name in ("tuple", "array"):
            raise HogQLError("Tuples and arrays are supported only as IN (...) lists.")
        if handler is None:
            raise HogQLError(
                f"Unsupported function {node.name!r} in the demo's HogQL. Supported: "
                f"{', '.join(sorted(FUNCTIONS))}."
            )
        args = [
            Expr("*", "UInt64") if isinstance(a, ast.Star) else self.expr(a, scope)
            for a in node.args
        ]
        if any(a.agg for a in args) and node.over is None and handler in _AGG_HANDLERS:
            raise HogQLError(f"Aggregate function {to_hogql(node)!r} is inside another aggregate.")
        try:
            out = handler(self.env, args, node.distinct)
        except FunctionError as err:
            raise HogQLError(str(err)) from None
        if node.over is not None:
            partition, order = node.over
            window = []
            if partition:
                window.append(
                    "PARTITION BY " + ", ".join(self.expr(p, scope).sql for p in partition)
                )
            if order:
                window.append("ORDER BY " + ", ".join(self.order(o, scope) for o in order))
            out = Expr(f"{out.sql} OVER ({' '.join(window)})", out.type)
        return out

    def binop(self, node: ast.BinOp, scope: Scope) -> Expr:
        if node.op in ("+", "-") and isinstance(node.right, ast.Interval):
            return self.shift(node, scope)
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)
        agg = left.agg or right.agg
        if node.op in ("and", "or"):
            return Expr(f"({left.sql} {node.op.upper()} {right.sql})", "Bool", agg=agg)
        if node.op in ("=", "!=", "<", "<=", ">", ">="):
            left, right = self.coerce(left, right), self.coerce(right, left)
            op = "IS NOT" if node.op == "!=" and "NULL" in (left.sql, right.sql) else node.op
            op = "IS" if node.op == "=" and "NULL" in (left.sql, right.sql) else op
            return Expr(f"({left.sql} {op} {right.sql})", "Bool", agg=agg)
        if node.op.endswith("like"):
            negated = node.op.startswith("not")
            lhs, rhs = left.sql, right.sql
            if node.op.endswith("ilike"):
                lhs, rhs = f"lower({lhs})", f"lower({rhs})"
            return Expr(
                f"({lhs} {'NOT ' if negated else ''}LIKE {rhs} ESCAPE '\\')", "Bool", agg=agg
            )
        if node.op == "||":
            return Expr(f"({left.sql} || {right.sql})", "String", agg=agg)
        result = "Float64" if node.op == "/" else _arith_type(left.type, right.type)
        lhs = f"CAST({numeric(left)} AS REAL)" if node.op == "/" else numeric(left)
        return Expr(f"({lhs} {node.op} {numeric(right)})", result, agg=agg)

    def coerce(self, side: Expr, other: Expr) -> Expr:
        """Make *side* comparable with *other*, as ClickHouse converts on comparison."""
        kind, other_kind = base_type(side.type), base_type(other.type)
        if isinstance(side.value, str) and other_kind.startswith("DateTime"):
            return Expr(self.bind(iso_utc(side.value, self.env.timezone)), other.type, side.value)
        if kind == "String" and side.value is NO_VALUE and is_number(other.type):
            return Expr(numeric(side), "Float64", agg=side.agg)
        return side

    def shift(self, node: ast.BinOp, scope: Scope) -> Expr:
        base = self.expr(node.left, scope)
        interval = node.right
        assert isinstance(interval, ast.Interval)
        amount = self.constant(interval.amount)
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise HogQLError(f"The INTERVAL amount must be a whole number: {to_hogql(interval)}.")
        factor, unit = _UNIT_MODIFIERS[interval.unit]
        modifier = f"{'-' if node.op == '-' else '+'}{amount * factor} {unit}"
        if base_type(base.type) == "Date":
            return Expr(f"date({base.sql}, '{modifier}')", "Date", agg=base.agg)
        text = f"strftime('%Y-%m-%dT%H:%M:%f', {base.sql}, '{modifier}') || '000Z'"
        return Expr(text, DT, agg=base.agg)

    def in_op(self, node: ast.InOp, scope: Scope) -> Expr:
        left = self.expr(node.expr, scope)
        word = "NOT IN" if node.negated else "IN"
        if isinstance(node.items, ast.Select):
            sql, names, _ = self.select(node.items)
            if len(names) != 1:
                raise HogQLError("A subquery in IN (...) must select exactly one column.")
            return Expr(f"({left.sql} {word} ({sql}))", "Bool", agg=left.agg)
        values: list[Expr] = []
        for item in node.items:
            value = self.constant(item)
            if isinstance(value, list | tuple):
                values.extend(self.coerce(self.literal(v), left) for v in value)
            else:
                values.append(self.coerce(self.expr(item, scope), left))
        if not values:
            return Expr("0" if not node.negated else "1", "Bool")
        if not is_number(left.type) and any(is_number(v.type) for v in values):
            left = Expr(numeric(left), "Float64", agg=left.agg)
        return Expr(
            f"({left.sql} {word} ({', '.join(v.sql for v in values)}))", "Bool", agg=left.agg
        )


def _arith_type(left: str, right: str) -> str:
    a, b = base_type(left), base_type(right)
    if a.startswith(("Int", "UInt")) and b.startswith(("Int", "UInt")):
        return "Int64"
    return "Float64"
