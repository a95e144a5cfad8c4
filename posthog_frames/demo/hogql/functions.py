"""HogQL functions of the demo's subset, each as SQLite SQL plus the ClickHouse type it returns.

Every handler takes the compiled arguments (:class:`Expr`: SQL text, ClickHouse type and, for
constants, the Python value) and answers an :class:`Expr`. Date functions work on the stored
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` text, shifted to the project's time zone by the ``hq_local``
SQLite function when the zone is not UTC.

Example:
    >>> FUNCTIONS["lower"](Env("UTC"), [Expr("x", "String")], False).sql
    'lower(x)'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AGGREGATES", "FUNCTIONS", "NO_VALUE", "Env", "Expr", "FunctionError", "base_type"]

NO_VALUE = object()


class FunctionError(ValueError):
    """A function the subset lacks, or called with the wrong arguments."""


@dataclass
class Expr:
    """Compiled SQL with its ClickHouse type; ``value`` holds a constant's Python value."""

    sql: str
    type: str
    value: Any = NO_VALUE
    agg: bool = False  # contains an aggregate (outside a window)


@dataclass
class Env:
    """What functions need from the compiler: the zone and a way to bind a constant."""

    timezone: str
    bind: Callable[[Any], str] = field(default=lambda value: repr(value))
    now: str = ""


def base_type(ch_type: str) -> str:
    """``Nullable(String)`` → ``String``; ``DateTime64(6, 'UTC')`` → ``DateTime64``."""
    while ch_type.startswith(("Nullable(", "LowCardinality(")):
        ch_type = ch_type[ch_type.index("(") + 1 : -1]
    return ch_type.split("(", 1)[0]


def is_number(ch_type: str) -> bool:
    return base_type(ch_type).startswith(("Int", "UInt", "Float", "Decimal"))


def is_int(ch_type: str) -> bool:
    return base_type(ch_type).startswith(("Int", "UInt"))


def numeric(arg: Expr) -> str:
    """SQL for *arg* as a number: JSON properties are text, ClickHouse would convert them."""
    if is_number(arg.type) or base_type(arg.type) == "Bool":
        return arg.sql
    return f"hq_float({arg.sql})"  # toFloat64OrNull: text that is no number becomes NULL


def _local(env: Env, arg: Expr) -> str:
    return arg.sql if env.timezone == "UTC" else f"hq_local({arg.sql}, {env.bind(env.timezone)})"


def _zone(env: Env) -> str:
    return "Z" if env.timezone == "UTC" else ""


def _arity(name: str, args: list[Expr], low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        want = str(low) if low == high else f"{low} to {high}"
        raise FunctionError(f"Function '{name}' expects {want} arguments, got {len(args)}.")


def _agg(name: str, build: Callable[[list[Expr], bool], Expr], low: int = 1) -> Callable:
    def handler(env: Env, args: list[Expr], distinct: bool) -> Expr:
        _arity(name, args, low, max(low, 1))
        out = build(args, distinct)
        out.agg = True
        return out

    return handler


def _count(args: list[Expr], distinct: bool) -> Expr:
    if not args or args[0].sql == "*":
        return Expr("count(*)", "UInt64")
    return Expr(f"count({'DISTINCT ' if distinct else ''}{args[0].sql})", "UInt64")


def _sum(args: list[Expr], distinct: bool) -> Expr:
    arg = args[0]
    inner = f"{'DISTINCT ' if distinct else ''}{numeric(arg)}"
    if is_int(arg.type) or base_type(arg.type) == "Bool":
        return Expr(f"coalesce(sum({inner}), 0)", "Int64")
    return Expr(f"total({inner})", "Float64")  # ClickHouse's sum of nothing is 0, not NULL


def _same_type(fn: str) -> Callable[[list[Expr], bool], Expr]:
    return lambda args, distinct: Expr(f"{fn}({args[0].sql})", args[0].type)


def _group_array(args: list[Expr], distinct: bool) -> Expr:
    inner = base_type(args[0].type) if args[0].type.startswith("Nullable") else args[0].type
    return Expr(
        f"json_group_array({'DISTINCT ' if distinct else ''}{args[0].sql})", f"Array({inner})"
    )


AGGREGATES: dict[str, Callable] = {
    "count": _agg("count", _count, 0),
    "uniq": _agg("uniq", lambda a, d: _count(a, True)),
    "uniqExact": _agg("uniqExact", lambda a, d: _count(a, True)),
    "sum": _agg("sum", _sum),
    "avg": _agg("avg", lambda a, d: Expr(f"avg({numeric(a[0])})", "Float64")),
    "min": _agg("min", _same_type("min")),
    "max": _agg("max", _same_type("max")),
    "any": _agg("any", _same_type("min")),  # any value of the group: min is one of them
    "groupArray": _agg("groupArray", _group_array),
}


def _simple(name: str, template: str, result: str | None, low: int, high: int | None = None):
    """A scalar function from a template; ``result=None`` keeps the first argument's type."""

    def handler(env: Env, args: list[Expr], distinct: bool) -> Expr:
        _arity(name, args, low, high)
        sql = template.format(*[a.sql for a in args], n=[numeric(a) for a in args])
        return Expr(sql, result or args[0].type, agg=any(a.agg for a in args))

    return handler


# name: (SQL over the local time text {x}, result type; None: DateTime in the project's zone)
_DATE_FUNCTIONS = {
    "toDate": ("substr({x}, 1, 10)", "Date"),
    "toStartOfDay": ("substr({x}, 1, 10) || 'T00:00:00{z}'", None),
    "toStartOfHour": ("substr({x}, 1, 13) || ':00:00{z}'", None),
    # mode 0: weeks start on Sunday, PostHog's default
    "toStartOfWeek": ("date(substr({x}, 1, 10), '-6 days', 'weekday 0')", "Date"),
    "toStartOfMonth": ("substr({x}, 1, 7) || '-01'", "Date"),
    "toHour": ("CAST(substr({x}, 12, 2) AS INTEGER)", "UInt8"),
    # ISO numbering: Monday 1 … Sunday 7
    "toDayOfWeek": ("((CAST(strftime('%w', substr({x}, 1, 10)) AS INTEGER) + 6) % 7 + 1)", "UInt8"),
    "toYear": ("CAST(substr({x}, 1, 4) AS INTEGER)", "UInt16"),
    "toMonth": ("CAST(substr({x}, 6, 2) AS INTEGER)", "UInt8"),
}


def _date_fn(name: str) -> Callable:
    template, result = _DATE_FUNCTIONS[name]

    def handler(env: Env, args: list[Expr], distinct: bool) -> Expr:
        _arity(name, args, 1, 2)  # a second argument (mode or zone) is accepted and ignored
        sql = template.format(x=_local(env, args[0]), z=_zone(env))
        return Expr(sql, result or f"DateTime('{env.timezone}')", agg=args[0].agg)

    return handler


def _concat(env: Env, args: list[Expr], distinct: bool) -> Expr:
    _arity("concat", args, 1, 99)
    parts = " || ".join(f"coalesce(CAST({a.sql} AS TEXT), '')" for a in args)
    return Expr(f"({parts})", "String", agg=any(a.agg for a in args))


def _if(env: Env, args: list[Expr], distinct: bool) -> Expr:
    _arity("if", args, 3)
    sql = f"(CASE WHEN {args[0].sql} THEN {args[1].sql} ELSE {args[2].sql} END)"
    return Expr(sql, args[1].type, agg=any(a.agg for a in args))


def _coalesce(env: Env, args: list[Expr], distinct: bool) -> Expr:
    _arity("coalesce", args, 1, 99)
    return Expr(f"coalesce({', '.join(a.sql for a in args)})", base_type(args[-1].type))


def _round(env: Env, args: list[Expr], distinct: bool) -> Expr:
    _arity("round", args, 1, 2)
    digits = f", {args[1].sql}" if len(args) == 2 else ""
    return Expr(f"round({numeric(args[0])}{digits})", "Float64", agg=args[0].agg)


def _now(env: Env, args: list[Expr], distinct: bool) -> Expr:
    _arity("now", args, 0)
    return Expr(env.bind(env.now), "DateTime64(6, 'UTC')", value=env.now)


def _today(env: Env, args: list[Expr], distinct: bool) -> Expr:
    _arity("today", args, 0)
    return Expr(env.bind(env.now[:10]), "Date", value=env.now[:10])


def _to_datetime(env: Env, args: list[Expr], distinct: bool) -> Expr:
    _arity("toDateTime", args, 1, 2)
    return Expr(f"hq_datetime({args[0].sql})", "DateTime64(6, 'UTC')", agg=args[0].agg)


FUNCTIONS: dict[str, Callable] = {
    **AGGREGATES,
    **{name: _date_fn(name) for name in _DATE_FUNCTIONS},
    "toDateTime": _to_datetime,
    "now": _now,
    "today": _today,
    "toString": _simple("toString", "CAST({0} AS TEXT)", "String", 1),
    "toInt": _simple("toInt", "CAST({n[0]} AS INTEGER)", "Int64", 1),
    "toInt64": _simple("toInt64", "CAST({n[0]} AS INTEGER)", "Int64", 1),
    "toFloat": _simple("toFloat", "{n[0]}", "Nullable(Float64)", 1),
    "toFloat64": _simple("toFloat64", "{n[0]}", "Nullable(Float64)", 1),
    "match": _simple("match", "hq_match({0}, {1})", "Bool", 2),
    "lower": _simple("lower", "lower({0})", None, 1),
    "upper": _simple("upper", "upper({0})", None, 1),
    "length": _simple("length", "length({0})", "UInt64", 1),
    "abs": _simple("abs", "abs({n[0]})", None, 1),
    "isNull": _simple("isNull", "({0} IS NULL)", "Bool", 1),
    "isNotNull": _simple("isNotNull", "({0} IS NOT NULL)", "Bool", 1),
    "ifNull": _simple("ifNull", "coalesce({0}, {1})", None, 2),
    "concat": _concat,
    "if": _if,
    "coalesce": _coalesce,
    "round": _round,
}
