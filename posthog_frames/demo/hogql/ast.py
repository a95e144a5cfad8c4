"""The syntax tree of the demo's HogQL subset, and a printer back to HogQL text.

PostHog names an unaliased column by its printed HogQL (``count()``, ``properties.$browser``),
and answers the whole query printed in ``hogql``; :func:`to_hogql` does both.

Example:
    >>> to_hogql(Call("count", [], distinct=False))
    'count()'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Alias",
    "Between",
    "BinOp",
    "Call",
    "Const",
    "Field",
    "FromItem",
    "HogQLSyntaxError",
    "InOp",
    "Interval",
    "IsNull",
    "Node",
    "Order",
    "Placeholder",
    "Select",
    "Star",
    "Unary",
    "to_hogql",
]


class HogQLSyntaxError(ValueError):
    """The text is not in the demo's HogQL subset (the message says where and why)."""


@dataclass
class Node:
    """Base of every expression node."""


@dataclass
class Const(Node):
    value: Any


@dataclass
class Placeholder(Node):
    name: str


@dataclass
class Field(Node):
    chain: tuple[str, ...]


@dataclass
class Star(Node):
    pass


@dataclass
class Call(Node):
    name: str
    args: list[Node]
    distinct: bool = False
    over: tuple[list[Node], list[Order]] | None = None


@dataclass
class BinOp(Node):
    op: str  # and, or, =, !=, <, <=, >, >=, like, ilike, not like, not ilike, +, -, *, /, %, ||
    left: Node
    right: Node


@dataclass
class Unary(Node):
    op: str  # not, -
    expr: Node


@dataclass
class InOp(Node):
    expr: Node
    items: list[Node] | Select
    negated: bool = False


@dataclass
class IsNull(Node):
    expr: Node
    negated: bool = False


@dataclass
class Between(Node):
    expr: Node
    low: Node
    high: Node


@dataclass
class Interval(Node):
    amount: Node
    unit: str


@dataclass
class Alias(Node):
    expr: Node
    name: str


@dataclass
class Order:
    expr: Node
    desc: bool = False


@dataclass
class FromItem:
    table: str | Select  # a table name, "numbers", or a subquery
    alias: str | None = None
    args: list[Node] = field(default_factory=list)  # numbers(N)


@dataclass
class Select(Node):
    items: list[Node]
    source: FromItem | None = None
    where: Node | None = None
    group_by: list[Node] = field(default_factory=list)
    having: Node | None = None
    order_by: list[Order] = field(default_factory=list)
    limit: Node | None = None
    offset: Node | None = None
    distinct: bool = False


def _quote(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value)


def to_hogql(node: Any) -> str:
    """Print *node* as HogQL text (PostHog names unaliased columns this way).

    Example:
        >>> from posthog_frames.demo.hogql.parser import parse
        >>> to_hogql(parse("select count(distinct person_id)").items[0])
        'count(DISTINCT person_id)'
    """
    if isinstance(node, Const):
        return _quote(node.value)
    if isinstance(node, Placeholder):
        return "{" + node.name + "}"
    if isinstance(node, Field):
        return ".".join(node.chain)
    if isinstance(node, Star):
        return "*"
    if isinstance(node, Alias):
        return f"{to_hogql(node.expr)} AS {node.name}"
    if isinstance(node, Call):
        return _print_call(node)
    if isinstance(node, BinOp):
        op = node.op.upper() if node.op[0].isalpha() else node.op
        return f"{_wrap(node.left)} {op} {_wrap(node.right)}"
    if isinstance(node, Unary):
        return f"NOT {_wrap(node.expr)}" if node.op == "not" else f"-{_wrap(node.expr)}"
    if isinstance(node, InOp):
        items = (
            f"({to_hogql(node.items)})"
            if isinstance(node.items, Select)
            else "(" + ", ".join(map(to_hogql, node.items)) + ")"
        )
        return f"{_wrap(node.expr)} {'NOT IN' if node.negated else 'IN'} {items}"
    if isinstance(node, IsNull):
        return f"{_wrap(node.expr)} IS {'NOT ' if node.negated else ''}NULL"
    if isinstance(node, Between):
        return f"{_wrap(node.expr)} BETWEEN {_wrap(node.low)} AND {_wrap(node.high)}"
    if isinstance(node, Interval):
        return f"INTERVAL {to_hogql(node.amount)} {node.unit.upper()}"
    if isinstance(node, Select):
        return _print_select(node)
    raise TypeError(f"cannot print {node!r}")


def _wrap(node: Node) -> str:
    text = to_hogql(node)
    return f"({text})" if isinstance(node, BinOp | Between | InOp) else text


def _order(items: list[Order]) -> str:
    return ", ".join(f"{to_hogql(o.expr)}{' DESC' if o.desc else ' ASC'}" for o in items)


def _print_call(node: Call) -> str:
    if node.name == "tuple":
        return "(" + ", ".join(map(to_hogql, node.args)) + ")"
    if node.name == "array":
        return "[" + ", ".join(map(to_hogql, node.args)) + "]"
    text = (
        f"{node.name}({'DISTINCT ' if node.distinct else ''}{', '.join(map(to_hogql, node.args))})"
    )
    if node.over is not None:
        partition, order = node.over
        parts = []
        if partition:
            parts.append("PARTITION BY " + ", ".join(map(to_hogql, partition)))
        if order:
            parts.append("ORDER BY " + _order(order))
        text += f" OVER ({' '.join(parts)})"
    return text


def _print_select(node: Select) -> str:
    parts = [
        "SELECT " + ("DISTINCT " if node.distinct else "") + ", ".join(map(to_hogql, node.items))
    ]
    if node.source is not None:
        src = node.source
        table = f"({to_hogql(src.table)})" if isinstance(src.table, Select) else src.table
        if src.args:
            table += "(" + ", ".join(map(to_hogql, src.args)) + ")"
        parts.append(f"FROM {table}" + (f" AS {src.alias}" if src.alias else ""))
    if node.where is not None:
        parts.append("WHERE " + to_hogql(node.where))
    if node.group_by:
        parts.append("GROUP BY " + ", ".join(map(to_hogql, node.group_by)))
    if node.having is not None:
        parts.append("HAVING " + to_hogql(node.having))
    if node.order_by:
        parts.append("ORDER BY " + _order(node.order_by))
    if node.limit is not None:
        parts.append("LIMIT " + to_hogql(node.limit))
    if node.offset is not None:
        parts.append("OFFSET " + to_hogql(node.offset))
    return " ".join(parts)
